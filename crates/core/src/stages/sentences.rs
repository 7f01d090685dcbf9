//! Sentence boundaries, rule-based and tuned for news.
//!
//! A line break always ends a sentence (scraped news has one paragraph per line). Inside a line,
//! `.`, `!`, `?` and `…` end a sentence when followed by white space and a capital, digit or
//! opening quote, with closing quotes and brackets kept on the left. A period does not end a
//! sentence after:
//!
//! * a title (`Mr.`, `Gen.`, `Dr.`, `Sen.`, ...) or a single-letter initial (`N.`);
//! * a month abbreviation before a number (`Dec. 30`);
//! * `No.`, `vs.`, `e.g.`, ... ;
//! * a dotted acronym (`U.S.`, `U.N.`, `p.m.`) or a company suffix (`Inc.`), *unless* the next
//!   word is a typical sentence opener (`The`, `He`, `But`, ...): "in the U.S. The ..." splits,
//!   "the U.S. Embassy" does not.
//!
//! No crate splits these correctly (UAX#29 splits after "Gen." and "U.N."), hence the list.

use crate::model::{Article, Sentence};
use crate::pipeline::Stage;

pub struct Sentences {}

impl Sentences {
    pub fn new() -> Self {
        Sentences {}
    }
}

impl Default for Sentences {
    fn default() -> Self {
        Self::new()
    }
}

impl Stage for Sentences {
    fn name(&self) -> &'static str {
        "sentences"
    }
    fn process(&self, article: &mut Article) {
        article.sentences = split(&article.text);
    }
}

const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "capt", "cpt", "sgt", "adm", "cmdr", "gov",
    "sen", "rep", "rev", "prof", "pres", "sec", "st", "mt", "ft", "brig", "cpl", "pvt", "hon",
    "amb", "supt", "insp", "det", "messrs", "mme", "sr", "jr", "atty", "gens",
];
const MONTHS: &[&str] = &[
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
];
const NEVER_END: &[&str] = &[
    "no", "nos", "vs", "v", "e.g", "i.e", "cf", "approx", "art", "fig", "ch", "vol", "pp", "est",
    "ca",
];
const SOFT: &[&str] = &[
    "inc", "corp", "ltd", "co", "bros", "etc", "ave", "blvd", "dept", "univ", "al", "plc", "llc",
];
const OPENERS: &[&str] = &[
    "The",
    "A",
    "An",
    "He",
    "She",
    "It",
    "They",
    "We",
    "I",
    "You",
    "But",
    "And",
    "Or",
    "So",
    "In",
    "On",
    "At",
    "This",
    "That",
    "These",
    "Those",
    "There",
    "His",
    "Her",
    "Their",
    "Its",
    "Our",
    "As",
    "After",
    "Before",
    "When",
    "While",
    "If",
    "Officials",
    "Some",
    "Many",
    "Both",
    "Meanwhile",
    "However",
    "Yet",
    "Still",
    "Then",
    "Now",
    "Last",
    "Earlier",
    "Later",
    "Since",
    "According",
    "For",
    "With",
    "By",
    "From",
    "One",
    "Two",
    "No",
    "Not",
    "What",
    "Who",
    "Why",
    "How",
];

fn is_closer(c: char) -> bool {
    matches!(c, '"' | '”' | '’' | '\'' | ')' | ']' | '»')
}

fn is_opener(c: char) -> bool {
    matches!(c, '"' | '“' | '‘' | '\'' | '(' | '[' | '«')
}

/// Split `text` into sentences (byte spans, trimmed, never empty).
pub fn split(text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for (i, c) in text.char_indices() {
        if c == '\n' {
            split_line(text, line_start, i, &mut out);
            line_start = i + 1;
        }
    }
    split_line(text, line_start, text.len(), &mut out);
    out
}

fn push_trimmed(text: &str, a: usize, b: usize, out: &mut Vec<Sentence>) {
    let s = &text[a..b];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead + trail < s.len() {
        out.push(Sentence {
            start: a + lead,
            end: b - trail,
        });
    }
}

