//! Entities: gazetteer matches, rules for people, and the statistical tagger, merged into one
//! list of non-overlapping spans of `article.text`.
//!
//! # Sources of candidates
//! 1. **Gazetteer** ([`crate::gazetteer`]): countries by name, alias or demonym (kind
//!    `country`, `code` = ISO alpha-3), seats of government ("the Kremlin" -> RUS),
//!    organisations, weapons (plus designator patterns: "Hwasong-19", "KN-23"), regions and
//!    GeoNames cities (kind `place`, `code` = `geonames:<id>`, with coordinates and `country`).
//! 2. **Person rules** ([`people`]), which work without the tagger: a title followed by a
//!    capitalised name ("Defense Minister Kim Yong-hyun"), an appositive ("the Minister of
//!    Foreign Affairs of Canada, Melanie Joly"), "Name, the <modifiers> <title>", and names
//!    coordinated before "of <Country>" ("Melanie Joly and Bill Blair of Canada").
//! 3. **Tagger** ([`crate::ner::Tagger`]) per sentence when `config.tagger` is on: PER ->
//!    person (enriched by the same title/country rules), LOC -> country or place (resolved in
//!    the gazetteer when it knows the name, else a place without code), ORG -> organisation,
//!    MISC -> other unless it is a demonym. A tagger LOC also counts as evidence for a city.
//!
//! # Capitals: government or location?
//! A national capital names its government ("Ottawa and Seoul have expressed concern",
//! "pressure on Pyongyang") unless the context makes it a location, in which case it is a
//! place with coordinates. Location cues, checked in order:
//! - a locative preposition before it (`in`, `at`, `near`, `outside`, ... , skipping `the`),
//!   or `to`/`from` after a word of movement ("trip to Seoul", "flew from Moscow"), or
//!   "the city/outskirts/mayor of X";
//! - a place noun after it ("Kyiv region", "Moscow-based"), or "X, <country or region>";
//! - the tagger calls it LOC while the gazetteer knows it only as a city.
//!
//! A capital touching another capitalised word that is not itself an entity ("Seoul National
//! University", "Denzel Washington") is neither: it is part of another name.
//!
//! # Other cities
//! City names are often ordinary words or surnames. A city is accepted when it is
//! capitalised and, by strength:
//! - names flagged as common words ("Reading", "Nice", "Mobile"; see `data/SOURCES.md`) need
//!   strong evidence: the tagger's LOC or "City, Country";
//! - otherwise any location cue above, or the tagger's LOC;
//! - cities of 1,000,000 people or more (and multi-word names of 100,000 or more) need no cue,
//!   unless they touch another capitalised word (part of a name: "Houston Rockets");
//! - a name accepted once with evidence is accepted again in the same article.
//!
//! Among cities of the same name the one in a country the article mentions wins, then the
//! capital, then the most populous.
//!
//! # Overlaps
//! Candidates are ranked by length (longer first), then by source (person rules, gazetteer,
//! tagger); the best non-overlapping set is kept and sorted by start. Later mentions of a
//! person by surname alone ("Kirby") or full name inherit the full mention's `name`, `role`
//! and `country`. `process` clears `article.entities` first, so it is idempotent.

mod context;
mod people;
#[cfg(test)]
mod tests;

use crate::config::EntitiesConfig;
use crate::gazetteer::weapons::{find_designators, Designator};
use crate::gazetteer::{Gazetteer, Hit, NameHow, PlaceKind, Target};
use crate::model::{Article, Entity, EntityKind};
use crate::ner::{NerType, Tagger};
use crate::pipeline::Stage;
use context::{capitalised, is_word, sentence_start, tok_at, tokens, Tok};

/// The entities stage. Build once with [`Entities::new`]; share freely.
pub struct Entities {
    gaz: &'static Gazetteer,
    tagger: Option<&'static Tagger>,
}

impl Entities {
    pub fn new(config: &EntitiesConfig) -> Result<Self, crate::Error> {
        let tagger = if config.tagger {
            Some(Tagger::embedded()?)
        } else {
            None
        };
        Ok(Entities {
            gaz: Gazetteer::embedded(),
            tagger,
        })
    }
}

impl Stage for Entities {
    fn name(&self) -> &'static str {
        "entities"
    }
    fn process(&self, article: &mut Article) {
        article.entities.clear();
        if article.text.is_empty() {
            return;
        }
        let ner = match self.tagger {
            Some(t) => tag_sentences(t, article),
            None => Vec::new(),
        };
        article.entities = extract(self.gaz, &article.text, &ner);
    }
}

