#!/usr/bin/env bash
# Time from a fresh clone to a working UI: clone this repository into a temporary folder, run
# the README's main command there (`cargo run --release -- serve examples/corpus`, on a free
# port) with an empty target folder, and stop the clock when the story list answers 200 and
# names a story. Crates already in ~/.cargo/registry are not downloaded again (the time of a
# first download depends on the network, not on sitrep).
#
#   bench/fresh_clone.sh
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d)"
trap 'kill ${PID:-0} 2>/dev/null || true; rm -rf "$WORK"' EXIT
START=$(date +%s.%N)
git clone -q "$REPO" "$WORK/sitrep"
cd "$WORK/sitrep"
export CARGO_TARGET_DIR="$WORK/target"
cargo run -q --release -- serve examples/corpus --addr 127.0.0.1:0 --quiet 2>"$WORK/log" &
PID=$!
HOST=""
while [[ -z "$HOST" ]]; do
  kill -0 $PID 2>/dev/null || { cat "$WORK/log" >&2; exit 1; }
  HOST="$(grep -o 'at http://[^/]*' "$WORK/log" | head -1 | sed 's|at http://||' || true)"
  sleep 0.2
done
curl -fsS "http://$HOST/" | grep -q 'href="/stories/' || { echo "the story list names no story" >&2; exit 1; }
END=$(date +%s.%N)
echo "fresh clone to working UI: $(echo "$END - $START" | bc) s ($(nproc) cores, $(git -C "$REPO" rev-parse --short HEAD))"
