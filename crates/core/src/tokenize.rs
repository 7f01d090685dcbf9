//! Word tokenizer, CoNLL/PTB-like: the tokens the named-entity tagger was trained on.
//!
//! Rules, in order of precedence:
//! - whitespace (and zero-width format characters) separates tokens and is never inside one;
//! - a word is a run of letters, digits and combining marks, joined across *connectors*:
//!   a hyphen between word characters (`Tae-yul`, `Hwasong-19`, `KN-23`, `1996-08-22`),
//!   a period between word characters (`3.5`, `U.S`), a comma between digits (`10,000`),
//!   an apostrophe between letters (`O'Brien`), `:` or `/` between digits (`10:30`, `1/2`) and
//!   `&` between capitals (`AT&T`);
//! - the clitics `'s 're 've 'll 'd 'm n't` are split off as tokens of their own
//!   (`Korea's` -> `Korea` `'s`, `don't` -> `do` `n't`), also with the curly apostrophe `’`;
//! - a final period stays on abbreviations: letter-dot sequences (`U.S.`, `e.g.`), single
//!   capital initials (`J.`) and a short list of titles and shortenings (`Mr.`, `Inc.`, `Jan.`);
//! - every other character is a token of one character, except that runs of `.` or `-`
//!   (`...`, `--`) stay together.
//!
//! ```
//! use sitrep_core::tokenize::tokenize;
//! let text = "North Korea’s Hwasong-19 flew 1,000.5 km, the U.S. said.";
//! let words: Vec<&str> = tokenize(text).iter().map(|t| &text[t.start..t.end]).collect();
//! assert_eq!(
//!     words,
//!     ["North", "Korea", "’s", "Hwasong-19", "flew", "1,000.5", "km", ",", "the", "U.S.", "said", "."]
//! );
//! ```

/// A token as a byte span into the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
}

/// Words that keep a following period (compared case-sensitively, without the period).
const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Gen", "Lt", "Col", "Sgt", "Capt", "Cpl", "Maj", "Adm",
    "Cmdr", "Rep", "Reps", "Sen", "Sens", "Gov", "Rev", "Hon", "Pres", "Amb", "St", "Mt", "Ft",
    "Jr", "Sr", "Inc", "Corp", "Co", "Ltd", "Bros", "Dept", "Univ", "Assn", "No", "Nos", "vs",
    "etc", "approx", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov",
    "Dec", "Ave", "Blvd", "Rd", "Fig", "Vol", "est",
];

/// Split `text` into tokens (byte spans). Whitespace is never part of a token; spans lie on
/// char boundaries and appear in text order.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 5 + 1);
    let mut chunk: Vec<(usize, char)> = Vec::with_capacity(32);
    for (i, c) in text.char_indices() {
        if is_separator(c) {
            if !chunk.is_empty() {
                split_chunk(text, &chunk, &mut out);
                chunk.clear();
            }
        } else {
            chunk.push((i, c));
        }
    }
    if !chunk.is_empty() {
        split_chunk(text, &chunk, &mut out);
    }
    out
}

/// Convenience: the token strings of `text`.
pub fn words(text: &str) -> Vec<&str> {
    tokenize(text)
        .iter()
        .map(|t| &text[t.start..t.end])
        .collect()
}

fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
        )
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{20D0}'..='\u{20FF}')
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

/// May `c` join the word characters `prev` and `next` into one token?
fn is_connector(prev: char, c: char, next: char) -> bool {
    if !is_word_char(prev) || !is_word_char(next) {
        return false;
    }
    match c {
        _ if is_hyphen(c) => true,
        '.' => true,
        ',' => prev.is_ascii_digit() && next.is_ascii_digit(),
        ':' | '/' => prev.is_ascii_digit() && next.is_ascii_digit(),
        '&' => prev.is_uppercase() && next.is_uppercase(),
        _ if is_apostrophe(c) => prev.is_alphabetic() && next.is_alphabetic(),
        _ => false,
    }
}

/// Tokenize one whitespace-free chunk, given as (byte offset, char) pairs.
fn split_chunk(text: &str, chars: &[(usize, char)], out: &mut Vec<Token>) {
    let n = chars.len();
    let byte_end = |k: usize| {
        if k < n {
            chars[k].0
        } else {
            chars[n - 1].0 + chars[n - 1].1.len_utf8()
        }
    };
    let mut pos = 0;
    while pos < n {
        let c = chars[pos].1;
        if is_word_char(c) {
            let mut end = pos + 1;
            while end < n {
                if is_word_char(chars[end].1) {
                    end += 1;
                } else if end + 1 < n
                    && is_connector(chars[end - 1].1, chars[end].1, chars[end + 1].1)
                {
                    end += 2;
                } else {
                    break;
                }
            }
            let start_b = chars[pos].0;
            let mut end_b = byte_end(end);
            // A final period that belongs to an abbreviation.
            if end < n && chars[end].1 == '.' && is_abbreviation(&text[start_b..end_b]) {
                end += 1;
                end_b = byte_end(end);
            }
            push_word(text, start_b, end_b, out);
            pos = end;
        } else {
            let mut end = pos + 1;
            if c == '.' || is_hyphen(c) {
                while end < n && chars[end].1 == c {
                    end += 1;
                }
            }
            out.push(Token {
                start: chars[pos].0,
                end: byte_end(end),
            });
            pos = end;
        }
    }
}

