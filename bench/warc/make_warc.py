#!/usr/bin/env python3
"""Write a CC-News-style WARC (one gzip member per record) from real web pages, for measuring
sitrep's WARC throughput: a warcinfo record, then for every page a request record and a
response record (HTTP/1.1 200, text/html), and after every tenth page an image response that
sitrep must skip. The pages are the HTML evaluation set in ../shared/data/html (read from its
tar.gz, never copied into the repository); --repeat N writes the set N times under distinct URLs.

Usage: make_warc.py OUT.warc.gz [--repeat N] [--pages TAR]
"""
import argparse, gzip, os, tarfile, uuid

def record(kind, uri, block, date="2026-03-01T00:00:00Z"):
    head = (f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Date: {date}\r\n"
            f"WARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\nWARC-Target-URI: {uri}\r\n"
            f"Content-Length: {len(block)}\r\n\r\n").encode()
    return gzip.compress(head + block + b"\r\n\r\n")

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--repeat", type=int, default=10)
    shared = os.environ.get("SITREP_SHARED", os.path.join("..", "shared"))
    ap.add_argument("--pages", default=os.path.join(shared, "data", "html", "trafilatura_eval_pages_dev.tar.gz"))
    a = ap.parse_args()
    pages = []
    with tarfile.open(a.pages) as t:
        for m in t:
            if m.isfile() and m.name.endswith(".html"):
                pages.append(t.extractfile(m).read())
    n = 0
    with open(a.out, "wb") as f:
        f.write(record("warcinfo", "", b"software: sitrep bench/warc/make_warc.py\r\n"))
        for r in range(a.repeat):
            for i, body in enumerate(pages):
                uri = f"https://pages.example/{r}/{i}.html"
                f.write(record("request", uri, f"GET /{r}/{i}.html HTTP/1.1\r\nHost: pages.example\r\n\r\n".encode()))
                http = (f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {len(body)}\r\n\r\n").encode()
                f.write(record("response", uri, http + body))
                n += 1
                if i % 10 == 0:
                    img = b"\x89PNG\r\n\x1a\n" + bytes(2048)
                    http = (f"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: {len(img)}\r\n\r\n").encode()
                    f.write(record("response", uri.replace(".html", ".png"), http + img))
    print(f"{a.out}: {n} HTML responses from {len(pages)} pages x {a.repeat}")

if __name__ == "__main__":
    main()
