//! Quotes: direct quotations and their speakers.
//!
//! **Finding quotes.** Straight (`"`) and curly (`“ ”`, also `„` and `« »`) double quotation
//! marks are paired left to right. A straight mark opens after a space, a bracket or a dash
//! and closes after anything else. A quote continues across a paragraph break only when the
//! paragraph has no closing mark and the next paragraph starts with an opening mark (the news
//! convention); the quote then spans both paragraphs, break and reopening mark included. A quote
//! with no closing mark ends at the end of its paragraph, and is dropped when that is more than
//! [`MAX_UNCLOSED`] bytes away, so an unbalanced mark never swallows the article. Single quotes
//! (`‘ ’`, `'`) are not read as quotation marks: they are apostrophes far more often.
//!
//! **Span.** `start..end` is the words inside the marks, trimmed of spaces.
//!
//! **Kind** ([`QuoteKind`]). `partial` for a quoted phrase inside the reporter's own sentence
//! or a scare quote (three words or fewer, or a short phrase that neither stands as its own
//! sentence nor ends in punctuation: “a grave escalation”, "2+2"); `direct` otherwise.
//!
//! **Speaker and cue**, tried in order:
//! 1. after the closing mark: `“...,” said X` / `“...,” according to X` / `“...,” X said` /
//!    `“...,” the statement reads` / `“...,” a joint statement issued Tuesday evening reads`
//!    (trailing participle or relative clauses are cut: speaker `a joint statement`). After a
//!    quote that ends a sentence (`.”`), the words that follow count only when they start in
//!    lowercase or are just `X said.`;
//! 2. before the opening mark, in the same sentence: `X said: “...”`, `X said that “...”`,
//!    `X told reporters, “...”` (the speaker is the noun phrase right before the verb:
//!    `..., Melanie Joly, said` -> `Melanie Joly`);
//! 3. `according to X` elsewhere in the sentence;
//! 4. for partial quotes, also `X described/called/labelled ... “...”` earlier in the sentence;
//! 5. a direct quote still without speaker that follows a quote with one, in the same or the
//!    previous paragraph, continues that speaker (cue left empty).
//!
//! When `article.entities` has a person inside the speaker phrase, that entity's span becomes
//! the speaker (`National Security Council spokesperson John Kirby` -> `John Kirby`); an
//! organisation or country entity is used when it is the phrase's head (ends where the phrase
//! ends). `he`/`she` resolve to the nearest preceding person entity; other pronouns stay.

use std::sync::OnceLock;

use regex::Regex;

use crate::model::{Article, Entity, EntityKind, Quote, QuoteKind};
use crate::pipeline::Stage;

/// Longest stretch an unclosed quote may run to its paragraph end before it is dropped.
pub const MAX_UNCLOSED: usize = 600;
/// Longest quote, paragraphs included.
pub const MAX_QUOTE: usize = 5000;

pub struct Quotes {}

impl Quotes {
    pub fn new() -> Self {
        let _ = rx();
        Quotes {}
    }
}

impl Default for Quotes {
    fn default() -> Self {
        Self::new()
    }
}

impl Stage for Quotes {
    fn name(&self) -> &'static str {
        "quotes"
    }
    fn process(&self, article: &mut Article) {
        article.quotes.clear();
        article.quotes = find_quotes(&article.text, &article.entities);
    }
}

/// Abbreviations whose dot neither ends a sentence nor a speaker phrase ("Rep. Jamie Raskin").
const ABBR: &str = r"(?:Rep|Reps|Sen|Sens|Gov|Dr|Mr|Mrs|Ms|Gen|Lt|Col|Sgt|Capt|Adm|Maj|Prof|Gov|Pres|St|Jr|Sr|Cpl|Pvt|U\.S|U\.N|U\.K|E\.U)\.";
const ABBR_WORDS: &[&str] = &[
    "Rep", "Reps", "Sen", "Sens", "Gov", "Dr", "Mr", "Mrs", "Ms", "Gen", "Lt", "Col", "Sgt",
    "Capt", "Adm", "Maj", "Prof", "Pres", "St", "Jr", "Sr", "Cpl", "Pvt", "Corp", "Inc", "Co",
    "Ltd", "No", "Jan", "Feb", "Aug", "Sept", "Oct", "Nov", "Dec",
];

const CUES: &str = "said|says|say|told|tells|reads|read|stated|states|added|adds|wrote|writes|noted|notes|declared|declares|warned|warns|stressed|stresses|explained|explains|continued|continues|insisted|insists|claimed|claims|argued|argues|asked|asks|replied|replies|announced|announces|tweeted|posted|commented|remarked|emphasi[sz]ed|emphasi[sz]es|underlined|underscored|concluded|urged|urges|acknowledged|admitted|recalled|observed|suggested|cautioned|vowed|pledged|promised|demanded|countered|responded|conceded|confirmed|alleged|assured|predicted|complained|lamented|shouted|reiterated|reaffirmed";
const PARTIAL_CUES: &str = "described|describes|called|calls|labell?ed|labels|dubbed|termed|branded|characteri[sz]ed|denounced|slammed|hailed";

