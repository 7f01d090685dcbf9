#!/usr/bin/env bash
# API throughput and latency under load from a second process (wrk, Debian's `wrk` package).
#
#   bench/api_load.sh STORE [DURATION_S] [CONNECTIONS]
#
# Starts `sitrep serve --store STORE` on a free loopback port (release binary; SITREP_BIN
# overrides), warms it, then runs wrk (2 threads, CONNECTIONS connections, default 32, for
# DURATION_S seconds, default 20) against each endpoint below in turn and prints one markdown
# row per endpoint: requests/s and latency p50/p90/p99 (wrk --latency). The server and wrk share
# the machine; on a 2-core machine they compete for the cores, which the numbers include.
set -euo pipefail

STORE="${1:?usage: bench/api_load.sh STORE [DURATION_S] [CONNECTIONS]}"
DUR="${2:-20}"
CONN="${3:-32}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SITREP_BIN="${SITREP_BIN:-$REPO/target/release/sitrep}"
command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 2; }

LOG="$(mktemp)"
"$SITREP_BIN" serve --store "$STORE" --addr 127.0.0.1:0 2>"$LOG" &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -f "$LOG"' EXIT
for _ in $(seq 1 600); do
  HOST="$(grep -o 'at http://[^/]*' "$LOG" | head -1 | sed 's|at http://||' || true)"
  [[ -n "$HOST" ]] && break
  sleep 0.1
done
[[ -n "${HOST:-}" ]] || { echo "server did not start:" >&2; cat "$LOG" >&2; exit 1; }

ENDPOINTS=(
  "/api/v1/stories?limit=20"
  "/api/v1/articles?limit=20"
  "/api/v1/events?actor=PRK&limit=20"
  "/api/v1/timeline?since=2024-01-01&until=2024-12-31"
  "/api/v1/search?q=north%20korea%20troops&limit=20"
  "/api/v1/search?q=%22North%20Korea%22%20NEAR%2F1s%20Russia&limit=20"
)
echo "| endpoint | requests/s | p50 ms | p90 ms | p99 ms | errors |"
echo "|---|---:|---:|---:|---:|---:|"
for ep in "${ENDPOINTS[@]}"; do
  curl -fsS "http://$HOST$ep" >/dev/null   # warm (and fail loudly on a broken endpoint)
  OUT="$(wrk -t2 -c"$CONN" -d"${DUR}s" --latency "http://$HOST$ep")"
  RPS="$(awk '/Requests\/sec/ {print $2}' <<<"$OUT")"
  pct() { awk -v p="$1" '$1==p {print $2}' <<<"$OUT" | head -1; }
  ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; printf "%.2f", v}' <<<"$1"; }
  ERR="$(awk '/Non-2xx|Socket errors/ {print}' <<<"$OUT" | tr '\n' ' ')"
  echo "| \`$ep\` | $RPS | $(ms "$(pct 50%)") | $(ms "$(pct 90%)") | $(ms "$(pct 99%)") | ${ERR:-0} |"
done
