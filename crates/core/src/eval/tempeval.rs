//! TempEval-3 date scorer: runs the real [`extract`](crate::stages::dates::extract) over the
//! TimeML corpora and scores it against the gold `TIMEX3` of type `DATE`.
//!
//! Data: `<shared>/data/ner/tempeval3/` with `TBAQ-cleaned/` (TimeBank + AQUAINT, the training
//! split, which the rules may be tuned on) and `te3-platinum/` (the test split: held out, never
//! tuned on). `<shared>/data` is `$SITREP_SHARED/data` when set, else `../shared/data`.
//!
//! For each `.tml` file the document creation time (`<DCT><TIMEX3 value=...>`, cut to the day)
//! is the publication date, and the `<TEXT>` element with every tag stripped (entities
//! decoded) is the plain text; the `TIMEX3` elements inside it become gold spans.
//!
//! Scores (gold = `TIMEX3 type="DATE"` only):
//! * **Detection** precision, recall and F1, *strict* (exact span) and *relaxed* (any
//!   overlap). A predicted mention that overlaps only a non-DATE gold `TIMEX3` (a `TIME`,
//!   `DURATION` or `SET`, e.g. "tonight", "this morning") is left out of precision and counted
//!   in `ignored`; any other prediction that overlaps no gold DATE is a false positive.
//! * **Value accuracy** on relaxed-matched gold: the predicted value (of the overlapping
//!   mention with the largest overlap) equals the gold value; and the same count over all gold
//!   DATEs (misses count as wrong). Values are compared after a light normalisation: upper
//!   case, week numbers zero-padded (`2000-W8` = `2000-W08`), and a TimeML part-of-day suffix
//!   dropped from gold (`2000-01-05TEV` = `2000-01-05`), which our day precision cannot express.
//!   Gold values we never produce (`PRESENT_REF`, `1998-Q3`, `1998-FA`, `XXXX-...`) stay wrong.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::DateMention;
use crate::stages::dates::extract;

/// `$SITREP_SHARED/data` when set, else the first of `../shared/data` (from the working
/// directory) and the `shared/data` beside the repository that exists (falls back to
/// `../shared/data`).
pub fn shared_data_dir() -> PathBuf {
    if let Some(s) = std::env::var_os("SITREP_SHARED") {
        return PathBuf::from(s).join("data");
    }
    let rel = PathBuf::from("../shared/data");
    if rel.is_dir() {
        return rel;
    }
    // crates/core -> repository root -> its parent
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if beside.is_dir() {
        return beside;
    }
    rel
}

/// A gold `TIMEX3` in the plain text (byte offsets).
#[derive(Debug, Clone, PartialEq)]
pub struct GoldTimex {
    pub start: usize,
    pub end: usize,
    /// `DATE`, `TIME`, `DURATION` or `SET`.
    pub kind: String,
    pub value: String,
}

/// One TimeML document reduced to plain text, creation date and gold spans.
#[derive(Debug, Clone)]
pub struct Doc {
    pub name: String,
    pub dct: NaiveDate,
    pub text: String,
    pub timexes: Vec<GoldTimex>,
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!("{name}=\"");
    let i = tag.find(&key)? + key.len();
    let j = tag[i..].find('"')? + i;
    Some(tag[i..j].to_string())
}

