"""Side-by-side speed of MinHash LSH copy detection: datasketch and gaoya (PyPI) on the texts
exported by `eval_copies --export`, with the same settings as sitrep's defaults: word 3-grams
of the same normalised text (the `norm` field, written by sitrep's normaliser), 128 hashes,
64 bands of 2 rows. Prints one JSON line per tool; run.sh joins them with sitrep's line.

datasketch and gaoya get the text already normalised (lowercase words joined by single spaces),
so their shingling is a plain split; sitrep's numbers include its own normalisation from the raw
text, which is more work."""
import json
import multiprocessing as mp
import os
import sys
import time

NUM_PERM, BANDS, ROWS, THRESHOLD = 128, 64, 2, 0.3


def shingles(norm):
    w = norm.split(" ")
    if len(w) < 3:
        return [norm.encode()] if norm else []
    return [" ".join(w[i:i + 3]).encode() for i in range(len(w) - 2)]


def ds_sig(norm):
    from datasketch import MinHash
    m = MinHash(num_perm=NUM_PERM)
    m.update_batch(shingles(norm))
    return m


def ds_sig_values(norms):
    return [ds_sig(n).hashvalues for n in norms]


def best(runs, f):
    return min(f() for _ in range(runs))


def bench_datasketch(ids, norms):
    from datasketch import MinHash, MinHashLSH
    n = len(norms)

    def sig():
        t = time.perf_counter()
        s = [ds_sig(x) for x in norms]
        return time.perf_counter() - t

    sig1 = best(1, sig)
    # Two processes, as fair use of the 2 cores for the signature step.
    chunks = [norms[i::2] for i in range(2)]
    with mp.get_context("fork").Pool(2) as pool:
        t = time.perf_counter()
        pool.map(ds_sig_values, chunks)
        sig2 = time.perf_counter() - t
    sigs = [ds_sig(x) for x in norms]
    lsh_box = {}

    def insert():
        lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, params=(BANDS, ROWS))
        t = time.perf_counter()
        for i, m in zip(ids, sigs):
            lsh.insert(i, m)
        lsh_box["lsh"] = lsh
        return time.perf_counter() - t

    ins = best(3, insert)
    lsh = lsh_box["lsh"]

    def query():
        t = time.perf_counter()
        for m in sigs:
            lsh.query(m)
        return time.perf_counter() - t

    q = best(3, query)
    return {"tool": "datasketch", "docs": n, "threads": "1 (signature also 2 processes)",
            "signature_1thread": n / sig1, "signature": n / sig2, "insert": n / ins,
            "query": n / q, "insert_from_text": n / (sig1 + ins), "query_from_text": n / (sig1 + q)}


def bench_gaoya(ids, norms):
    from gaoya.minhash import MinHashStringIndex
    n = len(norms)

    def new():
        return MinHashStringIndex(hash_size=32, jaccard_threshold=THRESHOLD, num_bands=BANDS,
                                  band_size=ROWS, num_hashes=NUM_PERM, analyzer="word",
                                  lowercase=False, ngram_range=(3, 3), id_container="vec")

    box = {}

    def ins_seq():
        ix = new()
        t = time.perf_counter()
        for i, d in zip(ids, norms):
            ix.insert_document(i, d)
        return time.perf_counter() - t

    def ins_par():
        ix = new()
        t = time.perf_counter()
        ix.par_bulk_insert_docs(ids, norms)
        box["ix"] = ix
        return time.perf_counter() - t

    seq = best(3, ins_seq)
    par = best(3, ins_par)
    ix = box["ix"]

    def q_seq():
        t = time.perf_counter()
        for d in norms:
            ix.query(d)
        return time.perf_counter() - t

    def q_par():
        t = time.perf_counter()
        ix.par_bulk_query(norms)
        return time.perf_counter() - t

    qs = best(3, q_seq)
    qp = best(3, q_par)
    return {"tool": "gaoya", "docs": n, "threads": "2 (rayon, par_bulk_*)",
            "signature_1thread": None, "signature": None, "insert": None, "query": None,
            "insert_from_text_1thread": n / seq, "insert_from_text": n / par,
            "query_from_text_1thread": n / qs, "query_from_text": n / qp}


def main():
    path = sys.argv[1]
    ids, norms = [], []
    with open(path) as f:
        for line in f:
            v = json.loads(line)
            ids.append(v["id"])
            norms.append(v["norm"])
    for fn in (bench_datasketch, bench_gaoya):
        print(json.dumps(fn(ids, norms)), flush=True)


if __name__ == "__main__":
    main()
