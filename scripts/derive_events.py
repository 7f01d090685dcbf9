#!/usr/bin/env python3
"""Derive the compact event-lexicon tables in data/events/ from the shared source data.

Usage (from the repository root):

    python3 scripts/derive_events.py            # reads $SITREP_SHARED/data or ../shared/data
    python3 scripts/derive_events.py --check    # re-derive in memory, compare with data/events/

Writes (derived, do not edit by hand):
    data/events/verbs.tsv     lemma, code, inflected forms: one row per verb (lemma) of
                              PETRARCH's CAMEO verb dictionary (CAMEO.2.0.txt, MIT,
                              (c) Open Event Data Alliance)
    data/events/patterns.tsv  lemma, code, words before / after the verb: the block patterns
    data/events/synsets.tsv   &name, members (with regular plurals, as PETRARCH adds them)
    data/events/cameo.tsv     CAMEO code, label (text_to_CAMEO CAMEO_codefile, MIT), PLOVER type,
                              mode, context (PLOVER CAMEO2PLOVER-2021, CC BY-SA 4.0, with the
                              changes listed at cameo() below)

Only the Python standard library is used. Output is deterministic (dictionary order for the
verb tables, code-list order for cameo.tsv).

Notes on the verb dictionary format (see PETRARCH's PETRreader.read_verb_dictionary()):

- `--- NAME [code] ---` opens a synonym block; its code applies to every verb of the block
  that has none of its own (`---`: the bare verb codes no event).
- `VERB [code] {FORMS}`: a verb. Without `{...}` the regular forms are generated; with it the
  listed forms are the inflections (PETRARCH generates nothing then). `+CALL_OFF`: a multi-word
  verb, `+` marking the inflected word, `_` joining the words.
- `- before * after [code] # VERB`: a pattern. `{...}` groups a noun phrase, `(...)` a
  prepositional phrase, `$` / `+` mark the source / target, `^` and `%` are TABARI's skip
  and compound markers; only the literal words are kept here. The `# VERB` comment names the
  verb the pattern came from. PETRARCH 2 applies every pattern of a block to every verb of
  the block; here a pattern is attached to the verb its comment names when that verb is in
  the block, else to the head verb (the first verb of the block). A lemma listed in several
  blocks is one verb (see merge_lemmas()).
- `&NAME` then `+member` lines: a synonym set. Plurals are added for nouns unless the name or
  the member ends with `_` (PETRARCH's rule), using regular English plurals.
- Codes: `[aaa:bbb]` is TABARI's paired code (read here as aaa source->target, bbb
  target->source; `:bbb` only the second, as in "died in clashes"); kept as written. Stray
  characters in a code (`[080!]`) are dropped.
"""

import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "data", "events")

PLOVER_TYPES = [
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
]


def shared_data():
    env = os.environ.get("SITREP_SHARED")
    base = os.path.join(env, "data") if env else os.path.join(ROOT, "..", "shared", "data")
    if not os.path.isdir(base):
        sys.exit(f"shared data folder not found: {base} (set SITREP_SHARED)")
    return base


# ---------------------------------------------------------------- English inflection

VOWELS = "aeiou"

# Verbs of more than one syllable stressed on the last one: their final consonant doubles
# (admitted, deterred, controlled). Everything else of several syllables keeps it single
# (visited, threatened, targeted), which is the regular English rule.
# Compounds of one-syllable verbs (eavesdrop, sidestep) and kidnap, format double as well.
FINAL_STRESS = {
    "abet", "abhor", "acquit", "admit", "allot", "annul", "appal", "aver", "begin", "commit",
    "compel", "concur", "confer", "control", "defer", "deter", "dispel", "eavesdrop", "embed",
    "emit", "enrol", "entrap", "equip", "excel", "expel", "extol", "forbid", "forget", "format",
    "imbed", "impel", "incur", "infer", "instil", "kidnap", "omit", "outbid", "outfit",
    "outstrip", "outwit", "patrol", "permit", "prefer", "propel", "rebel", "rebut", "recur",
    "refer", "regret", "remit", "repel", "sidestep", "submit", "transfer", "transmit", "upset",
}

# British spelling doubles a final -l after a single vowel whatever the stress (cancelled,
# labelled, fuelled); American spelling does not. News uses both, so both are generated.
BRITISH_L = re.compile(r"(?<![aeo])[aeiou]l$")


def british_l(stem):
    """cancel, label, fuel, dial: -l after one vowel, stressed before the last syllable."""
    return len(stem) > 3 and bool(BRITISH_L.search(stem)) and not doubles(stem)


