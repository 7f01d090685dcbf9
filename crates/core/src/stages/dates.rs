//! Date expressions normalised against the publication date.
//!
//! The stage finds date expressions in `article.text` and emits one [`DateMention`] per
//! expression: a byte span, the ISO value at the expression's precision, and whether the value
//! was computed from the publication date (or from an earlier date in the text). Use
//! [`extract`] (or [`extract_in_sentences`]) directly from other code and scorers.
//!
//! # Values and precision
//!
//! | precision | value        | examples                                                  |
//! |-----------|--------------|-----------------------------------------------------------|
//! | `day`     | `2024-11-01` | "Dec. 30, 2023", "30 December 2023", "2023-12-30", "12/30/2023", "Jan. 2", "today", "Thursday evening", "two days ago", "the following day" |
//! | `week`    | `2024-W44`   | "last week", "this week", "next week", "three weeks ago" (ISO 8601 weeks, ISO week-year) |
//! | `month`   | `2023-05`    | "May 2023", "in July", "last March", "earlier this month", "two months ago" |
//! | `year`    | `2023`       | "in 2022", "since 2014", "2022's", "mid-2023", "last year" |
//! | `year`    | `199X`       | decades: "the 1990s" (TimeML / EDTF style: the last digit unspecified) |
//!
//! Modifiers "early", "late", "mid-" and "the end of" are kept in the span but do not change
//! the value ("late May 2023" -> `2023-05`). Times of day refine nothing: "Tuesday night" is the
//! Tuesday.
//!
//! # Which Thursday?
//!
//! * A bare weekday ("on Thursday", "Thursday evening") is **the latest such day on or before
//!   publication**, unless the sentence says the future, then it is **the first such day on or
//!   after publication**. "last Thursday" is strictly before, "next Thursday" strictly after,
//!   "this Thursday" the one in the publication's ISO week (Monday to Sunday).
//! * A bare month ("in July") is the latest July on or before the publication month, or the
//!   first July on or after it in future tense (when that is at most 9 months away; further
//!   off, the nearer of the two); "last July"/"next July" are strictly
//!   before/after; "this July" is in the publication year; "July last year" in the year before.
//! * A day without a year ("Jan. 2") is the **nearest** occurrence to the publication date
//!   (within the year before or after), unless the tense says otherwise: a past cue nearest to
//!   the expression picks the latest occurrence on or before publication, a future cue the first
//!   on or after, as long as that occurrence is at most 250 days away. (Measured on TempEval-3
//!   TBAQ, where dividends "payable Dec. 15" and meetings "on Nov. 16" are as common as past
//!   events.)
//!
//! **Tense** is read from the sentence (`article.sentences` when the sentence stage ran, else a
//! window bounded by sentence punctuation): of the tense cues in the sentence, the one nearest
//! to the expression (by words; ties go to the cue before it) decides. Future cues: *will,
//! 'll, shall, going to, scheduled, slated, set to, due, plans/plan/planned, expected,
//! upcoming, next, to be held, would*, and *by, until, as soon as* right before the expression. Past cues: *said, was, were, had, did, told, ago* and any
//! other word ending in *-ed* not preceded by *be*. No cue means past (news mostly reports what
//! happened).
//!
//! # Anaphora
//!
//! "the following day", "the next day", "the day after", "the day before", "the previous day",
//! "the same day", "the next morning" count from **the most recent day-precision date mention
//! before them that has a value** (whatever its source), else from the publication date.
//!
//! # Without a publication date
//!
//! Relative expressions (everything that needs the publication date, including "Jan. 2" without
//! a year and "in July") get `value: None`; the stage never invents a date. Absolute
//! expressions ("Dec. 30, 2023", "May 2023", "in 2022", "the 1990s") keep their values, and an
//! anaphor after an absolute day is still resolved from it.
//!
//! # What is not matched
//!
//! "May" the modal and "March" the verb (lower case, or a capitalised month without a date
//! context such as "in", "since", "early" before it), "Theresa May", "Sunday Times" and other
//! weekday-named titles, "USA TODAY", "Black Friday"-style names, plain numbers, times of day alone, and a
//! year alone outside date contexts ("in 2022", "since 2014", "2022's", "2009-2010" are in;
//! "2000 troops" is out). Also not covered: "now", seasons, quarters, fiscal years, holidays,
//! durations ("for three weeks").

use std::sync::OnceLock;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use regex::Regex;

use crate::config::DatesConfig;
use crate::model::{Article, DateMention, Precision, Sentence};
use crate::pipeline::Stage;

/// The `dates` stage. See the module documentation for the conventions.
pub struct Dates {
    assume_published: Option<NaiveDate>,
}

impl Dates {
    /// Build the stage. An `assume_published` that does not parse as `YYYY-MM-DD` is ignored;
    /// call [`parse_assume_published`] from config validation to reject it early.
    pub fn new(config: &DatesConfig) -> Self {
        let assume_published = config
            .assume_published
            .as_deref()
            .and_then(|s| parse_assume_published(s).ok());
        Dates { assume_published }
    }
}

/// Parse `dates.assume_published` (`YYYY-MM-DD`), with an error that names the fix.
pub fn parse_assume_published(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|e| {
        format!("dates.assume_published must be a date as YYYY-MM-DD, got {s:?} ({e})")
    })
}

impl Stage for Dates {
    fn name(&self) -> &'static str {
        "dates"
    }
    fn process(&self, article: &mut Article) {
        article.dates.clear();
        let published = article.published.or(self.assume_published);
        article.dates = extract_in_sentences(&article.text, published, &article.sentences);
    }
}

/// Find and normalise the date expressions of `text` against `published`. Mentions are sorted
/// by start and never overlap; offsets are byte offsets into `text`.
pub fn extract(text: &str, published: Option<NaiveDate>) -> Vec<DateMention> {
    extract_in_sentences(text, published, &[])
}

