//! The query language: a small recursive-descent parser from text to a syntax tree ([`Node`]).
//! Compiling the tree to tantivy queries is in `compile.rs`. See the crate README for the
//! language; positions in errors are character offsets into the query.

use std::fmt;
use std::ops::Bound;

use sitrep_core::model::{EventStatus, PloverType};

use crate::SearchError;

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 2000;
/// Most clauses (terms, phrases, ranges, NEAR operands) in one query.
pub const MAX_CLAUSES: usize = 64;
/// Largest fuzzy distance.
pub const MAX_FUZZY: u8 = 2;
/// Fewest characters before `*`.
pub const MIN_PREFIX: usize = 2;
/// Largest N in `NEAR/N` (words) and `NEAR/Ns` (sentences).
pub const MAX_NEAR_WORDS: u32 = 32;
pub const MAX_NEAR_SENTENCES: u32 = 10;
/// Most words in one NEAR operand.
pub const MAX_NEAR_OPERAND_WORDS: usize = 8;
/// Largest phrase slop.
pub const MAX_SLOP: u32 = 32;

/// A field a clause can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldName {
    Title,
    Text,
    Id,
    Source,
    Entity,
    Actor,
    Recipient,
    Type,
    Cameo,
    Status,
    Lang,
    Published,
    Date,
    Story,
}

/// The names fields go by in queries (`source:` also answers to `outlet:`).
pub const FIELDS: &[(&str, FieldName)] = &[
    ("title", FieldName::Title),
    ("text", FieldName::Text),
    ("id", FieldName::Id),
    ("source", FieldName::Source),
    ("outlet", FieldName::Source),
    ("entity", FieldName::Entity),
    ("actor", FieldName::Actor),
    ("recipient", FieldName::Recipient),
    ("type", FieldName::Type),
    ("cameo", FieldName::Cameo),
    ("status", FieldName::Status),
    ("lang", FieldName::Lang),
    ("published", FieldName::Published),
    ("date", FieldName::Date),
    ("story", FieldName::Story),
];

impl FieldName {
    pub fn name(&self) -> &'static str {
        FIELDS
            .iter()
            .find(|(_, f)| f == self)
            .map(|(n, _)| *n)
            .expect("every field has a name")
    }
    fn parse(s: &str) -> Option<FieldName> {
        FIELDS
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(s))
            .map(|(_, f)| *f)
    }
    /// Fields searched word by word (the analyzed text fields).
    pub fn is_text(&self) -> bool {
        matches!(self, FieldName::Title | FieldName::Text)
    }
    fn is_date(&self) -> bool {
        matches!(self, FieldName::Published | FieldName::Date)
    }
}

/// How NEAR measures distance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NearUnit {
    /// `NEAR/N`: at most N words apart (adjacent words are 1 apart), either order, one sentence.
    Words,
    /// `NEAR/Ns`: in sentences at most N-1 apart (`NEAR/1s`: the same sentence).
    Sentences,
}