fn push_decoded(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let Some(semi) = tail.find(';').filter(|&k| k <= 10) else {
            out.push('&');
            rest = &tail[1..];
            continue;
        };
        let ent = &tail[1..semi];
        let ch = match ent {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => ent
                .strip_prefix('#')
                .and_then(|n| match n.strip_prefix('x') {
                    Some(h) => u32::from_str_radix(h, 16).ok(),
                    None => n.parse().ok(),
                })
                .and_then(char::from_u32),
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &tail[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
}

/// Parse one `.tml` document.
pub fn parse_tml(name: &str, src: &str) -> Result<Doc, String> {
    let dct_el = src
        .find("<DCT>")
        .and_then(|i| src[i..].find("</DCT>").map(|j| &src[i..i + j]))
        .ok_or_else(|| format!("{name}: no <DCT> element"))?;
    let dct_val = attr(dct_el, "value").ok_or_else(|| format!("{name}: <DCT> has no value"))?;
    let dct = NaiveDate::parse_from_str(dct_val.get(..10).unwrap_or(&dct_val), "%Y-%m-%d")
        .map_err(|e| format!("{name}: DCT value {dct_val:?}: {e}"))?;
    let open = src
        .find("<TEXT>")
        .ok_or_else(|| format!("{name}: no <TEXT> element"))?
        + "<TEXT>".len();
    let close = src[open..]
        .find("</TEXT>")
        .ok_or_else(|| format!("{name}: no </TEXT>"))?
        + open;
    let body = &src[open..close];

    let mut text = String::with_capacity(body.len());
    let mut timexes = Vec::new();
    let mut stack: Vec<(usize, String, String)> = Vec::new();
    let mut rest = body;
    while let Some(lt) = rest.find('<') {
        push_decoded(&mut text, &rest[..lt]);
        let Some(gt) = rest[lt..].find('>') else {
            return Err(format!("{name}: unterminated tag"));
        };
        let tag = &rest[lt + 1..lt + gt];
        if tag.starts_with("TIMEX3") {
            let kind = attr(tag, "type").unwrap_or_default();
            let value = attr(tag, "value").unwrap_or_default();
            if tag.ends_with('/') {
                // empty TIMEX3: no text span
            } else {
                stack.push((text.len(), kind, value));
            }
        } else if tag.starts_with("/TIMEX3") {
            if let Some((start, kind, value)) = stack.pop() {
                timexes.push(GoldTimex {
                    start,
                    end: text.len(),
                    kind,
                    value,
                });
            }
        }
        rest = &rest[lt + gt + 1..];
    }
    push_decoded(&mut text, rest);
    // trim whitespace inside gold spans (TimeML spans are tight, but be safe)
    for t in &mut timexes {
        let s = &text[t.start..t.end];
        let lead = s.len() - s.trim_start().len();
        let trail = s.len() - s.trim_end().len();
        if lead + trail < s.len() {
            t.start += lead;
            t.end -= trail;
        }
    }
    timexes.sort_by_key(|t| (t.start, t.end));
    Ok(Doc {
        name: name.to_string(),
        dct,
        text,
        timexes,
    })
}

/// Every `.tml` file under `dir`, recursively, sorted by path.
pub fn load_dir(dir: &Path) -> Result<Vec<Doc>, String> {
    let mut files = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let rd = std::fs::read_dir(&d).map_err(|e| format!("cannot read {}: {e}", d.display()))?;
        for entry in rd {
            let p = entry
                .map_err(|e| format!("cannot read {}: {e}", d.display()))?
                .path();
            if p.is_dir() {
                todo.push(p);
            } else if p.extension().is_some_and(|x| x == "tml") {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut docs = Vec::with_capacity(files.len());
    for f in files {
        let src =
            std::fs::read_to_string(&f).map_err(|e| format!("cannot read {}: {e}", f.display()))?;
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        docs.push(parse_tml(&name, &src)?);
    }
    Ok(docs)
}

/// Normalise a TimeML or sitrep value for comparison.
pub fn normalize_value(v: &str) -> String {
    let mut v = v.trim().to_ascii_uppercase();
    // part of day on a date: 2000-01-05TEV -> 2000-01-05
    if v.len() > 10 && v.as_bytes()[10] == b'T' && v[11..].chars().all(|c| c.is_ascii_alphabetic())
    {
        v.truncate(10);
    }
    // 2000-W8 -> 2000-W08
    if let Some(i) = v.find("-W") {
        let num = &v[i + 2..];
        if num.len() == 1 && num.chars().all(|c| c.is_ascii_digit()) {
            v = format!("{}-W0{}", &v[..i], num);
        }
    }
    v
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

fn prf(tp_pred: usize, n_pred: usize, tp_gold: usize, n_gold: usize) -> Prf {
    let p = if n_pred == 0 {
        0.0
    } else {
        tp_pred as f64 / n_pred as f64
    };
    let r = if n_gold == 0 {
        0.0
    } else {
        tp_gold as f64 / n_gold as f64
    };
    let f1 = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    Prf {
        precision: p,
        recall: r,
        f1,
    }
}

/// One mismatch, for error analysis.
#[derive(Debug, Clone, Serialize)]
pub struct Miss {
    pub doc: String,
    pub dct: String,
    /// `fn` (gold not found), `fp` (prediction overlapping no gold), `value` (wrong value).
    pub what: String,
    pub text: String,
    pub gold: Option<String>,
    pub predicted: Option<String>,
    pub context: String,
}

/// Scores for one split.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SplitScore {
    pub split: String,
    pub docs: usize,
    pub gold_dates: usize,
    pub predicted: usize,
    /// Predictions that overlap only a non-DATE gold TIMEX3 (left out of precision).
    pub ignored: usize,
    pub strict: Prf,
    pub relaxed: Prf,
    /// Correct values among relaxed-matched gold DATEs.
    pub value_accuracy_matched: f64,
    /// Correct values among all gold DATEs.
    pub value_accuracy_all: f64,
    pub matched: usize,
    pub values_correct: usize,
    #[serde(skip)]
    pub misses: Vec<Miss>,
}

fn context(text: &str, start: usize, end: usize) -> String {
    let mut a = start.saturating_sub(60);
    while !text.is_char_boundary(a) {
        a -= 1;
    }
    let mut b = (end + 60).min(text.len());
    while !text.is_char_boundary(b) {
        b += 1;
    }
    format!(
        "{}[{}]{}",
        &text[a..start],
        &text[start..end],
        &text[end..b]
    )
    .replace('\n', " ")
}

/// Score `extract` on a set of documents.
pub fn score(split: &str, docs: &[Doc]) -> SplitScore {
    let mut s = SplitScore {
        split: split.to_string(),
        docs: docs.len(),
        ..Default::default()
    };
    let (mut strict_p, mut relaxed_p, mut strict_g, mut relaxed_g) = (0, 0, 0, 0);
    for doc in docs {
        let preds: Vec<DateMention> = extract(&doc.text, Some(doc.dct));
        let dates: Vec<&GoldTimex> = doc.timexes.iter().filter(|t| t.kind == "DATE").collect();
        let others: Vec<&GoldTimex> = doc.timexes.iter().filter(|t| t.kind != "DATE").collect();
        let ov = |a: (usize, usize), b: (usize, usize)| a.0 < b.1 && b.0 < a.1;
        for p in &preds {
            let ps = (p.start, p.end);
            let on_date = dates.iter().any(|g| ov(ps, (g.start, g.end)));
            if !on_date && others.iter().any(|g| ov(ps, (g.start, g.end))) {
                s.ignored += 1;
                continue;
            }
            s.predicted += 1;
            if dates.iter().any(|g| (g.start, g.end) == ps) {
                strict_p += 1;
            }
            if on_date {
                relaxed_p += 1;
            } else {
                s.misses.push(Miss {
                    doc: doc.name.clone(),
                    dct: doc.dct.to_string(),
                    what: "fp".into(),
                    text: p.text.clone(),
                    gold: None,
                    predicted: p.value.clone(),
                    context: context(&doc.text, p.start, p.end),
                });
            }
        }
        for g in &dates {
            s.gold_dates += 1;
            let gs = (g.start, g.end);
            if preds.iter().any(|p| (p.start, p.end) == gs) {
                strict_g += 1;
            }
            let best = preds
                .iter()
                .filter(|p| ov((p.start, p.end), gs))
                .max_by_key(|p| p.end.min(g.end) - p.start.max(g.start));
            let Some(best) = best else {
                s.misses.push(Miss {
                    doc: doc.name.clone(),
                    dct: doc.dct.to_string(),
                    what: "fn".into(),
                    text: doc.text[g.start..g.end].to_string(),
                    gold: Some(g.value.clone()),
                    predicted: None,
                    context: context(&doc.text, g.start, g.end),
                });
                continue;
            };
            relaxed_g += 1;
            s.matched += 1;
            let ok = best
                .value
                .as_deref()
                .is_some_and(|v| normalize_value(v) == normalize_value(&g.value));
            if ok {
                s.values_correct += 1;
            } else {
                s.misses.push(Miss {
                    doc: doc.name.clone(),
                    dct: doc.dct.to_string(),
                    what: "value".into(),
                    text: best.text.clone(),
                    gold: Some(g.value.clone()),
                    predicted: best.value.clone(),
                    context: context(&doc.text, g.start, g.end),
                });
            }
        }
    }
    s.strict = prf(strict_p, s.predicted, strict_g, s.gold_dates);
    s.relaxed = prf(relaxed_p, s.predicted, relaxed_g, s.gold_dates);
    s.value_accuracy_matched = if s.matched == 0 {
        0.0
    } else {
        s.values_correct as f64 / s.matched as f64
    };
    s.value_accuracy_all = if s.gold_dates == 0 {
        0.0
    } else {
        s.values_correct as f64 / s.gold_dates as f64
    };
    s
}

/// Both splits: TBAQ-cleaned (tuned on) and te3-platinum (held out).
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub data: String,
    pub splits: Vec<SplitScore>,
}

/// Load and score both splits from `<data>/ner/tempeval3`. The error names the missing path.
pub fn run(data: &Path) -> Result<Report, String> {
    let root = data.join("ner/tempeval3");
    let mut splits = Vec::new();
    for (name, sub) in [
        ("TBAQ-cleaned (tuned on)", "TBAQ-cleaned"),
        ("te3-platinum (held out)", "te3-platinum"),
    ] {
        let dir = root.join(sub);
        if !dir.is_dir() {
            return Err(format!(
                "TempEval-3 data not found: {} does not exist (set SITREP_SHARED to the folder that holds data/ner/tempeval3)",
                dir.display()
            ));
        }
        let docs = load_dir(&dir)?;
        if docs.is_empty() {
            return Err(format!("no .tml files under {}", dir.display()));
        }
        splits.push(score(name, &docs));
    }
    Ok(Report {
        data: root.display().to_string(),
        splits,
    })
}

/// The report as a plain-text table.
pub fn table(r: &Report) -> String {
    let mut out = format!("TempEval-3 DATE timexes, data {}\n", r.data);
    out.push_str(&format!(
        "{:<26} {:>5} {:>5} {:>5} {:>5} | {:>6} {:>6} {:>6} | {:>6} {:>6} {:>6} | {:>8} {:>8}\n",
        "split",
        "docs",
        "gold",
        "pred",
        "ign",
        "P",
        "R",
        "F1",
        "rP",
        "rR",
        "rF1",
        "val|hit",
        "val|all"
    ));
    for s in &r.splits {
        out.push_str(&format!(
            "{:<26} {:>5} {:>5} {:>5} {:>5} | {:>6.3} {:>6.3} {:>6.3} | {:>6.3} {:>6.3} {:>6.3} | {:>8.3} {:>8.3}\n",
            s.split,
            s.docs,
            s.gold_dates,
            s.predicted,
            s.ignored,
            s.strict.precision,
            s.strict.recall,
            s.strict.f1,
            s.relaxed.precision,
            s.relaxed.recall,
            s.relaxed.f1,
            s.value_accuracy_matched,
            s.value_accuracy_all
        ));
    }
    out.push_str("P/R/F1 strict = exact span; rP/rR/rF1 relaxed = overlap; val|hit = value accuracy on relaxed-matched gold; val|all = over all gold DATEs.\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_inline_timex_and_entities() {
        let src = r#"<TimeML><DCT><TIMEX3 tid="t0" type="TIME" value="2013-03-22T10:00" functionInDocument="CREATION_TIME">x</TIMEX3></DCT>
<TEXT>Fish &amp; chips <EVENT eid="e1">sold</EVENT> on <TIMEX3 tid="t1" type="DATE" value="2013-03-21">Thursday</TIMEX3> and <TIMEX3 tid="t2" type="DURATION" value="P1W">a week</TIMEX3>.</TEXT></TimeML>"#;
        let d = parse_tml("x.tml", src).unwrap();
        assert_eq!(d.dct, NaiveDate::from_ymd_opt(2013, 3, 22).unwrap());
        assert_eq!(d.text, "Fish & chips sold on Thursday and a week.");
        assert_eq!(d.timexes.len(), 2);
        assert_eq!(&d.text[d.timexes[0].start..d.timexes[0].end], "Thursday");
        let s = score("t", &[d]);
        assert_eq!(s.gold_dates, 1);
        assert_eq!(s.values_correct, 1);
        assert_eq!(s.strict.f1, 1.0);
    }

    #[test]
    fn normalizes_values() {
        assert_eq!(normalize_value("2000-W8"), "2000-W08");
        assert_eq!(normalize_value("2000-01-05TEV"), "2000-01-05");
        assert_eq!(normalize_value("1998-08-17T10:00"), "1998-08-17T10:00");
        assert_eq!(normalize_value("199x"), "199X");
    }

    #[test]
    fn missing_data_names_the_path() {
        let err = run(Path::new("/nonexistent/sitrep-data")).unwrap_err();
        assert!(
            err.contains("/nonexistent/sitrep-data/ner/tempeval3"),
            "{err}"
        );
    }
}
