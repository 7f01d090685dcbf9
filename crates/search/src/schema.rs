//! The index schema, its analyzers, and how a record becomes a document.

use chrono::{Datelike, NaiveDate};
use sitrep_core::model::Precision;
use sitrep_core::Record;
use tantivy::schema::{
    DateOptions, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STORED,
    STRING,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, PreTokenizedString, RawTokenizer, RemoveLongFilter,
    SimpleTokenizer, TextAnalyzer, Token, TokenStream,
};
use tantivy::{DateTime, Index, TantivyDocument};

/// Bumped whenever the schema or what goes into a field changes: an index built with another
/// version is wiped and rebuilt from the store when opened.
pub const SCHEMA_VERSION: u32 = 1;

/// The analyzer of `title` and `text` (indexing and queries): words (runs of letters and
/// digits), lower case, accents folded to ASCII. No stemming.
pub const TEXT_ANALYZER: &str = "sitrep_text";
/// The analyzer of keyword fields (`entity`, `source`, `actor`...): the whole value as one
/// token, lower case, accents folded, runs of white space made one space.
pub const KEYWORD_ANALYZER: &str = "sitrep_keyword";

/// Positions of sentence `i` start at `i << SENTENCE_SHIFT`; a sentence's words take the
/// positions after that, up to the next sentence's range (longer sentences share the last one).
pub const SENTENCE_SHIFT: u32 = 16;
const MAX_IN_SENTENCE: u32 = (1 << SENTENCE_SHIFT) - 1;
const MAX_SENTENCE: u32 = (u32::MAX >> SENTENCE_SHIFT) - 1;

/// The fields.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    pub id: Field,
    pub title: Field,
    pub text: Field,
    pub source: Field,
    pub entity: Field,
    pub actor: Field,
    pub recipient: Field,
    pub kind: Field,
    pub cameo: Field,
    pub status: Field,
    pub lang: Field,
    pub published: Field,
    pub date: Field,
}

pub fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text_opts = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TEXT_ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let kw = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(KEYWORD_ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let date_opts = DateOptions::default().set_indexed().set_fast();
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED | FAST),
        title: b.add_text_field("title", text_opts.clone()),
        text: b.add_text_field("text", text_opts),
        source: b.add_text_field("source", kw.clone()),
        entity: b.add_text_field("entity", kw.clone()),
        actor: b.add_text_field("actor", kw.clone()),
        recipient: b.add_text_field("recipient", kw.clone()),
        kind: b.add_text_field("type", kw.clone()),
        cameo: b.add_text_field("cameo", kw.clone()),
        status: b.add_text_field("status", kw.clone()),
        lang: b.add_text_field("lang", kw),
        published: b.add_date_field("published", date_opts.clone()),
        date: b.add_date_field("date", DateOptions::default().set_indexed()),
    };
    (b.build(), fields)
}

pub fn text_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(64))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

pub fn keyword_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

pub fn register_analyzers(index: &Index) {
    index.tokenizers().register(TEXT_ANALYZER, text_analyzer());
    index
        .tokenizers()
        .register(KEYWORD_ANALYZER, keyword_analyzer());
}

/// A keyword value as indexed: trimmed, inner white space collapsed, lower case, ASCII-folded.
pub fn keyword(s: &str) -> String {
    let collapsed = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut a = keyword_analyzer();
    let mut ts = a.token_stream(&collapsed);
    let mut out = String::new();
    while ts.advance() {
        out.push_str(&ts.token().text);
    }
    out
}

/// The words of `text` as the text analyzer makes them: (word, byte start, byte end).
pub fn words(text: &str) -> Vec<(String, usize, usize)> {
    let mut a = text_analyzer();
    let mut ts = a.token_stream(text);
    let mut out = Vec::new();
    while ts.advance() {
        let t = ts.token();
        out.push((t.text.clone(), t.offset_from, t.offset_to));
    }
    out
}