def syllables(word):
    w = word.replace("qu", "q")
    groups = re.findall(r"[aeiouy]+", w[1:] if w[:1] == "y" else w)
    return len(groups)


def doubles(stem):
    """Whether the final consonant doubles before -ed / -ing (stop -> stopped)."""
    if len(stem) < 3 or stem[-1] in "wxyh" or stem[-1] in VOWELS:
        return False
    w = stem.replace("qu", "q")
    if not (w[-2] in VOWELS and w[-3] not in VOWELS):
        return False
    if syllables(stem) == 1:
        return True
    return stem in FINAL_STRESS or any(stem.endswith(f) and len(f) >= 4 for f in FINAL_STRESS)


# Irregular English verbs of the dictionary's vocabulary: past and past participle (both
# listed where both are in use). A verb whose inflected word is here (or is a prefix plus one
# of these: withdraw, overrun, undertake) gets these instead of -ed, also when the
# dictionary's own {...} list leaves some out (WITHDRAW lists no "withdrawn").
IRREGULAR = {
    "abide": "abided abode", "arise": "arose arisen", "bear": "bore borne born",
    "beat": "beat beaten", "begin": "began begun", "bend": "bent", "bid": "bid",
    "bind": "bound", "blow": "blew blown", "break": "broke broken", "bring": "brought",
    "broadcast": "broadcast broadcasted", "build": "built", "burn": "burned burnt",
    "buy": "bought", "cast": "cast", "catch": "caught", "choose": "chose chosen",
    "cleave": "cleaved cleft clove cloven", "come": "came come", "creep": "crept", "cut": "cut",
    "deal": "dealt", "dig": "dug", "dive": "dived dove", "do": "did done",
    "draw": "drew drawn", "drive": "drove driven", "fall": "fell fallen", "feed": "fed",
    "fight": "fought", "find": "found", "flee": "fled", "fly": "flew flown",
    "forbid": "forbade forbidden", "forsake": "forsook forsaken", "forswear": "forswore forsworn",
    "freeze": "froze frozen", "get": "got gotten", "give": "gave given", "go": "went gone",
    "grow": "grew grown", "hang": "hung hanged", "hear": "heard", "hide": "hid hidden",
    "hit": "hit", "hold": "held", "hurt": "hurt", "keep": "kept", "know": "knew known",
    "lay": "laid", "lead": "led", "leap": "leaped leapt", "learn": "learned learnt",
    "leave": "left", "lend": "lent", "lose": "lost", "make": "made", "mean": "meant",
    "meet": "met", "pay": "paid", "put": "put", "quit": "quit", "ride": "rode ridden",
    "ring": "rang rung", "rise": "rose risen", "run": "ran run", "say": "said",
    "see": "saw seen", "seek": "sought", "sell": "sold", "send": "sent", "set": "set",
    "shake": "shook shaken", "shear": "sheared shorn", "shoot": "shot", "show": "showed shown",
    "shut": "shut", "slay": "slew slain", "slide": "slid", "speak": "spoke spoken",
    "speed": "sped speeded", "spell": "spelled spelt", "spend": "spent", "split": "split",
    "spoil": "spoiled spoilt", "spread": "spread", "spring": "sprang sprung",
    "stand": "stood", "steal": "stole stolen", "stick": "stuck", "stride": "strode stridden",
    "strike": "struck stricken", "string": "strung", "strive": "strove striven",
    "swear": "swore sworn", "sweep": "swept", "swell": "swelled swollen", "take": "took taken",
    "teach": "taught", "tear": "tore torn", "tell": "told", "think": "thought",
    "throw": "threw thrown", "thrust": "thrust", "tread": "trod trodden", "weep": "wept",
    "win": "won", "wind": "wound", "write": "wrote written",
}
PREFIXES = ("with", "over", "under", "out", "up", "fore", "for", "mis", "be", "re", "un", "")
NOT_COMPOUND = {"relay", "reset", "beat"}


def irregular(stem):
    """(prefix, base) when `stem` inflects like an irregular verb, else None."""
    for prefix in PREFIXES:
        base = stem[len(prefix):]
        if stem.startswith(prefix) and base in IRREGULAR and (prefix == "" or len(base) > 1):
            if prefix and (stem in NOT_COMPOUND or stem in IRREGULAR):
                continue
            return prefix, base
    return None