fn split_line(text: &str, from: usize, to: usize, out: &mut Vec<Sentence>) {
    let line = &text[from..to];
    let bytes = line.as_bytes();
    let mut start = 0usize;
    let mut iter = line.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if !matches!(c, '.' | '!' | '?' | '…') {
            continue;
        }
        // absorb further terminators and closers
        let mut end = i + c.len_utf8();
        while let Some(&(j, d)) = iter.peek() {
            if matches!(d, '.' | '!' | '?' | '…') || is_closer(d) {
                end = j + d.len_utf8();
                iter.next();
            } else {
                break;
            }
        }
        // must be followed by white space
        let rest = &line[end..];
        let ws = rest.len() - rest.trim_start().len();
        if ws == 0 || end + ws >= line.len() {
            continue;
        }
        let next_word_start = end + ws;
        let mut next_chars = line[next_word_start..].chars();
        let Some(mut nc) = next_chars.next() else {
            continue;
        };
        if is_opener(nc) {
            nc = next_chars.next().unwrap_or(' ');
        }
        if !(nc.is_uppercase()
            || nc.is_ascii_digit()
            || !nc.is_alphabetic() && !nc.is_whitespace() && nc != ',' && nc != ';')
        {
            continue;
        }
        if c == '.'
            && bytes.get(i + 1).is_none_or(|&b| b != b'.')
            && !period_ends(line, i, &line[next_word_start..])
        {
            continue;
        }
        push_trimmed(text, from + start, from + end, out);
        start = end;
    }
    push_trimmed(text, from + start, to, out);
}

/// Does the period at `dot` end a sentence, given the text that follows?
fn period_ends(line: &str, dot: usize, next: &str) -> bool {
    let before = &line[..dot];
    let word_start = before
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_whitespace() || is_opener(c) || c == '(' || c == '—' || c == '-')
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    let word = &before[word_start..];
    if word.is_empty() {
        return true;
    }
    let lower = word.to_lowercase();
    let next_word: String = next
        .trim_start_matches(|c: char| is_opener(c))
        .chars()
        .take_while(|c| c.is_alphanumeric())
        .collect();
    let next_is_opener = OPENERS.contains(&next_word.as_str());
    let next_is_number = next.chars().next().is_some_and(|c| c.is_ascii_digit());
    if TITLES.contains(&lower.as_str()) {
        return false;
    }
    // single-letter initial: "N." "J."
    let mut wc = word.chars();
    if let (Some(first), None) = (wc.next(), wc.next()) {
        if first.is_uppercase() {
            return false;
        }
    }
    if MONTHS.contains(&lower.as_str()) {
        return !next_is_number;
    }
    if NEVER_END.contains(&lower.as_str()) {
        return next_is_opener && !next_is_number;
    }
    if word.contains('.') || SOFT.contains(&lower.as_str()) {
        // U.S., U.N., p.m., Inc.
        return next_is_opener;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sents(t: &str) -> Vec<&str> {
        split(t).iter().map(|s| &t[s.start..s.end]).collect()
    }

    #[test]
    fn abbreviations_do_not_split() {
        let t = "Gen. Kim met Mr. Lee at the U.N. Security Council at 3 p.m. on Dec. 30. The U.S. Embassy said nothing.";
        assert_eq!(
            sents(t),
            vec![
                "Gen. Kim met Mr. Lee at the U.N. Security Council at 3 p.m. on Dec. 30.",
                "The U.S. Embassy said nothing."
            ]
        );
    }

    #[test]
    fn acronym_at_end_splits_before_opener() {
        let t = "The troops arrived in the U.S. They left on Friday.";
        assert_eq!(
            sents(t),
            vec!["The troops arrived in the U.S.", "They left on Friday."]
        );
    }

    #[test]
    fn quotes_stay_with_their_sentence() {
        let t = "“We condemn this,” the statement reads. “It must stop.” Kirby said so. \"Why?\" he asked.";
        assert_eq!(
            sents(t),
            vec![
                "“We condemn this,” the statement reads.",
                "“It must stop.”",
                "Kirby said so.",
                "\"Why?\" he asked."
            ]
        );
    }

    #[test]
    fn lines_are_boundaries_and_initials_hold() {
        let t = "N. Korea fired a missile\nSeoul said J. Smith saw it. Then it fell.";
        assert_eq!(
            sents(t),
            vec![
                "N. Korea fired a missile",
                "Seoul said J. Smith saw it.",
                "Then it fell."
            ]
        );
    }

    #[test]
    fn no_empty_and_in_bounds() {
        for t in [
            "",
            "   ",
            "...",
            ". . .",
            "a. b. c.",
            "Ünïcode… Ok. “”",
            "x.\n\n\ny",
        ] {
            for s in split(t) {
                assert!(s.start < s.end && s.end <= t.len());
                assert!(!t[s.start..s.end].trim().is_empty());
            }
        }
    }
}
