//! People without the tagger, and the enrichment of the tagger's people.
//!
//! A *name* is a run of one to four capitalised name words ("Cho Tae-yul", "John F.
//! Kennedy", "Ursula von der Leyen") that are not function words, calendar words, office or
//! organisation words (see `context::not_name`), and not covered by a title, a country, an
//! organisation, a region, a capital or a weapon. So a name never swallows a title or a country.
//!
//! Rules (each gives `role` and `country` where the text does):
//! - **title + name**: "Foreign Minister Cho Tae-yul", "spokesperson John Kirby", "Mr. Kirby";
//!   the title is the role (honorifics give none);
//! - **title, name**: "the Minister of Foreign Affairs of Canada, Melanie Joly";
//! - **name, title**: "John Kirby, the White House national security spokesman";
//! - **names of Country**: two-word-or-longer names coordinated with "and" or "," before
//!   "of <Country>" ("Melanie Joly and Bill Blair of Canada") all get that country.
//!
//! The country comes from, in order: "of <Country>" right after the name; a modifier right
//! before the title ("Canadian Prime Minister", "Canada's Foreign Minister", "Seoul's envoy")
//! or an organisation there with a country ("National Security Council spokesperson");
//! "Representing <Country> were ..." / "<Country> was represented by ..." up to the end of
//! the clause. Later mentions by surname or full name inherit it ([`propagate`]).

use super::context::{capitalised, is_word, not_name, tok_at, PARTICLES};
use super::{Cand, Ctx, Source};
use crate::model::EntityKind;

/// Tokens that a name may not use: covered by a title or a non-city candidate.
fn blocked(cx: &Ctx, k: usize) -> bool {
    let Some(t) = cx.toks.get(k) else { return true };
    cx.titles.iter().any(|&(s, e, _)| s < t.end && t.start < e)
        || cx.cands.iter().any(|c| {
            c.start < t.end
                && t.start < c.end
                && !(c.kind == EntityKind::Place
                    && c.code
                        .as_deref()
                        .is_some_and(|x| x.starts_with("geonames:")))
        })
}

fn is_name_tok(cx: &Ctx, k: usize) -> bool {
    let w = cx.w(k);
    w.chars().count() >= 2
        && w.chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() && c.is_uppercase())
        && w.chars().any(char::is_lowercase)
        && !not_name(w)
        && !blocked(cx, k)
}

/// End (exclusive token index) of the name starting at token `i`, and its word count.
fn name_run(cx: &Ctx, i: usize) -> Option<(usize, usize)> {
    let mut k = i;
    let mut n = 0;
    let mut end = None;
    while n < 4 && k < cx.toks.len() {
        if k > i && cx.toks[k].newline_before {
            break;
        }
        let w = cx.w(k);
        if is_name_tok(cx, k) {
            n += 1;
            k += 1;
            end = Some((k, n));
            continue;
        }
        // an initial: "F." followed by a name word
        let initial = w.len() == 1 && w.chars().all(|c| c.is_ascii_uppercase());
        if initial && cx.w(k + 1) == "." && !blocked(cx, k) && is_name_tok(cx, k + 2) {
            n += 1;
            k += 2;
            continue;
        }
        if n > 0
            && is_word(w, PARTICLES)
            && w.chars().all(char::is_lowercase)
            && is_name_tok(cx, k + 1)
        {
            k += 1;
            continue;
        }
        break;
    }
    end
}

/// All maximal name runs: (first token, end token, words).
fn runs(cx: &Ctx) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut k = 0;
    while k < cx.toks.len() {
        if is_name_tok(cx, k) {
            if let Some((end, n)) = name_run(cx, k) {
                out.push((k, end, n));
                k = end;
                continue;
            }
        }
        k += 1;
    }
    out
}

fn person(cx: &Ctx, a: usize, b: usize) -> Cand {
    Cand::new(
        cx.toks[a].start,
        cx.toks[b - 1].end,
        EntityKind::Person,
        Source::Rule,
    )
}

