#!/usr/bin/env python3
"""Helpers for throughput.sh (stdlib only).

  report.py stats INPUT
      -> "ARTICLES TEXT_BYTES" : article count and UTF-8 bytes of the `text`
         fields of a JSONL(.gz) file (the byte count every MB/s figure uses).

  report.py header
      -> the markdown table header.

  report.py row --tool T --input LABEL --time TIMEFILE --articles N --bytes B
                [--spacy-json FILE] [--extra TEXT]
      -> one markdown row from a GNU `/usr/bin/time -v -o TIMEFILE` report:
         seconds = "Elapsed (wall clock)" (end-to-end: start-up, model load,
         reading, processing, writing); peak RSS = "Maximum resident set
         size" (the max over the process and its waited-for children, NOT a
         sum); CPU % = "Percent of CPU this job got" (200% = both of 2 cores);
         CPU s = user + system time of the process tree.
         With --spacy-json, the PSS sum over spaCy's process tree (from
         spacy_ner.py --sample-rss) fills the "sum PSS" column.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import open_lines  # noqa: E402

HEADER = (
    "| tool | input | articles | text MB | wall s | articles/s | MB/s | peak RSS MB | sum PSS MB | CPU % | CPU s | notes |\n"
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
)


def parse_time_v(path: Path) -> dict:
    out = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if line.startswith("Elapsed (wall clock) time"):
            val = line.rsplit(": ", 1)[1]
            secs = 0.0
            for part in val.split(":"):
                secs = secs * 60 + float(part)
            out["wall_s"] = secs
        elif line.startswith("Maximum resident set size (kbytes)"):
            out["maxrss_kb"] = int(line.rsplit(": ", 1)[1])
        elif line.startswith("Percent of CPU this job got"):
            out["cpu_pct"] = line.rsplit(": ", 1)[1]
        elif line.startswith("User time (seconds)") or line.startswith("System time (seconds)"):
            out["cpu_s"] = out.get("cpu_s", 0.0) + float(line.rsplit(": ", 1)[1])
        elif line.startswith("Exit status"):
            out["exit"] = int(line.rsplit(": ", 1)[1])
        elif line.startswith("Command exited with non-zero status"):
            out["exit"] = int(line.rsplit(" ", 1)[1])
    return out


def cmd_stats(args) -> None:
    n = b = 0
    with open_lines(args.input) as f:
        for line in f:
            if not line.strip():
                continue
            n += 1
            b += len((json.loads(line).get("text") or "").encode("utf-8"))
    print(n, b)


def cmd_row(args) -> None:
    t = parse_time_v(args.time)
    if "wall_s" not in t:
        sys.exit(f"error: no /usr/bin/time -v report in {args.time}")
    secs = max(t["wall_s"], 0.01)  # time -v has 10 ms resolution
    mb = args.bytes / 1e6
    pss = "-"
    notes = args.extra or ""
    if args.spacy_json and args.spacy_json.exists():
        js = json.loads(args.spacy_json.read_text().strip().splitlines()[-1])
        if "peak_pss_sum_mb" in js:
            pss = f"{js['peak_pss_sum_mb']:.0f}"
        notes = (notes + "; " if notes else "") + (
            f"P={js['processes']}, in-loop {js['seconds']:.1f}s = {js['articles_per_s']:.2f} art/s, "
            f"{js['mb_per_s']:.3f} MB/s, {js['entities']} ents"
        )
    if t.get("exit", 0) != 0:
        notes = (notes + "; " if notes else "") + f"EXIT {t['exit']}"
    print(
        f"| {args.tool} | {args.input} | {args.articles} | {mb:.1f} | {secs:.2f} | "
        f"{args.articles / secs:.2f} | {mb / secs:.3f} | {t.get('maxrss_kb', 0) / 1024:.0f} | {pss} | "
        f"{t.get('cpu_pct', '?').rstrip('%')} | {t.get('cpu_s', 0):.1f} | {notes} |"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("stats")
    s.add_argument("input", type=Path)
    sub.add_parser("header")
    r = sub.add_parser("row")
    r.add_argument("--tool", required=True)
    r.add_argument("--input", required=True)
    r.add_argument("--time", type=Path, required=True)
    r.add_argument("--articles", type=int, required=True)
    r.add_argument("--bytes", type=int, required=True)
    r.add_argument("--spacy-json", type=Path)
    r.add_argument("--extra")
    args = ap.parse_args()
    if args.cmd == "stats":
        cmd_stats(args)
    elif args.cmd == "header":
        print(HEADER)
    else:
        cmd_row(args)


if __name__ == "__main__":
    main()