/// As [`extract`], reading tense from the given sentence spans (sorted byte spans into `text`;
/// an empty slice falls back to punctuation-bounded windows).
pub fn extract_in_sentences(
    text: &str,
    published: Option<NaiveDate>,
    sentences: &[Sentence],
) -> Vec<DateMention> {
    let cands = select(candidates(text));
    let mut out: Vec<DateMention> = Vec::with_capacity(cands.len());
    let mut anchor: Option<NaiveDate> = None;
    for c in cands {
        let (sstart, send) = sentence_bounds(text, sentences, c.start, c.end);
        let ctx = Ctx {
            text,
            sstart,
            send,
            start: c.start,
            end: c.end,
        };
        let (value, precision, relative, day) = resolve(&c.kind, published, anchor, &ctx);
        if let Some(d) = day {
            anchor = Some(d);
        }
        out.push(DateMention {
            start: c.start,
            end: c.end,
            text: text[c.start..c.end].to_string(),
            value,
            precision,
            relative,
        });
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Candidates

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Day,
    Week,
    Month,
    Year,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rel {
    Last,
    This,
    Next,
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    /// A full calendar date.
    Full(NaiveDate),
    /// Month and day, year from the publication date.
    MonthDay {
        month: u32,
        day: u32,
    },
    MonthYear {
        year: i32,
        month: u32,
    },
    /// A month alone, optionally with last/this/next, or "July last year" (`year_offset`).
    Month {
        month: u32,
        rel: Option<Rel>,
        year_offset: Option<i32>,
    },
    Year(i32),
    /// First year of a decade.
    Decade(i32),
    /// today = 0, yesterday = -1, tomorrow = 1.
    DayOffset(i64),
    Weekday {
        wd: Weekday,
        rel: Option<Rel>,
    },
    /// last/this/next week/month/year.
    Period {
        unit: Unit,
        offset: i64,
    },
    /// N units ago.
    Ago {
        unit: Unit,
        n: i64,
    },
    /// Days from the previous day mention.
    Anaphor(i64),
}

#[derive(Debug, Clone)]
struct Cand {
    start: usize,
    end: usize,
    kind: Kind,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

fn month_alt(full_only: bool) -> String {
    let mut alts: Vec<String> = Vec::new();
    for m in MONTHS {
        alts.push(m.to_string());
        alts.push(m.to_uppercase());
    }
    if !full_only {
        for a in [
            "Sept", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ] {
            // abbreviations: "Dec." or "Dec" followed by a day
            alts.push(format!(r"{a}\."));
            alts.push(a.to_string());
            alts.push(format!(r"{}\.", a.to_uppercase()));
        }
    }
    format!("(?:{})", alts.join("|"))
}

fn weekday_alt() -> String {
    let mut alts: Vec<String> = Vec::new();
    for w in WEEKDAYS {
        alts.push(w.to_string());
        alts.push(w.to_uppercase());
    }
    format!("(?:{})", alts.join("|"))
}

struct Patterns {
    iso: Regex,
    us: Regex,
    mdy: Regex,
    dmy: Regex,
    my: Regex,
    month: Regex,
    year: Regex,
    decade: Regex,
    dayrel: Regex,
    weekday: Regex,
    period: Regex,
    ago: Regex,
    anaphor: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let mon = month_alt(false);
        let monf = month_alt(true);
        let wd = weekday_alt();
        // ASCII word boundaries keep the fast regex engines usable on non-ASCII text.
        let b = r"(?-u:\b)";
        let pre = r"(?:(?i:early|late|mid|the\s+end\s+of|end\s+of|the\s+beginning\s+of|the\s+start\s+of|the\s+middle\s+of)(?:\s+|-)|(?i:mid)-)";
        let p = |s: String| Regex::new(&s).expect("date pattern compiles");
        Patterns {
            iso: p(format!(r"{b}([12][0-9]{{3}})-([01][0-9])-([0-3][0-9]){b}")),
            us: p(format!(r"{b}([0-9]{{1,2}})/([0-9]{{1,2}})/([0-9]{{4}}|[0-9]{{2}}){b}")),
            mdy: p(format!(
                r"{b}(?:({wd}),?\s+)?({mon})\s*([0-9]{{1,2}})(?:st|nd|rd|th)?{b}(?:,?\s*([12][0-9]{{3}}){b})?"
            )),
            dmy: p(format!(
                r"{b}(?:({wd}),?\s+)?(?:the\s+)?([0-9]{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({mon})(?:,?\s*([12][0-9]{{3}}){b})?"
            )),
            my: p(format!(r"{b}{pre}?({mon}),?\s+(?:of\s+)?([12][0-9]{{3}}){b}")),
            month: p(format!(
                r"{b}(?:(?i:(last|this|next|early|late|mid|the\s+end\s+of|end\s+of)(?:\s+|-))|(?i:mid)-)?({monf}){b}(?:\s+(?i:(last|this|next))\s+year{b})?"
            )),
            year: p(format!(r"{b}({pre})?((?:1[5-9]|20)[0-9]{{2}}){b}")),
            decade: p(format!(r"{b}({pre})?((?:1[5-9]|20)[0-9]0)'?s{b}")),
            dayrel: p(format!(
                r"{b}(?i:(?:(?:early|late|earlier|later)\s+)?(today|yesterday|tomorrow|tonight|last\s+night|this\s+(?:morning|afternoon|evening))(?:\s+(?:morning|afternoon|evening|night))?){b}"
            )),
            weekday: p(format!(
                r"{b}(?:(?i:(last|this|next|coming|early|late|earlier|later))\s+)?({wd}){b}(?:\s+(?i:morning|afternoon|evening|night){b})?"
            )),
            period: p(format!(
                r"{b}(?i:(?:(?:earlier|later|early|late)\s+)?(last|this|next|current)\s+(week|month|year)){b}"
            )),
            ago: p(format!(
                r"{b}(?i:(a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|[0-9]{{1,3}})\s+(days?|weeks?|months?|years?)\s+(?:ago|earlier)){b}"
            )),
            anaphor: p(format!(
                r"{b}(?i:(the\s+(?:following|next|previous|preceding)\s+(?:day|morning|evening|night)|the\s+day\s+(?:before|after)|(?:that|the)\s+same\s+day)){b}"
            )),
        }
    })
}

fn month_num(s: &str) -> Option<u32> {
    let s = s.trim_end_matches('.');
    let lower = s.to_ascii_lowercase();
    if lower.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.to_ascii_lowercase().starts_with(&lower[..3]))
        .map(|i| i as u32 + 1)
}

fn weekday_of(s: &str) -> Option<Weekday> {
    let lower = s.to_ascii_lowercase();
    let i = WEEKDAYS
        .iter()
        .position(|w| w.to_ascii_lowercase() == lower)?;
    Some(
        [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
            Weekday::Sat,
            Weekday::Sun,
        ][i],
    )
}

fn rel_of(s: &str) -> Option<Rel> {
    match s.to_ascii_lowercase().as_str() {
        "last" => Some(Rel::Last),
        "this" | "current" => Some(Rel::This),
        "next" | "coming" => Some(Rel::Next),
        _ => None,
    }
}

fn number_word(s: &str) -> Option<i64> {
    let l = s.to_ascii_lowercase();
    let n = match l.as_str() {
        "a" | "an" | "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        _ => return l.parse().ok(),
    };
    Some(n)
}

