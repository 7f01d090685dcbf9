#!/usr/bin/env bash
# Browser tests of the web UI: `sitrep serve examples/corpus` (the README's main command:
# ingest the example reports, then serve) into a temporary store on a free loopback port, run
# tests/ui/ui.test.mjs in headless Chromium, stop the server.
#
# Builds nothing: give the binary as $SITREP_BIN (default target/debug/sitrep; build it with
# `cargo build --locked -p sitrep`). Needs `npm ci --prefix tests/ui` and Debian's chromium
# (or $CHROMIUM). UPDATE_SCREENSHOTS=1 writes the screenshots to docs/screenshots/, else to
# $SCREENSHOT_DIR (default: a temporary directory).
set -euo pipefail
cd "$(dirname "$0")/.."

SITREP_BIN="${SITREP_BIN:-target/debug/sitrep}"
[[ -x "$SITREP_BIN" ]] || { echo "ui-test: no sitrep binary at $SITREP_BIN (cargo build --locked -p sitrep, or set SITREP_BIN)" >&2; exit 2; }
[[ -d tests/ui/node_modules/playwright-core ]] || { echo "ui-test: run npm ci --prefix tests/ui first" >&2; exit 2; }

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# A free loopback port: ask the kernel for one.
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
  || node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
addr="127.0.0.1:$port"

"$SITREP_BIN" serve examples/corpus --store "$work/store" --addr "$addr" >"$work/server.log" 2>&1 &
server_pid=$!

for _ in $(seq 1 300); do  # up to a minute: it ingests first
  if curl -fsS -o /dev/null "http://$addr/" 2>/dev/null; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then cat "$work/server.log" >&2; echo "ui-test: server exited" >&2; exit 1; fi
  sleep 0.2
done
curl -fsS -o /dev/null "http://$addr/" || { cat "$work/server.log" >&2; echo "ui-test: server not answering on $addr" >&2; exit 1; }

status=0
SITREP_URL="http://$addr" node --test tests/ui/ui.test.mjs || status=$?
if [[ $status -ne 0 ]]; then
  echo "--- server log ---" >&2
  tail -50 "$work/server.log" >&2
fi
exit $status
