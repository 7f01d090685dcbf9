//! Event-coding scorers behind `sitrep eval events`: CAMEO triples on the PETRARCH 2 gold
//! standard, PLOVER types on the PLOVER gold records, PETRARCH's unit tests with their
//! fictional dictionaries, and PLV (type of the event between a marked source and target).
//! Every scorer runs the real pipeline ([`Pipeline::annotate`]) and the real events stage.
//!
//! Data lives under `<shared>/data/events/` ([`super::shared_file`]); nothing from it is in the
//! repository.
//!
//! ## Conventions shared by the scorers
//!
//! **CAMEO root**: the first two characters of a CAMEO code (`"0874"` -> `"08"`).
//!
//! **Country key** (PETR2 GSR): gold codes are CAMEO actor codes, a country followed by
//! sectors (`USA`, `GUYJUD`, `BRAPPL`). A code is compared by its first three letters, except:
//! * non-state international codes (`IGO`, `NGO`, `NGM`, `IMG`, `MNC`, `UIS` first) compare by
//!   the prefix and the next three letters after any CAMEO region code, i.e. the organisation
//!   (`IGOUNOMIL` -> `IGOUNO`, `IGOEUREEC` and `IGOEEC` -> `IGOEEC`, `IGOAFRAU` -> `IGOAU`,
//!   `IMGMUSISI` -> `IMGMUS`), so that the UN does not match the EU;
//! * `---` (PETRARCH's "no country": `---LEG` for "lawmakers") and a missing code are `---`.
//!
//! Our side: a [`Participant`] whose `code` starts with a non-state prefix gets the same
//! organisation key; otherwise its `country`; otherwise the first three letters of its `code`
//! (unless those are `---` or its sector); otherwise `---`. An event with several actors or
//! recipients gives the cross product; an event with no actor (or no recipient) has `---` on
//! that side. Triples are compared as sets per sentence (duplicates count once).
//!
//! **Full codes** (PETRARCH unit tests): the gold code as written against the participant's
//! `code` (`---` put before a code that is only a sector, as PETRARCH writes `---GOV`), or when
//! it has none, its country (or `---`) followed by its sector.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::time::Instant;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::config::{EventsConfig, PipelineConfig};
use crate::events::petrdict::PetrDict;
use crate::events::Events;
use crate::model::{Article, Event, Meta, Participant, PloverType};
use crate::pipeline::{Pipeline, Stage};

/// Files under `<shared>/data/`.
pub const PETR2_FILE: &str = "events/en_petr2_gsr_cameo.jsonl";
pub const PLOVER_FILE: &str = "events/en_plover_gsr_v0.5b1.jsonl";
pub const PETR_UNIT_FILE: &str = "events/en_petr_unittest_cameo_fictional.jsonl";
pub const PETR_ACTORS_FILE: &str = "events/petrarch2/PETR.Validate.actors.txt";
pub const PETR_AGENTS_FILE: &str = "events/petrarch2/PETR.Validate.agents.txt";
pub const CAMEO_CODES_FILE: &str = "events/cameo_codes.tsv";
pub const PLV_FILE: &str = "events/PLV_train.tsv";
pub const NEWS_FILE: &str = "news/realtimeqa_news_articles_2022_2026/articles.jsonl.gz";

// ---------------------------------------------------------------------------------------------
// Counting

/// True positives, false positives, false negatives, with the ratios they give (0 when the
/// denominator is 0).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Prf {
    pub tp: usize,
    pub fp: usize,
    #[serde(rename = "fn")]
    pub fn_: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Prf {
    pub fn new(tp: usize, fp: usize, fn_: usize) -> Prf {
        let precision = ratio(tp, tp + fp);
        let recall = ratio(tp, tp + fn_);
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Prf {
            tp,
            fp,
            fn_,
            precision,
            recall,
            f1,
        }
    }
    pub fn add(&self, other: &Prf) -> Prf {
        Prf::new(self.tp + other.tp, self.fp + other.fp, self.fn_ + other.fn_)
    }
}

/// `a / b`, 0 when `b` is 0.
pub fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Set comparison: what both have, what only `pred` has, what only `gold` has.
pub fn compare_sets<T: Ord + Clone>(
    gold: &BTreeSet<T>,
    pred: &BTreeSet<T>,
) -> (Vec<T>, Vec<T>, Vec<T>) {
    let both = gold.intersection(pred).cloned().collect();
    let extra = pred.difference(gold).cloned().collect();
    let missed = gold.difference(pred).cloned().collect();
    (both, extra, missed)
}

/// One row of a per-class table: of `support` gold items of this class, `correct` were
/// predicted as it; `predicted` items were predicted as it in all.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassRow {
    pub label: String,
    pub support: usize,
    pub predicted: usize,
    pub correct: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// Label used for "no prediction" in tables and confusion matrices.
pub const NONE_LABEL: &str = "NONE";

/// Per-class precision/recall/F1 over the classes that occur in gold (sorted), from
/// (gold, predicted) pairs. A missing prediction is [`NONE_LABEL`]: it lowers the gold class's
/// recall and no class's precision.
pub fn per_class(pairs: &[(String, String)]) -> Vec<ClassRow> {
    let classes: BTreeSet<&str> = pairs.iter().map(|(g, _)| g.as_str()).collect();
    classes
        .into_iter()
        .map(|c| {
            let support = pairs.iter().filter(|(g, _)| g == c).count();
            let predicted = pairs.iter().filter(|(_, p)| p == c).count();
            let correct = pairs.iter().filter(|(g, p)| g == c && p == c).count();
            let prf = Prf::new(correct, predicted - correct, support - correct);
            ClassRow {
                label: c.to_string(),
                support,
                predicted,
                correct,
                precision: prf.precision,
                recall: prf.recall,
                f1: prf.f1,
            }
        })
        .collect()
}

/// Unweighted mean F1 over the rows (the gold classes).
pub fn macro_f1(rows: &[ClassRow]) -> f64 {
    if rows.is_empty() {
        0.0
    } else {
        rows.iter().map(|r| r.f1).sum::<f64>() / rows.len() as f64
    }
}

/// Confusion matrix: `counts[gold][predicted]`; `labels` are the gold classes (sorted) and
/// `predicted_labels` every predicted label (sorted, [`NONE_LABEL`] last when present).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Confusion {
    pub labels: Vec<String>,
    pub predicted_labels: Vec<String>,
    pub counts: BTreeMap<String, BTreeMap<String, usize>>,
}

pub fn confusion(pairs: &[(String, String)]) -> Confusion {
    let mut counts: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for (g, p) in pairs {
        *counts
            .entry(g.clone())
            .or_default()
            .entry(p.clone())
            .or_default() += 1;
    }
    let labels = counts.keys().cloned().collect();
    let mut predicted_labels: Vec<String> = pairs
        .iter()
        .map(|(_, p)| p.clone())
        .filter(|p| p != NONE_LABEL)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if pairs.iter().any(|(_, p)| p == NONE_LABEL) {
        predicted_labels.push(NONE_LABEL.to_string());
    }
    Confusion {
        labels,
        predicted_labels,
        counts,
    }
}

