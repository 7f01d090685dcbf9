"""Shared helpers for the bench scripts (stdlib only)."""

from __future__ import annotations

import gzip
import io
import os
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
OUT_DIR = BENCH_DIR / "out"
CORPUS_REL = Path("data/news/realtimeqa_news_articles_2022_2026/articles.jsonl.gz")


def shared_dir() -> Path:
    """$SITREP_SHARED if set, else ../shared relative to the repo root."""
    env = os.environ.get("SITREP_SHARED")
    return Path(env) if env else REPO_ROOT.parent / "shared"


def default_corpus() -> Path:
    path = shared_dir() / CORPUS_REL
    if not path.is_file():
        sys.exit(
            f"error: corpus not found at {path}\n"
            "Set SITREP_SHARED to the folder that contains data/ "
            "(e.g. export SITREP_SHARED=/path/to/shared)."
        )
    return path


def open_lines(path: Path):
    """Binary line iterator over a .jsonl or .jsonl.gz file."""
    if str(path).endswith(".gz"):
        return io.BufferedReader(gzip.open(path, "rb"), buffer_size=1 << 20)
    return open(path, "rb", buffering=1 << 20)
