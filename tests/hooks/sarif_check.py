#!/usr/bin/env python3
"""sarif_check.py SCHEMA SARIF...: check SARIF files for code scanning.

Each file is validated against the SARIF 2.1.0 JSON schema SCHEMA (the copy
that Microsoft's SARIF multitool ships in its npm package, installed by
tests/deps.sh), then against the rules GitHub documents for uploads
("SARIF support for code scanning" and its limits page): one problem a
line, then "sarif: N errors" (0 when the file is fine). Exit 1 on any.
"""
import json
import re
import sys

import jsonschema

LEVELS = {'none', 'note', 'warning', 'error'}
PROBLEM_SEVERITIES = {'error', 'warning', 'recommendation'}
PRECISIONS = {'very-high', 'high', 'medium', 'low'}
# GitHub's hard limits: a file above any of them is rejected whole
MAX_RUNS, MAX_RESULTS, MAX_RULES, MAX_EXTENSIONS = 20, 25000, 25000, 100
MAX_LOCATIONS, MAX_TAGS = 1000, 20
# a relative reference: RFC 3986 path characters and %XX escapes only
URI_PATH = re.compile(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})+$")
SEVERITY = re.compile(r'^(?:10(?:\.0+)?|\d(?:\.\d+)?)$')


def text_of(obj, key):
    v = obj.get(key)
    return v.get('text') if isinstance(v, dict) else None


def check_rule(rule, where, err):
    if not rule.get('id'):
        err(where, 'a rule without id')
    for key in ('shortDescription', 'fullDescription', 'help'):
        if not text_of(rule, key):
            err(where, f'{key}.text missing')
    props = rule.get('properties', {})
    tags = props.get('tags', [])
    if len(tags) > MAX_TAGS or not all(isinstance(t, str) for t in tags):
        err(where, f'tags: {tags!r}')
    sev = props.get('security-severity')
    if sev is not None and (not isinstance(sev, str) or
                            not SEVERITY.match(sev)):
        err(where, f'security-severity {sev!r} is not a string 0.0-10.0')
    if props.get('problem.severity', 'error') not in PROBLEM_SEVERITIES:
        err(where, 'problem.severity ' + repr(props['problem.severity']))
    if props.get('precision', 'high') not in PRECISIONS:
        err(where, 'precision ' + repr(props['precision']))
    level = rule.get('defaultConfiguration', {}).get('level', 'warning')
    if level not in LEVELS:
        err(where, 'defaultConfiguration.level ' + repr(level))


def check_location(loc, where, bases, err):
    phys = loc.get('physicalLocation')
    if not phys:
        err(where, 'no physicalLocation')
        return
    art = phys.get('artifactLocation', {})
    uri = art.get('uri', '')
    if not uri or ':' in uri.split('/')[0] or uri.startswith('/'):
        err(where, f'uri {uri!r} is not relative')
    elif not URI_PATH.match(uri) or '//' in uri or \
            re.search(r'(^|/)\.\.?(/|$)', uri):
        err(where, f'uri {uri!r} is not a clean relative URI')
    base = art.get('uriBaseId')
    if base is not None and base not in bases:
        err(where, f'uriBaseId {base!r} is not in originalUriBaseIds')
    region = phys.get('region')
    if region is None or not isinstance(region.get('startLine'), int) or \
            region['startLine'] < 1:
        err(where, 'region.startLine missing or below 1')
    elif region.get('startColumn', 1) < 1:
        err(where, 'region.startColumn below 1')


def check_result(res, where, rules, bases, err):
    rid = res.get('ruleId')
    if not rid:
        err(where, 'no ruleId')
    elif rid not in rules:
        err(where, f'ruleId {rid!r} has no rule in tool.driver.rules')
    idx = res.get('ruleIndex')
    if idx is not None and (idx >= len(rules) or
                            list(rules)[idx] != rid):
        err(where, f'ruleIndex {idx} does not name {rid!r}')
    if not text_of(res, 'message'):
        err(where, 'message.text missing')
    if res.get('level', 'warning') not in LEVELS:
        err(where, 'level ' + repr(res['level']))
    locs = res.get('locations', [])
    if not 1 <= len(locs) <= MAX_LOCATIONS:
        err(where, f'{len(locs)} locations')
    for i, loc in enumerate(locs):
        check_location(loc, f'{where}.locations[{i}]', bases, err)
    # without them code scanning matches results by line and may show
    # the same finding twice after an edit
    fps = res.get('partialFingerprints')
    if not fps or not all(isinstance(v, str) and v for v in fps.values()):
        err(where, 'no partialFingerprints')


def check_run(run, where, err):
    driver = run.get('tool', {}).get('driver', {})
    if not driver.get('name'):
        err(where, 'tool.driver.name missing')
    if len(run.get('tool', {}).get('extensions', [])) > MAX_EXTENSIONS:
        err(where, 'too many tool extensions')
    rules = {}
    for i, rule in enumerate(driver.get('rules', [])):
        check_rule(rule, f'{where}.tool.driver.rules[{i}]', err)
        if rule.get('id') in rules:
            err(where, f'rule {rule.get("id")!r} twice')
        rules[rule.get('id')] = rule
    if len(rules) > MAX_RULES:
        err(where, f'{len(rules)} rules')
    bases = run.get('originalUriBaseIds', {})
    for name, base in bases.items():
        if not base.get('uri', '').endswith('/'):
            err(where, f'originalUriBaseIds {name}: no final /')
    results = run.get('results')
    if results is None:
        err(where, 'no results array')
        results = []
    if len(results) > MAX_RESULTS:
        err(where, f'{len(results)} results')
    for i, res in enumerate(results):
        check_result(res, f'{where}.results[{i}]', rules, bases, err)


def check(schema, path):
    errors = []

    def err(where, what):
        errors.append(f'{path}: {where}: {what}')

    log = json.load(open(path, encoding='utf-8'))
    cls = jsonschema.validators.validator_for(schema)
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    for e in validator.iter_errors(log):
        err('schema ' + '/'.join(str(p) for p in e.absolute_path),
            e.message[:200])
    if log.get('version') != '2.1.0':
        err('version', repr(log.get('version')))
    runs = log.get('runs') or []
    if not 1 <= len(runs) <= MAX_RUNS:
        err('runs', f'{len(runs)} runs')
    for i, run in enumerate(runs):
        check_run(run, f'runs[{i}]', err)
    return errors


def main():
    schema = json.load(open(sys.argv[1], encoding='utf-8'))
    errors = []
    for path in sys.argv[2:]:
        errors += check(schema, path)
    for e in errors:
        print(e)
    print(f'sarif: {len(errors)} errors')
    sys.exit(1 if errors else 0)


if __name__ == '__main__':
    main()
