//! Corroboration within a story: who independently reports what.
//!
//! An *independent source* is an outlet (`source`) among the story's articles that are not
//! copies (`duplicate_of` empty): twenty syndicated copies of one wire story are one source,
//! and two articles of one outlet are one source. Articles with no known outlet count together
//! as one source, `(unknown)`, so that they can never inflate a count.
//!
//! For each figure (grouped by its unit or counted noun: "troops", "USD"), each quote
//! (grouped by its words) and each entity, [`corroborate`] lists the sources that report it
//! and the evidence (article id and character span). Figures of one unit that different
//! sources give differently (troops: 10,000 vs 11,000) are flagged as a **disagreement** when
//! no source reports both values (a source giving 10,000 in all and 8,000 in one region is
//! counting two things) and the values are within a factor of three of each other. Values are
//! never averaged.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::model::Record;

/// Label of the one source that articles without an outlet share.
pub const UNKNOWN_SOURCE: &str = "(unknown)";

/// A character span in one article's clean text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub article: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// One outlet and its (non-copy) articles in the story.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceArticles {
    pub source: String,
    pub articles: Vec<String>,
}

/// One value of a figure and who reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FigureValue {
    pub value: f64,
    pub sources: Vec<String>,
    pub evidence: Vec<Evidence>,
}

/// All values reported for one unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FigureGroup {
    pub unit: String,
    /// Values, most sources first.
    pub values: Vec<FigureValue>,
    /// Pairs of values that disagree (see the module documentation).
    pub disagreements: Vec<(f64, f64)>,
}

/// One quotation and who carries it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuoteGroup {
    pub speaker: Option<String>,
    pub text: String,
    pub sources: Vec<String>,
    pub evidence: Vec<Evidence>,
}

/// An entity named in the story.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityGroup {
    pub kind: String,
    pub code: Option<String>,
    pub name: String,
    pub articles: usize,
    pub sources: Vec<String>,
}

/// The corroboration of one story.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Corroboration {
    /// Independent sources, most articles first.
    pub sources: Vec<SourceArticles>,
    /// Articles left out as copies (`id`, `duplicate_of`).
    pub copies: Vec<(String, String)>,
    pub figures: Vec<FigureGroup>,
    pub quotes: Vec<QuoteGroup>,
    /// Entities, most sources first.
    pub entities: Vec<EntityGroup>,
}

fn source_of(r: &Record) -> String {
    r.source
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(UNKNOWN_SOURCE)
        .to_string()
}

fn unit_key(u: &str) -> String {
    let u = u.trim().to_lowercase();
    match u.strip_suffix('s') {
        Some(stem) if stem.len() > 2 && !stem.ends_with('s') => stem.to_string(),
        _ => u,
    }
}

