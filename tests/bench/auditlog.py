#!/usr/bin/env python3
"""auditlog.py LOG N: a year of one repository's audit log, N records.

For the report benchmark (`audit report --html`, issue 18): records shaped
as common/audit.c writes them, spread over 365 days, with what the report
computes from: pushes to dev and test, refusals by 12 rules and 40 users,
promotions to prod (approvers, test tag, ticket, rollback plan, first
commit time), rollbacks, break-glass pushes and post-receive's landed
records. The hash chain and the head file are real, so `audit verify`
says intact. A fixed seed: the same bytes every run.
"""
import hashlib
import json
import random
import sys
import time

REPO = '/srv/git/contoso-expenses.git'
RULES = ['approval.missing', 'approval.self', 'tested.untagged',
         'tested.mismatch', 'protect.force-push', 'protect.pusher',
         'protect.delete', 'trailer.missing', 'secret.github-token',
         'secret.azure-storage-account-key', 'window.closed',
         'migration.unapproved']
USERS = [f'maker{i:02d}' for i in range(40)]
APPROVERS = ['approver1', 'approver2', 'lead-ana', 'lead-bo', 'cab-chair']
START = 1767225600          # 2026-01-01T00:00:00Z


def stamp(t):
    return time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(t)) + \
        '.%03dZ' % (int(t * 1000) % 1000)


def oid(rng):
    return '%040x' % rng.getrandbits(160)


def decision(rng, seq, t, push):
    kind = rng.random()
    ref, env = 'refs/heads/dev', 'dev'
    rec = {'seq': seq, 'type': 'decision', 'id': f'{push}.1',
           'time': stamp(t), 'repository': REPO, 'hook': 'pre-receive',
           'pusher': rng.choice(USERS), 'pusher_source': 'REMOTE_USER',
           'transport': 'ssh', 'context': {'SSH_CONNECTION': '1'},
           'ref': ref, 'old': oid(rng), 'new': oid(rng),
           'decision': 'accepted', 'error': None, 'violations': [],
           'approvers': [], 'tested_tag': None, 'rollback_reason': None}
    if kind < 0.15:                     # a refusal
        rec['decision'] = 'rejected'
        rec['violations'] = [
            {'rule': rng.choice(RULES), 'severity': 'error', 'commit': None,
             'path': None, 'line': 0, 'column': 0,
             'message': 'bench violation'}
            for _ in range(rng.randint(1, 3))]
    elif kind < 0.27:                   # a promotion to prod
        ref, env = 'refs/heads/main', 'prod'
        rec['ref'] = ref
        rec['approvers'] = rng.sample(APPROVERS, 2)
        rec['tested_tag'] = f'v1.{seq // 1000}.{seq % 1000}'
        rec['ticket'] = f'CHG-{seq}'
        rec['rollback_plan'] = 'redeploy the previous managed solution'
        rec['first_commit_time'] = int(t) - rng.randint(3600, 14 * 86400)
        if kind < 0.16:                 # a rollback
            rec['rollback_reason'] = 'INC-%d flows fail after import' % seq
        elif kind < 0.165:              # break-glass in a closed window
            rec['decision'] = 'break-glass'
            rec['break_glass_reason'] = 'P1 outage, CAB by phone'
    elif kind < 0.6:
        ref, env = 'refs/heads/test', 'test'
        rec['ref'] = ref
    rec['environment'] = env
    rec.setdefault('break_glass_reason', None)
    rec['policy_sha256'] = 'c425f491e0c25a7289ce04c7ffc8c789'
    rec['version'] = '0.1.0'
    rec['duration_ms'] = rng.randint(3, 400)
    return rec


def main():
    path, n = sys.argv[1], int(sys.argv[2])
    rng = random.Random(42)
    step = 365 * 86400 / n
    prev = None
    with open(path, 'w') as out:
        for seq in range(n + 1):
            t = START + seq * step
            if seq == 0:
                rec = {'seq': 0, 'type': 'seed', 'time': stamp(t),
                       'seed': '%064x' % rng.getrandbits(256),
                       'version': '0.1.0'}
            elif seq % 10 == 0:         # post-receive: what landed
                rec = {'seq': seq, 'type': 'landed', 'id': f'p{seq}.1',
                       'time': stamp(t), 'repository': REPO,
                       'hook': 'post-receive', 'pusher': rng.choice(USERS),
                       'ref': 'refs/heads/dev', 'decision': 'landed'}
            else:
                rec = decision(rng, seq, t, '%012x' % rng.getrandbits(48))
            rec['prev'] = prev
            line = json.dumps(rec, separators=(',', ':'))
            out.write(line + '\n')
            prev = hashlib.sha256(line.encode()).hexdigest()
    with open(path + '.head', 'w') as head:
        head.write('{"seq":%d,"hash":"%s"}\n' % (n, prev))


if __name__ == '__main__':
    main()