/// The word before byte offset `at` (letters, digits, apostrophes, hyphens), lower-cased.
fn word_before(text: &str, at: usize) -> Option<(usize, String)> {
    let head = &text[..at];
    let trimmed = head.trim_end();
    if trimmed.len() == head.len() && !head.is_empty() {
        // no whitespace between: glued to something (e.g. "/" or "-")
        return None;
    }
    let start = trimmed
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '\'' || *c == '-')
        .last()
        .map(|(i, _)| i)?;
    Some((start, trimmed[start..].to_lowercase()))
}

/// The word after byte offset `at`, as written.
fn word_after(text: &str, at: usize) -> Option<&str> {
    let tail = &text[at..];
    let trimmed = tail.trim_start();
    if trimmed.len() == tail.len() {
        return None;
    }
    let end = trimmed
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '\'' || *c == '-'))
        .map(|(i, _)| i)
        .unwrap_or(trimmed.len());
    if end == 0 {
        None
    } else {
        Some(&trimmed[..end])
    }
}

fn is_month_word(w: &str) -> bool {
    let w = w.trim_end_matches('.');
    MONTHS.iter().any(|m| m.eq_ignore_ascii_case(w))
        || [
            "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        ]
        .contains(&w.to_ascii_lowercase().as_str())
}

fn is_year_word(w: &str) -> bool {
    w.len() == 4
        && w.bytes().all(|b| b.is_ascii_digit())
        && (w.starts_with("1") || w.starts_with("20"))
}

/// Words before a bare month or year that make it a date.
const CONTEXT: &[&str] = &[
    "in",
    "since",
    "until",
    "till",
    "by",
    "from",
    "early",
    "late",
    "mid",
    "last",
    "next",
    "this",
    "of",
    "during",
    "before",
    "after",
    "through",
    "throughout",
    "between",
    "to",
    "around",
    "circa",
    "for",
    "on",
    "as",
    "than",
    "fiscal",
];

/// Words before an attributive year ("the 1996 campaign").
const YEAR_DETERMINERS: &[&str] = &[
    "the", "a", "an", "its", "his", "her", "their", "our", "whose", "due", "into", "both",
];

/// Is a bare month or year at `start` in a date context?
fn date_context(text: &str, start: usize, end: usize, is_year: bool) -> bool {
    let Some((wstart, w)) = word_before(text, start) else {
        // glued to the previous token: accept "2009-2010" style ranges for years only
        if is_year {
            let head = &text[..start];
            if let Some(h) = head.strip_suffix('-').or_else(|| head.strip_suffix('–')) {
                let prev: String = h.chars().rev().take(4).collect();
                return prev.len() == 4 && prev.bytes().all(|b| b.is_ascii_digit());
            }
        }
        return false;
    };
    let ok = if CONTEXT.contains(&w.as_str()) || w.starts_with("mid-") {
        true
    } else if is_year
        && (YEAR_DETERMINERS.contains(&w.as_str()) || w.ends_with("'s") || w.ends_with("’s"))
    {
        // "the 1996 Olympic bombing", "the company's 1989 results": an attributive year,
        // when a word follows
        return word_after(text, end).is_some();
    } else if w == "and" || w == "or" || w == "-" || w == "through" {
        // "April and May", "2020 and 2021": the word before must itself be a date word
        match word_before(text, wstart) {
            Some((_, prev)) => is_month_word(&prev) || is_year_word(&prev),
            None => false,
        }
    } else {
        false
    };
    if !ok {
        return false;
    }
    if is_year {
        // "of 2000 troops": a count, not a year
        if let Some(next) = word_after(text, end) {
            let lower = next.chars().next().is_some_and(|c| c.is_lowercase());
            if lower && next.ends_with('s') && !next.ends_with("'s") {
                return false;
            }
        }
        // "2,000" / "2000.5" / "$2000"
        let after = &text[end..];
        let mut ch = after.chars();
        if let (Some(c1), Some(c2)) = (ch.next(), ch.next()) {
            if (c1 == ',' || c1 == '.') && c2.is_ascii_digit() {
                return false;
            }
        }
    }
    true
}

/// Glued to a URL, a path or a longer number?
fn glued(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    matches!(before, Some('/' | '\\' | '_' | '=' | '#' | '$' | '.' | ':'))
        || before.is_some_and(|c| c.is_alphanumeric())
        || matches!(after, Some('/' | '\\' | '_' | '=' | '%'))
        || after.is_some_and(|c| c.is_alphanumeric() && c != 'T')
}

const WEEKDAY_TITLES: &[&str] = &[
    "Times",
    "Telegraph",
    "Express",
    "Mirror",
    "People",
    "Post",
    "Herald",
    "Independent",
    "Star",
    "Mail",
    "Sport",
    "Tribune",
    "Review",
    "Observer",
    "Edition",
    "Magazine",
    "Business",
    "Show",
    "Sun",
    "Age",
    "World",
    "League",
    "Club",
    "School",
];
const WEEKDAY_NAMES: &[&str] = &[
    "black", "good", "super", "ash", "bloody", "cyber", "holy", "maundy", "palm", "easter",
    "giving", "small", "fat",
];

fn candidates(text: &str) -> Vec<Cand> {
    let p = patterns();
    let mut out = Vec::new();
    let mut push = |start: usize, end: usize, kind: Kind| out.push(Cand { start, end, kind });

    for c in p.iso.captures_iter(text) {
        let m = c.get(0).unwrap();
        if glued(text, m.start(), m.end()) {
            continue;
        }
        let (y, mo, d) = (
            c[1].parse().unwrap_or(0),
            c[2].parse().unwrap_or(0),
            c[3].parse().unwrap_or(0),
        );
        if let Some(date) = NaiveDate::from_ymd_opt(y, mo, d) {
            push(m.start(), m.end(), Kind::Full(date));
        }
    }
    for c in p.us.captures_iter(text) {
        let m = c.get(0).unwrap();
        if glued(text, m.start(), m.end()) {
            continue;
        }
        let a: u32 = c[1].parse().unwrap_or(0);
        let b: u32 = c[2].parse().unwrap_or(0);
        let mut y: i32 = c[3].parse().unwrap_or(0);
        if c[3].len() == 2 {
            y += if y < 50 { 2000 } else { 1900 };
        }
        // US order (month/day); day/month when the first number cannot be a month
        let (mo, d) = if a > 12 && b <= 12 { (b, a) } else { (a, b) };
        if let Some(date) = NaiveDate::from_ymd_opt(y, mo, d) {
            push(m.start(), m.end(), Kind::Full(date));
        }
    }
    for c in p.mdy.captures_iter(text) {
        let m = c.get(0).unwrap();
        let Some(mo) = month_num(&c[2]) else { continue };
        let d: u32 = c[3].parse().unwrap_or(0);
        // "May 5" needs a capitalised month; bare abbreviations without a period need a day
        let kind = match c.get(4) {
            Some(y) => match NaiveDate::from_ymd_opt(y.as_str().parse().unwrap_or(0), mo, d) {
                Some(date) => Kind::Full(date),
                None => continue,
            },
            None => {
                if !(1..=31).contains(&d) || NaiveDate::from_ymd_opt(2000, mo, d).is_none() {
                    continue;
                }
                // "May 5" where May is a surname ("Theresa May 12 times") is rare; "Mar 3" as
                // a month needs the rest of the date context: accept.
                Kind::MonthDay { month: mo, day: d }
            }
        };
        // a following number or unit means this was not a day: "May 5,000", "March 3 percent"
        let after = &text[m.end()..];
        if c.get(4).is_none()
            && (after.starts_with(",0")
                || after.starts_with(",000")
                || after.starts_with('.') && after[1..].starts_with(|ch: char| ch.is_ascii_digit()))
        {
            continue;
        }
        push(m.start(), m.end(), kind);
    }
    for c in p.dmy.captures_iter(text) {
        let m = c.get(0).unwrap();
        if text[..m.start()].ends_with([',', '.', '$']) {
            continue;
        }
        let Some(mo) = month_num(&c[3]) else { continue };
        let d: u32 = c[2].parse().unwrap_or(0);
        let kind = match c.get(4) {
            Some(y) => match NaiveDate::from_ymd_opt(y.as_str().parse().unwrap_or(0), mo, d) {
                Some(date) => Kind::Full(date),
                None => continue,
            },
            None => {
                if NaiveDate::from_ymd_opt(2000, mo, d).is_none() {
                    continue;
                }
                Kind::MonthDay { month: mo, day: d }
            }
        };
        // the start may be "the 5th of May": keep the span from the number when "the" is absent
        push(m.start(), m.end(), kind);
    }
    for c in p.my.captures_iter(text) {
        let m = c.get(0).unwrap();
        let Some(mo) = month_num(&c[1]) else { continue };
        let y: i32 = c[2].parse().unwrap_or(0);
        push(m.start(), m.end(), Kind::MonthYear { year: y, month: mo });
    }
    for c in p.month.captures_iter(text) {
        let m = c.get(0).unwrap();
        let Some(mo) = month_num(&c[2]) else { continue };
        let modifier = c.get(1).map(|x| x.as_str());
        let rel = modifier.and_then(rel_of);
        let year_offset = c.get(3).and_then(|x| rel_of(x.as_str())).map(|r| match r {
            Rel::Last => -1,
            Rel::This => 0,
            Rel::Next => 1,
        });
        let mstart = c.get(2).unwrap().start();
        if modifier.is_none()
            && !text[..m.start()].ends_with("mid-")
            && year_offset.is_none()
            && !date_context(text, mstart, c.get(2).unwrap().end(), false)
        {
            continue;
        }
        push(
            m.start(),
            m.end(),
            Kind::Month {
                month: mo,
                rel,
                year_offset,
            },
        );
    }
    for c in p.year.captures_iter(text) {
        let m = c.get(0).unwrap();
        let ym = c.get(2).unwrap();
        if glued(text, ym.start(), ym.end()) && !text[..ym.start()].ends_with('-') {
            continue;
        }
        let y: i32 = ym.as_str().parse().unwrap_or(0);
        let possessive = text[ym.end()..].starts_with("'s") || text[ym.end()..].starts_with("’s");
        let ok = c.get(1).is_some() || possessive || date_context(text, ym.start(), ym.end(), true);
        if ok
            && text[ym.end()..].starts_with('-')
            && text[ym.end() + 1..].starts_with(|ch: char| ch.is_ascii_digit())
        {
            // "2023-12-30" is handled by the ISO pattern; "2009-10" ranges: keep the first year
        }
        if ok {
            push(m.start(), m.end(), Kind::Year(y));
        }
    }
    for c in p.decade.captures_iter(text) {
        let m = c.get(0).unwrap();
        let y: i32 = c[2].parse().unwrap_or(0);
        push(m.start(), m.end(), Kind::Decade(y));
    }
    for c in p.dayrel.captures_iter(text) {
        let m = c.get(0).unwrap();
        let w = c[1].to_ascii_lowercase();
        // "USA TODAY", "the Today show": titles, not dates
        if w == "today" {
            let prev = word_before(text, c.get(1).unwrap().start()).map(|x| x.1);
            let next = word_after(text, m.end()).map(|x| x.to_ascii_lowercase());
            if prev.as_deref() == Some("usa")
                || matches!(next.as_deref(), Some("show" | "programme" | "program"))
                || &c[1] == "TODAY"
            {
                continue;
            }
        }
        let off = if w.starts_with("yesterday") || w.starts_with("last") {
            -1
        } else if w.starts_with("tomorrow") {
            1
        } else {
            0
        };
        push(m.start(), m.end(), Kind::DayOffset(off));
    }
    for c in p.weekday.captures_iter(text) {
        let m = c.get(0).unwrap();
        let wdm = c.get(2).unwrap();
        let Some(wd) = weekday_of(wdm.as_str()) else {
            continue;
        };
        if let Some(next) = word_after(text, wdm.end()) {
            if WEEKDAY_TITLES.contains(&next) {
                continue;
            }
        }
        if c.get(1).is_none() {
            if let Some((_, prev)) = word_before(text, wdm.start()) {
                if WEEKDAY_NAMES.contains(&prev.as_str()) {
                    continue;
                }
            }
        }
        let rel = c.get(1).and_then(|x| rel_of(x.as_str()));
        push(m.start(), m.end(), Kind::Weekday { wd, rel });
    }
    for c in p.period.captures_iter(text) {
        let m = c.get(0).unwrap();
        let off = match rel_of(&c[1]) {
            Some(Rel::Last) => -1,
            Some(Rel::Next) => 1,
            _ => 0,
        };
        let unit = match c[2].to_ascii_lowercase().as_str() {
            "week" => Unit::Week,
            "month" => Unit::Month,
            _ => Unit::Year,
        };
        push(m.start(), m.end(), Kind::Period { unit, offset: off });
    }
    for c in p.ago.captures_iter(text) {
        let m = c.get(0).unwrap();
        let Some(n) = number_word(&c[1]) else {
            continue;
        };
        let u = c[2].to_ascii_lowercase();
        let unit = if u.starts_with("day") {
            Unit::Day
        } else if u.starts_with("week") {
            Unit::Week
        } else if u.starts_with("month") {
            Unit::Month
        } else {
            Unit::Year
        };
        push(m.start(), m.end(), Kind::Ago { unit, n });
    }
    for c in p.anaphor.captures_iter(text) {
        let m = c.get(0).unwrap();
        let l = c[1].to_ascii_lowercase();
        let off = if l.contains("same") {
            0
        } else if l.contains("previous") || l.contains("preceding") || l.ends_with("before") {
            -1
        } else {
            1
        };
        if l.starts_with("the day") {
            // "the day before the vote" counts from an event, not from a date
            let after = text[m.end()..].trim_start_matches(' ');
            if !(after.is_empty() || after.starts_with([',', '.', ';', ':', ')', '\n'])) {
                continue;
            }
        }
        push(m.start(), m.end(), Kind::Anaphor(off));
    }
    out
}

/// Keep the longest candidates, then the earliest; no overlaps; sorted by start.
fn select(mut cands: Vec<Cand>) -> Vec<Cand> {
    cands.sort_by(|a, b| {
        (b.end - b.start)
            .cmp(&(a.end - a.start))
            .then(a.start.cmp(&b.start))
    });
    let mut kept: Vec<Cand> = Vec::with_capacity(cands.len());
    for c in cands {
        let i = kept.partition_point(|k| k.start < c.start);
        let clash_prev = i > 0 && kept[i - 1].end > c.start;
        let clash_next = i < kept.len() && kept[i].start < c.end;
        if !clash_prev && !clash_next {
            kept.insert(i, c);
        }
    }
    kept
}

// ---------------------------------------------------------------------------------------------
// Tense

struct Ctx<'a> {
    text: &'a str,
    sstart: usize,
    send: usize,
    start: usize,
    end: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tense {
    Past,
    Future,
    Unknown,
}

fn sentence_bounds(text: &str, sentences: &[Sentence], start: usize, end: usize) -> (usize, usize) {
    if !sentences.is_empty() {
        let i = sentences.partition_point(|s| s.end <= start);
        if let Some(s) = sentences.get(i) {
            if s.start <= start && s.end >= end && s.end <= text.len() {
                return (s.start, s.end);
            }
        }
    }
    // Fallback: punctuation-bounded window, at most 300 bytes each side.
    let bytes = text.as_bytes();
    let lo_limit = start.saturating_sub(300);
    let mut lo = start;
    while lo > lo_limit {
        let c = bytes[lo - 1];
        if c == b'\n' || c == b'!' || c == b'?' || c == b';' {
            break;
        }
        if c == b'.'
            && lo < bytes.len()
            && bytes[lo].is_ascii_whitespace()
            && period_ends_sentence(text, lo - 1)
        {
            break;
        }
        lo -= 1;
    }
    let hi_limit = (end + 300).min(bytes.len());
    let mut hi = end;
    while hi < hi_limit {
        let c = bytes[hi];
        if c == b'\n' || c == b'!' || c == b'?' || c == b';' {
            break;
        }
        if c == b'.'
            && (hi + 1 >= bytes.len() || bytes[hi + 1].is_ascii_whitespace())
            && period_ends_sentence(text, hi)
        {
            break;
        }
        hi += 1;
    }
    while !text.is_char_boundary(lo) {
        lo += 1;
    }
    while !text.is_char_boundary(hi) {
        hi -= 1;
    }
    (lo.min(start), hi.max(end))
}

/// Does the '.' at byte `dot` end a sentence (rather than an abbreviation like "Dec." or "U.S.")?
fn period_ends_sentence(text: &str, dot: usize) -> bool {
    let head = &text[..dot];
    let word: String = head
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '.')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if word.contains('.') {
        return false; // U.S., a.m.
    }
    let n = word.chars().count();
    if n >= 4 {
        return !matches!(word.as_str(), "Sept" | "Gov." | "Corp" | "Gen");
    }
    // short words: a sentence ends after lower-case words ("it was.") and numbers
    !(word.chars().next().is_some_and(|c| c.is_uppercase()) || n == 0)
}