/// The syntax tree of a query.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    /// A word (or, when the analyzer splits it, several words searched as a phrase).
    /// `field` None means the default fields (title and text).
    Term {
        field: Option<FieldName>,
        text: String,
        at: usize,
        /// Edit distance for `term~N` (0: exact).
        fuzzy: u8,
        /// `term*`
        prefix: bool,
    },
    Phrase {
        field: Option<FieldName>,
        text: String,
        slop: u32,
        at: usize,
    },
    /// Days, inclusive or exclusive at each end (dates as written: a day, month or year).
    Range {
        field: FieldName,
        lo: Bound<String>,
        hi: Bound<String>,
        at: usize,
    },
    Near {
        a: Box<Node>,
        b: Box<Node>,
        n: u32,
        unit: NearUnit,
        at: usize,
    },
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let field = |f: &mut fmt::Formatter<'_>, fl: &Option<FieldName>| match fl {
            Some(x) => write!(f, "{}:", x.name()),
            None => Ok(()),
        };
        match self {
            Node::And(v) | Node::Or(v) => {
                write!(
                    f,
                    "({}",
                    if matches!(self, Node::And(_)) {
                        "AND"
                    } else {
                        "OR"
                    }
                )?;
                for n in v {
                    write!(f, " {n}")?;
                }
                write!(f, ")")
            }
            Node::Not(n) => write!(f, "(NOT {n})"),
            Node::Term {
                field: fl,
                text,
                fuzzy,
                prefix,
                ..
            } => {
                field(f, fl)?;
                write!(f, "{text}")?;
                if *fuzzy > 0 {
                    write!(f, "~{fuzzy}")?;
                }
                if *prefix {
                    write!(f, "*")?;
                }
                Ok(())
            }
            Node::Phrase {
                field: fl,
                text,
                slop,
                ..
            } => {
                field(f, fl)?;
                write!(f, "\"{text}\"")?;
                if *slop > 0 {
                    write!(f, "~{slop}")?;
                }
                Ok(())
            }
            Node::Range { field, lo, hi, .. } => {
                let (lb, lv) = match lo {
                    Bound::Included(v) => ('[', v.as_str()),
                    Bound::Excluded(v) => ('{', v.as_str()),
                    Bound::Unbounded => ('[', "*"),
                };
                let (hb, hv) = match hi {
                    Bound::Included(v) => (']', v.as_str()),
                    Bound::Excluded(v) => ('}', v.as_str()),
                    Bound::Unbounded => (']', "*"),
                };
                write!(f, "{}:{lb}{lv} TO {hv}{hb}", field.name())
            }
            Node::Near { a, b, n, unit, .. } => {
                let s = if *unit == NearUnit::Sentences {
                    "s"
                } else {
                    ""
                };
                write!(f, "(NEAR/{n}{s} {a} {b})")
            }
        }
    }
}

fn err<T>(at: usize, message: impl Into<String>) -> Result<T, SearchError> {
    Err(SearchError::Query {
        message: message.into(),
        at,
    })
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    LParen,
    RParen,
    And,
    Or,
    Not,
    Minus,
    Plus,
    Near(u32, NearUnit),
    /// `name:` (a field name followed by a colon).
    Field(String),
    Word(String),
    Phrase(String, Option<u32>),
    Range {
        lo: Bound<String>,
        hi: Bound<String>,
    },
}

fn is_special(c: char) -> bool {
    c.is_whitespace() || matches!(c, '(' | ')' | '"')
}

