#!/usr/bin/env python3
"""Score trafilatura on the HTML main-text set with trafilatura's own metric.

Same pages, same metric and same timing as `sitrep eval html`:
  * every "with" snippet found in the extracted text is a true positive, missed a false
    negative; every "without" snippet found is a false positive, absent a true negative;
    matching is substring matching after collapsing whitespace runs to one space;
  * pages whose file is missing are skipped;
  * the timed part is the extraction call only (raw page bytes in, text out; trafilatura
    decodes the bytes itself, sitrep's timing includes its decode step too).

Usage: trafilatura_eval.py [--pages TAR_OR_DIR] [--gold JSON] [--json] [--verbose]
Defaults: $SITREP_SHARED/data/html or ../shared/data/html.
"""

import argparse
import json
import os
import re
import sys
import tarfile
import time
from importlib.metadata import version


def norm(text):
    return re.sub(r"\s+", " ", text).strip()


def default_dir():
    shared = os.environ.get("SITREP_SHARED")
    if shared:
        return os.path.join(shared, "data", "html")
    return os.path.join("..", "shared", "data", "html")


def load_pages(path):
    """file name (without directories) -> raw bytes."""
    pages = {}
    if os.path.isdir(path):
        for root, _dirs, files in os.walk(path):
            for name in files:
                if name.endswith(".html") or name.endswith(".htm"):
                    with open(os.path.join(root, name), "rb") as f:
                        pages[name] = f.read()
    else:
        with tarfile.open(path, "r:*") as tar:
            for member in tar:
                if member.isfile():
                    pages[os.path.basename(member.name)] = tar.extractfile(member).read()
    return pages


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", help="tar.gz of the pages or a directory holding them")
    ap.add_argument("--gold", help="evaldata JSON (url -> file, with, without)")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--verbose", action="store_true", help="list missed and false snippets per page")
    args = ap.parse_args()
    base = default_dir()
    pages_path = args.pages or os.path.join(base, "trafilatura_eval_pages_dev.tar.gz")
    gold_path = args.gold or os.path.join(base, "evaldata_dev.json")
    for p, what in ((pages_path, "--pages"), (gold_path, "--gold")):
        if not os.path.exists(p):
            sys.exit(f"error: {p} not found; set SITREP_SHARED or pass {what}")

    from trafilatura import extract

    with open(gold_path, encoding="utf-8") as f:
        gold = json.load(f)
    pages = load_pages(pages_path)

    tp = fp = fn = tn = 0
    scored = 0
    errors = 0
    elapsed = 0.0
    for url, item in sorted(gold.items(), key=lambda kv: kv[1]["file"]):
        html = pages.get(os.path.basename(item["file"]))
        if html is None:
            continue
        scored += 1
        t0 = time.perf_counter()
        try:
            result = extract(html, fast=False, include_comments=False,
                             include_tables=True, include_formatting=False)
        except Exception:  # a crash counts as an empty result, as upstream does
            result = None
            errors += 1
        elapsed += time.perf_counter() - t0
        text = norm(result or "")
        missed = [w for w in item["with"] if norm(w) not in text]
        false = [w for w in item["without"] if norm(w) in text]
        tp += len(item["with"]) - len(missed)
        fn += len(missed)
        fp += len(false)
        tn += len(item["without"]) - len(false)
        if args.verbose and (missed or false):
            print(f"{item['file']} ({url})", file=sys.stderr)
            for m in missed:
                print(f"  missed: {m}", file=sys.stderr)
            for x in false:
                print(f"  false:  {x}", file=sys.stderr)

    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    ms = 1000 * elapsed / scored if scored else 0.0
    out = {
        "extractor": f"trafilatura {version('trafilatura')}",
        "pages": scored,
        "gold_entries": len(gold),
        "errors": errors,
        "tp": tp, "fp": fp, "fn": fn, "tn": tn,
        "precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4),
        "ms_per_page": round(ms, 2),
    }
    if args.json:
        print(json.dumps(out))
    else:
        print(f"{out['extractor']}: {scored} pages scored ({len(gold)} gold entries), {errors} errors")
        print(f"precision {p:.3f}  recall {r:.3f}  F1 {f1:.3f}  (tp {tp} fp {fp} fn {fn} tn {tn})")
        print(f"{ms:.1f} ms per page (extraction only)")


if __name__ == "__main__":
    main()
