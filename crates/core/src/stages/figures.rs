//! Figures: quantities with their unit and what they count.
//!
//! One pass of a single regex finds number expressions (digits with optional scale word,
//! currency amounts, number words, vague quantities such as "millions of"); each candidate is
//! then checked against its context and extended to the right with a unit or a counted noun
//! phrase.
//!
//! What a [`Figure`] holds:
//! - `text` / `start..end`: the whole phrase, from a hedge ("at least", "about") through the
//!   number to the end of the counted noun phrase: `about 10,000 North Korean troops`,
//!   `8,000 of them`, `millions of rounds of ammunition`, `$1.5 billion`, `40%`.
//! - `value`: the stated number with its scale applied (`$1.5 billion` -> 1.5e9,
//!   `three missiles` -> 3). `None` for vague quantities, which never get an order of
//!   magnitude: "millions of" is `vague: true, value: None`.
//! - `unit`: a currency code (`USD`, `EUR`, `GBP`, `JPY`, `CNY`, `KRW`, `RUB`, `UAH`, `INR`), a
//!   measure (`percent`, `km`, `mi`, `m`, `t`, `kg`, `km2`), a time unit (`years`, `days`, ...)
//!   or the counted noun's head, lowercased (`troops`, `rounds`, `missiles`).
//! - `subject`: the counted noun phrase as written (`North Korean troops`,
//!   `rounds of ammunition`). For `N of them/those/these` it is the subject of the nearest
//!   preceding figure (within a few hundred bytes), else the pronoun itself.
//! - `qualifier`: the normalised hedge (`about`, `at least`, `more than`, `up to`,
//!   `less than`, `exactly` for "only"); "nearly"/"almost"/"some"/"an estimated" count as
//!   `about`.
//!
//! Not figures: numbers inside `article.dates` spans; days and years in date context
//! ("December 30, 2023", "in May 2023", "2024 elections"); times ("10:30", "9 a.m.");
//! ordinals ("1st", "first" is never matched); identifiers ("resolution 2231", "No. 2",
//! "Article 5", "Hwasong-19", "F-16s", "G7", "2+2"); ranges, phone numbers and scores with
//! digits joined by `-`, `/`, `:`; relative durations ("two years ago"); hyphenated modifiers
//! other than measures ("a 10-year plan"; "a 300-km range" is kept).
//!
//! Number words: "one" is kept only as "one of the/them ..." (value 1, subject the noun) or
//! after a hedge ("at least one"); other number words ("two", "three", "a dozen") are kept only
//! when a unit or counted noun follows ("two countries"), so "the two met" is not a figure.

use std::sync::OnceLock;

use regex::Regex;

use crate::model::{Article, Figure};
use crate::pipeline::Stage;

pub struct Figures {}

impl Figures {
    pub fn new() -> Self {
        // Compile the patterns now rather than on the first article.
        let _ = rx();
        Figures {}
    }
}

impl Default for Figures {
    fn default() -> Self {
        Self::new()
    }
}

impl Stage for Figures {
    fn name(&self) -> &'static str {
        "figures"
    }
    fn process(&self, article: &mut Article) {
        article.figures.clear();
        let figs = find_figures(&article.text, &article.dates);
        article.figures = figs;
    }
}

const NUMBER_WORDS: &str = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety";
const SMALL_WORDS: &str = "one|two|three|four|five|six|seven|eight|nine";

struct Rx {
    main: Regex,
    qual: Regex,
    unit: Regex,
    time_of_day: Regex,
    relative: Regex,
}

fn rx() -> &'static Rx {
    static RX: OnceLock<Rx> = OnceLock::new();
    RX.get_or_init(|| {
        let num = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?";
        let word = format!(
            r"(?:{NUMBER_WORDS})(?:-(?:{SMALL_WORDS}))?(?:\s+(?:hundred|thousand|million|billion))*"
        );
        let main = format!(
            r"(?xi)
            (?P<vague>
                (?-u:\b)(?:
                    (?:tens|hundreds)\s+of\s+(?:thousands|millions)
                  | dozens | scores | hundreds | thousands | millions | billions
                  | (?:an?\s+)?(?:large|huge|vast|significant|growing|increasing|small|unknown|unspecified|substantial|record|untold|great)\s+numbers?
                )\s+of(?-u:\b)
              | (?-u:\b)(?:a\s+few|several|many)\s+(?:dozen|hundred|thousand|million|billion)s?(?-u:\b)(?:\s+of(?-u:\b))?
            )
            | (?P<cur>US\$|A\$|C\$|HK\$|\$|€|£|¥|₩|₽|₴|₹)\s?(?P<cnum>{num})(?:\s?(?P<cscale>million|billion|trillion|thousand|bn|mn|tn|m|b|k)(?-u:\b))?
            | (?P<num>{num})(?:\s?(?P<scale>million|billion|trillion|bn|mn|tn)(?-u:\b)|\s(?P<scale2>thousand|hundred)(?-u:\b))?
            | (?-u:\b)(?P<words>a\s+dozen|half\s+a\s+(?:million|billion)|a\s+(?:hundred|thousand|million|billion)|{word})(?-u:\b)
            "
        );
        let qual = Regex::new(
            r"(?i)(?:^|[^\p{L}])(?P<q>at\s+least|no\s+(?:fewer|less)\s+than|more\s+than|over|upwards\s+of|in\s+excess\s+of|exceeding|some|about|around|approximately|roughly|an\s+estimated|estimated|nearly|almost|close\s+to|up\s+to|as\s+many\s+as|at\s+most|no\s+more\s+than|less\s+than|fewer\s+than|under|just\s+under|just\s+over|only|barely)\s+$",
        )
        .expect("qualifier regex");
        let unit = Regex::new(
            r"(?x)^(?:
                (?P<pct>\s?%|\s(?i:percent|per\s+cent|pct)(?-u:\b)|-(?i:percent)(?-u:\b))
              | [\s-]?(?P<km2>(?i:km2|km²|sq\s+km|square\s+kilomet(?:er|re)s?)(?-u:\b))
              | [\s-]?(?P<km>(?i:kms?|kilomet(?:er|re)s?)(?-u:\b))
              | [\s-](?P<mi>(?i:miles?)(?-u:\b))
              | [\s-](?P<m>(?i:met(?:er|re)s?)(?-u:\b))
              | [\s-]?(?P<kg>(?i:kg|kilograms?)(?-u:\b))
              | [\s-](?P<t>(?i:metric\s+tons?|tonnes?|tons?)(?-u:\b))
              | \s(?P<usd>(?i:US\s+dollars|dollars|USD)(?-u:\b))
              | \s(?P<eur>(?i:euros?|EUR)(?-u:\b))
              | \s(?P<gbp>(?i:pounds\s+sterling|pounds|GBP)(?-u:\b))
              | \s(?P<jpy>(?i:yen|JPY)(?-u:\b))
              | \s(?P<cny>(?i:yuan|renminbi|CNY)(?-u:\b))
              | \s(?P<krw>(?i:won|KRW)(?-u:\b))
              | \s(?P<rub>(?i:rubles?|roubles?|RUB)(?-u:\b))
              | \s(?P<uah>(?i:hryvnias?|hryvnia|UAH)(?-u:\b))
              | \s(?P<inr>(?i:rupees|INR)(?-u:\b))
              | \s(?P<time>(?i:years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|centuries|century)(?-u:\b))
            )",
        )
        .expect("unit regex");
        let time_of_day = Regex::new(
            r"^\s?(?:[ap]\.m\.|(?i:am|pm)(?-u:\b)|(?:GMT|UTC|BST|EST|EDT|CET|CEST|KST|JST|MSK)(?-u:\b)|h(?-u:\b)|hrs(?-u:\b)|(?i:o'clock|o’clock)(?-u:\b)|(?i:hours)\s+(?:GMT|UTC|local))",
        )
        .expect("time regex");
        let relative = Regex::new(r"^\s+(?i:ago|later|earlier|before|after|prior|from\s+now|previously)(?-u:\b)")
            .expect("relative regex");
        Rx { main: Regex::new(&main).expect("figures main regex"), qual, unit, time_of_day, relative }
    })
}