fn lex(q: &[char]) -> Result<Vec<(Tok, usize)>, SearchError> {
    let mut out = Vec::new();
    let mut i = 0;
    // True right after `field:`: the next word is a value (its colons are its own).
    let mut value_next = false;
    while i < q.len() {
        let c = q[i];
        if c.is_whitespace() {
            i += 1;
            value_next = false;
            continue;
        }
        let at = i;
        match c {
            '(' => {
                out.push((Tok::LParen, at));
                i += 1;
                value_next = false;
                continue;
            }
            ')' => {
                out.push((Tok::RParen, at));
                i += 1;
                continue;
            }
            '"' => {
                let mut j = i + 1;
                let mut text = String::new();
                while j < q.len() && q[j] != '"' {
                    if q[j] == '\\' && j + 1 < q.len() {
                        j += 1;
                    }
                    text.push(q[j]);
                    j += 1;
                }
                if j >= q.len() {
                    return err(at, "unclosed quote: add '\"' at the end of the phrase");
                }
                j += 1;
                let mut slop = None;
                if j < q.len() && q[j] == '~' {
                    let k0 = j + 1;
                    let mut k = k0;
                    while k < q.len() && q[k].is_ascii_digit() {
                        k += 1;
                    }
                    if k == k0 {
                        return err(j, "a phrase slop needs a number: \"a b\"~2");
                    }
                    let n: u32 = q[k0..k]
                        .iter()
                        .collect::<String>()
                        .parse()
                        .unwrap_or(u32::MAX);
                    if n > MAX_SLOP {
                        return err(
                            j,
                            format!("phrase slop {n} is too large; use at most ~{MAX_SLOP}"),
                        );
                    }
                    slop = Some(n);
                    j = k;
                }
                out.push((Tok::Phrase(text, slop), at));
                i = j;
                value_next = false;
                continue;
            }
            '[' | '{' if value_next => {
                let mut j = i + 1;
                while j < q.len() && q[j] != ']' && q[j] != '}' {
                    j += 1;
                }
                if j >= q.len() {
                    return err(
                        at,
                        "unclosed range: end it with ']' (or '}' to exclude the end)",
                    );
                }
                let inner: String = q[i + 1..j].iter().collect();
                let parts: Vec<&str> = inner.split_whitespace().collect();
                if parts.len() != 3 || parts[1] != "TO" {
                    return err(
                        at,
                        "a range is [FROM TO UNTIL], e.g. [2024-10-01 TO 2024-11-30] (* for an open end)",
                    );
                }
                let bound = |v: &str, incl: bool| {
                    if v == "*" {
                        Bound::Unbounded
                    } else if incl {
                        Bound::Included(v.to_string())
                    } else {
                        Bound::Excluded(v.to_string())
                    }
                };
                out.push((
                    Tok::Range {
                        lo: bound(parts[0], c == '['),
                        hi: bound(parts[2], q[j] == ']'),
                    },
                    at,
                ));
                i = j + 1;
                value_next = false;
                continue;
            }
            '[' | '{' | ']' | '}' => {
                return err(
                    at,
                    format!("'{c}' only opens or closes a range after a field, as in published:[2024-10-01 TO 2024-11-30]; quote it to search for it"),
                );
            }
            '-' | '+' if !value_next && i + 1 < q.len() && !q[i + 1].is_whitespace() => {
                out.push((if c == '-' { Tok::Minus } else { Tok::Plus }, at));
                i += 1;
                continue;
            }
            _ => {}
        }
        // A word, up to white space, a parenthesis or a quote; `name:` ends it as a field.
        let mut text = String::new();
        let mut j = i;
        let mut field = None;
        while j < q.len() && !is_special(q[j]) {
            if q[j] == '\\' && j + 1 < q.len() {
                text.push(q[j + 1]);
                j += 2;
                continue;
            }
            if q[j] == ':'
                && !value_next
                && !text.is_empty()
                && text.chars().all(|c| c.is_ascii_alphabetic() || c == '_')
            {
                field = Some(text.clone());
                j += 1;
                break;
            }
            text.push(q[j]);
            j += 1;
        }
        i = j;
        if let Some(f) = field {
            out.push((Tok::Field(f), at));
            value_next = true;
            continue;
        }
        value_next = false;
        let tok = match text.as_str() {
            "AND" | "&&" => Tok::And,
            "OR" | "||" => Tok::Or,
            "NOT" => Tok::Not,
            t if t.starts_with("NEAR/") => {
                let spec = &t[5..];
                let (num, unit) = match spec.strip_suffix('s') {
                    Some(n) => (n, NearUnit::Sentences),
                    None => (spec, NearUnit::Words),
                };
                let Ok(n) = num.parse::<u32>() else {
                    return err(
                        at,
                        "NEAR takes a distance: NEAR/3 (words) or NEAR/1s (same sentence)",
                    );
                };
                let max = match unit {
                    NearUnit::Words => MAX_NEAR_WORDS,
                    NearUnit::Sentences => MAX_NEAR_SENTENCES,
                };
                if n == 0 || n > max {
                    let what = if unit == NearUnit::Words { "" } else { "s" };
                    return err(
                        at,
                        format!("NEAR distance {n} is out of range; use NEAR/1{what} to NEAR/{max}{what}"),
                    );
                }
                Tok::Near(n, unit)
            }
            "NEAR" => {
                return err(
                    at,
                    "NEAR takes a distance: NEAR/3 (words) or NEAR/1s (same sentence)",
                );
            }
            _ => Tok::Word(text),
        };
        out.push((tok, at));
    }
    Ok(out)
}