impl Confusion {
    pub fn get(&self, gold: &str, pred: &str) -> usize {
        self.counts
            .get(gold)
            .and_then(|r| r.get(pred))
            .copied()
            .unwrap_or(0)
    }
    /// A text table, gold down, predicted across (labels cut to 4 characters).
    pub fn table(&self) -> String {
        let short = |s: &str| s.chars().take(4).collect::<String>();
        let mut out = format!("{:<10}", "gold\\ours");
        for p in &self.predicted_labels {
            out += &format!(" {:>4}", short(p));
        }
        out.push('\n');
        for g in &self.labels {
            out += &format!("{g:<10}");
            for p in &self.predicted_labels {
                let n = self.get(g, p);
                if n == 0 {
                    out += "    .";
                } else {
                    out += &format!(" {n:>4}");
                }
            }
            out.push('\n');
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// Codes and triples

/// First two characters of a CAMEO code.
pub fn cameo_root(code: &str) -> String {
    code.trim().chars().take(2).collect()
}

/// CAMEO actor-code prefixes of non-state international actors.
pub const NON_STATE: [&str; 6] = ["IGO", "NGO", "NGM", "IMG", "MNC", "UIS"];

/// CAMEO region codes, skipped inside non-state codes (`IGOEUREEC` is the EU, `IGOAFRAU` the
/// African Union).
pub const CAMEO_REGIONS: [&str; 25] = [
    "AFR", "ASA", "BLK", "CRB", "CAU", "CFR", "CAS", "CEU", "EIN", "EAF", "EEU", "EUR", "LAM",
    "MEA", "MDT", "NAF", "NAM", "PGS", "SCN", "SAM", "SAS", "SEA", "SAF", "WAF", "WST",
];

/// The key of a CAMEO actor code (see the module docs).
pub fn code_key(code: Option<&str>) -> String {
    let Some(c) = code
        .map(|c| c.trim().to_uppercase())
        .filter(|c| !c.is_empty())
    else {
        return "---".into();
    };
    if let Some(prefix) = NON_STATE.iter().find(|p| c.starts_with(**p)) {
        let mut rest = &c[prefix.len()..];
        while rest.len() > 3 && CAMEO_REGIONS.iter().any(|r| rest.starts_with(r)) {
            rest = &rest[3..];
        }
        return format!("{prefix}{}", rest.get(..3).unwrap_or(rest));
    }
    let k: String = c.chars().take(3).collect();
    if k.starts_with('-') {
        "---".into()
    } else {
        k
    }
}

/// The key of one of our participants (see the module docs).
pub fn participant_key(p: &Participant) -> String {
    let code = p
        .code
        .as_deref()
        .map(|c| c.trim().to_uppercase())
        .filter(|c| !c.is_empty());
    if let Some(c) = &code {
        if NON_STATE.iter().any(|n| c.starts_with(n)) {
            return code_key(Some(c));
        }
    }
    if let Some(country) = p.country.as_deref().filter(|c| !c.trim().is_empty()) {
        return code_key(Some(country));
    }
    if let Some(c) = &code {
        let k = code_key(Some(c));
        let is_sector = p
            .sector
            .as_deref()
            .is_some_and(|s| s.to_uppercase().starts_with(&k));
        if k != "---" && !is_sector {
            return k;
        }
    }
    "---".into()
}

/// A participant's full code: `code`, else country (or `---`) + sector. A code that is only
/// the sector of a participant without a country (`GOV`) gets PETRARCH's `---` in front.
pub fn participant_code(p: &Participant) -> String {
    if let Some(c) = p.code.as_deref().filter(|c| !c.trim().is_empty()) {
        let c = c.trim().to_uppercase();
        let sector_only = p.country.is_none()
            && p.sector
                .as_deref()
                .is_some_and(|s| s.trim().eq_ignore_ascii_case(&c));
        return if sector_only { format!("---{c}") } else { c };
    }
    format!(
        "{}{}",
        p.country.as_deref().unwrap_or("---"),
        p.sector.as_deref().unwrap_or("")
    )
    .to_uppercase()
}

/// (source, target, CAMEO) as compared.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Triple {
    pub source: String,
    pub target: String,
    pub cameo: String,
}

impl Triple {
    pub fn new(source: &str, target: &str, cameo: &str) -> Triple {
        Triple {
            source: source.into(),
            target: target.into(),
            cameo: cameo.into(),
        }
    }
    /// The same triple at CAMEO root level.
    pub fn root(&self) -> Triple {
        Triple::new(&self.source, &self.target, &cameo_root(&self.cameo))
    }
}

impl std::fmt::Display for Triple {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} -> {} {}", self.source, self.target, self.cameo)
    }
}

/// How participants are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Country keys and the CAMEO root (PETR2 GSR).
    CountryRoot,
    /// Full codes and the full CAMEO code (PETRARCH unit tests).
    Full,
}

/// The triples of one event: the cross product of its actors and recipients.
pub fn event_triples(ev: &Event, level: Level) -> Vec<Triple> {
    let side = |ps: &[Participant]| -> Vec<String> {
        if ps.is_empty() {
            return vec!["---".into()];
        }
        ps.iter()
            .map(|p| match level {
                Level::CountryRoot => participant_key(p),
                Level::Full => participant_code(p),
            })
            .collect()
    };
    let cameo = match level {
        Level::CountryRoot => cameo_root(&ev.cameo),
        Level::Full => ev.cameo.trim().to_string(),
    };
    let (s, t) = (side(&ev.actor), side(&ev.recipient));
    s.iter()
        .flat_map(|a| t.iter().map(|b| Triple::new(a, b, &cameo)))
        .collect()
}

/// The set of triples of all of an article's events.
pub fn article_triples(events: &[Event], level: Level) -> BTreeSet<Triple> {
    events
        .iter()
        .flat_map(|e| event_triples(e, level))
        .collect()
}

/// The set of gold triples of a record.
pub fn gold_triples(gold: &[GoldCameo], level: Level) -> BTreeSet<Triple> {
    gold.iter()
        .map(|g| match level {
            Level::CountryRoot => Triple::new(
                &code_key(g.source.as_deref()),
                &code_key(g.target.as_deref()),
                &cameo_root(&g.cameo),
            ),
            Level::Full => {
                let full = |c: &Option<String>| {
                    c.as_deref()
                        .map(|c| c.trim().to_uppercase())
                        .filter(|c| !c.is_empty())
                        .unwrap_or_else(|| "---".into())
                };
                Triple::new(&full(&g.source), &full(&g.target), g.cameo.trim())
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Data

/// One gold CAMEO event.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GoldCameo {
    pub source: Option<String>,
    pub target: Option<String>,
    pub cameo: String,
}

/// A record of the PETR2 GSR or of PETRARCH's unit tests.
#[derive(Debug, Clone, Deserialize)]
pub struct CameoRecord {
    pub id: String,
    #[serde(default)]
    pub category: Option<String>,
    /// `YYYYMMDD`.
    #[serde(default)]
    pub date: Option<String>,
    pub text: String,
    #[serde(default)]
    pub events: Vec<GoldCameo>,
    #[serde(default)]
    pub noevents: bool,
}

impl CameoRecord {
    pub fn date(&self) -> Option<NaiveDate> {
        self.date
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y%m%d").ok())
    }
    /// Metadata with the record's date as the publication date.
    pub fn meta(&self) -> Meta {
        Meta {
            id: Some(self.id.clone()),
            published: self.date().map(|d| d.format("%Y-%m-%d").to_string()),
            ..Default::default()
        }
    }
}

/// A gold actor of a PLOVER record.
#[derive(Debug, Clone, Deserialize)]
pub struct GoldActor {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub sector: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
}

/// A PLOVER gold record.
#[derive(Debug, Clone, Deserialize)]
pub struct PloverRecord {
    pub id: String,
    pub text: String,
    pub plover_event: String,
    #[serde(default)]
    pub actor: Vec<GoldActor>,
    #[serde(default)]
    pub recipient: Vec<GoldActor>,
    #[serde(default)]
    pub event_text: Option<String>,
}

/// A PLV row.
#[derive(Debug, Clone)]
pub struct PlvRecord {
    /// 1-based data row.
    pub row: usize,
    pub sentence_id: String,
    pub sentence: String,
    pub marked: String,
    pub gold: String,
}

fn read_text(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Read a JSONL file of records.
pub fn read_jsonl<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<Vec<T>, String> {
    let text = read_text(path)?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        out.push(
            serde_json::from_str(line).map_err(|e| format!("{}:{}: {e}", path.display(), n + 1))?,
        );
    }
    Ok(out)
}

/// Parse PLV's TSV (tab-separated, no quoting; columns by header name).
pub fn parse_plv(text: &str) -> Result<Vec<PlvRecord>, String> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().ok_or("empty PLV file")?.split('\t').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| format!("PLV header has no column {name:?}"))
    };
    let (c_id, c_s, c_m, c_g) = (
        col("sentence_id")?,
        col("sentence")?,
        col("marked_sentence")?,
        col("gold_root")?,
    );
    let mut out = Vec::new();
    for (n, line) in lines.enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let get = |c: usize| {
            f.get(c)
                .map(|s| s.to_string())
                .ok_or_else(|| format!("PLV row {}: {} fields, wanted {}", n + 1, f.len(), c + 1))
        };
        out.push(PlvRecord {
            row: n + 1,
            sentence_id: get(c_id)?,
            sentence: get(c_s)?,
            marked: get(c_m)?,
            gold: get(c_g)?.trim().to_uppercase(),
        });
    }
    Ok(out)
}