def third_person(stem):
    if re.search(r"(s|x|z|ch|sh)$", stem) or re.search(r"[^aeiou]o$", stem):
        return stem + "es"
    if re.search(r"[^aeiou]y$", stem):
        return stem[:-1] + "ies"
    return stem + "s"


def participle(stem):
    if stem.endswith("ie"):
        return stem[:-2] + "ying"
    if stem.endswith("e"):
        # agree -> agreeing (PETRARCH keeps the e after a vowel), be -> being
        return stem + "ing" if stem[-2] in VOWELS or stem == "be" else stem[:-1] + "ing"
    if stem.endswith("c"):
        return stem + "king"
    if doubles(stem):
        return stem + stem[-1] + "ing"
    return stem + "ing"


def regular_forms(stem):
    """The inflections of a one-word verb: -s, -ed, -ing (plus British -ll- forms), or the
    irregular ones."""
    irr = irregular(stem)
    if irr:
        prefix, base = irr
        forms = [third_person(base), participle(base)] + IRREGULAR[base].split()
        return [prefix + f for f in forms]
    extra = []
    if stem.endswith("e"):
        past = stem + "d"
    elif re.search(r"[^aeiou]y$", stem):
        past = stem[:-1] + "ied"
    elif stem.endswith("c"):
        past = stem + "ked"  # panic -> panicked
    elif doubles(stem):
        past = stem + stem[-1] + "ed"
    else:
        past = stem + "ed"
        if british_l(stem):
            extra = [stem + "led", stem + "ling"]
    return [third_person(stem), past, participle(stem)] + extra


# ---------------------------------------------------------------- verb dictionary

def clean_code(code):
    return re.sub(r"[^0-9:\-]", "", code)


def split_comment(line):
    """(content, comment) of a dictionary line; `;` also starts an old TABARI comment."""
    content, _, comment = line.partition("#")
    content = content.split(";")[0]
    return content.strip(), comment.strip()


class Verb:
    def __init__(self, lemma, block, code):
        self.lemma = lemma  # lower case, words joined by spaces
        self.block = block
        self.code = code
        self.forms = []  # lower case, words joined by "_"


def parse_verb_line(content):
    """(base form token, {...} forms or None, code or None) of a verb line."""
    code = None
    m = re.search(r"\[([^\]]*)\]", content)
    if m:
        code = clean_code(m.group(1))
        content = content[: m.start()] + content[m.end():]
    explicit = None
    m = re.search(r"\{([^}]*)\}", content)
    if m:
        explicit = [t for t in m.group(1).replace(",", " ").split() if t]
        content = content[: m.start()] + content[m.end():]
    toks = content.split()
    if len(toks) != 1:
        raise ValueError(f"verb line with {len(toks)} words: {content!r}")
    return toks[0], explicit, code


def form_words(tok):
    """`+SHUTS_DOWN` -> (["shuts", "down"], 0): words and the position of the verb word."""
    words = tok.lower().split("_")
    pos = 0
    for i, w in enumerate(words):
        if w.startswith("+"):
            pos = i
    words = [w.lstrip("+") for w in words if w.lstrip("+")]
    return words, pos


def plural(word):
    """A regular English plural, None where the word looks plural already."""
    if word.endswith("man"):
        return word[:-3] + "men"
    if word.endswith("ss") or re.search(r"(x|z|ch|sh)$", word):
        return word + "es"
    if word.endswith("s"):
        return None  # troops, marines, arms: already plural
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    return word + "s"