/// A tagger span in bytes of the article text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NerHit {
    pub start: usize,
    pub end: usize,
    pub kind: NerType,
}

/// Run the tagger over each sentence (the whole text when there are no sentences).
fn tag_sentences(tagger: &Tagger, article: &Article) -> Vec<NerHit> {
    let text = &article.text;
    let whole = [crate::model::Sentence {
        start: 0,
        end: text.len(),
    }];
    let sentences = if article.sentences.is_empty() {
        &whole[..]
    } else {
        &article.sentences
    };
    let mut out = Vec::new();
    for s in sentences {
        if s.start >= s.end || s.end > text.len() || !text.is_char_boundary(s.start) {
            continue;
        }
        if !text.is_char_boundary(s.end) {
            continue;
        }
        let sent = &text[s.start..s.end];
        let toks = crate::tokenize::tokenize(sent);
        let words: Vec<&str> = toks.iter().map(|t| &sent[t.start..t.end]).collect();
        for span in tagger.tag(&words) {
            if span.start >= span.end || span.end > toks.len() {
                continue;
            }
            out.push(NerHit {
                start: s.start + toks[span.start].start,
                end: s.start + toks[span.end - 1].end,
                kind: span.kind,
            });
        }
    }
    out
}

/// Source of a candidate, for ranking ties (higher wins).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Source {
    Tagger = 0,
    Gazetteer = 1,
    Rule = 2,
}

/// A candidate entity before overlap resolution.
#[derive(Debug, Clone)]
pub(crate) struct Cand {
    pub start: usize,
    pub end: usize,
    pub kind: EntityKind,
    pub code: Option<String>,
    pub name: Option<String>,
    pub role: Option<String>,
    pub country: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub source: Source,
}

impl Cand {
    fn new(start: usize, end: usize, kind: EntityKind, source: Source) -> Cand {
        Cand {
            start,
            end,
            kind,
            code: None,
            name: None,
            role: None,
            country: None,
            lat: None,
            lon: None,
            source,
        }
    }
    fn via(&self) -> &'static str {
        match self.source {
            Source::Tagger => "tagger",
            Source::Gazetteer => "gazetteer",
            Source::Rule => "rule",
        }
    }
}

/// Shared state of one extraction.
pub(crate) struct Ctx<'a> {
    pub gaz: &'static Gazetteer,
    pub text: &'a str,
    pub toks: Vec<Tok>,
    pub hits: Vec<Hit>,
    pub ner: &'a [NerHit],
    /// ISO3 codes of countries named in the article (by name, alias, demonym or seat).
    pub mentioned: Vec<&'static str>,
    /// Accepted gazetteer candidates (countries, organisations, places, weapons).
    pub cands: Vec<Cand>,
    /// Titles: (start, end, title index), longest per end offset.
    pub titles: Vec<(usize, usize, usize)>,
}

/// Extract entities from `text` given tagger spans (byte offsets). Pure; never panics.
pub(crate) fn extract(gaz: &'static Gazetteer, text: &str, ner: &[NerHit]) -> Vec<Entity> {
    let mut toks = Vec::new();
    tokens(text, &mut toks);
    let mut hits = Vec::new();
    gaz.find(text, &mut hits);
    let mut cx = Ctx {
        gaz,
        text,
        toks,
        hits,
        ner,
        mentioned: Vec::new(),
        cands: Vec::new(),
        titles: Vec::new(),
    };
    cx.collect_mentioned();
    cx.gazetteer_cands();
    cx.designator_cands();
    let mut all = std::mem::take(&mut cx.cands);
    cx.cands = all.clone();
    all.extend(people::find(&cx));
    all.extend(cx.tagger_cands());
    let mut kept = resolve(all);
    people::propagate(&cx, &mut kept);
    kept.sort_by_key(|c| (c.start, c.end));
    kept.into_iter()
        .filter(|c| c.start < c.end && c.end <= text.len())
        .filter(|c| text.is_char_boundary(c.start) && text.is_char_boundary(c.end))
        .map(|c| Entity {
            start: c.start,
            end: c.end,
            text: text[c.start..c.end].to_string(),
            kind: c.kind,
            via: c.via().to_string(),
            code: c.code,
            name: c.name,
            role: c.role,
            country: c.country,
            lat: c.lat,
            lon: c.lon,
        })
        .collect()
}