/// "of <Country>" (or "of the <Country>") starting at token `b`: the country's code.
fn of_country(cx: &Ctx, b: usize) -> Option<String> {
    if cx.w(b) != "of" {
        return None;
    }
    let mut k = b + 1;
    if cx.w(k) == "the" {
        k += 1;
    }
    let t = cx.toks.get(k)?;
    cx.cands
        .iter()
        .find(|c| c.start == t.start && c.kind == EntityKind::Country)
        .and_then(|c| c.code.clone())
}

/// Token index just past a country candidate that starts at token `k`.
fn country_end_tok(cx: &Ctx, k: usize) -> Option<(usize, String)> {
    let t = cx.toks.get(k)?;
    let c = cx
        .cands
        .iter()
        .find(|c| c.start == t.start && c.kind == EntityKind::Country)?;
    Some((tok_at(&cx.toks, c.end), c.code.clone()?))
}

/// Country given by what stands before a title that starts at token `ts` and ends at `te`:
/// a country or capital modifier, or an organisation with a country (before or inside).
fn country_before(cx: &Ctx, ts: usize, te_byte: usize) -> Option<String> {
    if let Some(c) = cx.modifier_country(ts) {
        return Some(c);
    }
    let start = cx.toks.get(ts)?.start;
    let prev_end = ts.checked_sub(1).map(|k| cx.toks[k].end);
    cx.cands
        .iter()
        .filter(|c| c.kind == EntityKind::Organization)
        .filter(|c| Some(c.end) == prev_end || (start <= c.start && c.end <= te_byte))
        .find_map(|c| c.country.clone())
}

fn role_of(cx: &Ctx, idx: usize) -> Option<String> {
    let t = cx.gaz.titles.get(idx)?;
    (!t.honorific).then(|| t.text.to_string())
}

/// Every person the rules find.
pub(crate) fn find(cx: &Ctx) -> Vec<Cand> {
    let mut out: Vec<Cand> = Vec::new();
    let push = |out: &mut Vec<Cand>, c: Cand| {
        if let Some(o) = out
            .iter_mut()
            .find(|o| o.start == c.start && o.end == c.end)
        {
            if o.role.is_none() {
                o.role = c.role.clone();
            }
            if o.country.is_none() {
                o.country = c.country.clone();
            }
        } else {
            out.push(c);
        }
    };
    // title + name, and title [of Country], name
    for &(ts_b, te_b, idx) in &cx.titles {
        let ts = tok_at(&cx.toks, ts_b);
        let k = tok_at(&cx.toks, te_b);
        if k >= cx.toks.len() || k == 0 || cx.toks[k - 1].end != te_b || cx.toks[k].newline_before {
            continue;
        }
        let before = country_before(cx, ts, te_b);
        if let Some((end, _)) = name_run(cx, k) {
            let mut p = person(cx, k, end);
            p.role = role_of(cx, idx);
            p.country = of_country(cx, end).or(before);
            push(&mut out, p);
            continue;
        }
        // appositive: "<title> of <Country>, <Name>" or "<title>, <Name>"
        let mut j = k;
        let mut country = None;
        if cx.w(j) == "of" {
            let mut q = j + 1;
            if cx.w(q) == "the" {
                q += 1;
            }
            if let Some((e, code)) = country_end_tok(cx, q) {
                country = Some(code);
                j = e;
            } else {
                continue;
            }
        }
        if cx.w(j) == "," {
            if let Some((end, n)) = name_run(cx, j + 1) {
                if n >= 2 {
                    let mut p = person(cx, j + 1, end);
                    p.role = role_of(cx, idx);
                    p.country = country.or(before);
                    push(&mut out, p);
                }
            }
        }
    }
    let rs = runs(cx);
    // name, the <modifiers> <title>
    for &(a, b, n) in &rs {
        if n < 2 || cx.w(b) != "," {
            continue;
        }
        let Some(&(ts_b, te_b, idx)) = cx.titles.iter().find(|&&(s, _, _)| {
            let ts = tok_at(&cx.toks, s);
            ts > b && ts <= b + 6 && (b + 1..ts).all(|k| is_plain_word(cx, k))
        }) else {
            continue;
        };
        let mut p = person(cx, a, b);
        p.role = role_of(cx, idx);
        let (lo, hi) = (cx.toks[b].end, te_b);
        p.country = cx
            .cands
            .iter()
            .filter(|c| lo <= c.start && c.end <= hi)
            .find_map(|c| match c.kind {
                EntityKind::Country => c.code.clone(),
                EntityKind::Organization => c.country.clone(),
                _ => None,
            });
        let _ = ts_b;
        push(&mut out, p);
    }
    // names coordinated before "of <Country>"
    for (r, &(a, b, n)) in rs.iter().enumerate() {
        if n < 2 {
            continue;
        }
        let Some(code) = of_country(cx, b) else {
            continue;
        };
        let mut p = person(cx, a, b);
        p.country = Some(code.clone());
        push(&mut out, p);
        let mut first = a;
        for &(a2, b2, n2) in rs[..r].iter().rev() {
            let between: Vec<&str> = (b2..first).map(|k| cx.w(k)).collect();
            let joined = matches!(between.as_slice(), ["and"] | [","] | [",", "and"]);
            if !joined || n2 < 2 {
                break;
            }
            let mut p = person(cx, a2, b2);
            p.country = Some(code.clone());
            push(&mut out, p);
            first = a2;
        }
    }
    represented(cx, &mut out);
    out
}