struct Parser<'a> {
    toks: &'a [(Tok, usize)],
    pos: usize,
    end: usize,
    clauses: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.0)
    }
    fn at(&self) -> usize {
        self.toks.get(self.pos).map(|t| t.1).unwrap_or(self.end)
    }

    fn clause(&mut self, at: usize) -> Result<(), SearchError> {
        self.clauses += 1;
        if self.clauses > MAX_CLAUSES {
            return err(
                at,
                format!("too many clauses: a query may have at most {MAX_CLAUSES} terms, phrases and ranges"),
            );
        }
        Ok(())
    }

    fn or(&mut self, field: Option<FieldName>) -> Result<Node, SearchError> {
        let mut items = vec![self.and(field)?];
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            items.push(self.and(field)?);
        }
        Ok(if items.len() == 1 {
            items.pop().expect("one")
        } else {
            Node::Or(items)
        })
    }

    fn and(&mut self, field: Option<FieldName>) -> Result<Node, SearchError> {
        let mut items = vec![self.unary(field)?];
        loop {
            match self.peek() {
                None | Some(Tok::Or) | Some(Tok::RParen) => break,
                Some(Tok::And) => {
                    self.pos += 1;
                    items.push(self.unary(field)?);
                }
                Some(_) => items.push(self.unary(field)?),
            }
        }
        Ok(if items.len() == 1 {
            items.pop().expect("one")
        } else {
            Node::And(items)
        })
    }

    fn unary(&mut self, field: Option<FieldName>) -> Result<Node, SearchError> {
        match self.peek() {
            Some(Tok::Not) | Some(Tok::Minus) => {
                self.pos += 1;
                Ok(Node::Not(Box::new(self.unary(field)?)))
            }
            Some(Tok::Plus) => {
                self.pos += 1;
                self.unary(field)
            }
            _ => self.near(field),
        }
    }

    fn near(&mut self, field: Option<FieldName>) -> Result<Node, SearchError> {
        let a = self.primary(field)?;
        let Some(Tok::Near(n, unit)) = self.peek().cloned() else {
            return Ok(a);
        };
        let at = self.at();
        self.pos += 1;
        let b = self.primary(field)?;
        for x in [&a, &b] {
            near_operand(x, at)?;
        }
        if let Some(Tok::Near(..)) = self.peek() {
            return err(
                self.at(),
                "NEAR joins two terms or phrases; for more, join NEAR clauses with AND",
            );
        }
        Ok(Node::Near {
            a: Box::new(a),
            b: Box::new(b),
            n,
            unit,
            at,
        })
    }

    fn primary(&mut self, field: Option<FieldName>) -> Result<Node, SearchError> {
        let at = self.at();
        let Some(tok) = self.peek().cloned() else {
            let message = if self.pos == 0 {
                "empty query: type a word, a \"phrase\" or field:value".to_string()
            } else {
                let prev = match &self.toks[self.pos - 1].0 {
                    Tok::And => "'AND'",
                    Tok::Or => "'OR'",
                    Tok::Not => "'NOT'",
                    Tok::Near(..) => "NEAR",
                    Tok::Minus => "'-'",
                    Tok::Plus => "'+'",
                    Tok::Field(_) => "the field name",
                    _ => "this",
                };
                format!("the query ends after {prev}: add a term after it or remove it")
            };
            return err(at, message);
        };
        self.pos += 1;
        match tok {
            Tok::LParen => {
                if self.peek() == Some(&Tok::RParen) {
                    return err(at, "empty parentheses: put a term inside or remove them");
                }
                let inner = self.or(field)?;
                if self.peek() != Some(&Tok::RParen) {
                    return err(at, "unbalanced parenthesis: add ')' to close this '('");
                }
                self.pos += 1;
                Ok(inner)
            }
            Tok::RParen => err(
                at,
                "unbalanced parenthesis: remove this ')' or add '(' before it",
            ),
            Tok::And | Tok::Or => err(
                at,
                format!(
                    "'{}' needs a term on each side",
                    if tok == Tok::And { "AND" } else { "OR" }
                ),
            ),
            Tok::Near(..) => err(at, "NEAR needs a term or phrase on each side"),
            Tok::Not | Tok::Minus | Tok::Plus => {
                err(at, "NOT, '-' and '+' go before a term, not inside NEAR")
            }
            Tok::Range { .. } => err(
                at,
                "a range needs a date field: published:[A TO B] or date:[A TO B]",
            ),
            Tok::Field(name) => {
                let Some(f) = FieldName::parse(&name) else {
                    let names: Vec<&str> = FIELDS.iter().map(|(n, _)| *n).collect();
                    return err(
                        at,
                        format!("unknown field '{name}'; fields are: {}", names.join(", ")),
                    );
                };
                self.field_value(f, at)
            }
            Tok::Word(w) => self.word(field, w, at),
            Tok::Phrase(text, slop) => {
                self.clause(at)?;
                if let Some(f) = field {
                    check_value(f, &text, at)?;
                    if f.is_date() {
                        return date_node(f, &text, at);
                    }
                }
                if text.trim().is_empty() {
                    return err(at, "empty phrase: put words between the quotes");
                }
                Ok(Node::Phrase {
                    field,
                    text,
                    slop: slop.unwrap_or(0),
                    at,
                })
            }
        }
    }

    fn field_value(&mut self, f: FieldName, field_at: usize) -> Result<Node, SearchError> {
        let at = self.at();
        match self.peek().cloned() {
            None => err(
                field_at,
                format!("'{}:' needs a value, as in {}", f.name(), example(f)),
            ),
            Some(Tok::LParen) => self.primary(Some(f)),
            Some(Tok::Phrase(..)) | Some(Tok::Word(_)) => self.primary(Some(f)),
            Some(Tok::Range { lo, hi }) => {
                self.pos += 1;
                self.clause(at)?;
                if !f.is_date() {
                    return err(
                        at,
                        format!("ranges work on published: and date:, not on {}:", f.name()),
                    );
                }
                for b in [&lo, &hi] {
                    if let Bound::Included(v) | Bound::Excluded(v) = b {
                        if crate::schema::day_span(v).is_none() {
                            return err(at, bad_date(f, v));
                        }
                    }
                }
                Ok(Node::Range {
                    field: f,
                    lo,
                    hi,
                    at,
                })
            }
            Some(_) => err(
                field_at,
                format!(
                    "'{}:' needs a value right after the colon, as in {}",
                    f.name(),
                    example(f)
                ),
            ),
        }
    }

    fn word(
        &mut self,
        field: Option<FieldName>,
        w: String,
        at: usize,
    ) -> Result<Node, SearchError> {
        self.clause(at)?;
        let mut text = w.as_str();
        let mut fuzzy = 0u8;
        let mut prefix = false;
        if let Some(i) = text.rfind('~') {
            let d = &text[i + 1..];
            if d.is_empty() {
                fuzzy = MAX_FUZZY;
            } else {
                let Ok(n) = d.parse::<u32>() else {
                    return err(at, format!("'~' takes a distance, as in {}~1", &text[..i]));
                };
                if n > MAX_FUZZY as u32 {
                    return err(
                        at + text[..i].chars().count(),
                        format!("fuzzy distance {n} is too large; use ~1 or ~2"),
                    );
                }
                if n == 0 {
                    return err(at, "fuzzy distance 0 is an exact match; drop the '~0'");
                }
                fuzzy = n as u8;
            }
            text = &text[..i];
        }
        if let Some(stem) = text.strip_suffix('*') {
            if fuzzy > 0 {
                return err(at, "a term is fuzzy (~) or a prefix (*), not both");
            }
            if stem.chars().count() < MIN_PREFIX {
                return err(
                    at,
                    format!(
                        "prefix '{text}' is too short: give at least {MIN_PREFIX} characters before '*'"
                    ),
                );
            }
            prefix = true;
            text = stem;
        }
        if let Some(i) = text.find(['*', '?']) {
            return err(
                at + text[..i].chars().count(),
                "wildcards work only at the end of a word (prefix*); quote the word to search for the character",
            );
        }
        if text.is_empty() {
            return err(at, "'~' needs a word before it, as in Kursk~1");
        }
        if let Some(f) = field {
            check_value(f, text, at)?;
            if f.is_date() {
                if fuzzy > 0 || prefix {
                    return err(
                        at,
                        format!("{}: takes a date, not a fuzzy or prefix term", f.name()),
                    );
                }
                return date_node(f, text, at);
            }
            if f == FieldName::Story && (fuzzy > 0 || prefix) {
                return err(at, "story: takes a story number");
            }
        }
        Ok(Node::Term {
            field,
            text: text.to_string(),
            at,
            fuzzy,
            prefix,
        })
    }
}

