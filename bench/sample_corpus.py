#!/usr/bin/env python3
"""Write the first N articles of the corpus to bench/out/sample_N.jsonl.

Lines are copied byte-for-byte (all original fields, uncompressed), so sitrep
and spaCy read identical input. Several sizes are written in one pass:

    python3 bench/sample_corpus.py                 # sample_2000.jsonl
    python3 bench/sample_corpus.py 200 2000        # two files
    python3 bench/sample_corpus.py 1000 5000 all   # memory-vs-size set

"all" writes sample_all.jsonl (the whole corpus, ~232 MB). An existing file
with the right number of lines is kept (use --force to rewrite). Prints the
path, article count and byte size of each file. Stdlib only.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import OUT_DIR, default_corpus, open_lines  # noqa: E402


def count_lines(path: Path) -> int:
    n = 0
    with open(path, "rb") as f:
        for _ in f:
            n += 1
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sizes", nargs="*", default=["2000"], help="article counts, or 'all' (default 2000)")
    ap.add_argument("--input", type=Path, help="source JSONL(.gz); default: the shared corpus")
    ap.add_argument("--out-dir", type=Path, default=OUT_DIR)
    ap.add_argument("--force", action="store_true", help="rewrite files that already exist")
    args = ap.parse_args()

    src = args.input or default_corpus()
    args.out_dir.mkdir(parents=True, exist_ok=True)

    wanted: dict[str, int | None] = {}
    for s in args.sizes:
        if s == "all":
            wanted["all"] = None
        else:
            n = int(s)
            if n <= 0:
                sys.exit("error: sizes must be positive integers or 'all'")
            wanted[str(n)] = n

    todo = {}
    for name, n in wanted.items():
        path = args.out_dir / f"sample_{name}.jsonl"
        if path.exists() and not args.force and n is not None and count_lines(path) == n:
            continue
        if path.exists() and not args.force and n is None:
            continue  # 'all' is kept as is unless --force
        todo[name] = (n, path)

    if todo:
        limit = None if any(n is None for n, _ in todo.values()) else max(n for n, _ in todo.values())
        outs = {name: open(str(path) + ".tmp", "wb") for name, (_, path) in todo.items()}
        written = 0
        with open_lines(src) as f:
            for line in f:
                if not line.strip():
                    continue
                if not line.endswith(b"\n"):
                    line += b"\n"
                written += 1
                for name, (n, _) in todo.items():
                    if n is None or written <= n:
                        outs[name].write(line)
                if limit is not None and written >= limit:
                    break
        for name, (n, path) in todo.items():
            outs[name].close()
            if n is not None and written < n:
                print(f"warning: corpus has only {written} articles; sample_{name} holds {written}", file=sys.stderr)
            os.replace(str(path) + ".tmp", path)

    for name in wanted:
        path = args.out_dir / f"sample_{name}.jsonl"
        print(f"{path}\t{count_lines(path)} articles\t{path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