/// Find the figures of `text`, skipping numbers inside `dates`.
pub fn find_figures(text: &str, dates: &[crate::model::DateMention]) -> Vec<Figure> {
    let r = rx();
    let mut out: Vec<Figure> = Vec::new();
    let mut last_end = 0usize;
    for caps in r.main.captures_iter(text) {
        let m = caps.get(0).unwrap();
        if m.start() < last_end {
            continue;
        }
        if dates.iter().any(|d| d.start < m.end() && m.start() < d.end) {
            continue;
        }
        let Some(f) = candidate(text, &caps, &out, r) else {
            continue;
        };
        if f.start < last_end {
            continue;
        }
        last_end = f.end;
        out.push(f);
    }
    out
}

fn candidate(text: &str, caps: &regex::Captures, prev: &[Figure], r: &Rx) -> Option<Figure> {
    let m = caps.get(0).unwrap();
    let (start, mut end) = (m.start(), m.end());
    let mut value: Option<f64> = None;
    let mut vague = false;
    let mut unit: Option<String> = None;
    let mut is_word = false;
    let mut is_one = false;
    let mut digits_plain = false; // digits with no comma, decimal, currency or scale
    let mut currency = false;

    if caps.name("vague").is_some() {
        vague = true;
    } else if let Some(c) = caps.name("cnum") {
        if glued_before(text, start)
            || glued_after_digits(text, c.end()) && caps.name("cscale").is_none()
        {
            return None;
        }
        let v = parse_digits(c.as_str())? * scale(caps.name("cscale").map(|s| s.as_str()));
        value = Some(v);
        currency = true;
        unit = Some(
            match caps.name("cur").unwrap().as_str() {
                "€" => "EUR",
                "£" => "GBP",
                "¥" => "JPY",
                "₩" => "KRW",
                "₽" => "RUB",
                "₴" => "UAH",
                "₹" => "INR",
                "A$" | "a$" => "AUD",
                "C$" | "c$" => "CAD",
                "HK$" | "hk$" | "Hk$" => "HKD",
                _ => "USD",
            }
            .to_string(),
        );
    } else if let Some(n) = caps.name("num") {
        let s = n.as_str();
        if glued_before(text, start) {
            return None;
        }
        let sc = caps.name("scale").or(caps.name("scale2"));
        if sc.is_none() && glued_after_digits(text, n.end()) {
            return None;
        }
        // times of day: "10:30" caught by glued_after; "9 a.m.", "1400 GMT"
        if r.time_of_day
            .is_match(&text[n.end()..clip(text, n.end() + 16)])
        {
            return None;
        }
        let v = parse_digits(s)? * scale(sc.map(|x| x.as_str()));
        digits_plain = sc.is_none() && !s.contains(',') && !s.contains('.');
        if digits_plain && (date_context(text, start, n.end(), v) || identifier_before(text, start))
        {
            return None;
        }
        value = Some(v);
    } else if let Some(w) = caps.name("words") {
        if text[..start].ends_with('-') {
            return None;
        }
        let v = parse_words(w.as_str())?;
        is_word = true;
        is_one = v == 1.0;
        value = Some(v);
    } else {
        return None;
    }

    // hedge before the number
    let mut qualifier = None;
    let mut fstart = start;
    let back = floor(text, start.saturating_sub(32));
    if let Some(q) = r.qual.captures(&text[back..start]) {
        let g = q.name("q").unwrap();
        qualifier = Some(norm_qualifier(g.as_str()));
        fstart = back + g.start();
    }

    // unit right after the number
    let mut measure = false;
    if unit.is_none() && !vague {
        let rest = &text[end..clip(text, end + 40)];
        if let Some(u) = r.unit.captures(rest) {
            let (name, g) = [
                "pct", "km2", "km", "mi", "m", "kg", "t", "usd", "eur", "gbp", "jpy", "cny", "krw",
                "rub", "uah", "inr", "time",
            ]
            .iter()
            .find_map(|n| u.name(n).map(|g| (*n, g)))?;
            let code = match name {
                "pct" => "percent".to_string(),
                "usd" => "USD".into(),
                "eur" => "EUR".into(),
                "gbp" => "GBP".into(),
                "jpy" => "JPY".into(),
                "cny" => "CNY".into(),
                "krw" => "KRW".into(),
                "rub" => "RUB".into(),
                "uah" => "UAH".into(),
                "inr" => "INR".into(),
                "time" => {
                    let w = g.as_str().to_ascii_lowercase();
                    match w.as_str() {
                        "century" | "centuries" => "centuries".into(),
                        _ if w.ends_with('s') => w,
                        _ => format!("{w}s"),
                    }
                }
                other => other.to_string(),
            };
            if name == "time"
                && r.relative
                    .is_match(&text[end + u.get(0).unwrap().end()..clip(text, end + 60)])
            {
                return None; // "two years ago": a relative date, not a quantity
            }
            measure = name != "time";
            end += u.get(0).unwrap().end();
            unit = Some(code);
        } else if text[end..].starts_with('-') {
            return None; // "a 10-year plan", "45-year-old"
        }
    }

    // what it counts
    let mut subject = None;
    if unit.is_none() || currency {
        if let Some(np) = counted_np(text, end, is_one || value == Some(1.0)) {
            match np {
                Np::Phrase {
                    head,
                    sub_start,
                    end: e,
                } => {
                    if !currency {
                        unit = Some(head);
                        subject = Some(text[sub_start..e].to_string());
                        end = e;
                    }
                }
                Np::Pronoun { word, end: e } => {
                    end = e;
                    let ante = prev
                        .iter()
                        .rev()
                        .take_while(|f| fstart.saturating_sub(f.end) < 400)
                        .find(|f| {
                            f.subject.is_some() && !is_pronoun(f.subject.as_deref().unwrap_or(""))
                        });
                    match ante {
                        Some(a) => {
                            subject = a.subject.clone();
                            if unit.is_none() {
                                unit = a.unit.clone();
                            }
                        }
                        None => subject = Some(word),
                    }
                }
                Np::Partitive {
                    head,
                    sub_start,
                    end: e,
                } => {
                    end = e;
                    if !currency {
                        unit = Some(head);
                    }
                    subject = Some(text[sub_start..e].to_string());
                }
            }
        }
    }

    // filters that need the unit
    if is_one && qualifier.is_none() && subject.is_none() {
        return None;
    }
    if is_one && qualifier.is_none() {
        // "one" only as "one of the ..." (partitive) or "one of them"
        let after = text[m.end()..].trim_start();
        if !after.to_ascii_lowercase().starts_with("of ") {
            return None;
        }
    }
    if is_word && !is_one && unit.is_none() && qualifier.is_none() {
        return None;
    }
    if digits_plain {
        let v = value.unwrap_or(0.0);
        // a bare year-like number ("2024 elections") unless hedged or measured
        if (1800.0..=2100.0).contains(&v)
            && caps.name("num").map(|n| n.as_str().len()) == Some(4)
            && !measure
            && qualifier.is_none()
        {
            return None;
        }
        // "Minsk 2", "Nord Stream 2", "iOS 16": a capitalised word right before a bare number
        if unit.is_none() && qualifier.is_none() && capitalized_word_before(text, start) {
            return None;
        }
        // list markers: "3. Zurich", "2) ..." at the start of a line
        let line_start = text[..start].trim_end_matches([' ', '\t', '\u{a0}']);
        if unit.is_none()
            && (line_start.is_empty() || line_start.ends_with('\n'))
            && text[end..].starts_with(['.', ')'])
        {
            return None;
        }
    }
    if vague && unit.is_none() {
        // "thousands of" with nothing counted after it is still a vague figure; keep it.
    }

    let end = trim_end(text, fstart, end);
    Some(Figure {
        start: fstart,
        end,
        text: text[fstart..end].to_string(),
        value: if vague { None } else { value },
        vague,
        unit,
        subject,
        qualifier,
    })
}