/// CAMEO codes of `cameo_codes.tsv` (first column; `#` lines and the header skipped).
pub fn parse_cameo_codes(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split('\t').next())
        .map(str::trim)
        .filter(|c| !c.is_empty() && c.bytes().all(|b| b.is_ascii_digit()))
        .map(str::to_string)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// PETR2 GSR: CAMEO triples

/// Misses and extras of one sentence.
#[derive(Debug, Clone, Serialize)]
pub struct SentenceErrors {
    pub id: String,
    pub missed: Vec<String>,
    pub extra: Vec<String>,
}

/// One CAMEO root's counts.
#[derive(Debug, Clone, Serialize)]
pub struct RootRow {
    pub root: String,
    #[serde(flatten)]
    pub prf: Prf,
    /// Gold triples of this root we missed, as `ID: SOURCE -> TARGET ROOT`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missed: Vec<String>,
    /// Our triples of this root that gold does not have.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<String>,
}

impl RootRow {
    fn new(root: String) -> RootRow {
        RootRow {
            root,
            prf: Prf::default(),
            missed: Vec::new(),
            extra: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Petr2Report {
    pub data: String,
    pub n_sentences: usize,
    /// Sentences marked `noevents` (gold says nothing is codable).
    pub n_noevent_sentences: usize,
    pub n_gold_triples: usize,
    pub n_pred_triples: usize,
    /// Our events over all sentences, and how many of each status.
    pub n_events: usize,
    pub events_by_status: BTreeMap<String, usize>,
    /// (source country, target country, CAMEO root), micro over sentences.
    pub triples: Prf,
    /// The same with CAMEO root 01 (statements, which sitrep keeps as claims) removed from
    /// both sides.
    pub triples_without_01: Prf,
    /// Share of `noevents` sentences where we emit any event.
    pub noevents_fp_rate: f64,
    pub noevents_with_events: usize,
    pub per_root: Vec<RootRow>,
    /// Sentences with a miss or an extra (the CLI keeps them, and the per-root lists, only
    /// with `--verbose`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<SentenceErrors>,
    pub seconds: f64,
}

/// Score one sentence's triple sets, adding to the per-root rows.
fn score_triples(
    id: &str,
    gold: &BTreeSet<Triple>,
    pred: &BTreeSet<Triple>,
    per_root: &mut BTreeMap<String, RootRow>,
) -> (Prf, Vec<Triple>, Vec<Triple>) {
    let (both, extra, missed) = compare_sets(gold, pred);
    fn row<'m>(per_root: &'m mut BTreeMap<String, RootRow>, t: &Triple) -> &'m mut RootRow {
        let root = cameo_root(&t.cameo);
        per_root
            .entry(root.clone())
            .or_insert_with(|| RootRow::new(root))
    }
    for t in &both {
        let r = row(per_root, t);
        r.prf = r.prf.add(&Prf::new(1, 0, 0));
    }
    for t in &extra {
        let r = row(per_root, t);
        r.prf = r.prf.add(&Prf::new(0, 1, 0));
        r.extra.push(format!("{id}: {t}"));
    }
    for t in &missed {
        let r = row(per_root, t);
        r.prf = r.prf.add(&Prf::new(0, 0, 1));
        r.missed.push(format!("{id}: {t}"));
    }
    (
        Prf::new(both.len(), extra.len(), missed.len()),
        missed,
        extra,
    )
}

/// Score the PETR2 GSR given each record's events (in record order). Pure: the caller ran
/// the pipeline.
pub fn score_petr2(records: &[CameoRecord], events: &[Vec<Event>]) -> Petr2Report {
    assert_eq!(records.len(), events.len());
    let mut per_root = BTreeMap::new();
    let mut total = Prf::default();
    let mut no01 = Prf::default();
    let mut errors = Vec::new();
    let (mut n_gold, mut n_pred, mut n_events) = (0, 0, 0);
    let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
    let (mut n_noev, mut noev_fp) = (0, 0);
    for (r, evs) in records.iter().zip(events) {
        let gold = gold_triples(&r.events, Level::CountryRoot);
        let pred = article_triples(evs, Level::CountryRoot);
        n_gold += gold.len();
        n_pred += pred.len();
        n_events += evs.len();
        for e in evs {
            *by_status.entry(e.status.as_str().to_string()).or_default() += 1;
        }
        if r.noevents {
            n_noev += 1;
            noev_fp += usize::from(!evs.is_empty());
        }
        let (prf, missed, extra) = score_triples(&r.id, &gold, &pred, &mut per_root);
        total = total.add(&prf);
        let not01 = |s: &BTreeSet<Triple>| -> BTreeSet<Triple> {
            s.iter().filter(|t| t.cameo != "01").cloned().collect()
        };
        let (b, x, m) = compare_sets(&not01(&gold), &not01(&pred));
        no01 = no01.add(&Prf::new(b.len(), x.len(), m.len()));
        if !missed.is_empty() || !extra.is_empty() {
            errors.push(SentenceErrors {
                id: r.id.clone(),
                missed: missed.iter().map(Triple::to_string).collect(),
                extra: extra.iter().map(Triple::to_string).collect(),
            });
        }
    }
    Petr2Report {
        data: String::new(),
        n_sentences: records.len(),
        n_noevent_sentences: n_noev,
        n_gold_triples: n_gold,
        n_pred_triples: n_pred,
        n_events,
        events_by_status: by_status,
        triples: total,
        triples_without_01: no01,
        noevents_fp_rate: ratio(noev_fp, n_noev),
        noevents_with_events: noev_fp,
        per_root: per_root.into_values().collect(),
        errors,
        seconds: 0.0,
    }
}

/// Run the pipeline over the PETR2 GSR file and score it.
pub fn run_petr2(path: &Path, pipeline: &Pipeline) -> Result<Petr2Report, String> {
    let records: Vec<CameoRecord> = read_jsonl(path)?;
    let t0 = Instant::now();
    let events: Vec<Vec<Event>> = records
        .iter()
        .map(|r| pipeline.annotate(r.text.clone(), r.meta()).events)
        .collect();
    let mut rep = score_petr2(&records, &events);
    rep.data = path.display().to_string();
    rep.seconds = t0.elapsed().as_secs_f64();
    Ok(rep)
}

// ---------------------------------------------------------------------------------------------
// PLOVER gold records: type accuracy

/// PLOVER labels of the 0.5b1 gold records that PLOVER 2.0 renamed or merged, with what
/// they are scored as.
pub const LEGACY_PLOVER: [(&str, PloverType); 4] = [
    ("DEMAND", PloverType::Request),
    ("DISAPPROVE", PloverType::Accuse),
    ("FIGHT", PloverType::Assault),
    // PLOVER 2.0 maps CAMEO 09 (investigate) to ACCUSE with mode `investigate`.
    ("INVESTIGATE", PloverType::Accuse),
];

/// A gold PLOVER label as one of the 16 types (legacy labels mapped, see [`LEGACY_PLOVER`]).
pub fn plover_label(label: &str) -> Option<PloverType> {
    let l = label.trim().to_uppercase();
    LEGACY_PLOVER
        .iter()
        .find(|(old, _)| *old == l)
        .map(|(_, t)| *t)
        .or_else(|| PloverType::parse(&l))
}

/// Function words left out when matching triggers against the gold event words.
const TRIGGER_STOP: [&str; 14] = [
    "to", "the", "a", "an", "of", "on", "in", "for", "with", "and", "by", "at", "from", "not",
];

fn content_words(s: &str) -> BTreeSet<String> {
    crate::tokenize::words(s)
        .into_iter()
        .map(|w| w.to_lowercase())
        .filter(|w| w.chars().any(char::is_alphanumeric) && !TRIGGER_STOP.contains(&w.as_str()))
        .collect()
}

/// The event scored for a PLOVER record: the one whose trigger shares the most words with the
/// gold `event_text` (the first on a tie), else the first event. The flag says whether a
/// trigger matched.
pub fn select_event<'a>(events: &'a [Event], gold_words: &str) -> (Option<&'a Event>, bool) {
    let gold = content_words(gold_words);
    let mut best: Option<(&Event, usize)> = None;
    for e in events {
        let n = content_words(&e.trigger.text).intersection(&gold).count();
        if n > 0 && best.is_none_or(|(_, m)| n > m) {
            best = Some((e, n));
        }
    }
    match best {
        Some((e, _)) => (Some(e), true),
        None => (events.first(), false),
    }
}