fn example(f: FieldName) -> &'static str {
    match f {
        FieldName::Title => "title:Kursk",
        FieldName::Text => "text:\"North Korea\"",
        FieldName::Id => "id:ex-kursk-2024-08",
        FieldName::Source => "source:cnn.com",
        FieldName::Entity => "entity:PRK or entity:\"Kim Jong Un\"",
        FieldName::Actor => "actor:PRK",
        FieldName::Recipient => "recipient:UKR",
        FieldName::Type => "type:ASSAULT",
        FieldName::Cameo => "cameo:190",
        FieldName::Status => "status:asserted",
        FieldName::Lang => "lang:en",
        FieldName::Published => "published:2024-10 or published:[2024-10-01 TO 2024-11-30]",
        FieldName::Date => "date:2024-10-31 or date:[2024-10-01 TO 2024-11-30]",
        FieldName::Story => "story:12",
    }
}

fn bad_date(f: FieldName, v: &str) -> String {
    format!(
        "'{v}' is not a date; {}: takes 2024-10-01, 2024-10 (a month), 2024 (a year) or a range [2024-10-01 TO 2024-11-30]",
        f.name()
    )
}

/// Values a field refuses outright.
fn check_value(f: FieldName, v: &str, at: usize) -> Result<(), SearchError> {
    match f {
        FieldName::Type if PloverType::parse(v).is_none() => {
            let names: Vec<&str> = PloverType::ALL.iter().map(|t| t.as_str()).collect();
            err(
                at,
                format!("unknown event type '{v}'; types are: {}", names.join(", ")),
            )
        }
        FieldName::Status if EventStatus::parse(v).is_none() => err(
            at,
            format!("unknown status '{v}'; use asserted, denied, hedged, demanded or planned"),
        ),
        FieldName::Story if v.parse::<u32>().is_err() => {
            err(at, format!("story: takes a story number, got '{v}'"))
        }
        FieldName::Published | FieldName::Date if crate::schema::day_span(v).is_none() => {
            err(at, bad_date(f, v))
        }
        _ => Ok(()),
    }
}

