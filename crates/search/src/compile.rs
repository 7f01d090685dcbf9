//! From the syntax tree to a tantivy query, and what the snippets should highlight.

use std::ops::Bound;

use sitrep_core::model::{EventStatus, PloverType};
use sitrep_store::Store;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EmptyQuery, FuzzyTermQuery, Occur, PhraseQuery, Query,
    RangeQuery, RegexQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use crate::near::NearQuery;
use crate::query::{FieldName, Node, MAX_NEAR_OPERAND_WORDS};
use crate::schema::{day_span, day_time, keyword, words, Fields};
use crate::SearchError;

/// Boost of a title match over a text match for default-field clauses.
pub const TITLE_BOOST: f32 = 2.0;

/// What snippets mark: words of positive clauses on the title or text.
#[derive(Debug, Default, Clone)]
pub struct Highlight {
    pub exact: Vec<String>,
    pub fuzzy: Vec<(String, u8)>,
    pub prefix: Vec<String>,
    /// NEAR clauses: (words of A, words of B, n, unit), to centre snippets on a match.
    pub near: Vec<(Vec<String>, Vec<String>, u32, crate::query::NearUnit)>,
}

impl Highlight {
    /// Whether a word of the text is to be marked.
    pub fn wants(&self, w: &str) -> bool {
        self.exact.iter().any(|x| x == w)
            || self.prefix.iter().any(|p| w.starts_with(p.as_str()))
            || self
                .fuzzy
                .iter()
                .any(|(x, d)| levenshtein_within(x, w, *d as usize))
    }
}

/// Whether the edit distance (with transpositions counting one) is at most `d`.
pub fn levenshtein_within(a: &str, b: &str, d: usize) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > d {
        return false;
    }
    let (n, m) = (a.len(), b.len());
    let mut prev2 = vec![0usize; m + 1];
    let mut prev: Vec<usize> = (0..=m).collect();
    let mut cur = vec![0usize; m + 1];
    for i in 1..=n {
        cur[0] = i;
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[m] <= d
}

pub struct Compiler<'a> {
    pub fields: &'a Fields,
    pub store: &'a dyn Store,
    pub highlight: Highlight,
}

fn qerr(at: usize, message: impl Into<String>) -> SearchError {
    SearchError::Query {
        message: message.into(),
        at,
    }
}