const FUTURE: &[&str] = &[
    "will",
    "shall",
    "scheduled",
    "schedule",
    "slated",
    "plans",
    "plan",
    "planned",
    "planning",
    "expected",
    "expects",
    "upcoming",
    "next",
    "due",
    "would",
    "won't",
    "ll",
    "tomorrow",
];
const PAST: &[&str] = &[
    "said",
    "was",
    "were",
    "had",
    "did",
    "told",
    "ago",
    "came",
    "went",
    "took",
    "made",
    "gave",
    "began",
    "met",
    "held",
    "saw",
    "fell",
    "rose",
    "won",
    "lost",
    "left",
    "sent",
    "got",
    "found",
    "spoke",
    "wrote",
    "hit",
    "killed",
    "struck",
    "became",
    "knew",
    "thought",
    "brought",
    "bought",
    "sold",
    "paid",
    "led",
    "ran",
    "broke",
    "chose",
    "flew",
    "drove",
    "ate",
    "gave",
    "last",
    "yesterday",
    "earlier",
];

fn tense(ctx: &Ctx) -> Tense {
    let text = ctx.text;
    // words of the sentence with their positions
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut i = ctx.sstart;
    let bytes = text.as_bytes();
    while i < ctx.send {
        let c = bytes[i];
        if c.is_ascii_alphabetic() || c == b'\'' {
            let s = i;
            while i < ctx.send && (bytes[i].is_ascii_alphabetic() || bytes[i] == b'\'') {
                i += 1;
            }
            words.push((s, i));
        } else {
            i += 1;
        }
    }
    let mut best: Option<(usize, bool, Tense)> = None; // (distance, after, tense)
    let before_count = words.iter().filter(|w| w.1 <= ctx.start).count();
    for (k, &(s, e)) in words.iter().enumerate() {
        if s >= ctx.start && e <= ctx.end {
            continue; // inside the expression
        }
        let w = text[s..e].to_ascii_lowercase();
        let w = w.trim_matches('\'');
        let next_is_to = words.get(k + 1).is_some_and(|&(a, b)| &text[a..b] == "to");
        let t = if FUTURE.contains(&w)
            || w.ends_with("'ll")
            || (matches!(w, "going" | "set") && next_is_to)
            || (w == "held"
                && k > 0
                && matches!(&text[words[k - 1].0..words[k - 1].1], "be" | "been"))
        {
            Tense::Future
        } else if k + 1 == before_count
            && (matches!(w, "by" | "until" | "till")
                || (w == "as"
                    && k > 0
                    && text[words[k - 1].0..words[k - 1].1].eq_ignore_ascii_case("soon")))
        {
            // "by Jan. 14", "until Tuesday", "as soon as Tuesday": a deadline ahead
            Tense::Future
        } else if PAST.contains(&w) {
            Tense::Past
        } else if w.len() > 4 && w.ends_with("ed") {
            let prev = if k > 0 {
                text[words[k - 1].0..words[k - 1].1].to_ascii_lowercase()
            } else {
                String::new()
            };
            if prev == "be" || prev == "being" {
                continue;
            }
            Tense::Past
        } else {
            continue;
        };
        let after = s >= ctx.end;
        let dist = if after {
            k + 1 - before_count
        } else {
            before_count - k
        };
        let better = match best {
            None => true,
            Some((bd, ba, _)) => dist < bd || (dist == bd && ba && !after),
        };
        if better {
            best = Some((dist, after, t));
        }
    }
    best.map(|b| b.2).unwrap_or(Tense::Unknown)
}