enum Np {
    /// A counted noun phrase: head lowercased, subject span start, phrase end.
    Phrase {
        head: String,
        sub_start: usize,
        end: usize,
    },
    /// "of them", "of those": subject to be resolved.
    Pronoun { word: String, end: usize },
    /// "of the missiles": head and subject span.
    Partitive {
        head: String,
        sub_start: usize,
        end: usize,
    },
}

fn is_pronoun(s: &str) -> bool {
    matches!(s, "them" | "those" | "these" | "us" | "which" | "whom")
}

/// Words after `pos`: (start, end) of each run of letters (with inner hyphens/apostrophes),
/// stopping at the first non-space, non-letter character. At most `max` words.
fn words_after(text: &str, pos: usize, max: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = pos;
    while out.len() < max {
        // spaces (ASCII or no-break), but not a paragraph break
        let mut j = i;
        let mut saw_space = false;
        while j < b.len() {
            let c = text[j..].chars().next().unwrap();
            if c == ' ' || c == '\t' || c == '\u{a0}' || c == '\u{202f}' {
                j += c.len_utf8();
                saw_space = true;
            } else {
                break;
            }
        }
        if !saw_space && !out.is_empty() {
            break;
        }
        if !saw_space && out.is_empty() && j == pos {
            break;
        }
        let ws = j;
        let mut k = j;
        while k < b.len() {
            let c = text[k..].chars().next().unwrap();
            if c.is_alphabetic() {
                k += c.len_utf8();
            } else if (c == '-' || c == '\'' || c == '’') && k > ws {
                // inner hyphen/apostrophe only when a letter follows
                let n = text[k + c.len_utf8()..].chars().next();
                if n.is_some_and(|n| n.is_alphabetic()) && c == '-' {
                    k += c.len_utf8();
                } else {
                    break;
                }
            } else {
                break;
            }
        }
        if k == ws {
            break;
        }
        out.push((ws, k));
        // a word followed directly by punctuation ends the phrase after it
        let next = text[k..].chars().next();
        i = k;
        if !matches!(next, Some(' ' | '\t' | '\u{a0}' | '\u{202f}')) {
            // keep the word, but mark the end by stopping here
            out.push((usize::MAX, usize::MAX));
            break;
        }
    }
    out
}