/// The segments the text is indexed in, as byte ranges: the record's sentences, plus any text
/// between or around them that has words of its own; the whole text when there are no
/// sentences. Segment `i`'s words take positions from `i << SENTENCE_SHIFT`.
pub fn segments(text: &str, sentences: &[sitrep_core::model::Sentence]) -> Vec<(usize, usize)> {
    if sentences.is_empty() {
        return vec![(0, text.len())];
    }
    // char offset -> byte offset
    let mut bytes: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    bytes.push(text.len());
    let at = |c: usize| bytes[c.min(bytes.len() - 1)];
    let has_words = |a: usize, b: usize| text[a..b].chars().any(char::is_alphanumeric);
    let mut out = Vec::with_capacity(sentences.len() + 2);
    let mut prev = 0usize;
    for s in sentences {
        let (a, b) = (at(s.start), at(s.end.max(s.start)));
        if a < prev {
            continue; // overlapping or unordered: keep the first
        }
        if has_words(prev, a) {
            out.push((prev, a));
        }
        out.push((a, b));
        prev = b;
    }
    if has_words(prev, text.len()) {
        out.push((prev, text.len()));
    }
    out
}

/// Words of each segment, in order: what NEAR and the snippets see.
pub fn segment_words(text: &str, segs: &[(usize, usize)]) -> Vec<Vec<(String, usize, usize)>> {
    segs.iter()
        .map(|&(a, b)| {
            words(&text[a..b])
                .into_iter()
                .map(|(w, s, e)| (w, s + a, e + a))
                .collect()
        })
        .collect()
}

/// The text as pre-tokenized for the index: sentence `i` at positions `i << 16` onwards.
pub fn pretokenize(text: &str, sentences: &[sitrep_core::model::Sentence]) -> PreTokenizedString {
    let segs = segments(text, sentences);
    let mut tokens = Vec::new();
    for (i, ws) in segment_words(text, &segs).into_iter().enumerate() {
        let base = (i as u32).min(MAX_SENTENCE) << SENTENCE_SHIFT;
        for (j, (w, s, e)) in ws.into_iter().enumerate() {
            tokens.push(Token {
                offset_from: s,
                offset_to: e,
                position: (base + (j as u32).min(MAX_IN_SENTENCE)) as usize,
                text: w,
                position_length: 1,
            });
        }
    }
    PreTokenizedString {
        text: String::new(),
        tokens,
    }
}

/// Midnight UTC of a day (clamped to 1700..=2200: tantivy dates are i64 nanoseconds).
pub fn day_time(d: NaiveDate) -> DateTime {
    let lo = NaiveDate::from_ymd_opt(1700, 1, 1).expect("a date");
    let hi = NaiveDate::from_ymd_opt(2200, 12, 31).expect("a date");
    let d = d.clamp(lo, hi);
    let secs = d
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc()
        .timestamp();
    DateTime::from_timestamp_secs(secs)
}

/// The days a date value covers: `2024-11-01`, `2024-11` (a month), `2024` (a year),
/// `2024-W44` (an ISO week). `None` for anything else.
pub fn day_span(value: &str) -> Option<(NaiveDate, NaiveDate)> {
    let v = value.trim();
    if let Ok(d) = NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        return Some((d, d));
    }
    if let Some((y, w)) = v.split_once("-W") {
        let (y, w) = (y.parse().ok()?, w.parse().ok()?);
        let a = NaiveDate::from_isoywd_opt(y, w, chrono::Weekday::Mon)?;
        return Some((a, a + chrono::Duration::days(6)));
    }
    if v.len() == 7 && v.as_bytes()[4] == b'-' {
        let (y, m): (i32, u32) = (v[..4].parse().ok()?, v[5..].parse().ok()?);
        let a = NaiveDate::from_ymd_opt(y, m, 1)?;
        let next = if m == 12 {
            NaiveDate::from_ymd_opt(y + 1, 1, 1)?
        } else {
            NaiveDate::from_ymd_opt(y, m + 1, 1)?
        };
        return Some((a, next.pred_opt()?));
    }
    if v.len() == 4 && v.bytes().all(|b| b.is_ascii_digit()) {
        let y: i32 = v.parse().ok()?;
        let a = NaiveDate::from_ymd_opt(y, 1, 1)?;
        return Some((a, NaiveDate::from_ymd_opt(y, 12, 31)?));
    }
    None
}