/// Keep the best non-overlapping candidates: longer first, then by source.
fn resolve(mut all: Vec<Cand>) -> Vec<Cand> {
    all.sort_by(|a, b| {
        (b.end - b.start)
            .cmp(&(a.end - a.start))
            .then(b.source.cmp(&a.source))
            .then(b.code.is_some().cmp(&a.code.is_some()))
            .then(a.start.cmp(&b.start))
    });
    let mut kept: Vec<Cand> = Vec::new();
    for c in all {
        if c.start >= c.end {
            continue;
        }
        if kept.iter().any(|k| k.start < c.end && c.start < k.end) {
            continue;
        }
        kept.push(c);
    }
    kept
}

impl<'a> Ctx<'a> {
    /// Token text at index `i`, or "" past the end.
    pub(crate) fn w(&self, i: usize) -> &'a str {
        self.toks
            .get(i)
            .map(|t| &self.text[t.start..t.end])
            .unwrap_or("")
    }

    fn collect_mentioned(&mut self) {
        for h in &self.hits {
            let m = &self.text[h.start..h.end];
            if let Some((idx, how)) = self.gaz.country_of(h) {
                // ambiguous first names ("Jordan", "Chad") do not count here
                if how != NameHow::Gov && !FIRST_NAME_COUNTRIES.contains(&m) {
                    let iso = self.gaz.countries[idx].iso3;
                    if !self.mentioned.contains(&iso) {
                        self.mentioned.push(iso);
                    }
                }
            }
        }
    }

    /// Is byte range [s, e) a tagger span of `kind`?
    fn ner_is(&self, s: usize, e: usize, kind: NerType) -> bool {
        self.ner
            .iter()
            .any(|n| n.kind == kind && n.start <= s && e <= n.end)
    }

    /// A location cue before token `i` (the first token of a mention).
    fn locative_before(&self, i: usize) -> bool {
        if i == 0 {
            return false;
        }
        let mut j = i - 1;
        if self.w(j).eq_ignore_ascii_case("the") && j > 0 {
            j -= 1;
        }
        let p = self.w(j);
        if is_word(p, context::LOCATIVE) {
            return true;
        }
        if j > 0 && (p.eq_ignore_ascii_case("to") || p.eq_ignore_ascii_case("from")) {
            return is_word(self.w(j - 1), context::MOTION);
        }
        if j > 0 && p == "of" {
            return is_word(self.w(j - 1), context::PLACE_OF);
        }
        false
    }

    /// A place noun or "-based" right after byte `end`, or ", <country/region>".
    fn place_after(&self, end: usize) -> bool {
        let rest = &self.text[end..];
        if rest.starts_with("-based") {
            return true;
        }
        let j = tok_at(&self.toks, end);
        if is_word(self.w(j), context::PLACE_AFTER) {
            return true;
        }
        self.comma_country(end)
    }

    /// "City, Country" or "City, Region".
    fn comma_country(&self, end: usize) -> bool {
        let j = tok_at(&self.toks, end);
        if self.w(j) != "," {
            return false;
        }
        let Some(next) = self.toks.get(j + 1) else {
            return false;
        };
        self.hits.iter().any(|h| {
            h.start == next.start
                && self.gaz.targets(h).any(|t| match t {
                    Target::Country { how, .. } => how == NameHow::Name,
                    Target::Place { idx, .. } => self.gaz.places[idx].kind == PlaceKind::Region,
                    _ => false,
                })
        })
    }

    /// The mention at tokens [i, j) touches another capitalised word that is not an entity
    /// of its own: it is then part of a longer name.
    fn touches_name(&self, i: usize, j: usize) -> bool {
        let is_namey = |k: usize| {
            let w = self.w(k);
            let s = self.toks[k].start;
            capitalised(w)
                && w.chars().any(char::is_alphabetic)
                && !is_word(w, context::LOCATIVE)
                && !context::FUNCTION_WORDS.contains(&w)
                && !self.starts_entity(s)
                && !self.titles.iter().any(|t| t.0 == s)
        };
        let before = i > 0 && !sentence_start(self.text, &self.toks, i) && is_namey(i - 1);
        let after = j < self.toks.len() && !self.toks[j].newline_before && is_namey(j);
        before || after
    }

    /// A country, organisation or region name starts at byte `s`.
    fn starts_entity(&self, s: usize) -> bool {
        self.hits.iter().any(|h| {
            h.start == s
                && self.gaz.targets(h).any(|t| match t {
                    Target::Country { .. } | Target::Org(_) => true,
                    Target::Place { idx, .. } => self.gaz.places[idx].kind == PlaceKind::Region,
                    _ => false,
                })
        })
    }

    fn gazetteer_cands(&mut self) {
        let hits = self.hits.clone();
        // titles: keep the longest title per end offset
        for h in &hits {
            for t in self.gaz.targets(h) {
                if let Target::Title(idx) = t {
                    match self.titles.iter_mut().find(|x| x.1 == h.end) {
                        Some(x) if x.0 > h.start => *x = (h.start, h.end, idx),
                        Some(_) => {}
                        None => self.titles.push((h.start, h.end, idx)),
                    }
                }
            }
        }
        // cities accepted with evidence, to accept the same name again
        let mut confirmed: Vec<&str> = Vec::new();
        let mut out = Vec::new();
        for h in &hits {
            if let Some(c) = self.decide(h, &mut confirmed) {
                out.push(c);
            }
        }
        self.cands = out;
    }

    fn decide(&self, h: &Hit, confirmed: &mut Vec<&'a str>) -> Option<Cand> {
        let g = self.gaz;
        let text = self.text;
        let m = &text[h.start..h.end];
        let targets: Vec<Target> = g.targets(h).collect();
        let i = tok_at(&self.toks, h.start);
        let j = tok_at(&self.toks, h.end);
        // 1. countries
        if let Some((idx, how)) = g.country_of(h) {
            let c = &g.countries[idx];
            // a country that is also a region elsewhere ("Georgia"): the region when the
            // article names that region's country and nothing else names this one
            let region = targets.iter().find_map(|t| match *t {
                Target::Place { idx: p, .. } if g.places[p].country != c.iso3 => Some(p),
                _ => None,
            });
            if let Some(p) = region {
                let other = g.places[p].country;
                let own_elsewhere = self.hits.iter().any(|o| {
                    o.start != h.start
                        && &text[o.start..o.end] != m
                        && g.targets(o)
                            .any(|t| matches!(t, Target::Country { idx: k, .. } if k == idx))
                });
                if self.mentioned.contains(&other) && !own_elsewhere {
                    return Some(self.place_cand(h, p));
                }
            }
            if FIRST_NAME_COUNTRIES.contains(&m) && self.touches_name(i, j) {
                return None;
            }
            let mut e = Cand::new(h.start, h.end, EntityKind::Country, Source::Gazetteer);
            e.code = Some(c.iso3.to_string());
            e.name = Some(c.name.to_string());
            let _ = how;
            return Some(e);
        }
        // 2. organisations
        if let Some(idx) = targets.iter().find_map(|t| match *t {
            Target::Org(i) => Some(i),
            _ => None,
        }) {
            let o = &g.orgs[idx];
            let mut e = Cand::new(h.start, h.end, EntityKind::Organization, Source::Gazetteer);
            e.code = Some(o.name.to_string());
            e.name = Some(o.name.to_string());
            e.country = self.modifier_country(i).or(o.country.map(str::to_string));
            return Some(e);
        }
        // 3. weapons
        if let Some(idx) = targets.iter().find_map(|t| match *t {
            Target::Weapon(i) => Some(i),
            _ => None,
        }) {
            let w = &g.weapons[idx];
            if w.needs_context && !self.weapon_cue(i, j) {
                return None;
            }
            // a lower-case class written with a capital mid-sentence is a name ("Rockets")
            let lower_class = g.forms_of(h.form).iter().all(|f| !capitalised(f));
            if lower_class && capitalised(m) && !sentence_start(text, &self.toks, i) {
                return None;
            }
            let mut e = Cand::new(h.start, h.end, EntityKind::Weapon, Source::Gazetteer);
            e.code = Some(w.canonical.to_string());
            e.name = Some(w.canonical.to_string());
            return Some(e);
        }
        // 4. regions (hand-written): accepted as written
        if let Some(p) = targets.iter().find_map(|t| match *t {
            Target::Place { idx, .. } if g.places[idx].kind == PlaceKind::Region => Some(idx),
            _ => None,
        }) {
            if self.touches_name(i, j) && !self.place_after(h.end) {
                return None;
            }
            return Some(self.place_cand(h, p));
        }
        // 5. cities
        self.decide_city(h, m, i, j, confirmed)
    }

    fn decide_city(
        &self,
        h: &Hit,
        m: &'a str,
        i: usize,
        j: usize,
        confirmed: &mut Vec<&'a str>,
    ) -> Option<Cand> {
        let g = self.gaz;
        // best city of this name
        let mut best: Option<(usize, bool, f64)> = None;
        for t in g.targets(h) {
            if let Target::Place { idx, alternate } = t {
                let p = &g.places[idx];
                let mut score = f64::from(p.population.max(1));
                if self.mentioned.contains(&p.country) {
                    score *= 50.0;
                }
                if p.capital {
                    score *= 5.0;
                }
                if alternate {
                    score /= 2.0;
                }
                if best.is_none_or(|b| score > b.2) {
                    best = Some((idx, alternate, score));
                }
            }
        }
        let (idx, alternate, _) = best?;
        let p = &g.places[idx];
        if !capitalised(m) {
            return None;
        }
        let ner_loc = self.ner_is(h.start, h.end, NerType::Loc);
        let ner_other = self
            .ner
            .iter()
            .any(|n| n.kind != NerType::Loc && n.start <= h.start && h.end <= n.end);
        let strong = ner_loc || self.comma_country(h.end);
        let cue = strong || self.locative_before(i) || self.place_after(h.end);
        let name_part = self.touches_name(i, j);
        if p.capital && (!alternate || p.population >= 1_000_000) {
            // The tagger labels capitals LOC whether they act as a government or not (CoNLL
            // does), so its label is no location cue here; and only a longer tagger span
            // ("Seoul National University") makes the capital part of another name.
            let ner_other = self.ner.iter().any(|n| {
                n.kind != NerType::Loc
                    && n.start <= h.start
                    && h.end <= n.end
                    && n.end - n.start > h.end - h.start
            });
            let cue =
                self.comma_country(h.end) || self.locative_before(i) || self.place_after(h.end);
            if cue && !name_part {
                confirmed.push(m);
                return Some(self.place_cand(h, idx));
            }
            if name_part || ner_other || p.common_word {
                return None;
            }
            // a dateline ("WASHINGTON (AP) —", "Kyiv, May 2 -") or an article about no other
            // country: the city itself
            let dateline = sentence_start(self.text, &self.toks, i)
                && matches!(self.w(j), "(" | "—" | "–" | "-" | ",");
            let foreign = self.mentioned.iter().any(|c| *c != p.country);
            if dateline || !foreign {
                return Some(self.place_cand(h, idx));
            }
            // capital as its government
            let c = g.country(p.country)?;
            let mut e = Cand::new(h.start, h.end, EntityKind::Country, Source::Gazetteer);
            e.code = Some(c.iso3.to_string());
            e.name = Some(c.name.to_string());
            return Some(e);
        }
        if ner_other {
            return None;
        }
        let words = m.split(' ').count();
        // a city named like a calendar, office or organisation word ("March", "University")
        let ordinary = p.common_word || context::not_name(m);
        let accept = if ordinary {
            strong
        } else if alternate {
            cue && !name_part
        } else if cue && !name_part {
            true
        } else if confirmed.contains(&m) {
            !name_part
        } else {
            !name_part && (p.population >= 1_000_000 || (words > 1 && p.population >= 100_000))
        };
        if !accept {
            return None;
        }
        if cue {
            confirmed.push(m);
        }
        Some(self.place_cand(h, idx))
    }

    fn place_cand(&self, h: &Hit, idx: usize) -> Cand {
        let p = &self.gaz.places[idx];
        let mut e = Cand::new(h.start, h.end, EntityKind::Place, Source::Gazetteer);
        if p.geonameid > 0 {
            e.code = Some(format!("geonames:{}", p.geonameid));
        }
        e.name = Some(p.name.to_string());
        e.country = Some(p.country.to_string()).filter(|c| !c.is_empty());
        e.lat = Some(p.lat);
        e.lon = Some(p.lon);
        e
    }

    /// A weapon word within two tokens of the mention at tokens [i, j).
    fn weapon_cue(&self, i: usize, j: usize) -> bool {
        let lo = i.saturating_sub(2);
        (lo..i)
            .chain(j..j + 2)
            .any(|k| is_word(self.w(k), context::WEAPON_CUE))
    }

    /// The country of a modifier right before token `i`: "Russia's", "South Korean",
    /// "Seoul's" (a capital as its government).
    pub(crate) fn modifier_country(&self, i: usize) -> Option<String> {
        if i == 0 {
            return None;
        }
        let mut k = i - 1;
        let w = self.w(k);
        if w == "'s" || w == "’s" || w == "'" || w == "’" {
            k = k.checked_sub(1)?;
        }
        let end = self.toks[k].end;
        self.country_ending_at(end)
    }

    /// The country code of a country-kind gazetteer candidate ending at byte `end`.
    pub(crate) fn country_ending_at(&self, end: usize) -> Option<String> {
        self.cands
            .iter()
            .find(|c| c.end == end && c.kind == EntityKind::Country)
            .and_then(|c| c.code.clone())
    }

    fn designator_cands(&mut self) {
        let mut ds: Vec<Designator> = Vec::new();
        find_designators(self.text, &mut ds);
        for d in ds {
            let mut e = Cand::new(d.start, d.end, EntityKind::Weapon, Source::Gazetteer);
            let s = &self.text[d.start..d.end];
            e.code = Some(s.to_string());
            e.name = Some(s.to_string());
            self.cands.push(e);
        }
    }

    fn tagger_cands(&self) -> Vec<Cand> {
        let mut out = Vec::new();
        for n in self.ner {
            if n.start >= n.end || n.end > self.text.len() {
                continue;
            }
            if !self.text.is_char_boundary(n.start) || !self.text.is_char_boundary(n.end) {
                continue;
            }
            let m = &self.text[n.start..n.end];
            // "Defense Minister", "Minister of Foreign Affairs of Canada": words of a title are
            // not organisations or other names of their own
            if n.kind != NerType::Per
                && self
                    .titles
                    .iter()
                    .any(|&(ts, te, _)| ts < n.end && n.start < te)
            {
                continue;
            }
            match n.kind {
                NerType::Per => {
                    if let Some(c) = people::from_tagger(self, n.start, n.end) {
                        out.push(c);
                    }
                }
                NerType::Loc => {
                    // A one-word place the gazetteers do not know is dropped where capitals
                    // mark headings and sentence starts rather than names ("Photo", "Center"),
                    // and where it modifies a noun ("the Omicron variant"), unless a locative
                    // preposition vouches for it ("in Avdiivka").
                    let i = tok_at(&self.toks, n.start);
                    let j = tok_at(&self.toks, n.end);
                    let modifier = i > 0
                        && is_word(self.w(i - 1), &["the", "a", "an"])
                        && self.w(j).chars().next().is_some_and(char::is_lowercase);
                    if !m.contains(char::is_whitespace)
                        && self.gaz.lookup(m).is_none()
                        && !self.locative_before(i)
                        && (sentence_start(self.text, &self.toks, i) || modifier)
                    {
                        continue;
                    }
                    let mut e = Cand::new(n.start, n.end, EntityKind::Place, Source::Tagger);
                    if let Some(lh) = self.gaz.lookup(m) {
                        for t in self.gaz.targets(&lh) {
                            match t {
                                Target::Country { idx, .. } => {
                                    let c = &self.gaz.countries[idx];
                                    e.kind = EntityKind::Country;
                                    e.code = Some(c.iso3.to_string());
                                    e.name = Some(c.name.to_string());
                                    break;
                                }
                                Target::Place { idx, .. } if e.code.is_none() => {
                                    let h = Hit {
                                        start: n.start,
                                        end: n.end,
                                        ..lh
                                    };
                                    let mut p = self.place_cand(&h, idx);
                                    p.source = Source::Tagger;
                                    e = p;
                                }
                                _ => {}
                            }
                        }
                    }
                    out.push(e);
                }
                NerType::Org => {
                    let mut e = Cand::new(n.start, n.end, EntityKind::Organization, Source::Tagger);
                    if let Some(lh) = self.gaz.lookup(m) {
                        if let Some(Target::Org(i)) =
                            self.gaz.targets(&lh).find(|t| matches!(t, Target::Org(_)))
                        {
                            let o = &self.gaz.orgs[i];
                            e.code = Some(o.name.to_string());
                            e.name = Some(o.name.to_string());
                            e.country = o.country.map(str::to_string);
                        }
                    }
                    out.push(e);
                }
                NerType::Misc => {
                    let demonym = self.gaz.lookup(m).is_some_and(|lh| {
                        self.gaz
                            .targets(&lh)
                            .any(|t| matches!(t, Target::Country { .. }))
                    });
                    if !demonym {
                        out.push(Cand::new(n.start, n.end, EntityKind::Other, Source::Tagger));
                    }
                }
            }
        }
        out
    }
}

/// Country names that are also common given names: not a country when they touch another
/// capitalised name word ("Chad Smith", "Jordan Peterson").
const FIRST_NAME_COUNTRIES: &[&str] = &["Jordan", "Chad", "Georgia", "Israel", "India", "Kenya"];