// ---------------------------------------------------------------------------------------------
// Resolution

fn fmt_day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}
fn fmt_week(d: NaiveDate) -> String {
    let w = d.iso_week();
    format!("{:04}-W{:02}", w.year(), w.week())
}
fn fmt_month(y: i32, m: u32) -> String {
    format!("{y:04}-{m:02}")
}
fn add_months(y: i32, m: u32, delta: i64) -> (i32, u32) {
    let total = y as i64 * 12 + (m as i64 - 1) + delta;
    (
        (total.div_euclid(12)) as i32,
        (total.rem_euclid(12) + 1) as u32,
    )
}

/// A tense cue moves a year-less day to the past or future occurrence only when that one is at
/// most this many days from publication; further off, the nearest occurrence wins.
const DAY_TENSE_REACH: i64 = 250;
/// The same for a bare month, in months.
const MONTH_TENSE_REACH: i32 = 9;
/// A bare month with no tense cue: nearest occurrence (true) or latest on or before (false).
const MONTH_NEAREST: bool = false;

type Resolved = (Option<String>, Precision, bool, Option<NaiveDate>);

/// (value, precision, relative, day for the anaphora anchor)
fn resolve(
    kind: &Kind,
    published: Option<NaiveDate>,
    anchor: Option<NaiveDate>,
    ctx: &Ctx,
) -> Resolved {
    let day =
        |d: Option<NaiveDate>, rel: bool| -> Resolved { (d.map(fmt_day), Precision::Day, rel, d) };
    match *kind {
        Kind::Full(d) => day(Some(d), false),
        Kind::MonthYear { year, month } => {
            (Some(fmt_month(year, month)), Precision::Month, false, None)
        }
        Kind::Year(y) => (Some(format!("{y:04}")), Precision::Year, false, None),
        Kind::Decade(y) => (
            Some(format!("{:03}X", y / 10)),
            Precision::Year,
            false,
            None,
        ),
        Kind::MonthDay { month, day: d } => {
            let v = published.and_then(|p| {
                let cands: Vec<NaiveDate> = (p.year() - 1..=p.year() + 1)
                    .filter_map(|y| NaiveDate::from_ymd_opt(y, month, d))
                    .collect();
                let past = cands.iter().rev().find(|&&c| c <= p).copied();
                let future = cands.iter().find(|&&c| c >= p).copied();
                let dist =
                    |c: Option<NaiveDate>| c.map(|c| (c - p).num_days().abs()).unwrap_or(i64::MAX);
                let nearest = if dist(past) <= dist(future) {
                    past
                } else {
                    future
                };
                match tense(ctx) {
                    Tense::Past if dist(past) <= DAY_TENSE_REACH => past,
                    Tense::Future if dist(future) <= DAY_TENSE_REACH => future,
                    _ => nearest,
                }
            });
            day(v, true)
        }
        Kind::Month {
            month,
            rel,
            year_offset,
        } => {
            let v = published.map(|p| {
                let (py, pm) = (p.year(), p.month());
                let y = if let Some(off) = year_offset {
                    py + off
                } else {
                    match rel {
                        Some(Rel::Last) => {
                            if month < pm {
                                py
                            } else {
                                py - 1
                            }
                        }
                        Some(Rel::Next) => {
                            if month > pm {
                                py
                            } else {
                                py + 1
                            }
                        }
                        Some(Rel::This) => py,
                        None => {
                            let past = if month <= pm { py } else { py - 1 };
                            let future = if month >= pm { py } else { py + 1 };
                            let dist =
                                |y: i32| ((y * 12 + month as i32) - (py * 12 + pm as i32)).abs();
                            match tense(ctx) {
                                Tense::Future if dist(future) <= MONTH_TENSE_REACH => future,
                                Tense::Past if dist(past) <= MONTH_TENSE_REACH => past,
                                Tense::Unknown if MONTH_NEAREST && dist(future) < dist(past) => {
                                    future
                                }
                                Tense::Unknown => past,
                                _ => {
                                    if dist(past) <= dist(future) {
                                        past
                                    } else {
                                        future
                                    }
                                }
                            }
                        }
                    }
                };
                fmt_month(y, month)
            });
            (v, Precision::Month, true, None)
        }
        Kind::DayOffset(off) => day(published.map(|p| p + Duration::days(off)), true),
        Kind::Weekday { wd, rel } => {
            let v = published.map(|p| {
                let pw = p.weekday().num_days_from_monday() as i64;
                let tw = wd.num_days_from_monday() as i64;
                let back = (pw - tw).rem_euclid(7); // days back to the latest on or before
                let fwd = (tw - pw).rem_euclid(7); // days forward to the first on or after
                match rel {
                    Some(Rel::Last) => p - Duration::days(if back == 0 { 7 } else { back }),
                    Some(Rel::Next) => p + Duration::days(if fwd == 0 { 7 } else { fwd }),
                    Some(Rel::This) => p + Duration::days(tw - pw),
                    None => match tense(ctx) {
                        Tense::Future => p + Duration::days(fwd),
                        _ => p - Duration::days(back),
                    },
                }
            });
            day(v, true)
        }
        Kind::Period { unit, offset } => period(published, unit, offset),
        Kind::Ago { unit, n } => period(published, unit, -n),
        Kind::Anaphor(off) => {
            let base = anchor.or(published);
            day(base.map(|b| b + Duration::days(off)), true)
        }
    }
}