/// The document of a record.
pub fn document(f: &Fields, r: &Record) -> TantivyDocument {
    let mut d = TantivyDocument::new();
    d.add_text(f.id, &r.id);
    if let Some(t) = &r.title {
        d.add_text(f.title, t);
    }
    d.add_pre_tokenized_text(f.text, pretokenize(&r.text, &r.sentences));
    if let Some(s) = &r.source {
        d.add_text(f.source, s);
    }
    if let Some(l) = &r.lang {
        d.add_text(f.lang, l);
    }
    if let Some(p) = r.published.as_deref().and_then(day_span) {
        d.add_date(f.published, day_time(p.0));
    }
    let mut seen = std::collections::HashSet::new();
    let mut add = |d: &mut TantivyDocument, field: Field, v: &str| {
        let k = keyword(v);
        if !k.is_empty() && seen.insert((field, k.clone())) {
            d.add_text(field, &k);
        }
    };
    for e in &r.entities {
        if let Some(c) = &e.code {
            add(&mut d, f.entity, c);
        }
        if let Some(n) = &e.name {
            add(&mut d, f.entity, n);
        }
        add(&mut d, f.entity, &e.text);
    }
    for ev in &r.events {
        add(&mut d, f.kind, ev.kind.as_str());
        add(&mut d, f.cameo, &ev.cameo);
        add(&mut d, f.status, ev.status.as_str());
        for (field, ps) in [(f.actor, &ev.actor), (f.recipient, &ev.recipient)] {
            for p in ps {
                if let Some(c) = &p.code {
                    add(&mut d, field, c);
                    if c.len() > 3 && c.is_char_boundary(3) {
                        add(&mut d, field, &c[..3]);
                    }
                }
                if let Some(c) = &p.country {
                    add(&mut d, field, c);
                }
            }
        }
    }
    // Dates mentioned in the text: days, and the seven days of a week; months and years are
    // too coarse to index day by day and are left out.
    let mut days = std::collections::BTreeSet::new();
    for m in &r.dates {
        let Some(v) = &m.value else { continue };
        if !matches!(m.precision, Precision::Day | Precision::Week) {
            continue;
        }
        if let Some((a, b)) = day_span(v) {
            let mut x = a;
            while x <= b && days.len() < 4096 {
                days.insert(x);
                match x.succ_opt() {
                    Some(n) => x = n,
                    None => break,
                }
            }
        }
    }
    for x in days {
        if (1700..=2200).contains(&x.year()) {
            d.add_date(f.date, day_time(x));
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use sitrep_core::model::Sentence;

    #[test]
    fn positions_jump_by_sentence() {
        let text = "North Korea sent troops. Kursk is far. ";
        let s = vec![
            Sentence { start: 0, end: 24 },
            Sentence { start: 25, end: 38 },
        ];
        let p = pretokenize(text, &s);
        let got: Vec<(&str, usize)> = p
            .tokens
            .iter()
            .map(|t| (t.text.as_str(), t.position))
            .collect();
        assert_eq!(
            got,
            vec![
                ("north", 0),
                ("korea", 1),
                ("sent", 2),
                ("troops", 3),
                ("kursk", 1 << 16),
                ("is", (1 << 16) + 1),
                ("far", (1 << 16) + 2)
            ]
        );
    }

    #[test]
    fn text_outside_sentences_is_a_segment_of_its_own() {
        let text = "Héadline here\nBody one. Body two.";
        let s = vec![
            Sentence { start: 14, end: 23 },
            Sentence { start: 24, end: 33 },
        ];
        let segs = segments(text, &s);
        assert_eq!(segs.len(), 3);
        assert_eq!(&text[segs[0].0..segs[0].1], "Héadline here\n");
        let p = pretokenize(text, &s);
        assert_eq!(p.tokens[0].text, "headline", "folded to ASCII");
        assert_eq!(p.tokens[2].position, 1 << 16);
    }

    #[test]
    fn day_spans() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            day_span("2024-02"),
            Some((d("2024-02-01"), d("2024-02-29")))
        );
        assert_eq!(
            day_span("2024-12"),
            Some((d("2024-12-01"), d("2024-12-31")))
        );
        assert_eq!(day_span("2024"), Some((d("2024-01-01"), d("2024-12-31"))));
        assert_eq!(
            day_span("2024-W44"),
            Some((d("2024-10-28"), d("2024-11-03")))
        );
        assert_eq!(day_span("soon"), None);
        assert_eq!(keyword("  Kim   Jong Ün "), "kim jong un");
    }
}