fn is_abbreviation(word: &str) -> bool {
    if ABBREVIATIONS.contains(&word) {
        return true;
    }
    let mut chars = word.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return c.is_uppercase();
    }
    // Letter-dot sequences: U.S, e.g, U.K, Ph.D
    word.contains('.')
        && word.split('.').all(|seg| {
            !seg.is_empty() && seg.chars().count() <= 2 && seg.chars().all(char::is_alphabetic)
        })
}

/// Push a word, splitting off a clitic (`'s`, `n't`, ...) when it has one.
fn push_word(text: &str, start: usize, end: usize, out: &mut Vec<Token>) {
    let w = &text[start..end];
    if let Some(split) = clitic_split(w) {
        if split > 0 && split < w.len() {
            out.push(Token {
                start,
                end: start + split,
            });
            out.push(Token {
                start: start + split,
                end,
            });
            return;
        }
    }
    out.push(Token { start, end });
}

/// Byte offset inside `w` where a clitic starts, if `w` ends with one.
fn clitic_split(w: &str) -> Option<usize> {
    let (apos_at, apos) = w.char_indices().rev().find(|&(_, c)| is_apostrophe(c))?;
    let suffix = &w[apos_at + apos.len_utf8()..];
    let before = &w[..apos_at];
    if suffix.eq_ignore_ascii_case("t") && (before.ends_with('n') || before.ends_with('N')) {
        // don't -> do n't ; but "n't" alone is not split.
        let n_at = apos_at - 1;
        return (n_at > 0).then_some(n_at);
    }
    let is_clitic = ["s", "re", "ve", "ll", "d", "m"]
        .iter()
        .any(|c| suffix.eq_ignore_ascii_case(c));
    (is_clitic && apos_at > 0).then_some(apos_at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<&str> {
        let ts = tokenize(text);
        for t in &ts {
            assert!(t.start < t.end, "empty token in {text:?}");
            assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
            assert!(!text[t.start..t.end].chars().any(char::is_whitespace));
        }
        for w in ts.windows(2) {
            assert!(w[0].end <= w[1].start, "overlap in {text:?}");
        }
        ts.iter().map(|t| &text[t.start..t.end]).collect()
    }

    #[test]
    fn punctuation_and_possessive() {
        assert_eq!(
            toks("South Korea's army (ROK) said: \"no.\""),
            ["South", "Korea", "'s", "army", "(", "ROK", ")", "said", ":", "\"", "no", ".", "\""]
        );
    }

    #[test]
    fn abbreviations_stay_whole() {
        assert_eq!(
            toks("the U.S. and U.N. envoys"),
            ["the", "U.S.", "and", "U.N.", "envoys"]
        );
        assert_eq!(
            toks("Mr. Kim met Dr. Lee."),
            ["Mr.", "Kim", "met", "Dr.", "Lee", "."]
        );
        assert_eq!(toks("It ended."), ["It", "ended", "."]);
    }

    #[test]
    fn hyphenated_names_and_codes() {
        assert_eq!(
            toks("Cho Tae-yul saw a Hwasong-19 and KN-23 missiles."),
            [
                "Cho",
                "Tae-yul",
                "saw",
                "a",
                "Hwasong-19",
                "and",
                "KN-23",
                "missiles",
                "."
            ]
        );
        assert_eq!(toks("a -- b"), ["a", "--", "b"]);
        assert_eq!(toks("well-"), ["well", "-"]);
    }

    #[test]
    fn numbers() {
        assert_eq!(
            toks("10,000 troops, 3.5 percent, $5 and 7% on 1996-08-22 at 10:30."),
            [
                "10,000",
                "troops",
                ",",
                "3.5",
                "percent",
                ",",
                "$",
                "5",
                "and",
                "7",
                "%",
                "on",
                "1996-08-22",
                "at",
                "10:30",
                "."
            ]
        );
        assert_eq!(toks("1,2,3"), ["1,2,3"]);
        assert_eq!(toks("a,b"), ["a", ",", "b"]);
    }

    #[test]
    fn curly_quotes() {
        assert_eq!(
            toks("“We won’t stop,” Ukraine’s leader said."),
            [
                "“", "We", "wo", "n’t", "stop", ",", "”", "Ukraine", "’s", "leader", "said", "."
            ]
        );
        assert_eq!(
            toks("O’Brien’s ministers’ plan"),
            ["O’Brien", "’s", "ministers", "’", "plan"]
        );
    }

    #[test]
    fn offsets_round_trip_and_odd_input() {
        for text in [
            "",
            "   ",
            "\u{200B}a\u{FEFF}b",
            "Zürich’s café-bar — 北京 🚀!!",
            "'s n't ' . .. -",
            "e\u{301}te\u{301}",
            "x.",
            "A.",
        ] {
            let ts = toks(text);
            let joined: String = text.chars().filter(|c| !is_separator(*c)).collect();
            assert_eq!(ts.concat(), joined, "{text:?}");
        }
        assert_eq!(
            toks("Zürich’s café-bar — 北京"),
            ["Zürich", "’s", "café-bar", "—", "北京"]
        );
    }
}