const STOP: &[&str] = &[
    "the",
    "a",
    "an",
    "of",
    "in",
    "on",
    "at",
    "to",
    "from",
    "by",
    "with",
    "for",
    "and",
    "or",
    "but",
    "nor",
    "that",
    "which",
    "who",
    "whom",
    "whose",
    "were",
    "was",
    "are",
    "is",
    "be",
    "been",
    "being",
    "have",
    "has",
    "had",
    "will",
    "would",
    "could",
    "can",
    "may",
    "might",
    "must",
    "should",
    "shall",
    "did",
    "do",
    "does",
    "said",
    "says",
    "than",
    "as",
    "also",
    "not",
    "into",
    "per",
    "each",
    "this",
    "these",
    "those",
    "there",
    "their",
    "its",
    "his",
    "her",
    "our",
    "your",
    "my",
    "they",
    "he",
    "she",
    "it",
    "we",
    "you",
    "i",
    "so",
    "if",
    "when",
    "while",
    "where",
    "after",
    "before",
    "since",
    "until",
    "during",
    "over",
    "under",
    "about",
    "across",
    "against",
    "among",
    "between",
    "through",
    "toward",
    "towards",
    "up",
    "down",
    "out",
    "off",
    "near",
    "more",
    "most",
    "less",
    "least",
    "only",
    "just",
    "even",
    "still",
    "then",
    "now",
    "ago",
    "later",
    "earlier",
    "all",
    "both",
    "some",
    "any",
    "no",
    "every",
    "such",
    "other",
    "plus",
    "times",
    "minus",
    "like",
    "because",
    "although",
    "though",
    "whether",
    "what",
    "how",
    "why",
    "again",
    "already",
    "yet",
    "around",
    "within",
    "without",
    "upon",
    "via",
    "including",
    "according",
    "respectively",
    "alone",
    "too",
    "very",
    "here",
    "away",
    "back",
    "ahead",
    "behind",
];

const MODIFIER_OK: &[&str] = &[
    "more",
    "other",
    "additional",
    "extra",
    "further",
    "new",
    "fresh",
    "fewer",
    "less",
];

const IRREGULAR: &[&str] = &[
    "people",
    "personnel",
    "children",
    "men",
    "women",
    "police",
    "staff",
    "aircraft",
    "cattle",
    "livestock",
    "sheep",
    "fish",
    "deer",
    "militia",
    "infantry",
    "artillery",
    "ammunition",
    "equipment",
    "data",
    "media",
    "crew",
    "youth",
    "clergy",
    "offspring",
    "persons",
    "feet",
    "teeth",
    "mice",
    "geese",
    "spacecraft",
    "hovercraft",
    "watercraft",
];

const NOT_PLURAL: &[&str] = &[
    "was",
    "has",
    "is",
    "its",
    "this",
    "his",
    "hers",
    "ours",
    "yours",
    "theirs",
    "as",
    "us",
    "thus",
    "plus",
    "whereas",
    "besides",
    "perhaps",
    "always",
    "afterwards",
    "towards",
    "news",
    "says",
    "means",
    "does",
    "goes",
    "series",
    "less",
    "across",
    "unless",
    "yes",
    "various",
    "serious",
    "previous",
    "famous",
    "numerous",
    "nervous",
    "obvious",
    "dangerous",
    "enormous",
    "tremendous",
    "continuous",
    "anonymous",
    "indigenous",
    "religious",
    "rigorous",
    "vigorous",
    "ambitious",
    "afterwards",
    "nowadays",
    "sometimes",
    "overseas",
    "whereabouts",
    "alas",
    "gas",
    "bus",
    "bonus",
    "status",
    "virus",
    "campus",
    "focus",
    "census",
    "consensus",
    "apparatus",
    "thesis",
    "crisis",
    "analysis",
    "basis",
    "emphasis",
    "axis",
    "diagnosis",
    "remains",
    "seems",
    "becomes",
    "makes",
    "takes",
    "gives",
    "comes",
    "lives",
    "uses",
    "plans",
    "aims",
    "claims",
    "faces",
    "needs",
];

fn is_plural(lw: &str) -> bool {
    if IRREGULAR.contains(&lw) {
        return true;
    }
    if NOT_PLURAL.contains(&lw) || STOP.contains(&lw) {
        return false;
    }
    lw.len() >= 3
        && lw.ends_with('s')
        && !lw.ends_with("ss")
        && !lw.ends_with("us")
        && !lw.ends_with("is")
        && !lw.ends_with("'s")
        && !lw.ends_with("’s")
}

/// The counted noun phrase after a number ending at `pos`.
fn counted_np(text: &str, pos: usize, singular_ok: bool) -> Option<Np> {
    let ws = words_after(text, pos, 8);
    let real: Vec<(usize, usize)> = ws
        .iter()
        .copied()
        .take_while(|w| w.0 != usize::MAX)
        .collect();
    let punct_after_last = ws.last().is_some_and(|w| w.0 == usize::MAX);
    if real.is_empty() {
        return None;
    }
    let lw = |i: usize| text[real[i].0..real[i].1].to_lowercase();
    // partitive: "of them", "of the missiles"
    if lw(0) == "of" && real.len() >= 2 {
        let w1 = lw(1);
        if is_pronoun(&w1) && real.len() == 2
            || is_pronoun(&w1)
                && !is_det(&lw(2))
                && matches!(w1.as_str(), "them" | "us" | "whom" | "which")
        {
            return Some(Np::Pronoun {
                word: text[real[1].0..real[1].1].to_string(),
                end: real[1].1,
            });
        }
        if is_pronoun(&w1) {
            // "of those killed": resolve like a pronoun
            return Some(Np::Pronoun {
                word: text[real[1].0..real[1].1].to_string(),
                end: real[1].1,
            });
        }
        if is_det(&w1) && real.len() >= 3 {
            if let Some((head, s, e)) =
                scan_head(text, &real[2..], true, punct_after_last && real.len() == 3)
            {
                let e = extend_of(text, &real, e);
                return Some(Np::Partitive {
                    head,
                    sub_start: s,
                    end: e,
                });
            }
        }
        return None;
    }
    let (head, s, e) = scan_head(text, &real, singular_ok, false)?;
    let e = extend_of(text, &real, e);
    Some(Np::Phrase {
        head,
        sub_start: s,
        end: e,
    })
}

fn is_det(w: &str) -> bool {
    matches!(
        w,
        "the"
            | "its"
            | "their"
            | "his"
            | "her"
            | "our"
            | "these"
            | "those"
            | "this"
            | "that"
            | "my"
            | "your"
    )
}

