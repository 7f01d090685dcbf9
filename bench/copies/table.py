"""Print the speed lines written by run.sh as one Markdown table (docs/s)."""
import json
import sys

COLS = [
    ("signature_1thread", "signature, 1 thread"),
    ("signature", "signature, 2 cores"),
    ("insert", "insert (signature given)"),
    ("query", "query (signature given)"),
    ("insert_from_text", "insert from text"),
    ("query_from_text", "query from text"),
]
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print("docs: %d" % rows[0]["docs"])
print("| tool | " + " | ".join(c[1] for c in COLS) + " | threads |")
print("|---|" + "---:|" * len(COLS) + "---|")
for r in rows:
    cells = []
    for k, _ in COLS:
        v = r.get(k)
        cells.append("-" if v is None else f"{v:,.0f}")
    print(f"| {r['tool']} | " + " | ".join(cells) + f" | {r['threads']} |")