/// Old CAMEO country codes in the PLOVER gold records and their ISO alpha-3.
pub const GOLD_CODE_ALIASES: [(&str, &str); 3] = [("JAP", "JPN"), ("ITL", "ITA"), ("VTN", "VNM")];

/// Whether a gold actor code (`USA`, `IGO`, `JAP`) is among our participants: a participant
/// whose country is it, or whose code starts with it.
pub fn gold_code_found(gold: &str, ours: &[Participant]) -> bool {
    let mut g = gold.trim().to_uppercase();
    if let Some((_, iso)) = GOLD_CODE_ALIASES.iter().find(|(old, _)| *old == g) {
        g = iso.to_string();
    }
    if g.is_empty() {
        return false;
    }
    ours.iter().any(|p| {
        p.country
            .as_deref()
            .is_some_and(|c| c.trim().eq_ignore_ascii_case(&g))
            || p.code
                .as_deref()
                .is_some_and(|c| c.trim().to_uppercase().starts_with(&g))
    })
}

/// Gold actor codes found among ours.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct CodeAccuracy {
    /// Records with at least one gold code on this side.
    pub records: usize,
    pub gold_codes: usize,
    pub found: usize,
    pub accuracy: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct PloverError {
    pub id: String,
    pub gold: String,
    pub ours: String,
    /// Our types for every event of the record.
    pub all: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PloverReport {
    pub data: String,
    pub n_records: usize,
    /// Gold labels outside the 16 types, what they are scored as, and how many records.
    pub relabelled: BTreeMap<String, (String, usize)>,
    /// Records where we emit at least one event.
    pub covered: usize,
    pub coverage: f64,
    /// Records where a trigger matched the gold event words.
    pub trigger_matched: usize,
    pub correct: usize,
    /// Over all records (no event = wrong).
    pub accuracy: f64,
    /// Over covered records.
    pub accuracy_covered: f64,
    pub macro_f1: f64,
    pub actor_codes: CodeAccuracy,
    pub recipient_codes: CodeAccuracy,
    pub per_type: Vec<ClassRow>,
    pub confusion: Confusion,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<PloverError>,
    pub seconds: f64,
}

/// Score PLOVER records given each record's events. Fails on a gold label it cannot map.
pub fn score_plover(
    records: &[PloverRecord],
    events: &[Vec<Event>],
) -> Result<PloverReport, String> {
    assert_eq!(records.len(), events.len());
    let mut relabelled: BTreeMap<String, (String, usize)> = BTreeMap::new();
    let mut pairs = Vec::new();
    let (mut covered, mut matched, mut correct) = (0, 0, 0);
    let mut actor = CodeAccuracy::default();
    let mut recip = CodeAccuracy::default();
    let mut errors = Vec::new();
    for (r, evs) in records.iter().zip(events) {
        let gold = plover_label(&r.plover_event).ok_or_else(|| {
            format!(
                "record {}: PLOVER label {:?} is neither one of the 16 types nor a known \
                 legacy label; add it to LEGACY_PLOVER",
                r.id, r.plover_event
            )
        })?;
        if gold.as_str() != r.plover_event.trim().to_uppercase() {
            relabelled
                .entry(r.plover_event.trim().to_uppercase())
                .or_insert_with(|| (gold.as_str().to_string(), 0))
                .1 += 1;
        }
        let (ev, hit) = select_event(evs, r.event_text.as_deref().unwrap_or(""));
        covered += usize::from(!evs.is_empty());
        matched += usize::from(hit);
        let ours = ev.map_or(NONE_LABEL, |e| e.kind.as_str());
        correct += usize::from(ours == gold.as_str());
        pairs.push((gold.as_str().to_string(), ours.to_string()));
        for (acc, gold_side, our_side) in [
            (&mut actor, &r.actor, ev.map(|e| e.actor.as_slice())),
            (&mut recip, &r.recipient, ev.map(|e| e.recipient.as_slice())),
        ] {
            let codes: Vec<&str> = gold_side
                .iter()
                .filter_map(|a| a.code.as_deref())
                .filter(|c| !c.trim().is_empty())
                .collect();
            if codes.is_empty() {
                continue;
            }
            acc.records += 1;
            acc.gold_codes += codes.len();
            acc.found += codes
                .iter()
                .filter(|c| gold_code_found(c, our_side.unwrap_or(&[])))
                .count();
        }
        if ours != gold.as_str() {
            errors.push(PloverError {
                id: r.id.clone(),
                gold: gold.as_str().to_string(),
                ours: ours.to_string(),
                all: evs.iter().map(|e| e.kind.as_str().to_string()).collect(),
            });
        }
    }
    for acc in [&mut actor, &mut recip] {
        acc.accuracy = ratio(acc.found, acc.gold_codes);
    }
    let per_type = per_class(&pairs);
    Ok(PloverReport {
        data: String::new(),
        n_records: records.len(),
        relabelled,
        covered,
        coverage: ratio(covered, records.len()),
        trigger_matched: matched,
        correct,
        accuracy: ratio(correct, records.len()),
        accuracy_covered: ratio(correct, covered),
        macro_f1: macro_f1(&per_type),
        actor_codes: actor,
        recipient_codes: recip,
        per_type,
        confusion: confusion(&pairs),
        errors,
        seconds: 0.0,
    })
}

/// Run the pipeline over the PLOVER gold records (no publication date) and score them.
pub fn run_plover(path: &Path, pipeline: &Pipeline) -> Result<PloverReport, String> {
    let records: Vec<PloverRecord> = read_jsonl(path)?;
    let t0 = Instant::now();
    let events: Vec<Vec<Event>> = records
        .iter()
        .map(|r| {
            let meta = Meta {
                id: Some(r.id.clone()),
                ..Default::default()
            };
            pipeline.annotate(r.text.clone(), meta).events
        })
        .collect();
    let mut rep = score_plover(&records, &events)?;
    rep.data = path.display().to_string();
    rep.seconds = t0.elapsed().as_secs_f64();
    Ok(rep)
}

// ---------------------------------------------------------------------------------------------
// PETRARCH unit tests

/// The behaviour a PETRARCH unit test checks, from its id: the id's prefix when it is one of
/// the test families (`AGENTS` counts as `AGENT`), else the record's category (`AFP...`,
/// `TABDEBUG`, `TextCodes` are `PARSING`; `ABOUT`, `ICC`, `FINAL-RECORD` are `DEMO`).
pub fn petr_group(id: &str, category: Option<&str>) -> String {
    const FAMILIES: [&str; 12] = [
        "DEMO", "AGENT", "COMPOUND", "DATE", "ACTOR", "VERB", "PATTERN", "PASSIVE", "COMMA",
        "SYNSET", "ERROR", "DISCARD",
    ];
    let prefix = id.split('-').next().unwrap_or(id).to_uppercase();
    let prefix = if prefix == "AGENTS" {
        "AGENT".to_string()
    } else {
        prefix
    };
    if FAMILIES.contains(&prefix.as_str()) {
        return prefix;
    }
    let cat: String = category
        .unwrap_or("OTHER")
        .chars()
        .take_while(|c| !c.is_lowercase())
        .collect();
    if cat.is_empty() {
        "OTHER".into()
    } else {
        cat.to_uppercase()
    }
}

/// What each group of unit tests checks (for the report).
pub fn petr_group_about(group: &str) -> &'static str {
    match group {
        "DEMO" => "basic sentences, said-clauses, negation of the verb",
        "AGENT" => "agents: sectors added to actors (government, police, opposition)",
        "COMPOUND" => "compound actors and targets (X and Y), lists, neither/nor",
        "DATE" => "date-restricted actor codes",
        "ACTOR" => "actor phrases, unknown actors, capitals as governments",
        "VERB" => "verb forms, phrasal verbs, misspellings",
        "PATTERN" => "verb patterns (the words around the verb), passives",
        "PASSIVE" => "passive voice (X was opposed by Y)",
        "COMMA" => "comma clauses, appositions, nested 'said' clauses",
        "SYNSET" => "synsets in patterns, negation (didn't, won't ever)",
        "ERROR" => "malformed input, no event expected",
        "DISCARD" => "discard phrases (sport, weather), no event expected",
        "PARSING" => "real AFP sentences, most with no codable event",
        _ => "",
    }
}