fn period(published: Option<NaiveDate>, unit: Unit, offset: i64) -> Resolved {
    let prec = match unit {
        Unit::Day => Precision::Day,
        Unit::Week => Precision::Week,
        Unit::Month => Precision::Month,
        Unit::Year => Precision::Year,
    };
    let Some(p) = published else {
        return (None, prec, true, None);
    };
    let offset = offset.clamp(-100_000, 100_000);
    match unit {
        Unit::Day => {
            let d = p + Duration::days(offset);
            (Some(fmt_day(d)), prec, true, Some(d))
        }
        Unit::Week => (
            Some(fmt_week(p + Duration::days(7 * offset))),
            prec,
            true,
            None,
        ),
        Unit::Month => {
            let (y, m) = add_months(p.year(), p.month(), offset);
            (Some(fmt_month(y, m)), prec, true, None)
        }
        Unit::Year => (
            Some(format!("{:04}", p.year() as i64 + offset)),
            prec,
            true,
            None,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn values(text: &str, published: Option<&str>) -> Vec<(String, Option<String>, Precision)> {
        let ms = extract(text, published.map(d));
        for m in &ms {
            assert_eq!(&text[m.start..m.end], m.text);
        }
        ms.into_iter()
            .map(|m| (m.text, m.value, m.precision))
            .collect()
    }

    fn one(text: &str, published: Option<&str>) -> (String, Option<String>, Precision) {
        let v = values(text, published);
        assert_eq!(v.len(), 1, "expected one mention in {text:?}, got {v:?}");
        v.into_iter().next().unwrap()
    }

    #[test]
    fn past_weekday_is_latest_on_or_before() {
        let (t, v, p) = one(
            "The ministers met on Thursday in the capital.",
            Some("2024-11-02"),
        );
        assert_eq!(t, "Thursday");
        assert_eq!(v.as_deref(), Some("2024-10-31"));
        assert_eq!(p, Precision::Day);
    }

    #[test]
    fn future_weekday_is_next_occurrence() {
        let (_, v, _) = one("The ministers will meet on Thursday.", Some("2024-11-02"));
        assert_eq!(v.as_deref(), Some("2024-11-07"));
        let (_, v, _) = one("A vote is scheduled for Thursday.", Some("2024-11-02"));
        assert_eq!(v.as_deref(), Some("2024-11-07"));
        let (t, v, _) = one("They meet again next Thursday.", Some("2024-11-02"));
        assert_eq!(t, "next Thursday");
        assert_eq!(v.as_deref(), Some("2024-11-07"));
    }

    #[test]
    fn past_cue_beats_later_future_cue() {
        let (_, v, _) = one(
            "Officials said on Thursday that more units will arrive in the coming days.",
            Some("2024-11-02"),
        );
        assert_eq!(v.as_deref(), Some("2024-10-31"));
    }

    #[test]
    fn weekday_with_part_of_day() {
        let (t, v, _) = one(
            "A statement issued Tuesday evening reads as follows.",
            Some("2024-01-11"),
        );
        assert_eq!(t, "Tuesday evening");
        assert_eq!(v.as_deref(), Some("2024-01-09"));
        let (t, v, _) = one("Shelling went on Tuesday night.", Some("2024-01-11"));
        assert_eq!(t, "Tuesday night");
        assert_eq!(v.as_deref(), Some("2024-01-09"));
    }

    #[test]
    fn absolute_day_forms() {
        for s in [
            "Dec. 30, 2023",
            "December 30, 2023",
            "30 December 2023",
            "2023-12-30",
            "12/30/2023",
        ] {
            let text = format!("The strike happened on {s} near the border.");
            let (t, v, p) = one(&text, Some("2024-11-02"));
            assert_eq!(t, s);
            assert_eq!(v.as_deref(), Some("2023-12-30"), "{s}");
            assert_eq!(p, Precision::Day);
        }
    }

    #[test]
    fn day_without_year_takes_year_from_publication() {
        let (t, v, _) = one(
            "A second missile was used on Jan. 2 against the city.",
            Some("2024-01-10"),
        );
        assert_eq!(t, "Jan. 2");
        assert_eq!(v.as_deref(), Some("2024-01-02"));
        let (_, v, _) = one("The launch was on Dec. 30 at dawn.", Some("2024-01-10"));
        assert_eq!(v.as_deref(), Some("2023-12-30"));
        let (_, v, _) = one("The summit will open on Jan. 20.", Some("2023-12-28"));
        assert_eq!(v.as_deref(), Some("2024-01-20"));
    }

    #[test]
    fn months_and_years() {
        let (t, v, p) = one(
            "The treaty was signed in May 2023 in the capital.",
            Some("2024-11-02"),
        );
        assert_eq!(t, "May 2023");
        assert_eq!(v.as_deref(), Some("2023-05"));
        assert_eq!(p, Precision::Month);
        let (t, v, p) = one(
            "An action plan was adopted in July after talks.",
            Some("2024-11-02"),
        );
        assert_eq!(t, "July");
        assert_eq!(v.as_deref(), Some("2024-07"));
        assert_eq!(p, Precision::Month);
        let (_, v, _) = one("Elections will be held in March.", Some("2024-11-02"));
        assert_eq!(v.as_deref(), Some("2025-03"));
        let (t, v, p) = one(
            "The fighting began in 2022 and continues.",
            Some("2024-11-02"),
        );
        assert_eq!(t, "2022");
        assert_eq!(v.as_deref(), Some("2022"));
        assert_eq!(p, Precision::Year);
        let (t, v, _) = one("Prices have doubled since the 1990s.", None);
        assert_eq!(t, "1990s");
        assert_eq!(v.as_deref(), Some("199X"));
        let (t, v, _) = one("Growth slowed in mid-2023 overall.", None);
        assert_eq!(t, "mid-2023");
        assert_eq!(v.as_deref(), Some("2023"));
        let (_, v, _) = one("2022's harvest was poor.", None);
        assert_eq!(v.as_deref(), Some("2022"));
    }

    #[test]
    fn relative_periods() {
        // 2024-11-02 is a Saturday in ISO week 44
        let pubd = Some("2024-11-02");
        assert_eq!(
            one("Talks collapsed last week.", pubd).1.as_deref(),
            Some("2024-W43")
        );
        assert_eq!(
            one("Talks resume this week.", pubd).1.as_deref(),
            Some("2024-W44")
        );
        assert_eq!(
            one("Talks resume next week.", pubd).1.as_deref(),
            Some("2024-W45")
        );
        assert_eq!(
            one("Prices rose last month.", pubd).1.as_deref(),
            Some("2024-10")
        );
        assert_eq!(
            one("Prices rose last year.", pubd).1.as_deref(),
            Some("2023")
        );
        assert_eq!(
            one("Prices rose this year.", pubd).1.as_deref(),
            Some("2024")
        );
        assert_eq!(
            one("It was agreed earlier this month.", pubd).1.as_deref(),
            Some("2024-11")
        );
        assert_eq!(
            one("It arrived two days ago.", pubd).1.as_deref(),
            Some("2024-10-31")
        );
        assert_eq!(
            one("It arrived three weeks ago.", pubd).1.as_deref(),
            Some("2024-W41")
        );
        assert_eq!(
            one("It arrived today.", pubd).1.as_deref(),
            Some("2024-11-02")
        );
        assert_eq!(
            one("It arrived yesterday.", pubd).1.as_deref(),
            Some("2024-11-01")
        );
        assert_eq!(
            one("It arrives tomorrow.", pubd).1.as_deref(),
            Some("2024-11-03")
        );
        // ISO week-year differs from the calendar year at the turn of the year
        assert_eq!(
            one("Talks collapsed last week.", Some("2021-01-05"))
                .1
                .as_deref(),
            Some("2020-W53")
        );
    }

    #[test]
    fn anaphor_counts_from_previous_day() {
        let v = values(
            "The meeting was held on Friday and the ministry spoke the following day.",
            Some("2024-11-02"),
        );
        assert_eq!(v.len(), 2, "{v:?}");
        assert_eq!(v[0].1.as_deref(), Some("2024-11-01"));
        assert_eq!(v[1].0, "the following day");
        assert_eq!(v[1].1.as_deref(), Some("2024-11-02"));
        // without an earlier day: from the publication date
        let v = values("He left the next day.", Some("2024-11-02"));
        assert_eq!(v[0].1.as_deref(), Some("2024-11-03"));
        // after an absolute day and no publication date: still resolved
        let v = values(
            "It fell on Dec. 30, 2023. A second fell the day before.",
            None,
        );
        assert_eq!(v[1].1.as_deref(), Some("2023-12-29"));
    }

    #[test]
    fn no_publication_date_keeps_only_absolute_values() {
        let v = values(
            "Strikes on Dec. 30, 2023, and on Thursday and last week and on Jan. 2 and in 2022.",
            None,
        );
        let got: Vec<(&str, Option<&str>)> =
            v.iter().map(|x| (x.0.as_str(), x.1.as_deref())).collect();
        assert_eq!(
            got,
            vec![
                ("Dec. 30, 2023", Some("2023-12-30")),
                ("Thursday", None),
                ("last week", None),
                ("Jan. 2", None),
                ("2022", Some("2022")),
            ]
        );
        let ms = extract("Shelling continued on Thursday.", None);
        assert!(ms[0].relative);
        let ms = extract("Shelling continued on Dec. 30, 2023.", None);
        assert!(!ms[0].relative);
    }

    #[test]
    fn non_dates_are_not_matched() {
        for s in [
            "Officials may decide soon.",
            "The talks May fail, he warned.",
            "Protesters march on the capital.",
            "March forward, the sign said.",
            "Theresa May spoke to reporters.",
            "The Sunday Times reported the deal.",
            "Shoppers queued for Black Friday deals.",
            "Jane Doe, USA TODAY, contributed.",
            "The army sent 2000 troops and 300 tanks.",
            "It costs 2,023 dollars.",
            "The meeting starts at 10:30 a.m.",
            "Visit example.com/2023/12/30/story for more.",
        ] {
            let v = values(s, Some("2024-11-02"));
            assert!(v.is_empty(), "{s:?} gave {v:?}");
        }
    }

    #[test]
    fn offsets_round_trip_and_multibyte_is_safe() {
        let text = "Сеул — “Тhe talks” ended on Thursday, 30 December 2023 — 한국 said in May 2023 ✓ and on 2023-12-30.";
        let ms = extract(text, Some(d("2024-11-02")));
        assert!(ms.len() >= 3, "{ms:?}");
        let mut last_end = 0;
        for m in &ms {
            assert_eq!(&text[m.start..m.end], m.text);
            assert!(m.start >= last_end, "sorted, no overlaps");
            last_end = m.end;
        }
        // arbitrary multibyte noise never panics
        let noise = "é’“日本語’Mayi 5日 Thursday’s 2022年 —Dec.ñ 30, 2023€ yesterday—";
        let _ = extract(noise, Some(d("2024-11-02")));
        for (i, _) in noise.char_indices() {
            let _ = extract(&noise[i..], Some(d("2024-11-02")));
        }
    }

    #[test]
    fn stage_is_idempotent_and_uses_assume_published() {
        let cfg = DatesConfig {
            enabled: true,
            assume_published: Some("2024-11-02".into()),
        };
        let stage = Dates::new(&cfg);
        let mut a = Article::new("They met on Thursday.".into(), Default::default());
        stage.process(&mut a);
        let first = a.dates.clone();
        stage.process(&mut a);
        assert_eq!(first, a.dates);
        assert_eq!(a.dates[0].value.as_deref(), Some("2024-10-31"));
        // the article's own date wins over the assumed one
        a.published = Some(d("2024-11-09"));
        stage.process(&mut a);
        assert_eq!(a.dates[0].value.as_deref(), Some("2024-11-07"));
        assert!(parse_assume_published("2024-13-01").is_err());
    }

    #[test]
    fn sentences_limit_the_tense_window() {
        let text = "They met on Thursday. Next, they will travel.";
        let sentences = [
            Sentence { start: 0, end: 21 },
            Sentence {
                start: 22,
                end: text.len(),
            },
        ];
        let ms = extract_in_sentences(text, Some(d("2024-11-02")), &sentences);
        assert_eq!(ms[0].value.as_deref(), Some("2024-10-31"));
    }

    #[test]
    fn seed_004_without_publication_date() {
        let dir = crate::eval::tempeval::shared_data_dir();
        let path = dir.join("seeds/004_34d3f7c028e1ab15.txt");
        let Ok(text) = std::fs::read_to_string(&path) else {
            eprintln!(
                "skipping: seed data not found at {} (set SITREP_SHARED)",
                path.display()
            );
            return;
        };
        let ms = extract(&text, None);
        let mut vals: Vec<&str> = ms.iter().filter_map(|m| m.value.as_deref()).collect();
        vals.sort();
        vals.dedup();
        assert_eq!(vals, vec!["2023-12-30", "2024-01-02"], "{ms:#?}");
        let texts: Vec<&str> = ms
            .iter()
            .filter(|m| m.value.is_some())
            .map(|m| m.text.as_str())
            .collect();
        assert_eq!(
            texts,
            vec!["December 30, 2023", "January 2, 2024", "Dec. 30, 2023"]
        );
    }
}