/// Find a plural head among the first few words (modifiers before it allowed).
fn scan_head(
    text: &str,
    ws: &[(usize, usize)],
    singular_ok: bool,
    _last: bool,
) -> Option<(String, usize, usize)> {
    let first = ws.first()?.0;
    for (i, &(s, e)) in ws.iter().enumerate().take(5) {
        let w = &text[s..e];
        let l = w.to_lowercase();
        if is_plural(&l) {
            return Some((l, first, e));
        }
        if STOP.contains(&l.as_str()) && !(i == 0 && MODIFIER_OK.contains(&l.as_str())) {
            break;
        }
        if singular_ok && i == 0 {
            // "one soldier": the next word must end the phrase
            let next = ws.get(1).map(|&(a, b)| text[a..b].to_lowercase());
            if next.as_deref().is_none_or(|n| STOP.contains(&n))
                && w.chars().next().is_some_and(|c| c.is_lowercase())
            {
                return Some((l, first, e));
            }
        }
    }
    None
}

/// Extend a phrase ending at `e` with "of" + up to three words ("rounds of ammunition").
fn extend_of(text: &str, ws: &[(usize, usize)], e: usize) -> usize {
    let Some(i) = ws.iter().position(|w| w.1 == e) else {
        return e;
    };
    let Some(&(os, oe)) = ws.get(i + 1) else {
        return e;
    };
    if !text[os..oe].eq_ignore_ascii_case("of") {
        return e;
    }
    let mut end = e;
    for &(s, x) in ws.iter().skip(i + 2).take(3) {
        let l = text[s..x].to_lowercase();
        if STOP.contains(&l.as_str()) && !(l == "the" && end == e) {
            break;
        }
        if l == "the" {
            continue;
        }
        if l.ends_with("ing") || l.ends_with("ed") {
            break; // "documents pending action", "weapons supplied"
        }
        end = x;
    }
    end
}

fn parse_digits(s: &str) -> Option<f64> {
    let t: String = s.chars().filter(|c| *c != ',').collect();
    t.parse::<f64>().ok()
}

fn scale(s: Option<&str>) -> f64 {
    match s.map(|x| x.to_ascii_lowercase()).as_deref() {
        Some("hundred") => 1e2,
        Some("thousand") | Some("k") => 1e3,
        Some("million") | Some("mn") | Some("m") => 1e6,
        Some("billion") | Some("bn") | Some("b") => 1e9,
        Some("trillion") | Some("tn") => 1e12,
        _ => 1.0,
    }
}

fn word_value(w: &str) -> Option<f64> {
    Some(match w {
        "a" | "one" => 1.0,
        "two" => 2.0,
        "three" => 3.0,
        "four" => 4.0,
        "five" => 5.0,
        "six" => 6.0,
        "seven" => 7.0,
        "eight" => 8.0,
        "nine" => 9.0,
        "ten" => 10.0,
        "eleven" => 11.0,
        "twelve" | "dozen" => 12.0,
        "thirteen" => 13.0,
        "fourteen" => 14.0,
        "fifteen" => 15.0,
        "sixteen" => 16.0,
        "seventeen" => 17.0,
        "eighteen" => 18.0,
        "nineteen" => 19.0,
        "twenty" => 20.0,
        "thirty" => 30.0,
        "forty" => 40.0,
        "fifty" => 50.0,
        "sixty" => 60.0,
        "seventy" => 70.0,
        "eighty" => 80.0,
        "ninety" => 90.0,
        "half" => 0.5,
        _ => return None,
    })
}

/// "twenty-five thousand" -> 25000, "half a million" -> 500000, "a dozen" -> 12.
fn parse_words(s: &str) -> Option<f64> {
    let l = s.to_lowercase();
    if l.starts_with("half") {
        return Some(0.5 * scale(l.split_whitespace().last()));
    }
    let mut total = 0.0;
    let mut cur = 0.0;
    for tok in l
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|t| !t.is_empty())
    {
        match tok {
            "hundred" => cur = if cur == 0.0 { 100.0 } else { cur * 100.0 },
            "thousand" | "million" | "billion" => {
                let sc = scale(Some(tok));
                total += if cur == 0.0 { sc } else { cur * sc };
                cur = 0.0;
            }
            "a" if cur == 0.0 => cur = 1.0,
            "dozen" => cur = if cur <= 1.0 { 12.0 } else { cur * 12.0 },
            w => cur += word_value(w)?,
        }
    }
    Some(total + cur)
}

fn norm_qualifier(q: &str) -> String {
    let l: String = q
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    match l.as_str() {
        "at least" | "no fewer than" | "no less than" => "at least",
        "more than" | "over" | "upwards of" | "in excess of" | "exceeding" | "just over" => {
            "more than"
        }
        "up to" | "as many as" | "at most" | "no more than" => "up to",
        "less than" | "fewer than" | "under" | "just under" | "barely" => "less than",
        "only" => "exactly",
        _ => "about",
    }
    .to_string()
}

fn prev_char(text: &str, i: usize) -> Option<char> {
    text[..i].chars().next_back()
}

/// A digit run glued to what precedes it: "MH17", "Hwasong-19", "2+2", "24/7", "No.2".
fn glued_before(text: &str, start: usize) -> bool {
    let Some(c) = prev_char(text, start) else {
        return false;
    };
    if c.is_alphanumeric()
        || matches!(
            c,
            '+' | '/' | ':' | '#' | '_' | '@' | '.' | '\\' | '=' | '^' | '&'
        )
    {
        return true;
    }
    if matches!(c, '-' | '‐' | '‑' | '–' | '—') {
        // "Hwasong-19", "2023-24"; but not "killed -5" or a dash after a space
        return prev_char(text, start - c.len_utf8()).is_some_and(|p| p.is_alphanumeric());
    }
    false
}

/// What follows a digit run makes it something else: "1990s", "21st", "10:30", "10-15",
/// "2+2", "3/4", "F-16s".
fn glued_after_digits(text: &str, end: usize) -> bool {
    let rest = &text[end..];
    let mut it = rest.chars();
    let Some(c) = it.next() else { return false };
    if c.is_alphabetic() {
        // measures written without a space are handled by the unit pattern
        let l: String = rest
            .chars()
            .take_while(|c| c.is_alphabetic())
            .collect::<String>()
            .to_lowercase();
        return !matches!(
            l.as_str(),
            "km" | "kms" | "kg" | "bn" | "mn" | "tn" | "m" | "k" | "b"
        );
    }
    if matches!(c, '+' | '/' | ':' | '_' | '@' | '=') {
        return true;
    }
    if c.is_numeric() {
        return true;
    }
    if matches!(c, '-' | '‐' | '‑' | '–') {
        return it.next().is_some_and(|n| n.is_numeric());
    }
    if c == '.' {
        // "2.0.1", "1.2.3": a dot followed by a digit after a parsed decimal
        return it.next().is_some_and(|n| n.is_ascii_digit());
    }
    false
}

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
];