/// The result of one unit test.
#[derive(Debug, Clone, Serialize)]
pub struct PetrUnitResult {
    pub id: String,
    pub group: String,
    /// Our triples equal the gold triples exactly.
    pub pass: bool,
    /// Equal at CAMEO root level.
    pub lenient: bool,
    pub gold: Vec<String>,
    pub ours: Vec<String>,
    /// Every gold CAMEO code is in the CAMEO code list (else the test needs PETRARCH's
    /// fictional verb dictionary and cannot pass with the real lexicon).
    pub real_codes: bool,
}

/// Pass rules for one record: (exact pass, lenient pass, gold triples found exactly).
pub fn petr_unit_pass(gold: &BTreeSet<Triple>, ours: &BTreeSet<Triple>) -> (bool, bool, usize) {
    let root = |s: &BTreeSet<Triple>| -> BTreeSet<Triple> { s.iter().map(Triple::root).collect() };
    (
        gold == ours,
        root(gold) == root(ours),
        gold.intersection(ours).count(),
    )
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct PassCounts {
    pub n: usize,
    pub pass: usize,
    pub lenient: usize,
    pub pass_rate: f64,
    pub lenient_rate: f64,
}

impl PassCounts {
    fn add(&mut self, pass: bool, lenient: bool) {
        self.n += 1;
        self.pass += usize::from(pass);
        self.lenient += usize::from(lenient);
        self.pass_rate = ratio(self.pass, self.n);
        self.lenient_rate = ratio(self.lenient, self.n);
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupRow {
    pub group: String,
    pub about: String,
    #[serde(flatten)]
    pub counts: PassCounts,
}

#[derive(Debug, Clone, Serialize)]
pub struct PetrUnitReport {
    pub data: String,
    pub actors: String,
    pub agents: String,
    pub overall: PassCounts,
    /// Records whose gold uses only real CAMEO codes.
    pub real_codes: PassCounts,
    pub n_gold_triples: usize,
    /// Gold triples we produce exactly.
    pub gold_found: usize,
    pub gold_found_share: f64,
    pub by_group: Vec<GroupRow>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub results: Vec<PetrUnitResult>,
    pub seconds: f64,
}

/// Score the unit tests given each record's events; `cameo_codes` is the CAMEO code list
/// (empty: every code counts as real).
pub fn score_petr_unit(
    records: &[CameoRecord],
    events: &[Vec<Event>],
    cameo_codes: &BTreeSet<String>,
) -> PetrUnitReport {
    assert_eq!(records.len(), events.len());
    let mut overall = PassCounts::default();
    let mut real = PassCounts::default();
    let mut groups: BTreeMap<String, PassCounts> = BTreeMap::new();
    let (mut n_gold, mut found) = (0, 0);
    let mut results = Vec::new();
    for (r, evs) in records.iter().zip(events) {
        let gold = gold_triples(&r.events, Level::Full);
        let ours = article_triples(evs, Level::Full);
        let (pass, lenient, f) = petr_unit_pass(&gold, &ours);
        n_gold += gold.len();
        found += f;
        let group = petr_group(&r.id, r.category.as_deref());
        let real_codes = cameo_codes.is_empty()
            || r.events
                .iter()
                .all(|g| cameo_codes.contains(g.cameo.trim()));
        overall.add(pass, lenient);
        if real_codes {
            real.add(pass, lenient);
        }
        groups.entry(group.clone()).or_default().add(pass, lenient);
        results.push(PetrUnitResult {
            id: r.id.clone(),
            group,
            pass,
            lenient,
            gold: gold.iter().map(Triple::to_string).collect(),
            ours: ours.iter().map(Triple::to_string).collect(),
            real_codes,
        });
    }
    PetrUnitReport {
        data: String::new(),
        actors: String::new(),
        agents: String::new(),
        overall,
        real_codes: real,
        n_gold_triples: n_gold,
        gold_found: found,
        gold_found_share: ratio(found, n_gold),
        by_group: groups
            .into_iter()
            .map(|(group, counts)| GroupRow {
                about: petr_group_about(&group).to_string(),
                group,
                counts,
            })
            .collect(),
        results,
        seconds: 0.0,
    }
}

/// Run the unit tests: the pipeline without its events stage, then an events stage holding
/// the PETRARCH dictionaries as they read at each record's date.
pub fn run_petr_unit(
    path: &Path,
    dict: &PetrDict,
    cameo_codes: &BTreeSet<String>,
) -> Result<PetrUnitReport, String> {
    let records: Vec<CameoRecord> = read_jsonl(path)?;
    let mut config = PipelineConfig::default();
    config.events.enabled = false;
    let pipeline = Pipeline::new(&config).map_err(|e| e.to_string())?;
    let events_config = EventsConfig::default();
    let t0 = Instant::now();
    let mut stages: HashMap<Option<NaiveDate>, Events> = HashMap::new();
    let mut events = Vec::with_capacity(records.len());
    for r in &records {
        let date = r.date();
        let stage = match stages.entry(date) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(
                Events::new(&events_config)
                    .map_err(|e| e.to_string())?
                    .with_actors(dict.actor_dict(date)),
            ),
        };
        let mut a = pipeline.annotate(r.text.clone(), r.meta());
        stage.process(&mut a);
        events.push(a.events);
    }
    let mut rep = score_petr_unit(&records, &events, cameo_codes);
    rep.data = path.display().to_string();
    rep.seconds = t0.elapsed().as_secs_f64();
    Ok(rep)
}

// ---------------------------------------------------------------------------------------------
// PLV: the type between a marked source and target

/// PLV's label for one of our types: PLV uses PLOVER 2019 labels, where YIELD covers what
/// PLOVER 2.0 splits into CONCEDE and RETREAT.
pub fn plv_label(t: PloverType) -> &'static str {
    match t {
        PloverType::Concede | PloverType::Retreat => "YIELD",
        other => other.as_str(),
    }
}

/// A byte span.
pub type Span = (usize, usize);

/// Byte spans of the first `<s>...</s>` and `<t>...</t>` of a marked sentence, in the
/// sentence with every marker removed; and that sentence.
pub fn marked_spans(marked: &str) -> (String, Option<Span>, Option<Span>) {
    let mut plain = String::with_capacity(marked.len());
    let (mut s, mut t) = (None, None);
    let (mut s_open, mut t_open) = (None, None);
    let mut rest = marked;
    while !rest.is_empty() {
        let tag = ["<s>", "</s>", "<t>", "</t>"]
            .into_iter()
            .find(|m| rest.starts_with(m));
        match tag {
            Some(m) => {
                let at = plain.len();
                match m {
                    "<s>" if s.is_none() && s_open.is_none() => s_open = Some(at),
                    "</s>" => {
                        if let (None, Some(a)) = (s, s_open.take()) {
                            s = Some((a, at));
                        }
                    }
                    "<t>" if t.is_none() && t_open.is_none() => t_open = Some(at),
                    "</t>" => {
                        if let (None, Some(a)) = (t, t_open.take()) {
                            t = Some((a, at));
                        }
                    }
                    _ => {}
                }
                rest = &rest[m.len()..];
            }
            None => {
                let c = rest.chars().next().expect("not empty");
                plain.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    (plain, s, t)
}

/// Map a byte offset in the raw input to the clean text (through `article.alignment`); an
/// offset inside removed text goes to the start of the next kept segment.
pub fn clean_offset(article: &Article, raw: usize) -> usize {
    for &(c, r, len) in &article.alignment {
        if raw < r {
            return c;
        }
        if raw <= r + len {
            return c + (raw - r);
        }
    }
    article.text.len()
}

/// A raw span as a clean span, trimmed of surrounding whitespace; `None` when it is empty.
fn clean_span(article: &Article, span: (usize, usize)) -> Option<(usize, usize)> {
    let (a, b) = (clean_offset(article, span.0), clean_offset(article, span.1));
    let (a, b) = (a.min(article.text.len()), b.min(article.text.len()));
    if a >= b || !article.text.is_char_boundary(a) || !article.text.is_char_boundary(b) {
        return None;
    }
    let piece = &article.text[a..b];
    let start = a + (piece.len() - piece.trim_start().len());
    let end = a + piece.trim_end().len();
    (start < end).then_some((start, end))
}

#[derive(Debug, Clone, Serialize)]
pub struct PlvError {
    pub row: usize,
    pub sentence_id: String,
    pub gold: String,
    pub ours: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlvReport {
    pub data: String,
    pub n_records: usize,
    /// Rows without a marked source or target (passed as an empty span).
    pub missing_source: usize,
    pub missing_target: usize,
    /// Rows where `code_pair` returned a type.
    pub covered: usize,
    pub coverage: f64,
    pub correct: usize,
    /// Over all rows (no type = wrong).
    pub accuracy: f64,
    /// Over the gold classes.
    pub macro_f1: f64,
    pub per_class: Vec<ClassRow>,
    pub confusion: Confusion,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<PlvError>,
    pub seconds: f64,
}

/// Score PLV from (gold, our type) per row.
pub fn score_plv(records: &[PlvRecord], preds: &[Option<PloverType>]) -> PlvReport {
    assert_eq!(records.len(), preds.len());
    let pairs: Vec<(String, String)> = records
        .iter()
        .zip(preds)
        .map(|(r, p)| (r.gold.clone(), p.map_or(NONE_LABEL, plv_label).to_string()))
        .collect();
    let correct = pairs.iter().filter(|(g, p)| g == p).count();
    let covered = preds.iter().filter(|p| p.is_some()).count();
    let per_class = per_class(&pairs);
    PlvReport {
        data: String::new(),
        n_records: records.len(),
        missing_source: 0,
        missing_target: 0,
        covered,
        coverage: ratio(covered, records.len()),
        correct,
        accuracy: ratio(correct, records.len()),
        macro_f1: macro_f1(&per_class),
        per_class,
        confusion: confusion(&pairs),
        errors: records
            .iter()
            .zip(&pairs)
            .filter(|(_, (g, p))| g != p)
            .map(|(r, (g, p))| PlvError {
                row: r.row,
                sentence_id: r.sentence_id.clone(),
                gold: g.clone(),
                ours: p.clone(),
            })
            .collect(),
        seconds: 0.0,
    }
}

/// Run PLV: annotate each plain sentence with the pipeline, then ask the events stage for the
/// type between the marked source and target. A role the sentence does not mark is passed
/// as the empty span `(0, 0)`.
pub fn run_plv(path: &Path, pipeline: &Pipeline) -> Result<PlvReport, String> {
    let records = parse_plv(&read_text(path)?)?;
    let events = Events::new(&EventsConfig::default()).map_err(|e| e.to_string())?;
    let t0 = Instant::now();
    let (mut no_s, mut no_t) = (0, 0);
    let mut preds = Vec::with_capacity(records.len());
    for r in &records {
        // The marked sentence without its markers is PLV's plain sentence (checked on the
        // whole file); annotate it, so that the spans hold even where the two differed.
        let (plain, s, t) = marked_spans(&r.marked);
        let article = pipeline.annotate(plain, Meta::default());
        let s = s.and_then(|sp| clean_span(&article, sp));
        let t = t.and_then(|sp| clean_span(&article, sp));
        no_s += usize::from(s.is_none());
        no_t += usize::from(t.is_none());
        let pred = events
            .code_pair(&article, s.unwrap_or((0, 0)), t.unwrap_or((0, 0)))
            .map(|(k, _)| k);
        preds.push(pred);
    }
    let mut rep = score_plv(&records, &preds);
    rep.data = path.display().to_string();
    rep.missing_source = no_s;
    rep.missing_target = no_t;
    rep.seconds = t0.elapsed().as_secs_f64();
    Ok(rep)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EventStatus, Mention, Sentence};

    fn p(code: Option<&str>, country: Option<&str>, sector: Option<&str>) -> Participant {
        Participant {
            start: 0,
            end: 0,
            text: String::new(),
            code: code.map(Into::into),
            country: country.map(Into::into),
            sector: sector.map(Into::into),
        }
    }

    fn ev(
        kind: PloverType,
        cameo: &str,
        actor: Vec<Participant>,
        recip: Vec<Participant>,
    ) -> Event {
        Event {
            kind,
            mode: None,
            context: None,
            cameo: cameo.into(),
            actor,
            recipient: recip,
            status: EventStatus::Asserted,
            date: None,
            place: None,
            trigger: Mention {
                start: 0,
                end: 0,
                text: String::new(),
            },
            sentence: Sentence { start: 0, end: 0 },
            said_by: None,
        }
    }

    fn country(c: &str) -> Participant {
        p(Some(c), Some(c), None)
    }

    fn gold(s: Option<&str>, t: Option<&str>, c: &str) -> GoldCameo {
        GoldCameo {
            source: s.map(Into::into),
            target: t.map(Into::into),
            cameo: c.into(),
        }
    }

    fn rec(id: &str, noevents: bool, events: Vec<GoldCameo>) -> CameoRecord {
        CameoRecord {
            id: id.into(),
            category: None,
            date: Some("20080804".into()),
            text: String::new(),
            events,
            noevents,
        }
    }

    #[test]
    fn prf_arithmetic() {
        let x = Prf::new(2, 1, 3);
        assert!((x.precision - 2.0 / 3.0).abs() < 1e-12);
        assert!((x.recall - 0.4).abs() < 1e-12);
        assert!((x.f1 - 0.5).abs() < 1e-12);
        assert_eq!(Prf::new(0, 0, 0).f1, 0.0);
        assert_eq!(x.add(&Prf::new(1, 0, 0)), Prf::new(3, 1, 3));
    }

    #[test]
    fn gold_and_participant_keys() {
        assert_eq!(code_key(Some("GUYJUD")), "GUY");
        assert_eq!(code_key(Some("USA")), "USA");
        assert_eq!(code_key(Some("IGOUNOMIL")), "IGOUNO");
        assert_eq!(code_key(Some("IGOEUREEC")), "IGOEEC", "region skipped");
        assert_eq!(code_key(Some("IGOEEC")), "IGOEEC");
        assert_eq!(code_key(Some("IGOAFRAU")), "IGOAU");
        assert_eq!(code_key(Some("IGOEUR")), "IGOEUR", "a region alone stays");
        assert_eq!(code_key(Some("IMGMUSISI")), "IMGMUS");
        assert_eq!(code_key(Some("IGO")), "IGO");
        assert_eq!(code_key(Some("---LEG")), "---");
        assert_eq!(code_key(Some("")), "---");
        assert_eq!(code_key(None), "---");
        assert_eq!(
            participant_key(&p(Some("USAGOV"), Some("USA"), Some("GOV"))),
            "USA"
        );
        assert_eq!(
            participant_key(&p(Some("IGOUNO"), None, Some("IGO"))),
            "IGOUNO"
        );
        assert_eq!(
            participant_key(&p(Some("RUSMIL"), None, Some("MIL"))),
            "RUS"
        );
        assert_eq!(participant_key(&p(Some("MIL"), None, Some("MIL"))), "---");
        assert_eq!(participant_key(&p(None, None, Some("LEG"))), "---");
        assert_eq!(participant_key(&p(None, Some("fra"), None)), "FRA");
        assert_eq!(participant_code(&p(None, None, Some("LEG"))), "---LEG");
        assert_eq!(
            participant_code(&p(None, Some("ARN"), Some("GOV"))),
            "ARNGOV"
        );
        assert_eq!(participant_code(&p(Some("ngoarn"), None, None)), "NGOARN");
        assert_eq!(
            participant_code(&p(Some("GOV"), None, Some("GOV"))),
            "---GOV"
        );
    }

    #[test]
    fn cross_product_of_actors_and_recipients() {
        let e = ev(
            PloverType::Consult,
            "042",
            vec![country("BRA"), country("USA")],
            vec![country("CHN")],
        );
        let t = event_triples(&e, Level::CountryRoot);
        assert_eq!(
            t,
            [
                Triple::new("BRA", "CHN", "04"),
                Triple::new("USA", "CHN", "04")
            ]
        );
        let lone = ev(PloverType::Protest, "141", vec![country("GEO")], vec![]);
        assert_eq!(
            event_triples(&lone, Level::Full),
            [Triple::new("GEO", "---", "141")]
        );
    }

    #[test]
    fn petr2_triples_precision_recall_and_noevents() {
        let records = vec![
            // Gold two triples; we find one and add a wrong one.
            rec(
                "a",
                false,
                vec![
                    gold(Some("BRA"), Some("USA"), "031"),
                    gold(Some("USA"), Some("BRA"), "031"),
                ],
            ),
            // Gold with a sector code; ours with the country only.
            rec(
                "b",
                false,
                vec![gold(Some("GUYJUD"), Some("BRAPPL"), "173")],
            ),
            // No event expected, we emit one.
            rec("c", true, vec![]),
            // No event expected, we emit none.
            rec("d", true, vec![]),
            // A statement we keep as a claim: a miss, except without root 01.
            rec("e", false, vec![gold(Some("USA"), Some("RUS"), "015")]),
        ];
        let events = vec![
            vec![
                ev(
                    PloverType::Agree,
                    "031",
                    vec![country("BRA")],
                    vec![country("USA")],
                ),
                ev(
                    PloverType::Agree,
                    "036",
                    vec![country("BRA")],
                    vec![country("CHN")],
                ),
            ],
            vec![ev(
                PloverType::Coerce,
                "1731",
                vec![p(Some("GUYJUD"), Some("GUY"), Some("JUD"))],
                vec![country("BRA")],
            )],
            vec![ev(PloverType::Assault, "190", vec![country("ISR")], vec![])],
            vec![],
            vec![],
        ];
        let r = score_petr2(&records, &events);
        assert_eq!(r.n_sentences, 5);
        assert_eq!(r.n_gold_triples, 4);
        assert_eq!(r.n_pred_triples, 4);
        assert_eq!(r.n_events, 4);
        assert_eq!(r.triples, Prf::new(2, 2, 2));
        assert_eq!(r.triples_without_01, Prf::new(2, 2, 1));
        assert_eq!(r.n_noevent_sentences, 2);
        assert_eq!(r.noevents_with_events, 1);
        assert!((r.noevents_fp_rate - 0.5).abs() < 1e-12);
        let root = |x: &str| r.per_root.iter().find(|row| row.root == x).unwrap().prf;
        assert_eq!(root("03"), Prf::new(1, 1, 1));
        assert_eq!(root("17"), Prf::new(1, 0, 0));
        assert_eq!(root("19"), Prf::new(0, 1, 0));
        assert_eq!(root("01"), Prf::new(0, 0, 1));
        let r03 = r.per_root.iter().find(|row| row.root == "03").unwrap();
        assert_eq!(r03.missed, ["a: USA -> BRA 03"]);
        assert_eq!(r03.extra, ["a: BRA -> CHN 03"]);
        assert_eq!(r.errors.len(), 3);
        assert_eq!(r.errors[0].missed, ["USA -> BRA 03"]);
        assert_eq!(r.errors[0].extra, ["BRA -> CHN 03"]);
        assert_eq!(r.events_by_status["asserted"], 4);
    }

    #[test]
    fn duplicates_count_once() {
        let records = vec![rec(
            "a",
            false,
            vec![
                gold(Some("USA"), Some("CHN"), "042"),
                gold(Some("USAGOV"), Some("CHN"), "040"),
            ],
        )];
        let events = vec![vec![
            ev(
                PloverType::Consult,
                "042",
                vec![country("USA")],
                vec![country("CHN")],
            ),
            ev(
                PloverType::Consult,
                "043",
                vec![country("USA")],
                vec![country("CHN")],
            ),
        ]];
        let r = score_petr2(&records, &events);
        assert_eq!(r.triples, Prf::new(1, 0, 0));
    }

    #[test]
    fn macro_f1_per_class_and_confusion() {
        let pairs: Vec<(String, String)> = [
            ("AGREE", "AGREE"),
            ("AGREE", "NONE"),
            ("AGREE", "REJECT"),
            ("REJECT", "REJECT"),
            ("YIELD", "AGREE"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let rows = per_class(&pairs);
        let labels: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(labels, ["AGREE", "REJECT", "YIELD"]);
        // AGREE: 1 of 3 gold, 1 of 2 predicted -> P 0.5, R 1/3, F1 0.4.
        assert_eq!(
            (rows[0].support, rows[0].predicted, rows[0].correct),
            (3, 2, 1)
        );
        assert!((rows[0].f1 - 0.4).abs() < 1e-12);
        // REJECT: P 0.5, R 1 -> F1 2/3. YIELD: 0.
        assert!((rows[1].f1 - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(rows[2].f1, 0.0);
        assert!((macro_f1(&rows) - (0.4 + 2.0 / 3.0) / 3.0).abs() < 1e-12);
        let c = confusion(&pairs);
        assert_eq!(c.labels, ["AGREE", "REJECT", "YIELD"]);
        assert_eq!(c.predicted_labels, ["AGREE", "REJECT", "NONE"]);
        assert_eq!(c.get("AGREE", "NONE"), 1);
        assert_eq!(c.get("YIELD", "AGREE"), 1);
        assert_eq!(c.get("YIELD", "YIELD"), 0);
        let table = c.table();
        assert!(table.lines().count() == 4, "{table}");
        assert_eq!(macro_f1(&[]), 0.0);
    }

    #[test]
    fn plover_labels_and_selection() {
        assert_eq!(plover_label("DEMAND"), Some(PloverType::Request));
        assert_eq!(plover_label("disapprove"), Some(PloverType::Accuse));
        assert_eq!(plover_label("FIGHT"), Some(PloverType::Assault));
        assert_eq!(plover_label("INVESTIGATE"), Some(PloverType::Accuse));
        assert_eq!(plover_label("AGREE"), Some(PloverType::Agree));
        assert_eq!(plover_label("YIELD"), None);
        let mut a = ev(PloverType::Consult, "040", vec![], vec![]);
        a.trigger.text = "met".into();
        let mut b = ev(PloverType::Agree, "030", vec![], vec![]);
        b.trigger.text = "agreed".into();
        let evs = vec![a, b];
        let (e, hit) = select_event(&evs, "agreed cooperate");
        assert!(hit);
        assert_eq!(e.unwrap().kind, PloverType::Agree);
        let (e, hit) = select_event(&evs, "return to");
        assert!(!hit, "'to' alone is no match");
        assert_eq!(e.unwrap().kind, PloverType::Consult, "first event");
        assert_eq!(select_event(&[], "x"), (None, false));
    }

    #[test]
    fn plover_scoring_with_coverage_and_actor_codes() {
        let actor = |c: &str| GoldActor {
            code: Some(c.into()),
            sector: None,
            text: None,
        };
        let r = |id: &str, label: &str, actors: Vec<GoldActor>| PloverRecord {
            id: id.into(),
            text: String::new(),
            plover_event: label.into(),
            actor: actors,
            recipient: vec![],
            event_text: Some("agreed".into()),
        };
        let records = vec![
            r("1", "AGREE", vec![actor("HUN"), actor("ROU")]),
            r("2", "DEMAND", vec![actor("JAP")]),
            r("3", "FIGHT", vec![actor("IGO")]),
        ];
        let mut agreed = ev(PloverType::Agree, "030", vec![country("HUN")], vec![]);
        agreed.trigger.text = "agreed".into();
        let events = vec![
            vec![agreed],
            vec![ev(
                PloverType::Request,
                "100",
                vec![p(Some("JPNGOV"), None, None)],
                vec![],
            )],
            vec![],
        ];
        let rep = score_plover(&records, &events).unwrap();
        assert_eq!(rep.n_records, 3);
        assert_eq!((rep.covered, rep.correct, rep.trigger_matched), (2, 2, 1));
        assert!((rep.accuracy - 2.0 / 3.0).abs() < 1e-12);
        assert!((rep.accuracy_covered - 1.0).abs() < 1e-12);
        assert_eq!(rep.relabelled["DEMAND"], ("REQUEST".to_string(), 1));
        assert_eq!(rep.relabelled["FIGHT"], ("ASSAULT".to_string(), 1));
        assert_eq!(rep.actor_codes.records, 3);
        assert_eq!(rep.actor_codes.gold_codes, 4);
        assert_eq!(rep.actor_codes.found, 2, "HUN and JAP (as JPN)");
        assert_eq!(rep.recipient_codes.records, 0);
        assert_eq!(rep.errors.len(), 1);
        assert_eq!(rep.errors[0].ours, NONE_LABEL);
        assert!(score_plover(&[r("x", "YIELD", vec![])], &[vec![]]).is_err());
    }

    #[test]
    fn petr_unit_pass_rules() {
        let s = |v: &[(&str, &str, &str)]| -> BTreeSet<Triple> {
            v.iter().map(|(a, b, c)| Triple::new(a, b, c)).collect()
        };
        let gold = s(&[("ARN", "GON", "064")]);
        assert_eq!(
            petr_unit_pass(&gold, &s(&[("ARN", "GON", "064")])),
            (true, true, 1)
        );
        assert_eq!(
            petr_unit_pass(&gold, &s(&[("ARN", "GON", "060")])),
            (false, true, 0),
            "same root"
        );
        assert_eq!(
            petr_unit_pass(&gold, &s(&[("ARN", "GON", "064"), ("GON", "ARN", "064")])),
            (false, false, 1),
            "an extra triple fails"
        );
        assert_eq!(
            petr_unit_pass(&s(&[]), &s(&[])),
            (true, true, 0),
            "no event, none"
        );
        assert_eq!(
            petr_unit_pass(&s(&[]), &s(&[("A", "B", "01")])),
            (false, false, 0)
        );
    }

    #[test]
    fn petr_unit_scoring_groups_and_real_codes() {
        let mut records = vec![
            rec(
                "DEMO-00",
                false,
                vec![gold(Some("ARN"), Some("GON"), "064")],
            ),
            rec(
                "AGENTS-10",
                false,
                vec![gold(Some("ARNGOV"), Some("GONCOP"), "064")],
            ),
            rec(
                "SYNSET-01",
                false,
                vec![gold(Some("ARN"), Some("GON"), "901")],
            ),
            rec("DEMO-22", false, vec![gold(None, Some("OSG"), "223")]),
        ];
        records[1].category = Some("AGENT".into());
        let events = vec![
            vec![ev(
                PloverType::Cooperate,
                "064",
                vec![country("ARN")],
                vec![country("GON")],
            )],
            vec![ev(
                PloverType::Cooperate,
                "064",
                vec![p(Some("ARNGOV"), Some("ARN"), Some("GOV"))],
                vec![p(None, Some("GON"), Some("COP"))],
            )],
            vec![ev(
                PloverType::Reject,
                "345",
                vec![country("ARN")],
                vec![country("GON")],
            )],
            vec![ev(PloverType::Assault, "223", vec![], vec![country("OSG")])],
        ];
        let codes: BTreeSet<String> = ["064", "223"].iter().map(|s| s.to_string()).collect();
        let r = score_petr_unit(&records, &events, &codes);
        assert_eq!((r.overall.n, r.overall.pass, r.overall.lenient), (4, 3, 3));
        assert_eq!((r.real_codes.n, r.real_codes.pass), (3, 3));
        assert_eq!((r.n_gold_triples, r.gold_found), (4, 3));
        let groups: Vec<(&str, usize, usize)> = r
            .by_group
            .iter()
            .map(|g| (g.group.as_str(), g.counts.n, g.counts.pass))
            .collect();
        assert_eq!(groups, [("AGENT", 1, 1), ("DEMO", 2, 2), ("SYNSET", 1, 0)]);
        assert!(!r.results[2].real_codes);
    }

    #[test]
    fn petr_groups() {
        assert_eq!(petr_group("AGENTS-18", Some("AGENTS")), "AGENT");
        assert_eq!(petr_group("SYNSET-06a", Some("SYNSET")), "SYNSET");
        assert_eq!(petr_group("COMPOUND-07B", Some("COMPOUND")), "COMPOUND");
        assert_eq!(petr_group("PASSIVE-01", Some("MODIFY")), "PASSIVE");
        assert_eq!(petr_group("AFP0808020593-1a", Some("PARSING")), "PARSING");
        assert_eq!(petr_group("ABOUT-01", Some("DEMO")), "DEMO");
        assert_eq!(petr_group("FINAL-RECORD", Some("DEMO")), "DEMO");
        assert_eq!(petr_group("X-1", Some("COMPOUNDx")), "COMPOUND");
        assert_eq!(petr_group("X-1", None), "OTHER");
    }

    #[test]
    fn plv_spans_labels_and_scoring() {
        let (plain, s, t) = marked_spans("<s>Iran</s> has condemned <t>the U.S.</t> decision.");
        assert_eq!(plain, "Iran has condemned the U.S. decision.");
        assert_eq!(&plain[s.unwrap().0..s.unwrap().1], "Iran");
        assert_eq!(&plain[t.unwrap().0..t.unwrap().1], "the U.S.");
        let (plain, s, t) = marked_spans("<s>Pakistan</s> hit <t>India</t> in <t>India</t>’s é.");
        assert_eq!(plain, "Pakistan hit India in India’s é.");
        assert_eq!(t, Some((13, 18)), "first target");
        assert_eq!(s, Some((0, 8)));
        let (_, s, t) = marked_spans("<t>Two newspapers</t> were ordered to close.");
        assert_eq!((s, t), (None, Some((0, 14))));

        assert_eq!(plv_label(PloverType::Concede), "YIELD");
        assert_eq!(plv_label(PloverType::Retreat), "YIELD");
        assert_eq!(plv_label(PloverType::Accuse), "ACCUSE");

        let row = |g: &str| PlvRecord {
            row: 1,
            sentence_id: "1".into(),
            sentence: String::new(),
            marked: String::new(),
            gold: g.into(),
        };
        let records = vec![row("YIELD"), row("YIELD"), row("ACCUSE"), row("AGREE")];
        let preds = vec![
            Some(PloverType::Retreat),
            Some(PloverType::Concede),
            None,
            Some(PloverType::Accuse),
        ];
        let r = score_plv(&records, &preds);
        assert_eq!((r.n_records, r.covered, r.correct), (4, 3, 2));
        assert!((r.accuracy - 0.5).abs() < 1e-12);
        assert!((r.coverage - 0.75).abs() < 1e-12);
        // YIELD F1 1, ACCUSE 0 (its one prediction was AGREE's), AGREE 0.
        assert!((r.macro_f1 - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(r.confusion.get("ACCUSE", NONE_LABEL), 1);
        assert_eq!(r.confusion.get("AGREE", "ACCUSE"), 1);
        assert_eq!(r.errors.len(), 2);
    }

    #[test]
    fn plv_tsv_by_header() {
        let tsv = "\tsentence_id\tsentence\tmarked_sentence\tgold_root\n\
                   0\t4\tA hit B.\t<s>A</s> hit <t>B</t>.\taccuse\n\
                   1\t4\tC.\tC.\tAGREE";
        let rows = parse_plv(tsv).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].gold, "ACCUSE");
        assert_eq!(rows[1].row, 2);
        assert!(parse_plv("a\tb\n").is_err());
    }

    #[test]
    fn raw_to_clean_offsets() {
        let mut a = Article::new("xx Hello world".into(), Meta::default());
        // Pretend cleaning removed the first three bytes.
        a.text = "Hello world".into();
        a.alignment = vec![(0, 3, 11)];
        assert_eq!(clean_offset(&a, 0), 0, "inside removed text");
        assert_eq!(clean_offset(&a, 3), 0);
        assert_eq!(clean_offset(&a, 9), 6);
        assert_eq!(clean_offset(&a, 14), 11);
        assert_eq!(clean_span(&a, (9, 14)), Some((6, 11)));
        assert_eq!(clean_span(&a, (0, 2)), None);
    }

    #[test]
    fn cameo_code_list() {
        let codes = parse_cameo_codes("# origin\ncameo\tlabel\n01\tX\n0874\tY\n\n");
        assert_eq!(codes.into_iter().collect::<Vec<_>>(), ["01", "0874"]);
        assert_eq!(cameo_root("0874"), "08");
        assert_eq!(cameo_root("174K"), "17");
    }
}