/// A word token that may stand between a name's comma and its title: a determiner, a
/// modifier word or a name ("the White House national security"), never a clause word
/// ("while Canada was represented by").
fn is_plain_word(cx: &Ctx, k: usize) -> bool {
    const CLAUSE: &[&str] = &[
        "while", "and", "but", "or", "was", "were", "is", "are", "be", "been", "by", "who",
        "which", "that", "said", "says", "told", "when", "where", "as", "to", "with", "for", "in",
        "on", "at", "from", "had", "has", "have", "will", "would", "not",
    ];
    let w = cx.w(k);
    (w.chars().next().is_some_and(char::is_alphanumeric) || w == "'s" || w == "’s")
        && !is_word(w, CLAUSE)
}

/// "Representing <Country> were A and B" / "<Country> was represented by A and B": persons in
/// the clause that have no country get it.
fn represented(cx: &Ctx, people: &mut [Cand]) {
    let n = cx.toks.len();
    for k in 0..n {
        let w = cx.w(k);
        let (code, from) = if w.eq_ignore_ascii_case("representing") {
            let Some((e, code)) = country_end_tok(cx, k + 1) else {
                continue;
            };
            (code, e)
        } else if w == "represented" && cx.w(k + 1) == "by" && k >= 2 {
            // "<Country> was represented by"
            let aux = cx.w(k - 1);
            if !matches!(aux, "was" | "were" | "is" | "are" | "be" | "been") {
                continue;
            }
            let Some(code) = cx.country_ending_at(cx.toks[k - 2].end) else {
                continue;
            };
            (code, k + 2)
        } else {
            continue;
        };
        let mut to = from;
        while to < n && !matches!(cx.w(to), "." | ";" | "while" | "whereas" | "but") {
            to += 1;
        }
        let (lo, hi) = (
            cx.toks.get(from).map_or(usize::MAX, |t| t.start),
            cx.toks[to - 1].end,
        );
        for p in people.iter_mut() {
            if p.country.is_none() && lo <= p.start && p.end <= hi {
                p.country = Some(code.clone());
            }
        }
    }
}

