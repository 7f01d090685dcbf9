#!/usr/bin/env bash
# sitrep and trafilatura side by side on the same pages, same metric, one after the other in
# the same run: P/R/F1 and ms/page of each, and the speed ratio.
#
#   bench/html/compare.sh [VENV]      # VENV: a virtualenv with trafilatura (default ../venv-traf)
#
# Needs a release build (cargo build --release) and trafilatura installed in VENV:
#   python3 -m venv ../venv-traf && ../venv-traf/bin/pip install trafilatura lxml_html_clean
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=${1:-../venv-traf}
bin=${SITREP_BIN:-target/release/sitrep}
[ -x "$bin" ] || { echo "no $bin: run cargo build --release first" >&2; exit 2; }
[ -x "$venv/bin/python" ] || { echo "no trafilatura venv at $venv; see the header of $0" >&2; exit 2; }
s=$("$bin" eval html --json)
t=$("$venv/bin/python" bench/html/trafilatura_eval.py --json)
python3 - "$s" "$t" <<'PY'
import json, sys
s, t = json.loads(sys.argv[1]), json.loads(sys.argv[2])
def g(d, *ks):
    for k in ks:
        if k in d:
            return d[k]
    raise KeyError(ks)
print(f"{'extractor':<24} {'P':>6} {'R':>6} {'F1':>6} {'ms/page':>8} pages")
for name, d in (("sitrep", s), ("trafilatura", t)):
    print(f"{name:<24} {g(d,'precision'):6.3f} {g(d,'recall'):6.3f} {g(d,'f1'):6.3f} "
          f"{g(d,'ms_per_page'):8.2f} {g(d,'pages')}")
print(f"speed ratio (trafilatura ms / sitrep ms): {g(t,'ms_per_page') / g(s,'ms_per_page'):.1f}x")
PY