const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// The word before `i` (skipping spaces, commas and a trailing dot), lowercased.
fn word_before(text: &str, i: usize) -> (String, usize) {
    let t = text[..i].trim_end_matches([' ', '\u{a0}', ',', '\t']);
    let t2 = t.trim_end_matches('.');
    let start = t2
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric())
        .last()
        .map(|(k, _)| k)
        .unwrap_or(t2.len());
    (t2[start..].to_lowercase(), start)
}

fn date_context(text: &str, start: usize, end: usize, v: f64) -> bool {
    let (w, ws) = word_before(text, start);
    let small = (1.0..=31.0).contains(&v) && v.fract() == 0.0;
    if MONTHS.contains(&w.as_str()) {
        // "May 2023", "December 30"; "may" as a verb only when lowercase and followed by more
        if w == "may" && text[ws..].starts_with('m') {
            return false;
        }
        return small || (1800.0..=2100.0).contains(&v);
    }
    if WEEKDAYS.contains(&w.as_str()) && small {
        return true;
    }
    // "30, 2023" year after a day of month: handled by the year rule; "30 December", "2 Jan"
    if small {
        let after = text[end..].trim_start_matches([' ', '\u{a0}']);
        let after = after.strip_prefix("of ").unwrap_or(after);
        let nw: String = after
            .chars()
            .take_while(|c| c.is_alphabetic())
            .collect::<String>()
            .to_lowercase();
        if MONTHS.contains(&nw.as_str()) {
            return true;
        }
    }
    false
}

const ID_WORDS: &[&str] = &[
    "resolution",
    "resolutions",
    "article",
    "articles",
    "section",
    "sections",
    "chapter",
    "clause",
    "paragraph",
    "no",
    "nos",
    "number",
    "page",
    "pages",
    "vol",
    "volume",
    "flight",
    "route",
    "highway",
    "road",
    "unit",
    "room",
    "gate",
    "building",
    "block",
    "platform",
    "bill",
    "act",
    "amendment",
    "protocol",
    "phase",
    "level",
    "category",
    "class",
    "type",
    "model",
    "version",
    "mark",
    "mk",
    "lot",
    "district",
    "precinct",
    "ward",
    "item",
    "point",
    "rule",
    "code",
    "channel",
    "episode",
    "season",
    "part",
    "p",
    "pp",
    "fig",
    "figure",
    "table",
    "appendix",
    "annex",
    "line",
    "squad",
    "battalion",
    "brigade",
    "regiment",
    "division",
    "corps",
    "group",
    "tier",
    "grade",
    "stage",
    "round",
    "game",
    "match",
    "week",
    "day",
    "year",
    "cop",
    "covid",
    "g",
    "ii",
    "vs",
];

fn identifier_before(text: &str, start: usize) -> bool {
    let (w, _) = word_before(text, start);
    // "at the 3" etc. are rare; the word must sit right before the number (one space)
    let gap = &text[..start];
    let gap_ok = gap.ends_with(' ') || gap.ends_with('\u{a0}') || gap.ends_with(". ");
    gap_ok && ID_WORDS.contains(&w.as_str())
}

fn capitalized_word_before(text: &str, start: usize) -> bool {
    let before = &text[..start];
    if !before.ends_with(' ') {
        return false;
    }
    let t = &before[..before.len() - 1];
    let Some(c) = t.chars().next_back() else {
        return false;
    };
    if !c.is_alphabetic() {
        return false;
    }
    let wstart = t
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphabetic())
        .last()
        .map(|(k, _)| k)
        .unwrap_or(0);
    let word = &t[wstart..];
    if !word.chars().any(|c| c.is_uppercase()) {
        return false;
    }
    // sentence start ("Some 40 ...", "About 12 ..."): the word is the first of its sentence
    let pre = t[..wstart].trim_end();
    if pre.is_empty() || pre.ends_with(['.', '!', '?', '\n', '"', '“', ':']) {
        return false;
    }
    true
}