/// A person from a tagger PER span, trimmed of leading titles and countries, with role and
/// country from the same cues as the rules.
pub(crate) fn from_tagger(cx: &Ctx, start: usize, end: usize) -> Option<Cand> {
    let mut a = tok_at(&cx.toks, start);
    let b = tok_at(&cx.toks, end);
    while a < b && (blocked(cx, a) || !capitalised(cx.w(a)) || not_name(cx.w(a))) {
        a += 1;
    }
    if a >= b {
        return None;
    }
    let mut p = person(cx, a, b);
    p.source = Source::Tagger;
    if let Some(&(ts_b, te_b, idx)) = cx
        .titles
        .iter()
        .find(|t| a > 0 && t.1 == cx.toks[a - 1].end)
    {
        p.role = role_of(cx, idx);
        p.country = country_before(cx, tok_at(&cx.toks, ts_b), te_b);
    }
    p.country = of_country(cx, b).or(p.country);
    Some(p)
}

/// Link later mentions to the full mention: a person whose name is a known person's surname
/// (unique in the article) or full name gets that person's name, role and country; name runs
/// that nothing else claimed and that match are added as people.
pub(crate) fn propagate(cx: &Ctx, kept: &mut Vec<Cand>) {
    let text = cx.text;
    // (full name, surname, role, country)
    let mut known: Vec<(&str, &str, Option<String>, Option<String>)> = Vec::new();
    for c in kept.iter().filter(|c| c.kind == EntityKind::Person) {
        let full = &text[c.start..c.end];
        let Some(sur) = full.split_whitespace().last() else {
            continue;
        };
        if full.split_whitespace().count() < 2 {
            continue;
        }
        match known.iter_mut().find(|k| k.0 == full) {
            Some(k) => {
                if k.2.is_none() {
                    k.2 = c.role.clone();
                }
                if k.3.is_none() {
                    k.3 = c.country.clone();
                }
            }
            None => known.push((full, sur, c.role.clone(), c.country.clone())),
        }
    }
    if known.is_empty() {
        return;
    }
    let unique = |m: &str| {
        let mut it = known.iter().filter(|k| k.0 == m || k.1 == m);
        let first = it.next()?;
        it.all(|k| k.0 == first.0).then_some(first)
    };
    for c in kept.iter_mut().filter(|c| c.kind == EntityKind::Person) {
        let m = &text[c.start..c.end];
        if let Some(k) = unique(m) {
            if k.0 != m || c.role.is_none() {
                c.name = Some(k.0.to_string());
            }
            if c.role.is_none() {
                c.role = k.2.clone();
            }
            if c.country.is_none() {
                c.country = k.3.clone();
            }
        }
    }
    let mut add = Vec::new();
    // a known person's name beats a city of the same spelling ("Mandela")
    let is_city = |c: &Cand| {
        c.kind == EntityKind::Place
            && (c.source == Source::Tagger
                || c.code
                    .as_deref()
                    .is_some_and(|x| x.starts_with("geonames:")))
    };
    let mut drop = Vec::new();
    for (a, b, _) in runs(cx) {
        let (s, e) = (cx.toks[a].start, cx.toks[b - 1].end);
        let over: Vec<usize> = (0..kept.len())
            .filter(|&i| kept[i].start < e && s < kept[i].end)
            .collect();
        let replace = !over.is_empty()
            && over
                .iter()
                .all(|&i| is_city(&kept[i]) && kept[i].start == s && kept[i].end == e);
        if !over.is_empty() && !replace {
            continue;
        }
        if let Some(k) = unique(&text[s..e]) {
            drop.extend(over);
            let mut p = person(cx, a, b);
            p.name = Some(k.0.to_string());
            p.role = k.2.clone();
            p.country = k.3.clone();
            add.push(p);
        }
    }
    drop.sort_unstable();
    for i in drop.into_iter().rev() {
        kept.remove(i);
    }
    kept.extend(add);
}