/// Words of a quote, lower-cased, for grouping copies of one quotation across outlets.
fn quote_key(t: &str) -> String {
    t.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(16)
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

fn evidence(r: &Record, start: usize, end: usize, text: &str) -> Evidence {
    Evidence {
        article: r.id.clone(),
        start,
        end,
        text: text.to_string(),
    }
}

/// Corroborate a story from its members' records (copies included; they are set aside).
pub fn corroborate(members: &[Record]) -> Corroboration {
    let mut sources: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut copies = Vec::new();
    // unit -> value bits -> (sources, evidence)
    type Values = BTreeMap<u64, (BTreeSet<String>, Vec<Evidence>)>;
    let mut figures: BTreeMap<String, (String, Values)> = BTreeMap::new();
    let mut quotes: BTreeMap<String, (BTreeMap<String, usize>, String, QuoteAcc)> = BTreeMap::new();
    #[derive(Default)]
    struct QuoteAcc {
        sources: BTreeSet<String>,
        evidence: Vec<Evidence>,
    }
    // key -> (kind, code, name counts, articles, sources)
    type EntAcc = (
        String,
        Option<String>,
        BTreeMap<String, usize>,
        BTreeSet<String>,
        BTreeSet<String>,
    );
    let mut ents: BTreeMap<(String, String), EntAcc> = BTreeMap::new();
    for r in members {
        if let Some(orig) = &r.duplicate_of {
            copies.push((r.id.clone(), orig.clone()));
            continue;
        }
        let src = source_of(r);
        sources.entry(src.clone()).or_default().push(r.id.clone());
        for f in &r.figures {
            let (Some(v), Some(unit), false) = (f.value, f.unit.as_deref(), f.vague) else {
                continue;
            };
            let key = unit_key(unit);
            let g = figures
                .entry(key)
                .or_insert_with(|| (unit.to_lowercase(), BTreeMap::new()));
            let e = g.1.entry(v.to_bits()).or_default();
            e.0.insert(src.clone());
            e.1.push(evidence(r, f.start, f.end, &f.text));
        }
        for q in &r.quotes {
            let key = quote_key(&q.text);
            if key.split(' ').count() < 3 {
                continue; // scare quotes and names are not statements
            }
            let g = quotes
                .entry(key)
                .or_insert_with(|| (BTreeMap::new(), q.text.clone(), QuoteAcc::default()));
            if let Some(s) = &q.speaker {
                *g.0.entry(s.clone()).or_default() += 1;
            }
            g.2.sources.insert(src.clone());
            g.2.evidence.push(evidence(r, q.start, q.end, &q.text));
        }
        for e in &r.entities {
            let name = e.name.clone().unwrap_or_else(|| e.text.clone());
            let key = e.code.clone().unwrap_or_else(|| name.to_lowercase());
            let g = ents
                .entry((e.kind.as_str().to_string(), key))
                .or_insert_with(|| {
                    (
                        e.kind.as_str().to_string(),
                        e.code.clone(),
                        BTreeMap::new(),
                        BTreeSet::new(),
                        BTreeSet::new(),
                    )
                });
            *g.2.entry(name).or_default() += 1;
            g.3.insert(r.id.clone());
            g.4.insert(src.clone());
        }
    }
    let mut sources: Vec<SourceArticles> = sources
        .into_iter()
        .map(|(source, articles)| SourceArticles { source, articles })
        .collect();
    sources.sort_by(|a, b| {
        b.articles
            .len()
            .cmp(&a.articles.len())
            .then(a.source.cmp(&b.source))
    });
    let mut figure_groups: Vec<FigureGroup> = figures
        .into_values()
        .map(|(unit, values)| {
            let mut values: Vec<FigureValue> = values
                .into_iter()
                .map(|(bits, (s, evidence))| FigureValue {
                    value: f64::from_bits(bits),
                    sources: s.into_iter().collect(),
                    evidence,
                })
                .collect();
            values.sort_by(|a, b| {
                b.sources
                    .len()
                    .cmp(&a.sources.len())
                    .then(b.value.total_cmp(&a.value))
            });
            let mut disagreements = Vec::new();
            for (i, a) in values.iter().enumerate() {
                for b in &values[i + 1..] {
                    let shared = a.sources.iter().any(|s| b.sources.contains(s));
                    let (lo, hi) = (a.value.min(b.value), a.value.max(b.value));
                    if !shared && lo > 0.0 && hi <= 3.0 * lo {
                        disagreements.push((a.value, b.value));
                    }
                }
            }
            FigureGroup {
                unit,
                values,
                disagreements,
            }
        })
        .collect();
    figure_groups.sort_by(|a, b| {
        let n = |g: &FigureGroup| g.values.iter().map(|v| v.sources.len()).max().unwrap_or(0);
        n(b).cmp(&n(a)).then(a.unit.cmp(&b.unit))
    });
    let mut quote_groups: Vec<QuoteGroup> = quotes
        .into_values()
        .map(|(speakers, text, acc)| QuoteGroup {
            speaker: speakers
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
                .map(|(s, _)| s),
            text,
            sources: acc.sources.into_iter().collect(),
            evidence: acc.evidence,
        })
        .collect();
    quote_groups.sort_by(|a, b| {
        b.sources
            .len()
            .cmp(&a.sources.len())
            .then(a.text.cmp(&b.text))
    });
    let mut entities: Vec<EntityGroup> = ents
        .into_values()
        .map(|(kind, code, names, articles, srcs)| EntityGroup {
            kind,
            code,
            name: names
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
                .map(|(n, _)| n)
                .unwrap_or_default(),
            articles: articles.len(),
            sources: srcs.into_iter().collect(),
        })
        .collect();
    entities.sort_by(|a, b| {
        b.sources
            .len()
            .cmp(&a.sources.len())
            .then(b.articles.cmp(&a.articles))
            .then(a.name.cmp(&b.name))
    });
    Corroboration {
        sources,
        copies,
        figures: figure_groups,
        quotes: quote_groups,
        entities,
    }
}

/// A figure's value as a text would write it: whole numbers with thousands separators
/// ("10,000", "-1,200"), others as they are ("2.5").
pub fn display_value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        let s = format!("{}", v as i64);
        let (sign, digits) = s.split_at(usize::from(s.starts_with('-')));
        let mut g = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                g.push(',');
            }
            g.push(c);
        }
        format!("{sign}{g}")
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn display_value_groups_thousands() {
        assert_eq!(super::display_value(10000.0), "10,000");
        assert_eq!(super::display_value(-1200.0), "-1,200");
        assert_eq!(super::display_value(999.0), "999");
        assert_eq!(super::display_value(2.5), "2.5");
    }

    use super::*;
    use crate::model::Meta;
    use crate::Pipeline;

    fn rec(p: &Pipeline, id: &str, source: Option<&str>, text: &str) -> Record {
        p.annotate(
            text.into(),
            Meta {
                id: Some(id.into()),
                source: source.map(str::to_string),
                published: Some("2024-11-02".into()),
                ..Default::default()
            },
        )
        .to_record()
    }

    #[test]
    fn copies_do_not_corroborate_and_disagreements_show() {
        let p = Pipeline::default();
        let a = rec(
            &p,
            "a",
            Some("wire.example"),
            "The United States said about 10,000 North Korean troops are in Russia, and 8,000 \
             troops have moved to the Kursk region. \"We are deeply concerned by this deployment,\" \
             the minister said.",
        );
        let mut copy = rec(&p, "b", Some("daily.example"), &a.text.clone());
        copy.duplicate_of = Some("a".into());
        let c = rec(
            &p,
            "c",
            Some("herald.example"),
            "Officials in Seoul put the number at 11,000 troops. \"We are deeply concerned by \
             this deployment,\" the minister told reporters.",
        );
        let d = rec(
            &p,
            "d",
            Some("wire.example"),
            "Another wire report said 10,000 troops.",
        );
        let k = corroborate(&[a, copy, c, d]);
        let names: Vec<&str> = k.sources.iter().map(|s| s.source.as_str()).collect();
        assert_eq!(names, vec!["wire.example", "herald.example"], "{k:#?}");
        assert_eq!(k.copies, vec![("b".to_string(), "a".to_string())]);
        let troops = k
            .figures
            .iter()
            .find(|g| g.unit.starts_with("troop"))
            .unwrap();
        let v10k = troops.values.iter().find(|v| v.value == 10_000.0).unwrap();
        assert_eq!(v10k.sources, vec!["wire.example"]);
        assert_eq!(v10k.evidence.len(), 2);
        // 10,000 vs 11,000 from disjoint sources: a disagreement; 10,000 vs 8,000 both come
        // from wire.example: two different counts, not a disagreement.
        assert!(
            troops.disagreements.contains(&(10_000.0, 11_000.0))
                || troops.disagreements.contains(&(11_000.0, 10_000.0)),
            "{troops:#?}"
        );
        assert!(!troops
            .disagreements
            .iter()
            .any(|&(x, y)| x.min(y) == 8_000.0 && x.max(y) == 10_000.0));
        let q = &k.quotes[0];
        assert_eq!(q.sources.len(), 2, "{q:#?}");
        let e = &q.evidence[0];
        assert!(e.text.contains("deeply concerned"));
    }

    #[test]
    fn unknown_outlets_count_once() {
        let p = Pipeline::default();
        let k = corroborate(&[
            rec(&p, "x", None, "Troops crossed the border on Monday."),
            rec(&p, "y", None, "Soldiers crossed the frontier on Monday."),
        ]);
        assert_eq!(k.sources.len(), 1);
        assert_eq!(k.sources[0].source, UNKNOWN_SOURCE);
        assert_eq!(k.sources[0].articles.len(), 2);
    }
}
