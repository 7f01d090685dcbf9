#!/usr/bin/env bash
# Side-by-side speed of copy detection (MinHash LSH): sitrep vs datasketch vs gaoya (PyPI),
# same input texts, same settings (word 3-grams of the same normalised text, 128 hashes,
# 64 bands x 2 rows, threshold 0.3), same run, same cores. Usage: bench/copies/run.sh [N]
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${1:-10000}"
export SITREP_SHARED="${SITREP_SHARED:-../shared}"
VENV=bench/copies/.venv
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install -q -r bench/copies/requirements.txt
cargo build --release -q -p sitrep-core --example eval_copies
TARGET="${CARGO_TARGET_DIR:-target}"
EX="$TARGET/release/examples/eval_copies"
mkdir -p bench/out
IN=bench/out/copies_input.jsonl
"$EX" --export "$IN" --n "$N"
OUT=bench/out/copies_speed.jsonl
: > "$OUT"
echo "machine: $(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$EX" --speed "$IN" >> "$OUT"
"$VENV/bin/python" bench/copies/speed.py "$IN" >> "$OUT"
"$VENV/bin/python" bench/copies/table.py "$OUT"
