#!/usr/bin/env python3
"""datagen.py -- the data-gates workload (issue 17) as a git fast-import
stream: a base commit with 50 Power Platform tables (Entity.xml), CMT
data.xml files and CSV extracts (synthetic data only), then a merge with
the large generated history, then COMMITS commits that add columns and
records (one removes a column, covered by migrations/BENCH.yaml).

    datagen.py BRANCH LARGE_TIP COMMITS | git fast-import
"""
import sys

branch, large, commits = sys.argv[1], sys.argv[2], int(sys.argv[3])
out = sys.stdout.buffer
mark = [0]


def blob(data):
    mark[0] += 1
    b = data.encode()
    out.write(b"blob\nmark :%d\ndata %d\n" % (mark[0], len(b)) + b + b"\n")
    return mark[0]


def entity(n, cols):
    attrs = "".join(
        '<attribute PhysicalName="c%d"><Type>nvarchar</Type><RequiredLevel>none'
        '</RequiredLevel><MaxLength>100</MaxLength><Length>200</Length>'
        '<IsCustomField>1</IsCustomField></attribute>\n' % c for c in cols)
    return ('<?xml version="1.0" encoding="utf-8"?>\n<Entity><Name>t%d</Name>'
            '<EntityInfo><entity Name="t%d"><attributes>\n%s</attributes>'
            '</entity></EntityInfo></Entity>\n' % (n, n, attrs))


def data_xml(n, rows):
    recs = "".join(
        '<record id="%08d-0000-4000-8000-%012d"><field name="emailaddress1" '
        'value="user%d@example.com" /><field name="card" value="4111 1111 1111 '
        '1111" /><field name="amount" value="%d.50" /><field name="note" '
        'value="synthetic record %d of table t%d" /></record>\n'
        % (r, r, r, r * 7, r, n) for r in rows)
    return ('<?xml version="1.0" encoding="utf-8"?>\n<entities><entity '
            'name="t%d"><records>\n%s</records></entity></entities>\n' % (n, recs))


def csv(n, rows):
    return "id,email,phone\n" + "".join(
        "%d,person%d@contoso.test,+1 415 555 01%02d\n" % (r, r, r % 100)
        for r in rows)


def commit(msg, parent, files, merge=None, t=[1800000000]):
    t[0] += 60
    m = msg.encode()
    out.write(b"commit %s\ncommitter Maker <maker@example.com> %d +0000\n"
              b"data %d\n" % (branch.encode(), t[0], len(m)) + m + b"\n")
    if parent:
        out.write(b"from %s\n" % parent.encode())
    if merge:
        out.write(b"merge %s\n" % merge.encode())
    for path, mk in files.items():
        out.write(b"M 100644 :%d %s\n" % (mk, path.encode()))
    out.write(b"\n")


cols = {n: list(range(10)) for n in range(50)}
rows = {n: list(range(100)) for n in range(50)}
files = {}
for n in range(50):
    files["solutions/App%d/Entities/t%d/Entity.xml" % (n, n)] = blob(entity(n, cols[n]))
    files["solutions/App%d/ReferenceData/data.xml" % n] = blob(data_xml(n, rows[n]))
    files["data/App%d.csv" % n] = blob(csv(n, rows[n]))
commit("Base: tables and reference data", None, files)
out.write(b"reset refs/heads/base\nfrom %s\n\n" % branch.encode())
# the large history joins in; the union of both trees
commit("Merge the large history", large, files, merge="refs/heads/base")
plan = blob("changes:\n  - { table: t0, column: c0, change: removed }\n"
            "backup: export t0.c0\nup: [drop c0]\ndown: [re-add c0, "
            "restore from the export]\nvalidation: row counts match\n")
for i in range(commits):
    n = i % 50
    cols[n].append(10 + i)
    rows[n].extend(range(1000 + i * 10, 1010 + i * 10))
    if i == commits // 2:
        cols[0].remove(0)
        entity0 = blob(entity(0, cols[0]))
        files["solutions/App0/Entities/t0/Entity.xml"] = entity0
    ch = {"solutions/App%d/Entities/t%d/Entity.xml" % (n, n): blob(entity(n, cols[n])),
          "solutions/App%d/ReferenceData/data.xml" % n: blob(data_xml(n, rows[n])),
          "data/App%d.csv" % n: blob(csv(n, rows[n]))}
    if i == commits - 1:
        ch["migrations/BENCH.yaml"] = plan
    msg = "Export %d" % i
    if i == commits - 1:
        msg += "\n\nMigration: migrations/BENCH.yaml"
    commit(msg, None, ch)