fn escape_regex(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        // the regex meta characters (escaping anything else can be an error)
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl Compiler<'_> {
    fn field(&self, f: FieldName) -> Field {
        let x = self.fields;
        match f {
            FieldName::Title => x.title,
            FieldName::Text => x.text,
            FieldName::Id => x.id,
            FieldName::Source => x.source,
            FieldName::Entity => x.entity,
            FieldName::Actor => x.actor,
            FieldName::Recipient => x.recipient,
            FieldName::Type => x.kind,
            FieldName::Cameo => x.cameo,
            FieldName::Status => x.status,
            FieldName::Lang => x.lang,
            FieldName::Published => x.published,
            FieldName::Date => x.date,
            FieldName::Story => x.id,
        }
    }

    /// The query of a node; `positive` is false under a NOT (nothing to highlight there).
    pub fn compile(&mut self, n: &Node, positive: bool) -> Result<Box<dyn Query>, SearchError> {
        Ok(match n {
            Node::And(items) => {
                let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                let mut any_positive = false;
                for it in items {
                    match it {
                        Node::Not(inner) => {
                            clauses.push((Occur::MustNot, self.compile(inner, false)?))
                        }
                        _ => {
                            any_positive = true;
                            clauses.push((Occur::Must, self.compile(it, positive)?));
                        }
                    }
                }
                if !any_positive {
                    clauses.push((Occur::Must, Box::new(AllQuery)));
                }
                Box::new(BooleanQuery::new(clauses))
            }
            Node::Or(items) => {
                let mut clauses = Vec::new();
                for it in items {
                    clauses.push((Occur::Should, self.compile(it, positive)?));
                }
                Box::new(BooleanQuery::new(clauses))
            }
            Node::Not(inner) => Box::new(BooleanQuery::new(vec![
                (Occur::Must, Box::new(AllQuery) as Box<dyn Query>),
                (Occur::MustNot, self.compile(inner, false)?),
            ])),
            Node::Term {
                field,
                text,
                at,
                fuzzy,
                prefix,
            } => self.term(*field, text, *at, *fuzzy, *prefix, positive)?,
            Node::Phrase {
                field,
                text,
                slop,
                at,
            } => match field {
                None => self.either_text(|c, f| c.text_phrase(f, text, *slop, *at, positive))?,
                Some(f) if f.is_text() => {
                    self.text_phrase(self.field(*f), text, *slop, *at, positive)?
                }
                Some(f) => self.term(Some(*f), text, *at, 0, false, positive)?,
            },
            Node::Range { field, lo, hi, at } => self.range(*field, lo, hi, *at)?,
            Node::Near { a, b, n, unit, at } => {
                let wa = self.near_words(a, *at)?;
                let wb = self.near_words(b, *at)?;
                let f = self.fields.text;
                let ta = wa.iter().map(|w| Term::from_field_text(f, w)).collect();
                let tb = wb.iter().map(|w| Term::from_field_text(f, w)).collect();
                if positive {
                    self.highlight.exact.extend(wa.iter().chain(&wb).cloned());
                    self.highlight.near.push((wa, wb, *n, *unit));
                }
                Box::new(NearQuery::new(f, ta, tb, *n, *unit))
            }
        })
    }

    fn near_words(&self, n: &Node, at: usize) -> Result<Vec<String>, SearchError> {
        let (Node::Term { text, .. } | Node::Phrase { text, .. }) = n else {
            return Err(qerr(at, "NEAR joins two plain terms or \"phrases\""));
        };
        let ws: Vec<String> = words(text).into_iter().map(|w| w.0).collect();
        if ws.is_empty() {
            return Err(qerr(at, format!("'{text}' has no words to search for")));
        }
        if ws.len() > MAX_NEAR_OPERAND_WORDS {
            return Err(qerr(
                at,
                format!("a NEAR operand may have at most {MAX_NEAR_OPERAND_WORDS} words"),
            ));
        }
        Ok(ws)
    }

    /// Title (boosted) or text.
    fn either_text(
        &mut self,
        mut f: impl FnMut(&mut Self, Field) -> Result<Box<dyn Query>, SearchError>,
    ) -> Result<Box<dyn Query>, SearchError> {
        let title = f(self, self.fields.title)?;
        let text = f(self, self.fields.text)?;
        Ok(Box::new(BooleanQuery::new(vec![
            (
                Occur::Should,
                Box::new(BoostQuery::new(title, TITLE_BOOST)) as Box<dyn Query>,
            ),
            (Occur::Should, text),
        ])))
    }

    fn text_phrase(
        &mut self,
        field: Field,
        text: &str,
        slop: u32,
        at: usize,
        positive: bool,
    ) -> Result<Box<dyn Query>, SearchError> {
        let ws: Vec<String> = words(text).into_iter().map(|w| w.0).collect();
        if ws.is_empty() {
            return Err(qerr(at, format!("'{text}' has no words to search for")));
        }
        if positive {
            self.highlight.exact.extend(ws.iter().cloned());
        }
        let terms: Vec<Term> = ws.iter().map(|w| Term::from_field_text(field, w)).collect();
        if terms.len() == 1 {
            return Ok(Box::new(TermQuery::new(
                terms.into_iter().next().expect("one"),
                IndexRecordOption::WithFreqs,
            )));
        }
        let mut q = PhraseQuery::new(terms);
        q.set_slop(slop);
        Ok(Box::new(q))
    }

    fn term(
        &mut self,
        field: Option<FieldName>,
        text: &str,
        at: usize,
        fuzzy: u8,
        prefix: bool,
        positive: bool,
    ) -> Result<Box<dyn Query>, SearchError> {
        let text_like = field.is_none_or(|f| f.is_text());
        if text_like {
            let one = |c: &mut Self, f: Field| -> Result<Box<dyn Query>, SearchError> {
                if fuzzy == 0 && !prefix {
                    return c.text_phrase(f, text, 0, at, positive);
                }
                let ws: Vec<String> = words(text).into_iter().map(|w| w.0).collect();
                if ws.len() != 1 {
                    return Err(qerr(
                        at,
                        format!("'{text}' is not one word; fuzzy (~) and prefix (*) terms are single words"),
                    ));
                }
                let w = &ws[0];
                if positive {
                    if prefix {
                        c.highlight.prefix.push(w.clone());
                    } else {
                        c.highlight.fuzzy.push((w.clone(), fuzzy));
                    }
                }
                c.fuzzy_or_prefix(f, w, fuzzy, prefix, at)
            };
            return match field {
                None => self.either_text(one),
                Some(f) => {
                    let f = self.field(f);
                    one(self, f)
                }
            };
        }
        let f = field.expect("a keyword field");
        let value = match f {
            FieldName::Story => {
                let id: u32 = text
                    .parse()
                    .map_err(|_| qerr(at, format!("story: takes a story number, got '{text}'")))?;
                let members = self.store.story_member_ids(&[id])?;
                let terms = members
                    .into_iter()
                    .map(|(_, a)| Term::from_field_text(self.fields.id, &a));
                return Ok(Box::new(TermSetQuery::new(terms)));
            }
            FieldName::Id => text.to_string(),
            FieldName::Type => match PloverType::parse(text) {
                Some(t) => keyword(t.as_str()),
                None => return Err(qerr(at, format!("unknown event type '{text}'"))),
            },
            FieldName::Status => match EventStatus::parse(text) {
                Some(s) => keyword(s.as_str()),
                None => return Err(qerr(at, format!("unknown status '{text}'"))),
            },
            _ => keyword(text),
        };
        if value.is_empty() {
            return Err(qerr(at, format!("'{text}' has nothing to search for")));
        }
        let field = self.field(f);
        if fuzzy > 0 || prefix {
            return self.fuzzy_or_prefix(field, &value, fuzzy, prefix, at);
        }
        Ok(Box::new(TermQuery::new(
            Term::from_field_text(field, &value),
            IndexRecordOption::WithFreqs,
        )))
    }

    fn fuzzy_or_prefix(
        &self,
        field: Field,
        w: &str,
        fuzzy: u8,
        prefix: bool,
        at: usize,
    ) -> Result<Box<dyn Query>, SearchError> {
        if prefix {
            let q = RegexQuery::from_pattern(&format!("{}.*", escape_regex(w)), field)
                .map_err(|e| qerr(at, format!("bad prefix: {e}")))?;
            Ok(Box::new(q))
        } else {
            Ok(Box::new(FuzzyTermQuery::new(
                Term::from_field_text(field, w),
                fuzzy,
                true,
            )))
        }
    }

    fn range(
        &self,
        field: FieldName,
        lo: &Bound<String>,
        hi: &Bound<String>,
        at: usize,
    ) -> Result<Box<dyn Query>, SearchError> {
        let f = self.field(field);
        let span = |v: &str| day_span(v).ok_or_else(|| qerr(at, format!("'{v}' is not a date")));
        let term = |d| Term::from_field_date_for_search(f, day_time(d));
        // Day granularity: an inclusive lower bound starts at the first day of its value, an
        // exclusive one after its last day; likewise for the upper bound.
        let lower = match lo {
            Bound::Included(v) => Bound::Included(term(span(v)?.0)),
            Bound::Excluded(v) => Bound::Excluded(term(span(v)?.1)),
            Bound::Unbounded => Bound::Included(term(
                chrono::NaiveDate::from_ymd_opt(1700, 1, 1).expect("a date"),
            )),
        };
        let upper = match hi {
            Bound::Included(v) => Bound::Included(term(span(v)?.1)),
            Bound::Excluded(v) => Bound::Excluded(term(span(v)?.0)),
            Bound::Unbounded => Bound::Unbounded,
        };
        if let (Bound::Included(a) | Bound::Excluded(a), Bound::Included(b) | Bound::Excluded(b)) =
            (&lower, &upper)
        {
            if a.serialized_value_bytes() > b.serialized_value_bytes() {
                return Ok(Box::new(EmptyQuery));
            }
        }
        Ok(Box::new(RangeQuery::new(lower, upper)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance() {
        assert!(levenshtein_within("kursk", "kursk", 0));
        assert!(levenshtein_within("kursk", "kurks", 1), "transposition");
        assert!(levenshtein_within("kursk", "kirsk", 1));
        assert!(!levenshtein_within("kursk", "kiev", 2));
        assert!(levenshtein_within("korea", "koreas", 1));
    }
}