def read_dictionary(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    synsets = {}  # name -> members (lists of words)
    synset_order = []
    patterns = []  # (block index, comment verb, code, before words, after words)
    block = -1
    block_code = "---"
    entries = []  # (block, lemma, words, verb word index, code, own code?)
    explicit_forms = {}  # lemma -> forms listed in {...}, anywhere in the dictionary
    current_set = None
    noplural = False
    in_verbs = False
    skipped = {"undefined synset": 0, "no code": 0, "null code": 0}
    undefined = set()
    for raw in lines:
        line = raw.rstrip()
        if line.startswith("######## TRANSFORMATIONS"):
            break
        if line.startswith("####### VERB PATTERNS"):
            in_verbs = True
            current_set = None
            continue
        if not line.strip() or line.startswith("#") or line.startswith("<!"):
            continue
        if line.startswith("&"):
            name, _ = split_comment(line)
            noplural = name.endswith("_")
            name = name.rstrip("_").lower()
            current_set = name
            synsets.setdefault(name, [])
            synset_order.append(name)
            continue
        if line.startswith("+") and current_set is not None and not in_verbs:
            member, _ = split_comment(line[1:])
            keep_singular = noplural or member.endswith("_")
            words = [w for w in member.rstrip("_").lower().replace("_", " ").split() if w]
            if not words:
                continue
            members = synsets[current_set]
            if words not in members:
                members.append(words)
            if not keep_singular:
                p = plural(words[-1])
                if p:
                    pw = words[:-1] + [p]
                    if pw not in members:
                        members.append(pw)
            continue
        if not in_verbs:
            continue
        if line.startswith("---"):
            m = re.match(r"^---\s+(\S+)\s+\[([^\]]*)\]", line)
            if not m:
                raise ValueError(f"bad block line: {line!r}")
            block += 1
            block_code = clean_code(m.group(2)) or "---"
            continue
        if line.startswith("-"):
            content, comment = split_comment(line[1:])
            m = re.search(r"\[([^\]]*)\]\s*$", content)
            if not m:
                skipped["no code"] += 1
                continue
            code = clean_code(m.group(1))
            if code in ("", "---") or set(code) <= {"-", ":"}:
                skipped["null code"] += 1
                continue
            body = content[: m.start()]
            before, _, after = body.partition("*")
            bw, aw = pattern_words(before), pattern_words(after)
            missing = [w for w in bw + aw if w.startswith("&") and w not in synsets]
            if missing:
                undefined.update(missing)
                skipped["undefined synset"] += 1
                continue
            cverb = comment.replace(",", " ").split()[0] if comment.split() else ""
            patterns.append((block, cverb.lower().replace("_", " "), code, bw, aw))
            continue
        # a verb line
        content, _ = split_comment(line)
        if not content:
            continue
        tok, explicit, code = parse_verb_line(content)
        words, pos = form_words(tok)
        lemma = " ".join(words)
        if explicit is not None:
            listed = explicit_forms.setdefault(lemma, [])
            for t in explicit:
                f = "_".join(form_words(t)[0])
                if f not in listed:
                    listed.append(f)
        entries.append((block, lemma, words, pos, code or block_code, code is not None))
    verbs = build_verbs(entries, explicit_forms)
    merged = merge_lemmas(verbs)
    # attach patterns
    by_block = {}
    for v in verbs:
        by_block.setdefault(v.block, []).append(v)
    out_patterns = []
    orphan = 0
    for blk, cverb, code, bw, aw in patterns:
        members = by_block.get(blk)
        if not members:
            orphan += 1
            continue
        target = next((v for v in members if v.lemma == cverb), None)
        if target is None:
            cform = cverb.replace(" ", "_")
            target = next((v for v in members if cform in v.forms), members[0])
        out_patterns.append((merged[target.lemma], code, bw, aw))
    skipped["block without verbs"] = orphan
    return list(merged.values()), out_patterns, synsets, synset_order, skipped, sorted(undefined)


def inflect(words, pos, explicit):
    """Every form of a verb: the base, then the dictionary's {...} forms when it lists any
    (PETRARCH generates nothing more then), else the generated regular forms; irregular
    verbs (IRREGULAR) and verbs with British and American spellings (cancel) get their forms
    in both cases."""
    forms = ["_".join(words)]
    if explicit is not None:
        forms += explicit
    stem = words[pos]
    spelling = british_l(stem)  # canceled / cancelled
    if explicit is None or irregular(stem) or spelling:
        for inflected in regular_forms(stem):
            forms.append("_".join(words[:pos] + [inflected] + words[pos + 1:]))
    out = []
    for f in forms:
        if f not in out:
            out.append(f)
    return out


def build_verbs(entries, explicit_forms):
    """Verbs from the verb lines: one per lemma and block. A lemma listed with {...} forms
    anywhere in the dictionary uses them everywhere (RIP, SET_UP). A line that is only an
    inflection of another verb of its block with the same code (BURNT under BURN, FORGAVE
    under FORGIVE) is folded into that verb rather than inflected itself."""
    verbs = []
    blocks = {}
    for blk, lemma, words, pos, code, own_code in entries:
        members = blocks.setdefault(blk, {})
        v = members.get(lemma)
        if v is None:
            v = Verb(lemma, blk, code)
            v.forms = inflect(words, pos, explicit_forms.get(lemma))
            members[lemma] = v
            verbs.append(v)
        elif own_code and v.code != code:
            v.code = code
    folded = set()
    for members in blocks.values():
        vs = list(members.values())
        for v in vs:
            if " " in v.lemma or v.lemma in explicit_forms:
                continue
            if any(
                w is not v and id(w) not in folded and v.lemma in w.forms and w.code == v.code
                for w in vs
            ):
                folded.add(id(v))
    return [v for v in verbs if id(v) not in folded]


def merge_lemmas(verbs):
    """One verb per lemma: a lemma in several blocks (ABANDON, ASK_FOR) keeps the first code
    that is not `---`, the union of the forms, and (when the patterns are attached) the
    patterns of every block. Dictionary order of first occurrence."""
    merged = {}
    for v in verbs:
        m = merged.get(v.lemma)
        if m is None:
            m = Verb(v.lemma, v.block, v.code)
            m.forms = list(v.forms)
            merged[v.lemma] = m
            continue
        if m.code == "---":
            m.code = v.code
        m.forms += [f for f in v.forms if f not in m.forms]
    return merged


def pattern_words(text):
    """Literal words of one side of a pattern: markers dropped, `_` splits words."""
    text = re.sub(r"[$+^%(){}|]", " ", text)
    words = []
    for tok in text.split():
        if tok.startswith("&"):
            words.append(tok.rstrip("_").lower())  # a synset name: &FIGHT_OF_WORDS
            continue
        for w in tok.split("_"):
            w = w.strip().lower()
            if w:
                words.append(w)
    return words


# ---------------------------------------------------------------- CAMEO -> PLOVER

# Modes the 2021 mapping gives that are not modes of the type (plover_lists.json, PLOVER
# manual); replaced by the manual's mode for the label, or dropped.
MODE_FIXES = {
    # "Destroy property": ASSAULT has no `seize`; `destroy` is intentional destruction of
    # property in the manual.
    ("1712", "seize"): "destroy",
    # "Threaten to impose restrictions on freedoms of speech": `political` is no THREATEN
    # mode; `restrict` is.
    ("1321", "political"): "restrict",
    # "Use (tactics of) violent repression": the context `pro_autocracy` stands in the mode
    # column; no ASSAULT mode says "repression" in general, so none.
    ("175", "pro_autocracy"): "",
    # "Ease economic sanctions": the mapping itself notes that `ease` is no longer a mode.
    ("085", "ease"): "",
}


def read_tsv(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            rows.append(line.split("\t"))
    return rows[1:]  # header


def cameo(base):
    """Rows (code, label, type, mode, context) for every code of the CAMEO code list.

    The PLOVER mapping is taken as is except:
    1. codes under 01 (public statements) get no type: sitrep keeps statements as claims, not
       events (the mapping has no 01 rows anyway);
    2. codes under 02 (appeals) map to REQUEST. The mapping has no 02 rows; CAMEO's 02x tree
       parallels the 10x demands (021 <-> 101 ... 028 <-> 108), so mode and context come
       from the 10x analogue, except 025x "appeal to yield", which is `yield` (the mapping
       gives 105 `change`, which the manual's mode definitions contradict). 026/027/028
       (appeal to meet, settle, accept mediation) are `meet`, the manual's mode for meetings
       and negotiations, as 106/107/108 are.
    Further:
    - a code the mapping leaves out, or maps to something that is not one of the 16 PLOVER
      types, takes its parent's mapping (the longest mapped prefix: 0813 -> 081 -> 08);
    - a 2-digit header mapped twice (08: CONCEDE for 080-083, RETREAT for 084-087) keeps the
      first (CONCEDE, the type of 080 "Yield");
    - duplicate rows (175) keep the first; modes outside the type's list are fixed by
      MODE_FIXES; contexts are kept as written ("crime; corruption").
    """
    ev = os.path.join(base, "events")
    codes = read_tsv(os.path.join(ev, "cameo_codes.tsv"))
    mapping = {}
    for r in read_tsv(os.path.join(ev, "cameo_to_plover_2021.tsv")):
        r = (r + [""] * 5)[:5]
        code, kind, mode, context = (x.strip() for x in r[:4])
        if code in mapping:
            continue  # 08 (second header), 175 (repeated)
        if kind not in PLOVER_TYPES:
            continue
        mode = MODE_FIXES.get((code, mode), mode)
        mapping[code] = (kind, mode, context)
    with open(os.path.join(ev, "plover_lists.json"), encoding="utf-8") as f:
        modes = json.load(f)["modes"]
    for code, (kind, mode, _ctx) in sorted(mapping.items()):
        if mode and mode not in modes.get(kind, []):
            print(f"warning: {code} {kind} mode {mode!r} is not a {kind} mode")

    inherited = []

    def lookup(code, note=False):
        for n in range(len(code), 1, -1):
            if code[:n] in mapping:
                if note and n < len(code):
                    inherited.append(code)
                return mapping[code[:n]]
        return None

    out = []
    for r in codes:
        code, label = r[0].strip(), r[1].strip()
        if code.startswith("01"):
            kind, mode, context = "", "", ""
        elif code.startswith("02"):
            analogue = lookup("10" + code[2:]) or ("REQUEST", "", "")
            kind, mode, context = "REQUEST", analogue[1], analogue[2]
            if code.startswith("025"):
                mode = "yield"
            if code[:3] in ("026", "027", "028"):
                mode = "meet"
        else:
            m = lookup(code, note=True)
            if m is None:
                print(f"warning: no PLOVER mapping for {code} {label}")
                kind, mode, context = "", "", ""
            else:
                kind, mode, context = m
        out.append((code, label, kind, mode, context))
    return out, inherited


# ---------------------------------------------------------------- output

HEADERS = {
    "verbs.tsv": (
        "# PETRARCH CAMEO.2.0.txt verb dictionary (MIT, (c) 2015 Open Event Data Alliance), "
        "derived by scripts/derive_events.py",
        ["lemma", "code", "forms"],
    ),
    "patterns.tsv": (
        "# PETRARCH CAMEO.2.0.txt verb patterns (MIT, (c) 2015 Open Event Data Alliance), "
        "derived by scripts/derive_events.py",
        ["lemma", "code", "before", "after"],
    ),
    "synsets.tsv": (
        "# PETRARCH CAMEO.2.0.txt synonym sets (MIT, (c) 2015 Open Event Data Alliance), "
        "derived by scripts/derive_events.py",
        ["name", "members"],
    ),
    "cameo.tsv": (
        "# CAMEO labels: openeventdata/text_to_CAMEO (MIT); PLOVER type/mode/context: "
        "openeventdata/PLOVER CAMEO2PLOVER-2021 (CC BY-SA 4.0), changed by sitrep "
        "(scripts/derive_events.py); this table: CC BY-SA 4.0",
        ["cameo", "label", "plover_type", "mode", "context"],
    ),
}


def render(name, rows):
    note, header = HEADERS[name]
    lines = [note, "# " + "\t".join(header)]
    for r in rows:
        cells = [str(x) for x in r]
        for c in cells:
            if "\t" in c or "\n" in c:
                raise ValueError(f"{name}: tab or newline in {c!r}")
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"


def derive(base):
    path = os.path.join(base, "events", "petrarch2", "CAMEO.2.0.txt")
    verbs, patterns, synsets, order, skipped, undefined = read_dictionary(path)
    tables = {}
    tables["verbs.tsv"] = [(v.lemma, v.code, " ".join(v.forms)) for v in verbs]
    tables["patterns.tsv"] = [
        (v.lemma, code, " ".join(bw), " ".join(aw)) for v, code, bw, aw in patterns
    ]
    seen = set()
    srows = []
    for name in order:
        if name in seen:
            continue
        seen.add(name)
        srows.append((name, "|".join(" ".join(m) for m in synsets[name])))
    tables["synsets.tsv"] = srows
    tables["cameo.tsv"], inherited = cameo(base)
    notes = ["cameo codes mapped through a parent code: " + " ".join(inherited)]
    notes += [f"patterns skipped: {k} {n}" for k, n in skipped.items() if n]
    if undefined:
        notes.append("undefined synsets: " + " ".join(undefined))
    return {name: render(name, rows) for name, rows in tables.items()}, tables, notes


def main():
    check = "--check" in sys.argv[1:]
    base = shared_data()
    texts, tables, notes = derive(base)
    if check:
        stale = []
        for name, text in texts.items():
            path = os.path.join(OUT, name)
            try:
                with open(path, encoding="utf-8") as f:
                    current = f.read()
            except OSError:
                current = None
            if current != text:
                stale.append(name)
        if stale:
            print("out of date: " + " ".join(stale) + " (run python3 scripts/derive_events.py)")
            sys.exit(1)
        print("data/events is current")
        return
    os.makedirs(OUT, exist_ok=True)
    for name, text in texts.items():
        path = os.path.join(OUT, name)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        print(f"{name}: {len(tables[name])} rows, {os.path.getsize(path)} bytes")
    nforms = sum(len(r[2].split()) for r in tables["verbs.tsv"])
    print(f"verb forms: {nforms}")
    for n in notes:
        print(n)


if __name__ == "__main__":
    main()