fn clip(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn floor(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

fn trim_end(text: &str, start: usize, end: usize) -> usize {
    let t = text[start..end].trim_end();
    start + t.len()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::{DateMention, Meta, Precision};

    fn figs(t: &str) -> Vec<Figure> {
        let mut a = Article::new(t.to_string(), Meta::default());
        Figures::new().process(&mut a);
        for f in &a.figures {
            assert_eq!(&a.text[f.start..f.end], f.text);
        }
        a.figures
    }

    fn one<'a>(fs: &'a [Figure], text: &str) -> &'a Figure {
        fs.iter()
            .find(|f| f.text.contains(text))
            .unwrap_or_else(|| panic!("no figure with {text:?} in {fs:#?}"))
    }

    #[test]
    fn troops_and_of_them() {
        let t = "Washington said on Thursday that about 10,000 North Korean troops were now in Russia, \
                 with 8,000 of them sent to the Kursk region near the Ukrainian border.";
        let fs = figs(t);
        assert_eq!(fs.len(), 2, "{fs:#?}");
        let a = &fs[0];
        assert_eq!(a.value, Some(10000.0));
        assert_eq!(a.unit.as_deref(), Some("troops"));
        assert_eq!(a.subject.as_deref(), Some("North Korean troops"));
        assert_eq!(a.qualifier.as_deref(), Some("about"));
        assert_eq!(a.text, "about 10,000 North Korean troops");
        let b = &fs[1];
        assert_eq!(b.value, Some(8000.0));
        assert_eq!(b.text, "8,000 of them");
        assert_eq!(b.subject.as_deref(), Some("North Korean troops"));
        assert_eq!(b.unit.as_deref(), Some("troops"));
    }

    #[test]
    fn of_them_without_antecedent() {
        let fs = figs("Officials said 300 of them had returned.");
        assert_eq!(fs[0].subject.as_deref(), Some("them"));
        assert_eq!(fs[0].unit, None);
    }

    #[test]
    fn vague_quantities() {
        let t = "Pyongyang has shipped millions of rounds of ammunition and large numbers of North Korean soldiers, \
                 while dozens of drones and hundreds of shells hit the city; thousands of people fled.";
        let fs = figs(t);
        let m = one(&fs, "millions");
        assert!(m.vague && m.value.is_none());
        assert_eq!(m.text, "millions of rounds of ammunition");
        assert_eq!(m.unit.as_deref(), Some("rounds"));
        assert_eq!(m.subject.as_deref(), Some("rounds of ammunition"));
        let l = one(&fs, "large numbers");
        assert!(l.vague);
        assert_eq!(l.subject.as_deref(), Some("North Korean soldiers"));
        assert_eq!(l.unit.as_deref(), Some("soldiers"));
        assert!(one(&fs, "dozens of drones").vague);
        assert!(one(&fs, "hundreds of shells").vague);
        assert_eq!(one(&fs, "thousands").unit.as_deref(), Some("people"));
    }

    #[test]
    fn hedges() {
        let fs = figs("At least 12 people died. More than 1,000 were wounded. Some 3,000 fled, up to 40 of them children.");
        let a = one(&fs, "12");
        assert_eq!(
            (a.value, a.qualifier.as_deref(), a.unit.as_deref()),
            (Some(12.0), Some("at least"), Some("people"))
        );
        assert_eq!(a.text, "At least 12 people");
        let b = one(&fs, "1,000");
        assert_eq!(
            (b.value, b.qualifier.as_deref(), b.unit.as_deref()),
            (Some(1000.0), Some("more than"), None)
        );
        assert_eq!(b.text, "More than 1,000");
        assert_eq!(one(&fs, "3,000").qualifier.as_deref(), Some("about"));
    }

    #[test]
    fn money() {
        let fs = figs("Kyiv got $1.5 billion in loans, then 1.5 billion dollars more, plus €20 million and £3bn; US$2m came later.");
        let vals: Vec<(Option<f64>, Option<&str>)> =
            fs.iter().map(|f| (f.value, f.unit.as_deref())).collect();
        assert_eq!(
            vals,
            vec![
                (Some(1.5e9), Some("USD")),
                (Some(1.5e9), Some("USD")),
                (Some(2e7), Some("EUR")),
                (Some(3e9), Some("GBP")),
                (Some(2e6), Some("USD")),
            ],
            "{fs:#?}"
        );
        assert_eq!(fs[0].text, "$1.5 billion");
    }

    #[test]
    fn measures() {
        let fs = figs("Turnout was 40% and inflation 40 percent; the missile flew 300 km, its range is 5,500 kilometers and a 300-km strip.");
        assert_eq!(
            fs.iter()
                .filter(|f| f.unit.as_deref() == Some("percent"))
                .count(),
            2,
            "{fs:#?}"
        );
        let km: Vec<f64> = fs
            .iter()
            .filter(|f| f.unit.as_deref() == Some("km"))
            .filter_map(|f| f.value)
            .collect();
        assert_eq!(km, vec![300.0, 5500.0, 300.0]);
    }

    #[test]
    fn number_words() {
        let fs = figs("The two countries fired three missiles. The two met later. Twenty-five thousand people marched.");
        assert_eq!(one(&fs, "two countries").value, Some(2.0));
        assert_eq!(one(&fs, "two countries").unit.as_deref(), Some("countries"));
        assert_eq!(one(&fs, "three").value, Some(3.0));
        assert_eq!(one(&fs, "three").unit.as_deref(), Some("missiles"));
        assert_eq!(one(&fs, "Twenty-five").value, Some(25000.0));
        assert!(!fs.iter().any(|f| f.text.contains("two met")), "{fs:#?}");
    }

    #[test]
    fn one_is_partitive_or_hedged() {
        let fs = figs("At least one of the missiles hit a field. One of the most serious cases. One day later, one man spoke.");
        let a = one(&fs, "one of the missiles");
        assert_eq!(
            (a.value, a.unit.as_deref(), a.subject.as_deref()),
            (Some(1.0), Some("missiles"), Some("missiles"))
        );
        assert_eq!(a.qualifier.as_deref(), Some("at least"));
        assert_eq!(fs.len(), 1, "{fs:#?}");
    }

    #[test]
    fn list_markers_and_product_names() {
        let fs = figs("Top cities:\n3. Zurich\n4. Oslo\nThe phone runs iOS 16 and 12 apps.");
        assert_eq!(fs.len(), 1, "{fs:#?}");
        assert_eq!(fs[0].unit.as_deref(), Some("apps"));
    }

    #[test]
    fn not_figures() {
        let t = "On December 30, 2023, and Jan. 2, 2024, missiles hit. In May 2023 the 2024 elections were planned. \
                 At 10:30 or 9 a.m. on the 1st, the first No. 2 team met. Call +1 555-123-4567. \
                 It violates resolution 2231 and Article 5; the Hwasong-19 and F-16s, the G7 and 2+2 talks, \
                 the 1990s, the 2022-23 season, Minsk 2, a 10-year plan, two years ago.";
        let fs = figs(t);
        assert!(fs.is_empty(), "{fs:#?}");
    }

    #[test]
    fn respects_date_spans() {
        let t = "Troops arrived 3 weeks later with 40 tanks.";
        let mut a = Article::new(t.into(), Meta::default());
        let s = t.find("3 weeks later").unwrap();
        a.dates.push(DateMention {
            start: s,
            end: s + "3 weeks later".len(),
            text: "3 weeks later".into(),
            value: None,
            precision: Precision::Week,
            relative: true,
        });
        Figures::new().process(&mut a);
        assert_eq!(a.figures.len(), 1);
        assert_eq!(a.figures[0].value, Some(40.0));
    }

    #[test]
    fn spans_sorted_idempotent_unicode() {
        let t = "Über 5 000 — “12 Soldaten” 한국 3 명, ₩5,000 won, 7\u{a0}km, 10,000\u{202f}troops, 🚀 42 rockets.";
        let mut a = Article::new(t.into(), Meta::default());
        let st = Figures::new();
        st.process(&mut a);
        let first = a.figures.clone();
        st.process(&mut a);
        assert_eq!(first, a.figures);
        for w in a.figures.windows(2) {
            assert!(w[0].end <= w[1].start);
        }
        for f in &a.figures {
            assert!(t.is_char_boundary(f.start) && t.is_char_boundary(f.end));
        }
        assert!(a
            .figures
            .iter()
            .any(|f| f.value == Some(42.0) && f.unit.as_deref() == Some("rockets")));
        // no panic on odd input
        for s in [
            "",
            "$",
            "1",
            "one",
            "of them",
            "€",
            "$.5",
            "millions of",
            "12-",
            "-12",
            "１２ troops",
            "1,000,",
        ] {
            let _ = figs(s);
        }
    }

    /// The shared data folder (`$SITREP_SHARED/data` or `../shared/data` from the workspace).
    pub(crate) fn shared_data() -> Option<std::path::PathBuf> {
        let mut c = Vec::new();
        if let Ok(s) = std::env::var("SITREP_SHARED") {
            c.push(std::path::PathBuf::from(s).join("data"));
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        c.push(root.join("../shared/data"));
        c.push(root.join("../../shared/data"));
        c.push(root.join("shared/data"));
        c.into_iter().find(|p| p.join("seeds").is_dir())
    }

    pub(crate) fn seed(prefix: &str) -> Option<String> {
        let dir = shared_data()?.join("seeds");
        let e = std::fs::read_dir(dir)
            .ok()?
            .flatten()
            .find(|e| e.file_name().to_string_lossy().starts_with(prefix))?;
        std::fs::read_to_string(e.path()).ok()
    }

    #[test]
    fn seeds() {
        let (Some(s0), Some(s1), Some(s4)) = (seed("000_"), seed("001_"), seed("004_")) else {
            eprintln!("note: shared data folder not found (set SITREP_SHARED); skipping seed test");
            return;
        };
        let f0 = figs(&s0);
        let f1 = figs(&s1);
        let f4 = figs(&s4);
        for (n, f) in [("000", &f0), ("001", &f1), ("004", &f4)] {
            for x in f.iter() {
                eprintln!(
                    "{n}: {:?} value={:?} vague={} unit={:?} subject={:?} q={:?}",
                    x.text, x.value, x.vague, x.unit, x.subject, x.qualifier
                );
            }
        }
        let m = one(&f0, "millions of rounds");
        assert!(m.vague && m.value.is_none());
        assert_eq!(m.subject.as_deref(), Some("rounds of ammunition"));
        assert!(one(&f0, "large numbers of").vague);
        let a = f1
            .iter()
            .find(|f| f.value == Some(10000.0))
            .expect("10,000 in seed 001");
        assert_eq!(a.unit.as_deref(), Some("troops"));
        let b = f1
            .iter()
            .find(|f| f.value == Some(8000.0))
            .expect("8,000 in seed 001");
        assert_eq!(b.subject, a.subject);
        // no date parts in seed 004
        assert!(!f4.iter().any(|f| matches!(f.value, Some(v) if v == 2023.0 || v == 2024.0 || v == 30.0 || v == 2.0)), "{f4:#?}");
    }

    /// Throughput of figures and quotes on real articles. Run with
    /// `cargo test --release -p sitrep-core --lib throughput -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn throughput() {
        use std::io::BufRead;
        let Some(d) = shared_data() else {
            eprintln!("note: shared data folder not found; skipping");
            return;
        };
        let path = d.join("news/realtimeqa_news_articles_2022_2026/articles.jsonl.gz");
        let Ok(f) = std::fs::File::open(&path) else {
            eprintln!("note: {} not found; skipping", path.display());
            return;
        };
        let n: usize = std::env::var("SITREP_BENCH_N")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(5000);
        let rd = std::io::BufReader::new(flate2::read::GzDecoder::new(f));
        let mut arts = Vec::new();
        for line in rd.lines().map_while(Result::ok).take(n) {
            let v: serde_json::Value = match serde_json::from_str(&line) {
                Ok(v) => v,
                Err(_) => continue,
            };
            if let Some(t) = v.get("text").and_then(|t| t.as_str()) {
                arts.push(Article::new(t.to_string(), Meta::default()));
            }
        }
        let bytes: usize = arts.iter().map(|a| a.text.len()).sum();
        let fig = Figures::new();
        let quo = crate::stages::quotes::Quotes::new();
        let t0 = std::time::Instant::now();
        for a in arts.iter_mut() {
            fig.process(a);
        }
        let tf = t0.elapsed().as_secs_f64();
        let t1 = std::time::Instant::now();
        for a in arts.iter_mut() {
            quo.process(a);
        }
        let tq = t1.elapsed().as_secs_f64();
        let nf: usize = arts.iter().map(|a| a.figures.len()).sum();
        let nq: usize = arts.iter().map(|a| a.quotes.len()).sum();
        let ns: usize = arts
            .iter()
            .flat_map(|a| a.quotes.iter())
            .filter(|q| q.speaker.is_some())
            .count();
        eprintln!(
            "{} articles, {:.1} MB: figures {:.0} art/s ({:.1} MB/s, {} found); quotes {:.0} art/s ({:.1} MB/s, {} found, {} with speaker)",
            arts.len(),
            bytes as f64 / 1e6,
            arts.len() as f64 / tf,
            bytes as f64 / 1e6 / tf,
            nf,
            arts.len() as f64 / tq,
            bytes as f64 / 1e6 / tq,
            nq,
            ns
        );
        if std::env::var("SITREP_BENCH_DUMP").is_ok() {
            for a in arts.iter().take(200) {
                for f in &a.figures {
                    let lo = super::floor(&a.text, f.start.saturating_sub(40));
                    let hi = super::clip(&a.text, f.end + 30);
                    let ctx = format!("{}[{}]{}", &a.text[lo..f.start], f.text, &a.text[f.end..hi])
                        .replace('\n', " ");
                    println!(
                        "F\t{}\t{:?}\t{}\t{:?}\t{:?}\t{:?}\t{}",
                        f.text, f.value, f.vague, f.unit, f.subject, f.qualifier, ctx
                    );
                }
                for q in &a.quotes {
                    let t: String = q.text.chars().take(60).collect();
                    println!("Q\t{:?}\t{:?}\t{:?}\t{}", q.kind, q.speaker, q.cue, t);
                }
            }
        }
    }
}