struct Rx {
    after_inverted: Regex,
    after_according: Regex,
    after_np: Regex,
    before: Regex,
    according: Regex,
    partial_cue: Regex,
}

fn rx() -> &'static Rx {
    static RX: OnceLock<Rx> = OnceLock::new();
    RX.get_or_init(|| {
        let lead = r#"^[\s,;—–-]*"#;
        Rx {
            after_inverted: Regex::new(&format!(
                r#"{lead}(?P<cue>(?:{CUES}))\s+(?P<sp>(?:{ABBR}|[^.!?;:,"“”\n()])+)"#
            ))
            .unwrap(),
            after_according: Regex::new(&format!(
                r#"{lead}(?P<cue>according\s+to)\s+(?P<sp>(?:{ABBR}|[^.!?;:,"“”\n()])+)"#
            ))
            .unwrap(),
            after_np: Regex::new(&format!(
                r#"{lead}(?P<sp>(?:{ABBR}|[^.!?;:,()"“”\n])+?)\s+(?:(?:also|later|further|then|previously|has|have|had|would|will|once)\s+)?(?P<cue>(?:{CUES}))(?-u:\b)(?P<end>\s*[.!?]?)"#
            ))
            .unwrap(),
            before: Regex::new(&format!(
                r#"(?-u:\b)(?P<cue>(?:{CUES}))(?-u:\b)"#
            ))
            .unwrap(),
            according: Regex::new(&format!(r#"(?i)(?-u:\b)according\s+to\s+(?P<sp>(?:{ABBR}|[^.!?;:,"“”\n()])+)"#)).unwrap(),
            partial_cue: Regex::new(&format!(r#"(?-u:\b)(?P<cue>(?:{CUES}|{PARTIAL_CUES}))(?-u:\b)"#)).unwrap(),
        }
    })
}

#[derive(Debug, Clone)]
struct Raw {
    open: usize,
    inner_start: usize,
    inner_end: usize,
    /// Byte after the closing mark, when there is one.
    close_end: Option<usize>,
}

fn is_open_ctx(p: Option<char>) -> bool {
    match p {
        None => true,
        Some(c) => c.is_whitespace() || "([{—–-/‘'".contains(c),
    }
}

/// Pair the quotation marks of `text`.
fn pair(text: &str) -> Vec<Raw> {
    let marks: Vec<(usize, char)> = text
        .char_indices()
        .filter(|(_, c)| matches!(c, '"' | '“' | '”' | '„' | '«' | '»'))
        .collect();
    let mut out = Vec::new();
    let mut cur: Option<(usize, usize)> = None; // (open byte, inner start)
    let mut para_from = 0usize; // where the current paragraph of an open quote starts checking
    let mut i = 0;
    while i < marks.len() {
        let (pos, c) = marks[i];
        let p = text[..pos].chars().next_back();
        let n = text[pos + c.len_utf8()..].chars().next();
        match cur {
            None => {
                let opens = match c {
                    '“' | '„' | '«' => n.is_some_and(|n| !n.is_whitespace()) || c != '“',
                    '"' | '”' => is_open_ctx(p) && n.is_some_and(|n| !n.is_whitespace()),
                    _ => false,
                };
                if opens {
                    cur = Some((pos, pos + c.len_utf8()));
                    para_from = pos + c.len_utf8();
                }
                i += 1;
            }
            Some((open, inner)) => {
                // a paragraph break before this mark?
                if let Some(nl) = text[para_from..pos].find('\n').map(|k| para_from + k) {
                    let next_para = nl + text[nl..].len() - text[nl..].trim_start().len();
                    let reopens = next_para == pos && matches!(c, '“' | '"' | '„' | '«');
                    if reopens && pos - open < MAX_QUOTE {
                        para_from = pos + c.len_utf8();
                        i += 1;
                        continue;
                    }
                    // unclosed: end at the paragraph end
                    if nl - inner <= MAX_UNCLOSED {
                        out.push(Raw {
                            open,
                            inner_start: inner,
                            inner_end: nl,
                            close_end: None,
                        });
                    }
                    cur = None;
                    continue; // re-read this mark outside a quote
                }
                let closes = match c {
                    '”' | '»' => true,
                    '"' => {
                        p.is_some_and(|p| !p.is_whitespace()) || n.is_none_or(|n| n.is_whitespace())
                    }
                    _ => false, // another opener: the first was never closed
                };
                if closes {
                    if pos - inner <= MAX_QUOTE {
                        out.push(Raw {
                            open,
                            inner_start: inner,
                            inner_end: pos,
                            close_end: Some(pos + c.len_utf8()),
                        });
                    }
                    cur = None;
                    i += 1;
                } else {
                    // drop the unclosed opener when long, keep it to here when short
                    if pos - inner <= 80 && !text[inner..pos].trim().is_empty() {
                        out.push(Raw {
                            open,
                            inner_start: inner,
                            inner_end: pos,
                            close_end: None,
                        });
                    }
                    cur = None;
                }
            }
        }
    }
    if let Some((open, inner)) = cur {
        let nl = text[para_from..]
            .find('\n')
            .map(|k| para_from + k)
            .unwrap_or(text.len());
        if nl - inner <= MAX_UNCLOSED {
            out.push(Raw {
                open,
                inner_start: inner,
                inner_end: nl,
                close_end: None,
            });
        }
    }
    // trim and drop empties
    out.into_iter()
        .filter_map(|mut r| {
            let s = &text[r.inner_start..r.inner_end];
            let lead = s.len() - s.trim_start().len();
            let t = s.trim();
            if t.is_empty() {
                return None;
            }
            r.inner_start += lead;
            r.inner_end = r.inner_start + t.len();
            Some(r)
        })
        .collect()
}

/// Find the quotes of `text`, using `entities` (may be empty) for speakers.
pub fn find_quotes(text: &str, entities: &[Entity]) -> Vec<Quote> {
    let raws = pair(text);
    let mut out: Vec<Quote> = Vec::with_capacity(raws.len());
    for (k, r) in raws.iter().enumerate() {
        let next_open = raws.get(k + 1).map(|n| n.open).unwrap_or(text.len());
        let prev_close = if k > 0 {
            raws[k - 1].close_end.unwrap_or(raws[k - 1].inner_end)
        } else {
            0
        };
        let qtext = &text[r.inner_start..r.inner_end];
        let kind = classify(text, r);
        let mut sp = attribute(text, r, prev_close, next_open, kind);
        if sp.is_none() && kind == QuoteKind::Direct {
            // continuation of the previous speaker (same or previous paragraph)
            if let Some(prev) = out.iter().rev().find(|q| q.kind == QuoteKind::Direct) {
                let between = &text[prev.end.min(r.open)..r.open];
                if prev.speaker.is_some()
                    && between.matches('\n').count() <= 2
                    && between.len() < 300
                {
                    sp = Some(Attr {
                        start: prev.speaker_start.unwrap_or(0),
                        end: prev.speaker_end.unwrap_or(0),
                        cue: None,
                        inherited: prev.speaker.clone(),
                    });
                }
            }
        }
        let mut q = Quote {
            start: r.inner_start,
            end: r.inner_end,
            text: qtext.to_string(),
            speaker: None,
            speaker_start: None,
            speaker_end: None,
            cue: None,
            kind,
        };
        if let Some(a) = sp {
            if let Some(name) = a.inherited {
                q.speaker = Some(name);
                q.speaker_start = Some(a.start);
                q.speaker_end = Some(a.end);
            } else {
                let (s, e) = resolve(text, a.start, a.end, r.open, entities);
                q.speaker = Some(text[s..e].to_string());
                q.speaker_start = Some(s);
                q.speaker_end = Some(e);
                q.cue = a.cue;
            }
        }
        out.push(q);
    }
    out
}

fn classify(text: &str, r: &Raw) -> QuoteKind {
    let q = &text[r.inner_start..r.inner_end];
    let words = q.split_whitespace().count();
    if words <= 3 {
        return QuoteKind::Partial;
    }
    let before = text[..r.open].trim_end_matches([' ', '\u{a0}', '\t']);
    let standalone = before.is_empty() || before.ends_with(['\n', ':', '.', '!', '?', '—', '–']);
    let ends_punct = q.ends_with([',', '.', '!', '?', '…']) || q.ends_with("...");
    if standalone || (ends_punct && words >= 5) {
        return QuoteKind::Direct;
    }
    let after_cue = before.ends_with(',')
        || before.ends_with(" that")
        || before.ends_with(" said")
        || before.ends_with(" says");
    if after_cue && words >= 8 {
        return QuoteKind::Direct;
    }
    if words >= 12 {
        return QuoteKind::Direct;
    }
    QuoteKind::Partial
}

struct Attr {
    start: usize,
    end: usize,
    cue: Option<String>,
    /// A speaker name copied from the previous quote.
    inherited: Option<String>,
}

/// Sentence bounds around `pos`, within [lo, hi): stop at a paragraph break or at `.!?`
/// followed by a space (not after a single capital, as in "U.S.").
fn sentence_start(text: &str, lo: usize, pos: usize) -> usize {
    let b = text.as_bytes();
    let mut i = pos;
    while i > lo {
        let c = b[i - 1];
        if c == b'\n' {
            return i;
        }
        if (c == b'.' || c == b'!' || c == b'?')
            && i < b.len()
            && (b[i] == b' ' || b[i] == b'\n')
            && !initial_before(b, i - 1)
        {
            return i;
        }
        i -= 1;
    }
    lo
}

fn sentence_end(text: &str, pos: usize, hi: usize) -> usize {
    let b = text.as_bytes();
    let mut i = pos;
    while i < hi {
        let c = b[i];
        if c == b'\n' {
            return i;
        }
        if (c == b'.' || c == b'!' || c == b'?')
            && (i + 1 >= b.len() || b[i + 1] == b' ' || b[i + 1] == b'\n')
            && !initial_before(b, i)
        {
            return i + 1;
        }
        i += 1;
    }
    hi
}

/// The '.' at `dot` follows a lone capital letter ("U.S.", "John F.") or a title ("Rep.").
fn initial_before(b: &[u8], dot: usize) -> bool {
    if dot >= 1 && b[dot - 1].is_ascii_uppercase() && (dot < 2 || !b[dot - 2].is_ascii_alphabetic())
    {
        return true;
    }
    let mut k = dot;
    while k > 0 && b[k - 1].is_ascii_alphabetic() && dot - k < 5 {
        k -= 1;
    }
    let w = std::str::from_utf8(&b[k..dot]).unwrap_or("");
    (k == 0 || !b[k - 1].is_ascii_alphabetic()) && ABBR_WORDS.contains(&w)
}

fn attribute(
    text: &str,
    r: &Raw,
    prev_close: usize,
    next_open: usize,
    kind: QuoteKind,
) -> Option<Attr> {
    let x = rx();
    // 1. after the closing mark
    if let Some(ce) = r.close_end {
        let hi = sentence_end(text, ce, next_open.min(text.len())).min(floor(text, ce + 240));
        let hi = hi.max(ce);
        let w = &text[ce..hi];
        let ends_sentence = text[r.inner_start..r.inner_end].ends_with(['.', '!', '?']);
        let first_lower = w
            .trim_start_matches([' ', ',', '\u{a0}'])
            .chars()
            .next()
            .is_some_and(|c| c.is_lowercase());
        if let Some(c) = x
            .after_inverted
            .captures(w)
            .or_else(|| x.after_according.captures(w))
        {
            if !ends_sentence || first_lower {
                let g = c.name("sp").unwrap();
                if let Some((s, e)) = clean_np(text, ce + g.start(), ce + g.end(), true) {
                    return Some(Attr {
                        start: s,
                        end: e,
                        cue: Some(norm_cue(c.name("cue").unwrap().as_str())),
                        inherited: None,
                    });
                }
            }
        }
        // "X said" after the quote only when the quote or the mark ends in punctuation:
        // “...,” X said / “...” , X said; not “two plus two” meeting ... X said
        let punct = text[r.inner_start..r.inner_end].ends_with([',', '.', '!', '?', '…', '—', '–'])
            || w.trim_start_matches([' ', '\u{a0}'])
                .starts_with([',', '—', '–']);
        if let Some(c) = x.after_np.captures(w).filter(|_| punct) {
            let g = c.name("sp").unwrap();
            let short_end = !c.name("end").unwrap().as_str().trim().is_empty();
            if !ends_sentence || first_lower || short_end {
                if let Some((s, e)) = clean_np(text, ce + g.start(), ce + g.end(), false) {
                    return Some(Attr {
                        start: s,
                        end: e,
                        cue: Some(norm_cue(c.name("cue").unwrap().as_str())),
                        inherited: None,
                    });
                }
            }
        }
    }
    // 2. before the opening mark, same sentence
    let ss = sentence_start(text, prev_close, r.open);
    // only the last stretch before the mark: "X said: “", "X told reporters on Friday that “"
    let bs = floor(text, r.open.saturating_sub(160)).max(ss);
    let before = &text[bs..r.open];
    if let Some(cue) = x
        .before
        .find_iter(before)
        .last()
        .filter(|c| before_tail_ok(&before[c.end()..]))
    {
        if let Some((s, e)) = back_np(text, ss, bs + cue.start()) {
            return Some(Attr {
                start: s,
                end: e,
                cue: Some(norm_cue(cue.as_str())),
                inherited: None,
            });
        }
    }
    // 3. according to X in the sentence
    let se = sentence_end(
        text,
        r.close_end.unwrap_or(r.inner_end),
        next_open.min(text.len()).max(r.inner_end),
    );
    let sent_lo = sentence_start(text, 0, r.open).max(prev_close.min(r.open));
    for (lo, hi) in [(sent_lo, r.open), (r.close_end.unwrap_or(r.inner_end), se)] {
        if lo >= hi {
            continue;
        }
        if let Some(c) = x.according.captures(&text[lo..hi]) {
            let g = c.name("sp").unwrap();
            if let Some((s, e)) = clean_np(text, lo + g.start(), lo + g.end(), true) {
                return Some(Attr {
                    start: s,
                    end: e,
                    cue: Some("according to".into()),
                    inherited: None,
                });
            }
        }
    }
    // 4. partial quotes: a reporting or describing verb earlier in the sentence
    if kind == QuoteKind::Partial {
        let sl = sentence_start(text, 0, r.open);
        let seg = &text[sl..r.open];
        if let Some(c) = x.partial_cue.captures_iter(seg).last() {
            let cue = c.name("cue").unwrap();
            let after = &seg[cue.end()..];
            if !after.trim_start().starts_with("for ") {
                if let Some((s, e)) = back_np(text, sl, sl + cue.start()) {
                    return Some(Attr {
                        start: s,
                        end: e,
                        cue: Some(norm_cue(cue.as_str())),
                        inherited: None,
                    });
                }
            }
        }
    }
    None
}

/// What may stand between a reporting verb and an opening mark: up to six words, then
/// optionally `:`, `,`, a dash or `that`.
fn before_tail_ok(tail: &str) -> bool {
    let t = tail.trim_end();
    let t = t.strip_suffix("that").map(|x| x.trim_end()).unwrap_or(t);
    let t = t.trim_end_matches([':', ',', '—', '–']).trim_end();
    if t.contains(['“', '”', '"', '.', ';', '!', '?', '\n']) {
        return false;
    }
    t.split_whitespace().count() <= 6
}

fn norm_cue(c: &str) -> String {
    c.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

const CUT_WORDS: &[&str] = &[
    "issued",
    "released",
    "published",
    "adopted",
    "signed",
    "posted",
    "sent",
    "seen",
    "obtained",
    "quoted",
    "cited",
    "distributed",
    "made",
    "delivered",
    "shared",
    "who",
    "which",
    "that",
    "on",
    "in",
    "at",
    "during",
    "late",
    "earlier",
    "last",
    "this",
    "after",
    "before",
    "when",
    "while",
    "told",
    "speaking",
    "writing",
    "adding",
    "as",
    "to",
    "from",
    "said",
    "says",
    "with",
    "via",
    "also",
    "later",
    "has",
    "have",
    "had",
    "yesterday",
    "today",
    "tonight",
];

const LEAD_DROP: &[&str] = &[
    "and", "but", "so", "then", "while", "as", "later", "also", "yet", "now",
];

/// Tidy a speaker phrase found after the quote: cut trailing clauses ("issued Tuesday
/// evening", "in a statement", "who ..."), drop leading conjunctions. `cut_first` also cuts
/// at the first cut word when it is the first word (inverted order: "said Kirby on Friday").
fn clean_np(text: &str, s: usize, e: usize, _inverted: bool) -> Option<(usize, usize)> {
    let phrase = &text[s..e];
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut off = 0;
    for w in phrase.split_whitespace() {
        let k = phrase[off..].find(w).unwrap() + off;
        words.push((s + k, s + k + w.len()));
        off = k + w.len();
    }
    while let Some(&(a, b)) = words.first() {
        if LEAD_DROP.contains(&text[a..b].to_lowercase().trim_end_matches(',')) {
            words.remove(0);
        } else {
            break;
        }
    }
    let mut keep = 0;
    for (i, &(a, b)) in words.iter().enumerate() {
        let l = text[a..b].to_lowercase();
        if i > 0 && CUT_WORDS.contains(&l.as_str()) {
            break;
        }
        keep = i + 1;
        if text[a..b].ends_with(',') {
            break;
        }
    }
    words.truncate(keep);
    if words.is_empty() || words.len() > 10 {
        return None;
    }
    let s = words[0].0;
    let mut e = words.last().unwrap().1;
    while e > s && text[..e].ends_with([',', ';', ':']) {
        e -= 1;
    }
    let np = &text[s..e];
    if np.is_empty() || !np.chars().next().is_some_and(|c| c.is_alphabetic()) {
        return None;
    }
    // a lone function word is no speaker
    if words.len() == 1 && CUT_WORDS.contains(&np.to_lowercase().as_str()) {
        return None;
    }
    Some((s, e))
}

const BACK_STOP: &[&str] = &[
    "what",
    "that",
    "which",
    "who",
    "whom",
    "to",
    "but",
    "or",
    "while",
    "as",
    "when",
    "because",
    "after",
    "before",
    "if",
    "since",
    "so",
    "than",
    "where",
    "said",
    "says",
    "is",
    "was",
    "are",
    "were",
    "be",
    "been",
    "also",
    "has",
    "have",
    "had",
    "in",
    "on",
    "at",
    "for",
    "by",
    "with",
    "from",
    "into",
    "about",
    "then",
    "now",
    "later",
    "once",
    "again",
    "however",
    "meanwhile",
    "would",
    "will",
    "could",
    "can",
    "may",
    "might",
    "should",
    "did",
    "does",
    "do",
    "not",
    "reportedly",
    "recently",
    "earlier",
    "yesterday",
    "today",
    "repeatedly",
];
const DETS: &[&str] = &[
    "the", "a", "an", "its", "their", "his", "her", "our", "this", "these", "those", "my", "your",
];

/// The noun phrase right before `cue` (not before `lo`): walk back over words to a
/// punctuation mark, a function word or a determiner (included).
fn back_np(text: &str, lo: usize, cue: usize) -> Option<(usize, usize)> {
    let mut region = &text[lo..cue];
    // drop auxiliaries and commas right before the verb: "Joly, has also said"
    loop {
        let t = region.trim_end_matches([' ', '\u{a0}', ',', '\t']);
        let last = t.rsplit(' ').next().unwrap_or("");
        let ll = last.to_lowercase();
        if matches!(
            ll.as_str(),
            "has"
                | "have"
                | "had"
                | "also"
                | "later"
                | "then"
                | "reportedly"
                | "once"
                | "would"
                | "will"
                | "further"
                | "previously"
        ) {
            region = &t[..t.len() - last.len()];
        } else {
            region = t;
            break;
        }
    }
    let end = lo + region.len();
    let mut start = end;
    let mut n = 0;
    let toks: Vec<(usize, &str)> = {
        let mut v = Vec::new();
        let mut off = 0;
        for w in region.split_whitespace() {
            let k = region[off..].find(w).unwrap() + off;
            v.push((lo + k, w));
            off = k + w.len();
        }
        v
    };
    for (idx, &(p, w)) in toks.iter().enumerate().rev() {
        if n >= 10 {
            return None;
        }
        if w.ends_with([',', ';', ':', '(', ')', '"', '“', '”', '—', '–'])
            || w.starts_with(['(', '"', '“', '”'])
        {
            break;
        }
        let l = w.to_lowercase();
        if BACK_STOP.contains(&l.as_str()) {
            break;
        }
        if l == "and" || l == "of" {
            // "South Korea and Canada", "Minister of Foreign Affairs": only between capitals
            let left_cap = idx > 0
                && toks[idx - 1]
                    .1
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_uppercase());
            let right_cap = text[start..]
                .chars()
                .next()
                .is_some_and(|c| c.is_uppercase());
            if !(left_cap && right_cap) {
                break;
            }
        }
        start = p;
        n += 1;
        if DETS.contains(&l.as_str()) {
            break;
        }
    }
    if start >= end {
        return None;
    }
    let np = &text[start..end];
    if !np.chars().next().is_some_and(|c| c.is_alphabetic()) {
        return None;
    }
    if DETS.contains(&np.to_lowercase().as_str()) {
        return None;
    }
    Some((start, end))
}

/// Prefer an entity inside the speaker phrase; resolve he/she to the last person before.
fn resolve(text: &str, s: usize, e: usize, before: usize, entities: &[Entity]) -> (usize, usize) {
    let np = text[s..e].to_lowercase();
    if matches!(np.as_str(), "he" | "she" | "him" | "her") {
        if let Some(p) = entities
            .iter()
            .rev()
            .find(|x| x.kind == EntityKind::Person && x.end <= before)
        {
            if p.end <= text.len() && text.is_char_boundary(p.start) && text.is_char_boundary(p.end)
            {
                return (p.start, p.end);
            }
        }
        return (s, e);
    }
    let inside: Vec<&Entity> = entities
        .iter()
        .filter(|x| x.start >= s && x.end <= e && x.start < x.end)
        .collect();
    if let Some(p) = inside.iter().rev().find(|x| x.kind == EntityKind::Person) {
        return (p.start, p.end);
    }
    if let Some(o) = inside
        .iter()
        .rev()
        .find(|x| matches!(x.kind, EntityKind::Organization | EntityKind::Country) && x.end == e)
    {
        // the entity is the head of the phrase ("the Foreign Ministry", "Seoul")
        let pre = text[s..o.start].trim().to_lowercase();
        if pre.is_empty() || DETS.contains(&pre.as_str()) {
            return (o.start, o.end);
        }
    }
    (s, e)
}

fn floor(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Meta;

    fn quotes(t: &str) -> Vec<Quote> {
        quotes_with(t, vec![])
    }

    fn quotes_with(t: &str, entities: Vec<Entity>) -> Vec<Quote> {
        let mut a = Article::new(t.to_string(), Meta::default());
        a.entities = entities;
        let st = Quotes::new();
        st.process(&mut a);
        let first = a.quotes.clone();
        st.process(&mut a);
        assert_eq!(first, a.quotes, "idempotent");
        for q in &a.quotes {
            assert_eq!(&t[q.start..q.end], q.text);
            if let (Some(s), Some(e)) = (q.speaker_start, q.speaker_end) {
                assert!(t.is_char_boundary(s) && t.is_char_boundary(e) && s < e);
            }
        }
        for w in a.quotes.windows(2) {
            assert!(w[0].end <= w[1].start);
        }
        a.quotes
    }

    fn ents(t: &str, s: &str, kind: EntityKind) -> Vec<Entity> {
        t.match_indices(s)
            .map(|(start, _)| ent_at(start, s, kind))
            .collect()
    }

    fn ent_at(start: usize, s: &str, kind: EntityKind) -> Entity {
        Entity {
            start,
            end: start + s.len(),
            text: s.into(),
            kind,
            code: None,
            name: None,
            role: None,
            country: None,
            lat: None,
            lon: None,
            via: "test".into(),
        }
    }

    fn check(q: &Quote, speaker: &str, cue: &str, text: &str) {
        assert_eq!(q.speaker.as_deref(), Some(speaker), "{q:#?}");
        assert_eq!(q.cue.as_deref(), Some(cue), "{q:#?}");
        assert_eq!(
            &text[q.speaker_start.unwrap()..q.speaker_end.unwrap()],
            speaker
        );
    }

    #[test]
    fn after_patterns() {
        let t = "Ministers from Canada and South Korea met in Ottawa.\n\n\
                 \"We urge Pyongyang to pull its soldiers out of Russia at once,\" the statement reads.\n\n\
                 “Our support for Ukraine will not waver,” the signatories said.\n\n\
                 “The transfers break several Security Council resolutions,” said National Security Council spokesperson John Kirby.\n\n\
                 “We are watching closely,” Kirby told reporters on Friday.\n\n\
                 “These launches must stop,” a joint statement released on Tuesday night reads.";
        let qs = quotes(t);
        assert_eq!(qs.len(), 5, "{qs:#?}");
        check(&qs[0], "the statement", "reads", t);
        assert!(qs[0].text.starts_with("We urge") && qs[0].text.ends_with("at once,"));
        check(&qs[1], "the signatories", "said", t);
        check(
            &qs[2],
            "National Security Council spokesperson John Kirby",
            "said",
            t,
        );
        check(&qs[3], "Kirby", "told", t);
        check(&qs[4], "a joint statement", "reads", t);
        assert!(qs.iter().all(|q| q.kind == QuoteKind::Direct));
    }

    #[test]
    fn before_patterns() {
        let t = "Canada's foreign minister, Melanie Joly, said: “We will keep up the pressure on Moscow and Pyongyang.”\n\
                 Later the South Korean ministry said that \"the deployment is a threat to peace in Europe and Asia.\"\n\
                 The shelling continued, according to regional governor Ivan Petrenko: “Nobody in the town slept last night.”";
        let qs = quotes(t);
        assert_eq!(qs.len(), 3, "{qs:#?}");
        check(&qs[0], "Melanie Joly", "said", t);
        check(&qs[1], "the South Korean ministry", "said", t);
        check(&qs[2], "regional governor Ivan Petrenko", "according to", t);
    }

    #[test]
    fn entity_and_pronoun_speakers() {
        let t = "Pentagon press secretary Pat Ryder spoke on Monday. “The troops are moving west,” he said. \
                 “We see no sign of a pullback,” said Pentagon press secretary Pat Ryder.";
        let mut e = ents(t, "Pat Ryder", EntityKind::Person);
        e.extend(ents(t, "Pentagon", EntityKind::Organization));
        e.sort_by_key(|x| x.start);
        let qs = quotes_with(t, e);
        assert_eq!(qs.len(), 2);
        assert_eq!(qs[0].speaker.as_deref(), Some("Pat Ryder"));
        assert_eq!(qs[0].cue.as_deref(), Some("said"));
        assert_eq!(qs[1].speaker.as_deref(), Some("Pat Ryder"));
        assert!(qs[1].speaker_start.unwrap() > qs[0].end);
        // without entities the pronoun stays
        let qs = quotes("“The troops are moving west,” she said.");
        assert_eq!(qs[0].speaker.as_deref(), Some("she"));
    }

    #[test]
    fn titles_keep_their_dot() {
        let t = "“We will subpoena the records,” according to Rep. Jamie Raskin. “U.S. forces stay,” U.S. officials said.";
        let qs = quotes(t);
        assert_eq!(
            qs[0].speaker.as_deref(),
            Some("Rep. Jamie Raskin"),
            "{qs:#?}"
        );
        assert_eq!(qs[1].speaker.as_deref(), Some("U.S. officials"), "{qs:#?}");
    }

    #[test]
    fn partial_quotes() {
        let t =
            "Seoul and Ottawa called the deployment “a grave escalation” at their “2+2” talks. \
                 The ministers described the war as \"brutal and unjustifiable\" on Friday.";
        let qs = quotes(t);
        assert_eq!(qs.len(), 3, "{qs:#?}");
        assert!(qs.iter().all(|q| q.kind == QuoteKind::Partial));
        assert_eq!(qs[0].text, "a grave escalation");
        assert_eq!(qs[0].speaker.as_deref(), Some("Seoul and Ottawa"));
        assert_eq!(qs[1].text, "2+2");
        assert_eq!(qs[2].speaker.as_deref(), Some("The ministers"));
        assert_eq!(qs[2].cue.as_deref(), Some("described"));
    }

    #[test]
    fn multi_paragraph_and_continuation() {
        let t = "“We condemn the transfer of these missiles, which have been used against Ukrainian cities,” a joint statement reads.\n\
                 “The transfers prolong the suffering of the Ukrainian people.\n\
                 “They also undermine the global non-proliferation regime.”\n\
                 Officials did not comment further.";
        let qs = quotes(t);
        assert_eq!(qs.len(), 2, "{qs:#?}");
        check(&qs[0], "a joint statement", "reads", t);
        assert!(qs[1].text.starts_with("The transfers") && qs[1].text.ends_with("regime."));
        assert!(qs[1].text.contains('\n'));
        assert_eq!(qs[1].speaker.as_deref(), Some("a joint statement"));
        assert_eq!(qs[1].cue, None);
    }

    #[test]
    fn unbalanced_quote_does_not_swallow() {
        let mut t = String::from(
            "The minister said: “We will respond to this with force and determination\n",
        );
        for _ in 0..50 {
            t.push_str(
                "Another paragraph of ordinary reporting follows here, with no quotes at all.\n",
            );
        }
        t.push_str("“A final quote,” the spokesman said.");
        let qs = quotes(&t);
        assert!(qs.iter().all(|q| q.text.len() < 200), "{qs:#?}");
        assert_eq!(qs.last().unwrap().speaker.as_deref(), Some("the spokesman"));
        // a long unclosed quote in one paragraph is dropped
        let long = format!("He said \"{}", "word ".repeat(400));
        assert!(quotes(&long).is_empty());
    }

    #[test]
    fn odd_input_no_panic() {
        for s in [
            "",
            "\"",
            "“",
            "”",
            "\"\"",
            "“”",
            "a \" b",
            "”x“",
            "«x»",
            "„x“",
            "\"\n\"",
            "“😀 é 한국”, 말했다.",
            "said: “",
            "“x,” said",
            "“x,” according to",
            "12\" pipe",
            "“a” “b” “c",
            "\u{a0}“\u{a0}”",
        ] {
            let _ = quotes(s);
        }
        let qs = quotes("Он сказал: «Мы не отступим», — заявил министр Петров.");
        assert_eq!(qs.len(), 1);
    }

    #[test]
    fn seeds() {
        use crate::stages::figures::tests::seed;
        let (Some(s0), Some(s1), Some(s4)) = (seed("000_"), seed("001_"), seed("004_")) else {
            eprintln!("note: shared data folder not found (set SITREP_SHARED); skipping seed test");
            return;
        };
        let q0 = quotes(&s0);
        let q1 = quotes(&s1);
        let q4 = quotes(&s4);
        for (n, qs) in [("000", &q0), ("001", &q1), ("004", &q4)] {
            for q in qs.iter() {
                let t: String = q.text.chars().take(50).collect();
                eprintln!(
                    "{n}: {:?} {t:?} speaker={:?} cue={:?}",
                    q.kind, q.speaker, q.cue
                );
            }
        }
        let sp: Vec<&str> = q0
            .iter()
            .filter(|q| q.kind == QuoteKind::Direct)
            .filter_map(|q| q.speaker.as_deref())
            .collect();
        assert!(
            sp.contains(&"the statement") && sp.contains(&"the signatories"),
            "{q0:#?}"
        );
        assert!(q0
            .iter()
            .any(|q| q.text == "2+2" && q.kind == QuoteKind::Partial));
        assert!(q1
            .iter()
            .any(|q| q.text == "a grave escalation" && q.kind == QuoteKind::Partial));
        let j = q4
            .iter()
            .find(|q| q.cue.as_deref() == Some("reads"))
            .expect("quote read by a joint statement");
        assert_eq!(j.speaker.as_deref(), Some("a joint statement"));
        assert!(j.text.starts_with("We condemn"));
    }
}