/// `published:2024-10` means the whole month: an inclusive range of its days.
fn date_node(f: FieldName, v: &str, at: usize) -> Result<Node, SearchError> {
    Ok(Node::Range {
        field: f,
        lo: Bound::Included(v.to_string()),
        hi: Bound::Included(v.to_string()),
        at,
    })
}

fn near_operand(n: &Node, at: usize) -> Result<(), SearchError> {
    let ok = match n {
        Node::Term {
            field,
            fuzzy,
            prefix,
            ..
        } => *fuzzy == 0 && !prefix && matches!(field, None | Some(FieldName::Text)),
        Node::Phrase { field, slop, .. } => {
            *slop == 0 && matches!(field, None | Some(FieldName::Text))
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        err(
            at,
            "NEAR joins two plain terms or \"phrases\" of the text (no fields, fuzzy, prefixes, slop or groups)",
        )
    }
}

/// Parse a query into its syntax tree.
pub fn parse(query: &str) -> Result<Node, SearchError> {
    let chars: Vec<char> = query.chars().collect();
    if chars.len() > MAX_QUERY_CHARS {
        return err(
            MAX_QUERY_CHARS,
            format!(
                "query too long: {} characters; the limit is {MAX_QUERY_CHARS}",
                chars.len()
            ),
        );
    }
    let toks = lex(&chars)?;
    let mut p = Parser {
        toks: &toks,
        pos: 0,
        end: chars.len(),
        clauses: 0,
    };
    let node = p.or(None)?;
    if p.pos < toks.len() {
        // Only a stray ')' stops the top level early.
        return err(
            p.at(),
            "unbalanced parenthesis: remove this ')' or add '(' before it",
        );
    }
    Ok(node)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(q: &str) -> String {
        match parse(q) {
            Ok(n) => n.to_string(),
            Err(e) => panic!("{q}: {e}"),
        }
    }

    fn e(q: &str) -> (String, usize) {
        match parse(q) {
            Ok(n) => panic!("{q} parsed as {n}"),
            Err(SearchError::Query { message, at }) => (message, at),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn structure() {
        assert_eq!(p("kursk"), "kursk");
        assert_eq!(p("north korea"), "(AND north korea)", "implicit AND");
        assert_eq!(p("a AND b OR c"), "(OR (AND a b) c)", "AND binds tighter");
        assert_eq!(p("a OR b c"), "(OR a (AND b c))");
        assert_eq!(p("a (b OR c)"), "(AND a (OR b c))");
        assert_eq!(p("a NOT b -c +d"), "(AND a (NOT b) (NOT c) d)");
        assert_eq!(p("NOT NOT a"), "(NOT (NOT a))");
        assert_eq!(
            p("\"North Korea\"~2 troops"),
            "(AND \"North Korea\"~2 troops)"
        );
        assert_eq!(
            p("entity:PRK source:cnn.com"),
            "(AND entity:PRK source:cnn.com)"
        );
        assert_eq!(p("entity:\"Kim Jong Un\""), "entity:\"Kim Jong Un\"");
        assert_eq!(p("entity:(PRK OR RUS)"), "(OR entity:PRK entity:RUS)");
        assert_eq!(p("entity:geonames:123"), "entity:geonames:123");
        assert_eq!(p("Type:assault"), "type:assault");
        assert_eq!(
            p("published:[2024-10-01 TO 2024-11-30]"),
            "published:[2024-10-01 TO 2024-11-30]"
        );
        assert_eq!(p("date:{2024-10 TO *]"), "date:{2024-10 TO *]");
        assert_eq!(p("published:2024-10"), "published:[2024-10 TO 2024-10]");
        assert_eq!(p("kursk~1 missil*"), "(AND kursk~1 missil*)");
        assert_eq!(p("kursk~"), "kursk~2");
        assert_eq!(
            p("\"North Korea\" NEAR/1s Kursk"),
            "(NEAR/1s \"North Korea\" Kursk)"
        );
        assert_eq!(
            p("troops NEAR/3 Kursk OR x"),
            "(OR (NEAR/3 troops Kursk) x)"
        );
        assert_eq!(
            p("10:30 U.S."),
            "(AND 10:30 U.S.)",
            "colons after digits are words"
        );
        assert_eq!(p("a && b || c"), "(OR (AND a b) c)");
        assert_eq!(p("well-known"), "well-known", "a dash inside a word stays");
        assert_eq!(p("story:12"), "story:12");
    }

    #[test]
    fn errors_say_what_to_fix_and_where() {
        let (m, at) = e("(a OR b");
        assert!(m.contains("add ')'"), "{m}");
        assert_eq!(at, 0);
        let (m, at) = e("a OR b)");
        assert!(m.contains("remove this ')'"), "{m}");
        assert_eq!(at, 6);
        let (m, at) = e("entiy:PRK");
        assert!(
            m.contains("unknown field 'entiy'; fields are: title, text"),
            "{m}"
        );
        assert_eq!(at, 0);
        let (m, at) = e("troops kursk~3");
        assert_eq!(m, "fuzzy distance 3 is too large; use ~1 or ~2");
        assert_eq!(at, 12);
        let (m, _) = e("   ");
        assert!(m.starts_with("empty query"), "{m}");
        let (m, at) = e("a AND");
        assert!(m.contains("ends after 'AND'"), "{m}");
        assert_eq!(at, 5);
        let (m, at) = e("x \"North Korea");
        assert!(m.contains("unclosed quote"), "{m}");
        assert_eq!(at, 2);
        let (m, at) = e("a*");
        assert!(m.contains("too short"), "{m}");
        assert_eq!(at, 0);
        let (m, _) = e("ko*ea");
        assert!(m.contains("only at the end"), "{m}");
        let (m, at) = e("published:[2024-10-01 TO]");
        assert!(m.contains("[FROM TO UNTIL]"), "{m}");
        assert_eq!(at, 10);
        let (m, _) = e("published:[2024-13-01 TO *]");
        assert!(m.contains("not a date"), "{m}");
        let (m, _) = e("published:yesterday");
        assert!(m.contains("not a date"), "{m}");
        let (m, _) = e("source:[a TO b]");
        assert!(m.contains("ranges work on published: and date:"), "{m}");
        let (m, _) = e("type:BOMB");
        assert!(
            m.contains("unknown event type 'BOMB'; types are: AGREE"),
            "{m}"
        );
        let (m, _) = e("status:rumoured");
        assert!(m.contains("unknown status"), "{m}");
        let (m, _) = e("story:abc");
        assert!(m.contains("story number"), "{m}");
        let (m, at) = e("a NEAR/0s b");
        assert!(m.contains("out of range"), "{m}");
        assert_eq!(at, 2);
        let (m, _) = e("a NEAR/99 b");
        assert!(m.contains("NEAR/1 to NEAR/32"), "{m}");
        let (m, _) = e("a NEAR b");
        assert!(m.contains("takes a distance"), "{m}");
        let (m, at) = e("(a OR b) NEAR/1s c");
        assert!(m.contains("NEAR joins two plain terms"), "{m}");
        assert_eq!(at, 9);
        let (m, _) = e("kursk~1 NEAR/1s c");
        assert!(m.contains("NEAR joins"), "{m}");
        let (m, _) = e("entity:PRK NEAR/1s c");
        assert!(m.contains("NEAR joins"), "{m}");
        let (m, _) = e("a NEAR/1s b NEAR/1s c");
        assert!(m.contains("join NEAR clauses with AND"), "{m}");
        let (m, _) = e("a OR OR b");
        assert!(m.contains("'OR' needs a term"), "{m}");
        let (m, _) = e("()");
        assert!(m.contains("empty parentheses"), "{m}");
        let (m, _) = e("entity:");
        assert!(m.contains("needs a value"), "{m}");
        let (m, _) = e("\"\"");
        assert!(m.contains("empty phrase"), "{m}");
        let (m, _) = e("a ]");
        assert!(m.contains("range"), "{m}");
    }

    #[test]
    fn limits() {
        let long = "a ".repeat(1001);
        let (m, at) = e(&long);
        assert!(m.contains("the limit is 2000"), "{m}");
        assert_eq!(at, 2000);
        let many = vec!["w"; 65].join(" ");
        let (m, at) = e(&many);
        assert!(m.contains("at most 64"), "{m}");
        assert_eq!(at, 128);
        assert!(parse(&vec!["w"; 64].join(" ")).is_ok());
        let (m, _) = e("\"a b\"~99");
        assert!(m.contains("too large"), "{m}");
    }
}
