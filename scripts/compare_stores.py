#!/usr/bin/env python3
"""Compare two sitrep store directories: the same articles, links, events, claims, entities,
stories and search results?

Used to check that a restructuring changed no stored byte: ingest the same input with the old
and the new binary into two fresh stores, then

    scripts/compare_stores.py STORE_A STORE_B \
        [--bin-a OLD/sitrep --bin-b NEW/sitrep] [--queries 'korea' 'type:AID' ...]

Tables are compared row by row in a fixed order (volatile columns such as `ingested_at` and
autoincrement ids are left out; participants are keyed by their event's article and index).
With --bin-a/--bin-b, each store is searched by its own binary (`sitrep search --json`, grouped
and --flat) and the answers compared. Exit 0 when everything agrees, 1 with the first
differences per table otherwise. Standard library only.
"""

import argparse
import hashlib
import json
import os
import sqlite3
import subprocess
import sys

# table -> (select list, order by). Leaves out what differs between two runs by design:
# ingested_at (wall clock), rowids of autoincrement tables.
TABLES = {
    "articles": (
        "id, source, url, path, published, title, lang, text, raw, record, n_entities, "
        "duplicate_of, story, hex(link)",
        "id",
    ),
    "entities": (
        'article_id, start, "end", kind, code, name, text, role, country, lat, lon, via, key',
        'article_id, start, "end", kind, key',
    ),
    "stories": (
        "id, headline, first, last, articles, copies, sources, latest_published",
        "id",
    ),
    "decisions": ("after_seq, decision", "id"),
    "events": (
        "article_id, idx, type, cameo, status, date, published, first, last, actors, "
        "recipients, place, trigger_text, sentence_start, sentence_end, event",
        "article_id, idx",
    ),
    "event_participants": (
        "e.article_id, e.idx, p.role, p.code, p.country",
        "e.article_id, e.idx, p.role, p.code, p.country",
    ),
    "claims": (
        "article_id, idx, status, speaker, speaker_code, speaker_country, cue, text, date, "
        "published, first, last, sentence_start, sentence_end, claim",
        "article_id, idx",
    ),
}

DEFAULT_QUERIES = [
    "korea",
    '"north korean troops"',
    "sanctions AND russia",
    "type:AID",
    "actor:PRK",
    "published:2024-10",
    "ukraine NOT russia",
    "missile NEAR/1s launch",
    "electon~1",
    "presiden*",
    "entity:USA status:denied",
    "source:cnn storm",
]


def rows(db, table):
    cols, order = TABLES[table]
    if table == "event_participants":
        sql = (
            f"SELECT {cols} FROM event_participants p JOIN events e ON e.id = p.event "
            f"ORDER BY {order}"
        )
    else:
        sql = f"SELECT {cols} FROM {table} ORDER BY {order}"
    try:
        yield from db.execute(sql)
    except sqlite3.OperationalError as e:
        yield ("<table error>", str(e))


def compare_table(a, b, table, show):
    """Row counts equal and every row equal, in order; returns a list of difference lines."""
    diffs = []
    n = 0
    ha, hb = hashlib.blake2b(), hashlib.blake2b()
    ia, ib = rows(a, table), rows(b, table)
    while True:
        ra, rb = next(ia, None), next(ib, None)
        if ra is None and rb is None:
            break
        n += 1
        ha.update(repr(ra).encode())
        hb.update(repr(rb).encode())
        if ra != rb and len(diffs) < show:
            diffs.append(f"  row {n}:\n    A: {short(ra)}\n    B: {short(rb)}")
    return n, ha.hexdigest()[:16], hb.hexdigest()[:16], diffs


def short(row):
    s = repr(row)
    return s if len(s) < 400 else s[:400] + "..."


def search(binary, store, query, flat):
    cmd = [binary, "search", query, "--store", store, "--json", "--limit", "50"]
    if flat:
        cmd.append("--flat")
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        return {"error": p.returncode, "stderr": p.stderr.strip()[-300:]}
    out = json.loads(p.stdout)
    drop_volatile(out)
    return out


def drop_volatile(v):
    """Query timings differ between runs."""
    if isinstance(v, dict):
        for k in ("took_ms", "elapsed_ms", "ms"):
            v.pop(k, None)
        for x in v.values():
            drop_volatile(x)
    elif isinstance(v, list):
        for x in v:
            drop_volatile(x)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("store_a")
    ap.add_argument("store_b")
    ap.add_argument("--bin-a", help="sitrep binary that built store A (for search)")
    ap.add_argument("--bin-b", help="sitrep binary that built store B (for search)")
    ap.add_argument("--queries", nargs="*", default=DEFAULT_QUERIES)
    ap.add_argument("--show", type=int, default=3, help="differences shown per table")
    args = ap.parse_args()

    dbs = []
    for s in (args.store_a, args.store_b):
        path = os.path.join(s, "sitrep.db")
        if not os.path.exists(path):
            sys.exit(f"{path} does not exist: give two store directories")
        dbs.append(sqlite3.connect(f"file:{path}?mode=ro", uri=True))
    a, b = dbs

    ok = True
    for table in TABLES:
        n, da, db_, diffs = compare_table(a, b, table, args.show)
        same = da == db_
        ok &= same
        print(f"{table:20} {n:>9} rows  {'same' if same else 'DIFFERENT'}  {da} {db_}")
        for d in diffs:
            print(d)

    if args.bin_a and args.bin_b:
        for q in args.queries:
            for flat in (False, True):
                ra = search(args.bin_a, args.store_a, q, flat)
                rb = search(args.bin_b, args.store_b, q, flat)
                same = ra == rb
                ok &= same
                label = f"search {'--flat ' if flat else ''}{q!r}"
                print(f"{label:44} {'same' if same else 'DIFFERENT'}")
                if not same:
                    print(f"    A: {short(ra)}\n    B: {short(rb)}")
    elif args.bin_a or args.bin_b:
        sys.exit("give both --bin-a and --bin-b, or neither")

    print("stores agree" if ok else "stores DIFFER")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
