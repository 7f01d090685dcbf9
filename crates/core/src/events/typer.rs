//! Event typer: a trained classifier for the type of the event that links a marked source and
//! target in a sentence (the PLV task: "<s>Iran</s> condemned <t>the decision</t>" -> ACCUSE).
//!
//! It follows the named-entity tagger's approach ([`crate::ner`]): hashed sparse features
//! (40-bit keys of a template id and the strings it looks at), a linear model trained in Rust
//! with a fixed seed, weights quantised to `i16` and a compact, versioned, deflate-compressed
//! file. The model is multinomial logistic regression with L2, trained by SGD with iterate
//! averaging (an averaged perceptron is available too, see [`Algo`]).
//!
//! Feature groups ([`Groups`]), all over the words of [`crate::tokenize`]:
//! - `SENTENCE`: lower-cased stems of every word of the sentence, at a lower value;
//! - `BETWEEN`: words, stems, 5-letter stem prefixes and stem bigrams between source and
//!   target, the first, first two and last stems between them, the stems conjoined with the
//!   order, and the first lower-case content word between them (most often the verb);
//! - `CONTEXT`: the three stems after the source and before the target (by position), the
//!   stems right after the target and right before the source;
//! - `ORDER`: source before or after the target, overlapping, or no target; and the distance;
//! - `CUES`: negation and modal words near the verb, each with the next content stem;
//! - `HEADS`: the head word of the source and target phrases (and whether it is capitalised),
//!   and their sector classes from a short word list (police -> COP, court -> JUD, troops ->
//!   MIL ...), alone and as a pair;
//! - `LEXICON`: the "rule features": CAMEO codes (the most specific pattern's, else the verb's
//!   own), CAMEO roots, PLOVER types ([`Lexicon::plover`]; alone, by region, by order, after a
//!   negation, for the first verb) and lemmas of the verbs that [`Lexicon::lookup`] finds
//!   between and around the pair, and the CAMEO roots and PLOVER types of the words of sitrep's
//!   own trigger table ([`super::triggers`], verbs and nouns such as "sanctions") there. They
//!   need a lexicon at training and prediction time; without one they are absent.
//!
//! Labels ([`Label`]) are the PLV set, PLOVER-2019: `YIELD` stands for PLOVER 2.0's CONCEDE or
//! RETREAT, see [`Label::to_plover`].
//!
//! File format (integers little-endian or LEB128 varints): the magic `SRTYP` plus a version
//! byte, then a deflate stream holding the label names, the feature groups, the value of
//! sentence features, the weight unit (`f32`), and the features (sorted 40-bit keys,
//! delta-coded, each with a bit mask of the labels it has a non-zero weight for and those `i16`
//! weights, zigzag-coded).

use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::OnceLock;

use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use flate2::Compression;

use super::lexicon::Lexicon;
use crate::model::PloverType;

/// Number of labels.
pub const NLABELS: usize = 15;

/// The PLV label set (PLOVER-2019 root types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Label {
    Agree,
    Consult,
    Support,
    Cooperate,
    Aid,
    Request,
    /// PLOVER-2019 YIELD: PLOVER 2.0's CONCEDE or RETREAT.
    Yield,
    Accuse,
    Reject,
    Threaten,
    Protest,
    Sanction,
    Mobilize,
    Coerce,
    Assault,
}

impl Label {
    /// All labels, in index order.
    pub const ALL: [Label; NLABELS] = [
        Label::Agree,
        Label::Consult,
        Label::Support,
        Label::Cooperate,
        Label::Aid,
        Label::Request,
        Label::Yield,
        Label::Accuse,
        Label::Reject,
        Label::Threaten,
        Label::Protest,
        Label::Sanction,
        Label::Mobilize,
        Label::Coerce,
        Label::Assault,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Label::Agree => "AGREE",
            Label::Consult => "CONSULT",
            Label::Support => "SUPPORT",
            Label::Cooperate => "COOPERATE",
            Label::Aid => "AID",
            Label::Request => "REQUEST",
            Label::Yield => "YIELD",
            Label::Accuse => "ACCUSE",
            Label::Reject => "REJECT",
            Label::Threaten => "THREATEN",
            Label::Protest => "PROTEST",
            Label::Sanction => "SANCTION",
            Label::Mobilize => "MOBILIZE",
            Label::Coerce => "COERCE",
            Label::Assault => "ASSAULT",
        }
    }

    /// Parse a label name, case-insensitively.
    pub fn parse(s: &str) -> Option<Label> {
        Label::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(s.trim()))
    }

    /// Position in [`Label::ALL`].
    pub fn index(&self) -> usize {
        *self as usize
    }

    /// The PLOVER 2.0 type, where there is exactly one (`None` for `YIELD`).
    pub fn plover(&self) -> Option<PloverType> {
        Some(match self {
            Label::Agree => PloverType::Agree,
            Label::Consult => PloverType::Consult,
            Label::Support => PloverType::Support,
            Label::Cooperate => PloverType::Cooperate,
            Label::Aid => PloverType::Aid,
            Label::Request => PloverType::Request,
            Label::Yield => return None,
            Label::Accuse => PloverType::Accuse,
            Label::Reject => PloverType::Reject,
            Label::Threaten => PloverType::Threaten,
            Label::Protest => PloverType::Protest,
            Label::Sanction => PloverType::Sanction,
            Label::Mobilize => PloverType::Mobilize,
            Label::Coerce => PloverType::Coerce,
            Label::Assault => PloverType::Assault,
        })
    }

    /// The PLOVER 2.0 type. `YIELD` becomes RETREAT or CONCEDE from `words` (the lower-case
    /// words around the event, for example from the source to the target): the first verb
    /// there whose code (its most specific pattern's, else its own) the lexicon maps to
    /// RETREAT or to CONCEDE decides, the bare YIELD codes `08`/`080` excepted; without such a
    /// verb (or without a lexicon), RETREAT when one of the words withdraw, pull out, retreat,
    /// release, free, return, hand over, leave, evacuate, disarm, demobilise, ceasefire, truce
    /// (any inflection) is there, else CONCEDE.
    pub fn to_plover(&self, words: &[&str], lexicon: Option<&Lexicon>) -> PloverType {
        if let Some(t) = self.plover() {
            return t;
        }
        if let Some(lex) = lexicon {
            for i in 0..words.len() {
                for m in lex.lookup(&words[i..]) {
                    let code = match_pattern(lex, m.verb, words, i, m.len)
                        .or_else(|| lex.default_code(m.verb).map(str::to_string));
                    let Some(code) = code else { continue };
                    match lex.plover(&code).and_then(|p| p.kind) {
                        Some(PloverType::Retreat) => return PloverType::Retreat,
                        // The bare YIELD codes say nothing either way.
                        Some(PloverType::Concede) if !matches!(code.as_str(), "08" | "080") => {
                            return PloverType::Concede
                        }
                        _ => {}
                    }
                }
            }
        }
        let retreat = words.iter().enumerate().any(|(i, w)| {
            let s = stem(&normalize(w));
            word_lists().retreat.contains(&s)
                || (matches!(s.as_str(), "pull" | "hand" | "move")
                    && matches!(
                        words.get(i + 1).map(|w| w.to_lowercase()).as_deref(),
                        Some("out" | "back" | "over")
                    ))
        });
        if retreat {
            PloverType::Retreat
        } else {
            PloverType::Concede
        }
    }
}

/// Feature groups, a bit set. Combine with `|`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Groups(pub u32);

impl Groups {
    pub const NONE: Groups = Groups(0);
    pub const SENTENCE: Groups = Groups(1);
    pub const BETWEEN: Groups = Groups(2);
    pub const CONTEXT: Groups = Groups(4);
    pub const ORDER: Groups = Groups(8);
    pub const CUES: Groups = Groups(16);
    pub const HEADS: Groups = Groups(32);
    pub const LEXICON: Groups = Groups(64);
    pub const ALL: Groups = Groups(127);

    pub fn contains(self, other: Groups) -> bool {
        self.0 & other.0 == other.0
    }
    pub fn without(self, other: Groups) -> Groups {
        Groups(self.0 & !other.0)
    }
}

impl std::ops::BitOr for Groups {
    type Output = Groups;
    fn bitor(self, rhs: Groups) -> Groups {
        Groups(self.0 | rhs.0)
    }
}

/// The learning algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algo {
    /// Multinomial logistic regression with L2, SGD with a decaying step and the average of
    /// the iterates over the second half of the epochs. Scores are probabilities.
    Logistic,
    /// Multiclass averaged perceptron. Scores are a softmax of the margins (less calibrated).
    Perceptron,
}

/// Training settings.
#[derive(Debug, Clone)]
pub struct TrainOptions<'a> {
    pub algo: Algo,
    /// Passes over the training data.
    pub epochs: usize,
    /// Seed of the shuffle before each epoch.
    pub seed: u64,
    /// L2 strength (per example, SGD's lambda).
    pub l2: f32,
    /// First SGD step; it decays as `eta0 / (1 + eta0 * l2 * t)`.
    pub eta0: f32,
    /// Feature groups to use.
    pub groups: Groups,
    /// Value of the whole-sentence features (the others are 1).
    pub sentence_weight: f32,
    /// Weight classes by `(n / (K n_class)) ^ class_balance`: 0 = none, 1 = inverse frequency.
    pub class_balance: f32,
    /// Drop a feature when none of its quantised weights reaches this magnitude (`i16` units;
    /// the largest weight is 32767).
    pub prune_below: i16,
    /// The verb lexicon for the `LEXICON` features; without one they are absent.
    pub lexicon: Option<&'a Lexicon>,
}

impl Default for TrainOptions<'_> {
    fn default() -> Self {
        TrainOptions {
            algo: Algo::Logistic,
            epochs: 30,
            seed: 1,
            l2: 3e-4,
            eta0: 0.2,
            groups: Groups::ALL,
            sentence_weight: 0.5,
            class_balance: 0.0,
            prune_below: 1,
            lexicon: None,
        }
    }
}

/// One training example: a sentence, the byte spans of the source and target in it (an empty
/// span means "not in the text"), and the gold label.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub text: String,
    pub source: (usize, usize),
    pub target: (usize, usize),
    pub label: Label,
}

/// Errors from reading or writing a typer model.
#[derive(Debug, thiserror::Error)]
pub enum TyperError {
    #[error("cannot read or write {path}: {message}")]
    Io { path: String, message: String },
    #[error("bad typer model file: {0}")]
    Format(String),
}

impl From<TyperError> for crate::Error {
    fn from(e: TyperError) -> Self {
        crate::Error::Model {
            name: "typer".into(),
            message: e.to_string(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Hashing (as in the NER tagger: splitmix64 mixing, 40-bit keys, never 0).

const KEY_BITS: u32 = 40;
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

#[inline]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[inline]
fn comb(h: u64, v: u64) -> u64 {
    mix(h.rotate_left(5) ^ v.wrapping_add(0x9e37_79b9_7f4a_7c15))
}

#[inline]
fn key(h: u64) -> u64 {
    (mix(h) >> (64 - KEY_BITS)).max(1)
}

fn hash_str(s: &str) -> u64 {
    let mut h = FNV_OFFSET;
    for b in s.bytes() {
        h = (h ^ b as u64).wrapping_mul(FNV_PRIME);
    }
    mix(h)
}

// ---------------------------------------------------------------------------------------------
// Words.

/// Lower-case a word with curly quotes, dashes and digits normalised (digits become `0`).
fn normalize(w: &str) -> String {
    let mut out = String::with_capacity(w.len());
    for c in w.chars() {
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' | '`' => {
                '\''
            }
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{00AB}' | '\u{00BB}' => '"',
            '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
            c if c.is_numeric() => '0',
            c => c,
        };
        out.extend(c.to_lowercase());
    }
    out
}

/// A crude suffix-stripping stem of a lower-case word: `attacks`, `attacked`, `attacking` ->
/// `attack`; `agrees`, `agreed`, `agreeing` -> `agre`; `banned` -> `ban`; `accuses` -> `accus`.
pub fn stem(w: &str) -> String {
    let n = w.chars().count();
    if n <= 3 || !w.chars().all(|c| c.is_alphabetic() || c == '-') {
        return w.to_string();
    }
    let mut s: String = if let Some(b) = w.strip_suffix("ies") {
        format!("{b}y")
    } else if let Some(b) = w.strip_suffix("ied") {
        format!("{b}y")
    } else if let Some(b) = w.strip_suffix("eed") {
        format!("{b}ee")
    } else if let Some(b) = w.strip_suffix("ing").filter(|b| b.chars().count() >= 3) {
        b.to_string()
    } else if let Some(b) = w.strip_suffix("ed").filter(|b| b.chars().count() >= 3) {
        b.to_string()
    } else if let Some(b) = w.strip_suffix("es") {
        if b.ends_with(['s', 'x', 'z']) || b.ends_with("ch") || b.ends_with("sh") {
            b.to_string()
        } else {
            format!("{b}e")
        }
    } else if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        w[..w.len() - 1].to_string()
    } else {
        w.to_string()
    };
    let b = s.as_bytes();
    if b.len() >= 4 {
        let (x, y) = (b[b.len() - 1], b[b.len() - 2]);
        if x == y && x.is_ascii_alphabetic() && !b"aeioulsz".contains(&x) {
            s.pop();
        }
    }
    if s.len() > 3 && s.ends_with('e') {
        s.pop();
    }
    s
}

const NEGATIONS: &[&str] = &["not", "n't", "no", "never", "without", "nor", "neither"];
const MODALS: &[&str] = &[
    "will", "would", "may", "might", "could", "should", "must", "shall", "can", "'ll",
];

/// Words skipped when looking for the content word after a cue.
const FUNCTION_WORDS: &str = "be been being is are was were have has had to the a an also yet \
    still even further immediately formally officially publicly reportedly allegedly later then now";

/// Words also skipped when looking for the verb between source and target.
const SKIP_FOR_VERB: &str = "on in at of and who which that said";

/// Sector word lists: the class of the words of a source or target phrase (compared by stem).
const SECTORS: &[(&str, &str)] = &[
    (
        "COP",
        "police policeman policemen officers investigators fbi ice immigration cops",
    ),
    (
        "JUD",
        "court judge tribunal prosecutors justice attorney lawyer barrister judicial",
    ),
    (
        "MIL",
        "military army troops soldiers forces navy warplanes jets marines peacekeepers \
         commander brigade units idf artillery airstrike strike missiles defense defence general",
    ),
    (
        "REB",
        "rebels militants fighters insurgents gunmen gunman bomber jihadists taliban militia \
         militias isis isil shabaab boko hezbollah guerrillas armed farc eln bomb bombing attack",
    ),
    (
        "GOV",
        "government ministry minister president administration cabinet premier chancellor prime \
         king emir authorities officials embassy ambassador envoy diplomat secretary spokesman \
         spokesperson presidency regime mayor governor kremlin pentagon department office state \
         leader ruler",
    ),
    (
        "LEG",
        "parliament senate congress house lawmakers legislators assembly mp mps mep committee \
         senator congressional",
    ),
    (
        "CVL",
        "protesters demonstrators workers students employees activists strikers opposition \
         union teachers people civilians residents migrants refugees musicians journalist women \
         children families members group",
    ),
    (
        "IGO",
        "un u.n. nations nato eu union asean oic unicef unhcr who council organization \
         organisation commission coalition alliance",
    ),
    ("NGO", "ngo amnesty aid charity foundation association"),
];

/// Words that make `YIELD` a RETREAT (compared by stem; see [`Label::to_plover`]).
const RETREAT_WORDS: &str = "withdraw withdrew withdrawn withdrawal retreat release free return \
    leave left evacuate evacuation disarm disarmament demobilize demobilise demobilization \
    demobilisation ceasefire cease-fire truce pullout pull-out handover";

/// Stem -> sector, and the stems of [`RETREAT_WORDS`] and [`FUNCTION_WORDS`], built once.
struct WordLists {
    sectors: HashMap<String, &'static str>,
    retreat: HashSet<String>,
    function: HashSet<String>,
    skip_for_verb: HashSet<String>,
}

fn word_lists() -> &'static WordLists {
    static L: OnceLock<WordLists> = OnceLock::new();
    L.get_or_init(|| WordLists {
        sectors: SECTORS
            .iter()
            .rev()
            .flat_map(|(sec, words)| words.split_whitespace().map(move |w| (stem(w), *sec)))
            .collect(),
        retreat: RETREAT_WORDS.split_whitespace().map(stem).collect(),
        function: FUNCTION_WORDS
            .split_whitespace()
            .map(String::from)
            .collect(),
        skip_for_verb: SKIP_FOR_VERB.split_whitespace().map(String::from).collect(),
    })
}

/// Words that end the head of a phrase ("troops *loyal* to", "the court *in* Cebu").
const HEAD_STOPS: &[&str] = &[
    "of", "in", "from", "loyal", "led", "based", "backed", "on", "at", "for", ",", "(", "'s",
    "who", "that", "and", "with", "to", "by", "-",
];

/// One token of a sentence, with the strings the features look at.
struct Tok {
    lower: String,
    stem: String,
    h_lower: u64,
    h_stem: u64,
    title: bool,
}

/// A half-open range of token indices; `None` when the span holds no token.
type Range = Option<(usize, usize)>;

/// Tokens that overlap the byte span `[a, b)` (clamped to the text).
fn token_range(toks: &[crate::tokenize::Token], span: (usize, usize), len: usize) -> Range {
    let (a, b) = (span.0.min(len), span.1.min(len));
    if a >= b {
        return None;
    }
    let first = toks.iter().position(|t| t.end > a && t.start < b)?;
    let mut last = first;
    while last + 1 < toks.len() && toks[last + 1].start < b {
        last += 1;
    }
    Some((first, last + 1))
}

// Template ids.
const T_BIAS: u64 = 1;
const T_ORDER: u64 = 2;
const T_DIST: u64 = 3;
const T_BW: u64 = 4;
const T_BS: u64 = 5;
const T_BSO: u64 = 6;
const T_BB: u64 = 7;
const T_B1: u64 = 8;
const T_B2: u64 = 9;
const T_BL: u64 = 10;
const T_AS: u64 = 11;
const T_BT: u64 = 12;
const T_AT: u64 = 13;
const T_PS: u64 = 14;
const T_SW: u64 = 15;
const T_NEG: u64 = 16;
const T_NEGW: u64 = 17;
const T_MOD: u64 = 18;
const T_MODW: u64 = 19;
const T_SRCH: u64 = 21;
const T_SRCSEC: u64 = 22;
const T_TGTH: u64 = 24;
const T_TGTSEC: u64 = 25;
const T_SECPAIR: u64 = 26;
const T_LCODE: u64 = 27;
const T_LROOT: u64 = 28;
const T_LPLOVER: u64 = 29;
const T_LPLOVER_REG: u64 = 30;
const T_LFIRST: u64 = 31;
const T_LLEMMA: u64 = 32;
const T_LPLOVER_NEG: u64 = 33;
const T_BEMPTY: u64 = 34;
const T_BP5: u64 = 35;
const T_FV: u64 = 36;
const T_LPLOVER_ORD: u64 = 37;
const T_LPAIRED: u64 = 38;
const T_TRIG: u64 = 39;

/// Order of the pair.
const ORD_ST: u64 = 1;
const ORD_TS: u64 = 2;
const ORD_OVERLAP: u64 = 3;
const ORD_NO_TARGET: u64 = 4;
const ORD_NO_SOURCE: u64 = 5;
const ORD_NONE: u64 = 6;

fn dist_bucket(d: usize) -> u64 {
    match d {
        0..=3 => d as u64,
        4..=5 => 4,
        6..=8 => 5,
        9..=12 => 6,
        _ => 7,
    }
}

fn sector_of(stem: &str) -> Option<&'static str> {
    word_lists().sectors.get(stem).copied()
}

/// Settings that feature extraction depends on (stored in the model).
#[derive(Debug, Clone, Copy, PartialEq)]
struct FeatureConfig {
    groups: Groups,
    sentence_weight: f32,
}

/// Features of one pair: `(key, value)`, keys unique, in no particular order.
/// sitrep's own trigger table, loaded once (`None` if it fails to parse).
fn triggers() -> Option<&'static super::triggers::Triggers> {
    static T: OnceLock<Option<super::triggers::Triggers>> = OnceLock::new();
    T.get_or_init(|| super::triggers::Triggers::load().ok())
        .as_ref()
}

fn extract(
    text: &str,
    source: (usize, usize),
    target: (usize, usize),
    lexicon: Option<&Lexicon>,
    cfg: FeatureConfig,
    out: &mut Vec<(u64, f32)>,
) {
    out.clear();
    let g = cfg.groups;
    let spans = crate::tokenize::tokenize(text);
    let toks: Vec<Tok> = spans
        .iter()
        .map(|t| {
            let word = &text[t.start..t.end];
            let lower = normalize(word);
            let stem = stem(&lower);
            Tok {
                h_lower: hash_str(&lower),
                h_stem: hash_str(&stem),
                title: word.chars().next().is_some_and(|c| c.is_uppercase()),
                lower,
                stem,
            }
        })
        .collect();
    let n = toks.len();
    let src = token_range(&spans, source, text.len());
    let tgt = token_range(&spans, target, text.len());
    let mut push = |k: u64, v: f32| out.push((key(k), v));
    push(T_BIAS, 1.0);

    // Order and the "between" region.
    let (ord, between): (u64, (usize, usize)) = match (src, tgt) {
        (Some(s), Some(t)) if s.1 <= t.0 => (ORD_ST, (s.1, t.0)),
        (Some(s), Some(t)) if t.1 <= s.0 => (ORD_TS, (t.1, s.0)),
        (Some(s), Some(t)) => (ORD_OVERLAP, (s.0.max(t.0), s.0.max(t.0))),
        (Some(s), None) => (ORD_NO_TARGET, (s.1, (s.1 + 10).min(n))),
        (None, Some(t)) => (ORD_NO_SOURCE, (t.0.saturating_sub(10), t.0)),
        (None, None) => (ORD_NONE, (0, 0)),
    };
    let bw = &toks[between.0..between.1];
    if g.contains(Groups::ORDER) {
        push(comb(T_ORDER, ord), 1.0);
        push(comb(comb(T_DIST, ord), dist_bucket(bw.len())), 1.0);
    }
    if g.contains(Groups::BETWEEN) {
        for (i, t) in bw.iter().enumerate() {
            let p5: String = t.stem.chars().take(5).collect();
            push(comb(T_BP5, hash_str(&p5)), 1.0);
            push(comb(T_BW, t.h_lower), 1.0);
            push(comb(T_BS, t.h_stem), 1.0);
            push(comb(comb(T_BSO, ord), t.h_stem), 1.0);
            if let Some(u) = bw.get(i + 1) {
                push(comb(comb(T_BB, t.h_stem), u.h_stem), 1.0);
            }
        }
        if let Some(t) = bw.first() {
            push(comb(comb(T_B1, ord), t.h_stem), 1.0);
            let second = bw.get(1).map_or(0, |u| u.h_stem);
            push(comb(comb(comb(T_B2, ord), t.h_stem), second), 1.0);
        }
        if let Some(t) = bw.last() {
            push(comb(comb(T_BL, ord), t.h_stem), 1.0);
        }
        if bw.is_empty() {
            push(comb(T_BEMPTY, ord), 1.0);
        }
        // The first lower-case content word between: most often the verb.
        let lists = word_lists();
        let content = bw.iter().position(|t| {
            !t.title
                && t.lower.chars().any(char::is_alphabetic)
                && !lists.function.contains(&t.lower)
                && !lists.skip_for_verb.contains(&t.lower)
        });
        if let Some(i) = content {
            push(comb(T_FV, bw[i].h_stem), 1.0);
            let next = bw.get(i + 1).map_or(0, |u| u.h_stem);
            push(comb(comb(T_FV, bw[i].h_stem), next), 1.0);
        }
    }
    if g.contains(Groups::CONTEXT) {
        if let Some((_, s1)) = src {
            for k in 0..3 {
                if let Some(t) = toks.get(s1 + k) {
                    push(comb(comb(T_AS, k as u64), t.h_stem), 1.0);
                }
            }
        }
        if let Some((t0, t1)) = tgt {
            for k in 1..=3 {
                if let Some(t) = t0.checked_sub(k).and_then(|i| toks.get(i)) {
                    push(comb(comb(T_BT, k as u64), t.h_stem), 1.0);
                }
            }
            for t in toks.iter().skip(t1).take(3) {
                push(comb(T_AT, t.h_stem), 1.0);
            }
        }
        if let Some((s0, _)) = src {
            for t in &toks[s0.saturating_sub(2)..s0] {
                push(comb(T_PS, t.h_stem), 1.0);
            }
        }
    }
    if g.contains(Groups::SENTENCE) {
        for t in &toks {
            push(comb(T_SW, t.h_stem), cfg.sentence_weight);
        }
    }
    // The region where the verb is expected: between the pair, and a few words after the
    // source.
    let mut verb_region: Vec<usize> = (between.0..between.1).collect();
    if let Some((_, s1)) = src {
        verb_region.extend(s1..(s1 + 4).min(n));
    }
    if let Some((t0, _)) = tgt {
        verb_region.extend(t0.saturating_sub(3)..t0);
    }
    verb_region.sort_unstable();
    verb_region.dedup();
    if let (Some(s), Some(t)) = (src, tgt) {
        // Never look for the verb inside the actors themselves.
        verb_region.retain(|&i| !(s.0..s.1).contains(&i) && !(t.0..t.1).contains(&i));
    } else if let Some(s) = src.or(tgt) {
        verb_region.retain(|&i| !(s.0..s.1).contains(&i));
    }
    let lists = word_lists();
    let next_content = |i: usize| -> u64 {
        toks[i + 1..]
            .iter()
            .take(4)
            .find(|t| !lists.function.contains(&t.lower))
            .map_or(0, |t| t.h_stem)
    };
    for &i in &verb_region {
        let w = toks[i].lower.as_str();
        if NEGATIONS.contains(&w) {
            if g.contains(Groups::CUES) {
                push(T_NEG, 1.0);
                push(comb(T_NEGW, next_content(i)), 1.0);
            }
        } else if MODALS.contains(&w) && g.contains(Groups::CUES) {
            push(T_MOD, 1.0);
            push(comb(T_MODW, next_content(i)), 1.0);
        }
    }
    if g.contains(Groups::HEADS) {
        let mut sectors = [0u64; 2];
        for (side, range) in [src, tgt].into_iter().enumerate() {
            let (th, ts) = if side == 0 {
                (T_SRCH, T_SRCSEC)
            } else {
                (T_TGTH, T_TGTSEC)
            };
            let Some((a, b)) = range else {
                push(comb(th, 0), 1.0);
                continue;
            };
            let phrase = &toks[a..b];
            let mut end = phrase
                .iter()
                .skip(1)
                .position(|t| HEAD_STOPS.contains(&t.lower.as_str()))
                .map_or(phrase.len(), |p| p + 1);
            while end > 1 && !phrase[end - 1].lower.chars().any(char::is_alphabetic) {
                end -= 1;
            }
            let head = &phrase[end - 1];
            push(comb(th, head.h_stem), 1.0);
            push(comb(comb(th, 1), head.title as u64), 1.0);
            let mut found = false;
            for t in phrase {
                if let Some(sec) = sector_of(&t.stem) {
                    push(comb(ts, hash_str(sec)), 1.0);
                    if !found {
                        sectors[side] = hash_str(sec);
                        found = true;
                    }
                }
            }
            if !found {
                push(comb(ts, head.title as u64), 1.0);
            }
        }
        push(comb(comb(T_SECPAIR, sectors[0]), sectors[1]), 1.0);
    }
    if g.contains(Groups::LEXICON) {
        if let Some(lex) = lexicon {
            let words: Vec<&str> = toks.iter().map(|t| t.lower.as_str()).collect();
            let mut first = true;
            let kind = |c: &str| {
                lex.plover(c)
                    .map_or(0, |p| p.kind.map_or(1, |k| hash_str(k.as_str())))
            };
            // sitrep's trigger table: verbs and nouns ("sanctions", "talks") with their codes.
            if let Some(trig) = triggers() {
                for &i in &verb_region {
                    for t in trig.lookup(words[i]) {
                        let pos = matches!(t.pos, super::triggers::Pos::Verb) as u64;
                        push(comb(comb(T_TRIG, pos), kind(&t.cameo)), 1.0);
                        let root: String = t.cameo.chars().take(2).collect();
                        push(comb(comb(T_TRIG, 9), hash_str(&root)), 1.0);
                    }
                }
            }
            for &i in &verb_region {
                // Capitalised words are names more often than verbs ("Strike", "Aid").
                if toks[i].title {
                    continue;
                }
                let Some(m) = lex.lookup(&words[i..]).into_iter().next() else {
                    continue;
                };
                let code = match_pattern(lex, m.verb, &words, i, m.len)
                    .or_else(|| lex.default_code(m.verb).map(str::to_string));
                let region = if i >= between.0 && i < between.1 {
                    1
                } else {
                    2
                };
                push(comb(T_LLEMMA, hash_str(lex.lemma(m.verb))), 1.0);
                let neg = i
                    .checked_sub(3)
                    .map_or(&words[..i], |a| &words[a..i])
                    .iter()
                    .any(|w| NEGATIONS.contains(w));
                let Some(code) = code else { continue };
                push(comb(T_LCODE, hash_str(&code)), 1.0);
                // A paired code (`042:043`, `:190`): the first part for source -> target, the
                // second for the reverse.
                let mut parts = code.split(':');
                let (first_part, second_part) = (parts.next().unwrap_or(""), parts.next());
                let primary = if first_part.is_empty() {
                    second_part.unwrap_or("")
                } else {
                    first_part
                };
                let root: String = primary.chars().take(2).collect();
                push(comb(T_LROOT, hash_str(&root)), 1.0);
                let plover = kind(primary);
                push(comb(T_LPLOVER, plover), 1.0);
                push(comb(comb(T_LPLOVER_REG, region), plover), 1.0);
                push(comb(comb(T_LPLOVER_NEG, neg as u64), plover), 1.0);
                push(comb(comb(T_LPLOVER_ORD, ord), plover), 1.0);
                if let Some(second) =
                    second_part.filter(|c| !c.is_empty() && !first_part.is_empty())
                {
                    push(comb(comb(T_LPAIRED, ord), kind(second)), 1.0);
                }
                if first {
                    push(comb(T_LFIRST, plover), 1.0);
                    push(comb(comb(T_LFIRST, 7), hash_str(&root)), 1.0);
                    first = false;
                }
            }
        }
    }
    // Unique keys: sum the values of repeated ones, capped at 1 per key for binary features.
    out.sort_unstable_by_key(|&(k, _)| k);
    out.dedup_by(|b, a| {
        if a.0 == b.0 {
            a.1 = a.1.max(b.1);
            true
        } else {
            false
        }
    });
}

/// Does a word sequence (with `&synset` names) match at `words[i..]`? Returns the number of
/// tokens matched.
fn match_item(lex: &Lexicon, item: &str, words: &[&str], i: usize) -> Option<usize> {
    if let Some(name) = item.strip_prefix('&') {
        let members = lex.synset(name)?;
        members
            .iter()
            .filter(|m| {
                !m.is_empty()
                    && words.len() >= i + m.len()
                    && m.iter().zip(&words[i..]).all(|(a, b)| a == b)
            })
            .map(|m| m.len())
            .max()
    } else {
        (words.get(i) == Some(&item)).then_some(1)
    }
}

/// The code of the most specific pattern of `verb` (at `words[i..i + len]`) whose words stand
/// in order within six words after the verb and four words before it.
fn match_pattern(
    lex: &Lexicon,
    verb: super::lexicon::VerbId,
    words: &[&str],
    i: usize,
    len: usize,
) -> Option<String> {
    let clause_end = words[i + len..]
        .iter()
        .position(|w| matches!(*w, "." | ";" | ":" | "!" | "?"))
        .map_or(words.len(), |p| i + len + p);
    let after_end = (i + len + 8).min(clause_end);
    let before_start = i.saturating_sub(4);
    let mut best: Option<(usize, &str)> = None;
    for p in lex.patterns(verb) {
        if p.before.is_empty() && p.after.is_empty() {
            continue;
        }
        let mut pos = i + len;
        let mut ok = true;
        for item in &p.after {
            let mut found = None;
            while pos < after_end {
                if let Some(l) = match_item(lex, item, words, pos) {
                    found = Some(l);
                    break;
                }
                pos += 1;
            }
            match found {
                Some(l) => pos += l,
                None => {
                    ok = false;
                    break;
                }
            }
        }
        if ok && !p.before.is_empty() {
            let mut pos = before_start;
            for item in &p.before {
                let mut found = None;
                while pos < i {
                    if let Some(l) = match_item(lex, item, words, pos) {
                        found = Some(l);
                        break;
                    }
                    pos += 1;
                }
                match found {
                    Some(l) => pos += l,
                    None => {
                        ok = false;
                        break;
                    }
                }
            }
        }
        let size = p.before.len() + p.after.len();
        if ok && best.is_none_or(|(b, _)| size > b) {
            best = Some((size, p.code.as_str()));
        }
    }
    best.map(|(_, c)| c.to_string())
}

// ---------------------------------------------------------------------------------------------
// Training.

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn shuffle(&mut self, v: &mut [usize]) {
        for i in (1..v.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

fn softmax(scores: &mut [f32; NLABELS]) {
    let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for s in scores.iter_mut() {
        *s = (*s - max).exp();
        sum += *s;
    }
    for s in scores.iter_mut() {
        *s /= sum;
    }
}

fn argmax(s: &[f32; NLABELS]) -> usize {
    let mut best = 0;
    for (i, &x) in s.iter().enumerate() {
        if x > s[best] {
            best = i;
        }
    }
    best
}

/// The trained classifier.
#[derive(Clone)]
pub struct Typer {
    cfg: FeatureConfig,
    /// Value of one `i16` unit in logits.
    unit: f32,
    /// `(feature key, weight per label)`, sorted by key, keys unique and non-zero.
    features: Vec<(u64, [i16; NLABELS])>,
    table: FeatureTable,
}

impl std::fmt::Debug for Typer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Typer")
            .field("groups", &self.cfg.groups)
            .field("sentence_weight", &self.cfg.sentence_weight)
            .field("features", &self.features.len())
            .finish()
    }
}

impl PartialEq for Typer {
    fn eq(&self, o: &Typer) -> bool {
        self.cfg == o.cfg && self.unit == o.unit && self.features == o.features
    }
}

/// The model compiled into the binary.
static EMBEDDED_MODEL: &[u8] = include_bytes!("../../../../data/events/typer.bin");

impl Typer {
    /// The model compiled into the binary (`data/events/typer.bin`: all feature groups, trained
    /// on PLV train with the lexicon; see `data/events/TYPER.md`), parsed once on first use.
    /// Pass the lexicon to [`Typer::predict`]: without it the rule features are missing.
    pub fn embedded() -> Result<&'static Typer, crate::Error> {
        static T: OnceLock<Result<Typer, String>> = OnceLock::new();
        T.get_or_init(|| {
            Typer::from_bytes(EMBEDDED_MODEL).map_err(|e| {
                format!(
                    "{e} (the embedded data/events/typer.bin; rebuild it with `cargo run \
                     --release -p sitrep-core --example plv_cv -- --train-all \
                     data/events/typer.bin`)"
                )
            })
        })
        .as_ref()
        .map_err(|m| crate::Error::Model {
            name: "typer".into(),
            message: m.clone(),
        })
    }

    /// Train on `examples`. Deterministic for given options.
    pub fn train(examples: &[Example], opts: &TrainOptions) -> Typer {
        let cfg = FeatureConfig {
            groups: opts.groups,
            sentence_weight: opts.sentence_weight,
        };
        let mut index: HashMap<u64, u32> = HashMap::new();
        let mut keys: Vec<u64> = Vec::new();
        let mut buf = Vec::new();
        let data: Vec<(Vec<(u32, f32)>, usize)> = examples
            .iter()
            .map(|e| {
                extract(&e.text, e.source, e.target, opts.lexicon, cfg, &mut buf);
                let fs = buf
                    .iter()
                    .map(|&(k, v)| {
                        let next = keys.len() as u32;
                        let i = *index.entry(k).or_insert(next);
                        if i == next {
                            keys.push(k);
                        }
                        (i, v)
                    })
                    .collect();
                (fs, e.label.index())
            })
            .collect();
        let nf = keys.len();
        let mut counts = [0usize; NLABELS];
        for (_, y) in &data {
            counts[*y] += 1;
        }
        let mut cw = [1f32; NLABELS];
        if opts.class_balance > 0.0 {
            let k = counts.iter().filter(|&&c| c > 0).count().max(1) as f32;
            for (w, &c) in cw.iter_mut().zip(&counts) {
                if c > 0 {
                    *w = (data.len() as f32 / (k * c as f32)).powf(opts.class_balance);
                }
            }
        }
        let weights = match opts.algo {
            Algo::Logistic => train_logistic(&data, nf, &cw, opts),
            Algo::Perceptron => train_perceptron(&data, nf, opts),
        };
        Typer::from_dense(cfg, &keys, &weights, opts.prune_below)
    }

    /// Quantise dense weights into a model.
    fn from_dense(
        cfg: FeatureConfig,
        keys: &[u64],
        weights: &[[f32; NLABELS]],
        prune: i16,
    ) -> Typer {
        let max = weights
            .iter()
            .flat_map(|r| r.iter())
            .fold(0f32, |m, &x| m.max(x.abs()));
        let unit = if max > 0.0 { max / 32767.0 } else { 1.0 };
        let keep = prune.max(1).unsigned_abs();
        let mut features: Vec<(u64, [i16; NLABELS])> = keys
            .iter()
            .zip(weights)
            .filter_map(|(&k, w)| {
                let mut row = [0i16; NLABELS];
                for (q, &x) in row.iter_mut().zip(w) {
                    *q = (x / unit).round().clamp(-32767.0, 32767.0) as i16;
                }
                row.iter()
                    .any(|x| x.unsigned_abs() >= keep)
                    .then_some((k, row))
            })
            .collect();
        features.sort_unstable_by_key(|&(k, _)| k);
        Typer::assemble(cfg, unit, features)
    }

    fn assemble(cfg: FeatureConfig, unit: f32, features: Vec<(u64, [i16; NLABELS])>) -> Typer {
        let table = FeatureTable::new(&features);
        Typer {
            cfg,
            unit,
            features,
            table,
        }
    }

    /// Number of features with a non-zero weight.
    pub fn num_features(&self) -> usize {
        self.features.len()
    }

    /// The feature groups the model was trained with.
    pub fn groups(&self) -> Groups {
        self.cfg.groups
    }

    /// Scores of every label for the event that links `source` and `target` (byte spans into
    /// `text`; an empty span means the participant is not in the text), best first. The scores
    /// are probabilities (they sum to 1). `lexicon` feeds the rule features of a model trained
    /// with them; without it those features are absent (and the scores worse).
    pub fn predict(
        &self,
        text: &str,
        source: (usize, usize),
        target: (usize, usize),
        lexicon: Option<&Lexicon>,
    ) -> Vec<(Label, f32)> {
        let mut feats = Vec::with_capacity(128);
        extract(text, source, target, lexicon, self.cfg, &mut feats);
        let mut s = [0f32; NLABELS];
        for &(k, v) in &feats {
            if let Some(w) = self.table.get(k) {
                for (a, &b) in s.iter_mut().zip(w.iter()) {
                    *a += v * b as f32;
                }
            }
        }
        for x in s.iter_mut() {
            *x *= self.unit;
        }
        softmax(&mut s);
        let mut out: Vec<(Label, f32)> = Label::ALL.iter().map(|&l| (l, s[l.index()])).collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        out
    }

    /// The best label as a PLOVER 2.0 type with its score (YIELD resolved by
    /// [`Label::to_plover`] over the words from the source to the target).
    pub fn predict_plover(
        &self,
        text: &str,
        source: (usize, usize),
        target: (usize, usize),
        lexicon: Option<&Lexicon>,
    ) -> (PloverType, f32) {
        let (label, score) = self.predict(text, source, target, lexicon)[0];
        let spans = crate::tokenize::tokenize(text);
        let (a, b) = match (
            token_range(&spans, source, text.len()),
            token_range(&spans, target, text.len()),
        ) {
            (Some(s), Some(t)) => (s.0.min(t.0), s.1.max(t.1)),
            (Some(s), None) => (s.0, spans.len()),
            (None, Some(t)) => (0, t.1),
            (None, None) => (0, spans.len()),
        };
        let lower: Vec<String> = spans[a..b]
            .iter()
            .map(|t| normalize(&text[t.start..t.end]))
            .collect();
        let words: Vec<&str> = lower.iter().map(String::as_str).collect();
        (label.to_plover(&words, lexicon), score)
    }

    /// Serialise to the compact binary format.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut raw = Vec::with_capacity(self.features.len() * 12);
        raw.push(NLABELS as u8);
        for l in Label::ALL {
            raw.push(l.as_str().len() as u8);
            raw.extend_from_slice(l.as_str().as_bytes());
        }
        put_varint(&mut raw, self.cfg.groups.0 as u64);
        raw.extend_from_slice(&self.cfg.sentence_weight.to_le_bytes());
        raw.extend_from_slice(&self.unit.to_le_bytes());
        put_varint(&mut raw, self.features.len() as u64);
        let mut prev = 0u64;
        for (k, w) in &self.features {
            put_varint(&mut raw, k - prev);
            prev = *k;
            let mut mask = 0u64;
            for (t, &x) in w.iter().enumerate() {
                if x != 0 {
                    mask |= 1 << t;
                }
            }
            put_varint(&mut raw, mask);
            for &x in w.iter().filter(|&&x| x != 0) {
                put_varint(&mut raw, zigzag(x));
            }
        }
        let mut out = Vec::with_capacity(raw.len() / 2 + 16);
        out.extend_from_slice(MAGIC);
        out.push(VERSION);
        let mut enc = DeflateEncoder::new(out, Compression::best());
        // Writing into a Vec cannot fail.
        let _ = enc.write_all(&raw);
        enc.finish().unwrap_or_default()
    }

    /// Parse the binary format written by [`Typer::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Typer, TyperError> {
        let fmt = |m: &str| TyperError::Format(m.to_string());
        let body = bytes
            .strip_prefix(MAGIC.as_slice())
            .ok_or_else(|| fmt("not a sitrep typer model (bad magic)"))?;
        let (&version, body) = body.split_first().ok_or_else(|| fmt("truncated header"))?;
        if version != VERSION {
            return Err(TyperError::Format(format!(
                "model format version {version}, this build reads version {VERSION}"
            )));
        }
        let mut raw = Vec::new();
        DeflateDecoder::new(body)
            .read_to_end(&mut raw)
            .map_err(|e| TyperError::Format(format!("corrupt model stream: {e}")))?;
        let mut r = Reader { buf: &raw, pos: 0 };
        let nl = r.byte()? as usize;
        if nl != NLABELS {
            return Err(TyperError::Format(format!(
                "model has {nl} labels, expected {NLABELS}"
            )));
        }
        for l in Label::ALL {
            let len = r.byte()? as usize;
            let name = r.take(len)?;
            if name != l.as_str().as_bytes() {
                return Err(TyperError::Format(format!(
                    "model's label {} is {:?}, expected {}",
                    l.index(),
                    String::from_utf8_lossy(name),
                    l.as_str()
                )));
            }
        }
        let groups = r.varint()?;
        if groups > Groups::ALL.0 as u64 {
            return Err(fmt("unknown feature groups"));
        }
        let sentence_weight = r.f32()?;
        let unit = r.f32()?;
        if !(sentence_weight.is_finite() && unit.is_finite() && unit > 0.0) {
            return Err(fmt("bad scale"));
        }
        let nf = r.len()?;
        let mut features = Vec::with_capacity(nf);
        let mut prev = 0u64;
        for _ in 0..nf {
            prev = prev
                .checked_add(r.varint()?)
                .ok_or_else(|| fmt("feature key overflow"))?;
            if prev == 0 || features.last().is_some_and(|&(k, _)| k >= prev) {
                return Err(fmt("feature keys not sorted"));
            }
            let mask = r.varint()?;
            if mask >= 1 << NLABELS {
                return Err(fmt("bad label mask"));
            }
            let mut w = [0i16; NLABELS];
            for (t, x) in w.iter_mut().enumerate() {
                if mask & (1 << t) != 0 {
                    *x = r.i16()?;
                }
            }
            features.push((prev, w));
        }
        if r.pos != raw.len() {
            return Err(fmt("trailing bytes after model"));
        }
        let cfg = FeatureConfig {
            groups: Groups(groups as u32),
            sentence_weight,
        };
        Ok(Typer::assemble(cfg, unit, features))
    }

    /// Write the model to `path`.
    pub fn save(&self, path: &Path) -> Result<(), TyperError> {
        std::fs::write(path, self.to_bytes()).map_err(|e| TyperError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })
    }

    /// Read a model written by [`Typer::save`].
    pub fn load(path: &Path) -> Result<Typer, TyperError> {
        let bytes = std::fs::read(path).map_err(|e| TyperError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Typer::from_bytes(&bytes)
    }
}

fn train_logistic(
    data: &[(Vec<(u32, f32)>, usize)],
    nf: usize,
    cw: &[f32; NLABELS],
    opts: &TrainOptions,
) -> Vec<[f32; NLABELS]> {
    let mut w = vec![[0f32; NLABELS]; nf];
    let mut avg = vec![[0f64; NLABELS]; nf];
    let mut navg = 0usize;
    // True weights are `scale * w` (L2 decay without touching every weight).
    let mut scale = 1f64;
    let mut rng = Rng::new(opts.seed);
    let mut order: Vec<usize> = (0..data.len()).collect();
    let (eta0, lambda) = (opts.eta0 as f64, opts.l2 as f64);
    let mut t = 0f64;
    let epochs = opts.epochs.max(1);
    for epoch in 0..epochs {
        rng.shuffle(&mut order);
        for &k in &order {
            let (fs, y) = &data[k];
            let eta = eta0 / (1.0 + eta0 * lambda * t);
            t += 1.0;
            let mut s = [0f32; NLABELS];
            for &(f, v) in fs {
                for (a, &b) in s.iter_mut().zip(w[f as usize].iter()) {
                    *a += v * b;
                }
            }
            for x in s.iter_mut() {
                *x *= scale as f32;
            }
            softmax(&mut s);
            s[*y] -= 1.0;
            scale *= 1.0 - eta * lambda;
            let step = (eta * cw[*y] as f64 / scale) as f32;
            for &(f, v) in fs {
                let row = &mut w[f as usize];
                for (a, &g) in row.iter_mut().zip(s.iter()) {
                    *a -= step * v * g;
                }
            }
            if scale < 1e-6 {
                for row in w.iter_mut() {
                    for x in row.iter_mut() {
                        *x *= scale as f32;
                    }
                }
                scale = 1.0;
            }
        }
        if epoch >= epochs / 2 {
            for (a, row) in avg.iter_mut().zip(&w) {
                for (x, &y) in a.iter_mut().zip(row) {
                    *x += scale * y as f64;
                }
            }
            navg += 1;
        }
    }
    avg.iter()
        .map(|a| {
            let mut r = [0f32; NLABELS];
            for (x, &y) in r.iter_mut().zip(a) {
                *x = (y / navg as f64) as f32;
            }
            r
        })
        .collect()
}

fn train_perceptron(
    data: &[(Vec<(u32, f32)>, usize)],
    nf: usize,
    opts: &TrainOptions,
) -> Vec<[f32; NLABELS]> {
    let mut w = vec![[0f32; NLABELS]; nf];
    let mut acc = vec![[0f64; NLABELS]; nf];
    let mut c = 1f64;
    let mut rng = Rng::new(opts.seed);
    let mut order: Vec<usize> = (0..data.len()).collect();
    for _ in 0..opts.epochs.max(1) {
        rng.shuffle(&mut order);
        for &k in &order {
            let (fs, y) = &data[k];
            let mut s = [0f32; NLABELS];
            for &(f, v) in fs {
                for (a, &b) in s.iter_mut().zip(w[f as usize].iter()) {
                    *a += v * b;
                }
            }
            let p = argmax(&s);
            if p != *y {
                for &(f, v) in fs {
                    w[f as usize][*y] += v;
                    w[f as usize][p] -= v;
                    acc[f as usize][*y] += c * v as f64;
                    acc[f as usize][p] -= c * v as f64;
                }
            }
            c += 1.0;
        }
    }
    w.iter()
        .zip(&acc)
        .map(|(w, a)| {
            let mut r = [0f32; NLABELS];
            for t in 0..NLABELS {
                r[t] = (w[t] as f64 - a[t] / c) as f32;
            }
            r
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// File format helpers.

const MAGIC: &[u8; 5] = b"SRTYP";
const VERSION: u8 = 1;

fn zigzag(x: i16) -> u64 {
    (((x as i32) << 1) ^ ((x as i32) >> 31)) as u32 as u64
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8, TyperError> {
        let b = *self
            .buf
            .get(self.pos)
            .ok_or_else(|| TyperError::Format("truncated model".into()))?;
        self.pos += 1;
        Ok(b)
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8], TyperError> {
        let s = self
            .buf
            .get(self.pos..self.pos + n)
            .ok_or_else(|| TyperError::Format("truncated model".into()))?;
        self.pos += n;
        Ok(s)
    }
    fn f32(&mut self) -> Result<f32, TyperError> {
        let b = self.take(4)?;
        Ok(f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn varint(&mut self) -> Result<u64, TyperError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= ((b & 0x7f) as u64) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(TyperError::Format("varint too long".into()))
    }
    fn len(&mut self) -> Result<usize, TyperError> {
        let n = self.varint()?;
        if n > self.buf.len() as u64 {
            return Err(TyperError::Format("count larger than the model".into()));
        }
        Ok(n as usize)
    }
    fn i16(&mut self) -> Result<i16, TyperError> {
        let z = self.varint()?;
        if z > u16::MAX as u64 {
            return Err(TyperError::Format("weight out of range".into()));
        }
        let z = z as u32;
        Ok(((z >> 1) as i32 ^ -((z & 1) as i32)) as i16)
    }
}

/// Open-addressing hash table from feature key to weights.
#[derive(Clone)]
struct FeatureTable {
    slots: Vec<(u64, [i16; NLABELS])>,
    mask: usize,
}

impl FeatureTable {
    fn new(features: &[(u64, [i16; NLABELS])]) -> FeatureTable {
        let cap = (features.len() * 4 / 3 + 2).next_power_of_two();
        let mut slots = vec![(0u64, [0i16; NLABELS]); cap];
        let mask = cap - 1;
        for &(k, w) in features {
            if k == 0 {
                continue;
            }
            let mut i = mix(k) as usize & mask;
            while slots[i].0 != 0 && slots[i].0 != k {
                i = (i + 1) & mask;
            }
            slots[i] = (k, w);
        }
        FeatureTable { slots, mask }
    }

    #[inline]
    fn get(&self, k: u64) -> Option<&[i16; NLABELS]> {
        let mut i = mix(k) as usize & self.mask;
        loop {
            let s = &self.slots[i];
            if s.0 == k {
                return Some(&s.1);
            }
            if s.0 == 0 {
                return None;
            }
            i = (i + 1) & self.mask;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An example from a sentence with the source and target written `[S ...]` and `[T ...]`.
    fn ex(marked: &str, label: Label) -> Example {
        let mut text = String::new();
        let (mut source, mut target) = ((0, 0), (0, 0));
        let mut open: Option<(char, usize)> = None;
        let mut chars = marked.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '[' => {
                    let which = chars.next().unwrap();
                    assert_eq!(chars.next(), Some(' '));
                    open = Some((which, text.len()));
                }
                ']' => {
                    let (which, start) = open.take().unwrap();
                    if which == 'S' {
                        source = (start, text.len());
                    } else {
                        target = (start, text.len());
                    }
                }
                c => text.push(c),
            }
        }
        Example {
            text,
            source,
            target,
            label,
        }
    }

    fn toy() -> Vec<Example> {
        use Label::*;
        [
            ("[S Arnor] attacked [T Gondor] on Monday.", Assault),
            (
                "[S The Rohan army] shelled [T Osgiliath] overnight.",
                Assault,
            ),
            ("Troops from [S Mordor] bombed [T Minas Tirith].", Assault),
            ("[S Gondor] was attacked by [T Arnor] yesterday.", Assault),
            ("[S Arnor] met [T Gondor] in Bree.", Consult),
            ("[S The king of Rohan] held talks with [T Gondor].", Consult),
            ("[S Gondor] hosted [T the Arnor envoy] for talks.", Consult),
            ("[S Mordor] condemned [T Rohan] for the raid.", Accuse),
            (
                "[S The court] accused [T the Arnor minister] of fraud.",
                Accuse,
            ),
            ("[S Rohan] criticized [T Gondor] sharply.", Accuse),
            ("[S Gondor] sent food aid to [T Arnor].", Aid),
            ("[S Arnor] delivered medical supplies to [T Rohan].", Aid),
            (
                "[S The council] provided humanitarian aid to [T Bree].",
                Aid,
            ),
            ("[S Mordor] withdrew its troops from [T Rohan].", Yield),
            ("[S Arnor] released [T the prisoners] on Friday.", Yield),
            ("[S Gondor] pulled out of [T Osgiliath].", Yield),
        ]
        .iter()
        .map(|(m, l)| ex(m, *l))
        .collect()
    }

    fn opts() -> TrainOptions<'static> {
        TrainOptions {
            epochs: 40,
            ..Default::default()
        }
    }

    #[test]
    fn stems_are_crude_but_consistent() {
        for (a, b) in [
            ("attacks", "attack"),
            ("attacked", "attacking"),
            ("agreed", "agrees"),
            ("agree", "agreeing"),
            ("banned", "ban"),
            ("accuses", "accused"),
            ("released", "releasing"),
        ] {
            assert_eq!(stem(a), stem(b), "{a} / {b}");
        }
        assert_eq!(stem("attacked"), "attack");
        assert_eq!(stem("the"), "the");
        assert_ne!(stem("attack"), stem("accuse"));
    }

    #[test]
    fn learns_a_separable_toy_set() {
        let data = toy();
        let typer = Typer::train(&data, &opts());
        for e in &data {
            let got = typer.predict(&e.text, e.source, e.target, None);
            assert_eq!(got[0].0, e.label, "{:?}: {:?}", e.text, &got[..3]);
        }
        // Unseen sentences with the same verbs and other actors.
        for (m, want) in [
            ("[S Bree] attacked [T Mordor] at dawn.", Label::Assault),
            ("[S Bree] condemned [T Arnor] for the raid.", Label::Accuse),
            ("[S The Shire] sent food aid to [T Bree].", Label::Aid),
            ("[S Bree] held talks with [T Mordor].", Label::Consult),
            ("[S Rohan] withdrew its troops from [T Bree].", Label::Yield),
        ] {
            let e = ex(m, want);
            let got = typer.predict(&e.text, e.source, e.target, None);
            assert_eq!(got[0].0, want, "{m}: {:?}", &got[..3]);
            assert_eq!(got.len(), NLABELS);
            let sum: f32 = got.iter().map(|x| x.1).sum();
            assert!((sum - 1.0).abs() < 1e-3, "{sum}");
            assert!(got.windows(2).all(|w| w[0].1 >= w[1].1));
        }
    }

    #[test]
    fn lexicon_features_carry_unseen_verbs() {
        let lex = Lexicon::load().unwrap();
        let data = toy();
        let typer = Typer::train(
            &data,
            &TrainOptions {
                lexicon: Some(&lex),
                ..opts()
            },
        );
        // Verbs that never occur in the training sentences: only the dictionary knows them.
        for (m, want) in [
            ("[S Bree] ambushed [T Mordor].", Label::Assault),
            ("[S Bree] denounced [T Arnor].", Label::Accuse),
            ("[S Bree] consulted [T Mordor].", Label::Consult),
            ("[S Bree] donated blankets to [T Mordor].", Label::Aid),
        ] {
            let e = ex(m, want);
            let got = typer.predict(&e.text, e.source, e.target, Some(&lex));
            assert_eq!(got[0].0, want, "{m}: {:?}", &got[..3]);
        }
    }

    #[test]
    fn embedded_model_types_plain_sentences() {
        let typer = Typer::embedded().unwrap();
        assert!(typer.groups().contains(Groups::LEXICON));
        let lex = Lexicon::load().unwrap();
        for (m, want) in [
            (
                "[S Russian forces] shelled [T Kharkiv] on Tuesday.",
                Label::Assault,
            ),
            (
                "[S The foreign minister] met [T his Chinese counterpart] in Beijing.",
                Label::Consult,
            ),
            (
                "[S The government] condemned [T the rebels] for the attack.",
                Label::Accuse,
            ),
            (
                "[S Japan] sent humanitarian aid to [T Turkey] after the earthquake.",
                Label::Aid,
            ),
            // PLOVER-2019 (and so PLV) codes imposing sanctions as COERCE; its SANCTION is
            // cutting ties (recalling envoys, suspending aid).
            (
                "[S The EU] imposed sanctions on [T Belarus].",
                Label::Coerce,
            ),
            (
                "[S Israel] withdrew its troops from [T Gaza].",
                Label::Yield,
            ),
        ] {
            let e = ex(m, want);
            let got = typer.predict(&e.text, e.source, e.target, Some(&lex));
            assert_eq!(got[0].0, want, "{m}: {:?}", &got[..3]);
        }
        let e = ex(
            "[S Israel] withdrew its troops from [T Gaza].",
            Label::Yield,
        );
        let (t, _) = typer.predict_plover(&e.text, e.source, e.target, Some(&lex));
        assert_eq!(t, PloverType::Retreat);
    }

    #[test]
    fn perceptron_learns_the_toy_set_too() {
        let data = toy();
        let typer = Typer::train(
            &data,
            &TrainOptions {
                algo: Algo::Perceptron,
                ..opts()
            },
        );
        for e in &data {
            let got = typer.predict(&e.text, e.source, e.target, None);
            assert_eq!(got[0].0, e.label, "{:?}", e.text);
        }
    }

    #[test]
    fn training_is_deterministic_and_save_load_round_trips() {
        let data = toy();
        let a = Typer::train(&data, &opts());
        let b = Typer::train(&data, &opts());
        assert_eq!(a, b);
        let bytes = a.to_bytes();
        let c = Typer::from_bytes(&bytes).unwrap();
        assert_eq!(a, c);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("typer.bin");
        a.save(&path).unwrap();
        let d = Typer::load(&path).unwrap();
        for e in data.iter().chain(&[ex("[S X] hit [T Y].", Label::Assault)]) {
            let pa = a.predict(&e.text, e.source, e.target, None);
            assert_eq!(pa, c.predict(&e.text, e.source, e.target, None));
            assert_eq!(pa, d.predict(&e.text, e.source, e.target, None));
        }
        assert!(Typer::load(&dir.path().join("missing.bin")).is_err());
    }

    #[test]
    fn corrupt_models_are_errors() {
        let bytes = Typer::train(&toy(), &opts()).to_bytes();
        assert!(Typer::from_bytes(&bytes[..bytes.len() - 3]).is_err());
        assert!(Typer::from_bytes(&bytes[..6]).is_err());
        assert!(Typer::from_bytes(b"").is_err());
        assert!(Typer::from_bytes(b"nonsense").is_err());
        let mut wrong_version = bytes.clone();
        wrong_version[5] = 99;
        let e = Typer::from_bytes(&wrong_version).unwrap_err().to_string();
        assert!(e.contains("version 99"), "{e}");
        let mut flipped = bytes.clone();
        let mid = flipped.len() / 2;
        flipped[mid] ^= 0x5a;
        flipped[mid + 1] ^= 0xa5;
        assert!(Typer::from_bytes(&flipped).is_err());
        // A valid deflate stream of the wrong content.
        let mut enc = DeflateEncoder::new(b"SRTYP\x01".to_vec(), Compression::best());
        enc.write_all(&[15, 5, b'A', b'G', b'R', b'E', b'X'])
            .unwrap();
        let e = Typer::from_bytes(&enc.finish().unwrap()).unwrap_err();
        assert!(e.to_string().contains("AGREX"), "{e}");
    }

    #[test]
    fn odd_spans_do_not_panic() {
        let typer = Typer::train(&toy(), &opts());
        let text = "Arnor attacked Gondor — “again” in Łódź.";
        let n = text.len();
        let spans = [
            (0, 0),
            (0, 5),
            (0, n),
            (n, n),
            (n - 3, n),
            (n - 1, n + 10),
            (n + 5, n + 9),
            (7, 3),
            (3, 12),
            (26, 27), // inside a multi-byte character
            (15, 21),
        ];
        for &s in &spans {
            for &t in &spans {
                let got = typer.predict(text, s, t, None);
                assert_eq!(got.len(), NLABELS);
                assert!(got.iter().all(|x| x.1.is_finite()));
                let _ = typer.predict_plover(text, s, t, None);
            }
        }
        for text in ["", " ", ".", "🚀"] {
            let got = typer.predict(text, (0, 1), (0, 4), None);
            assert_eq!(got.len(), NLABELS);
        }
    }

    #[test]
    fn yield_maps_to_retreat_or_concede() {
        let w = |s: &'static str| s.split(' ').collect::<Vec<_>>();
        assert_eq!(
            Label::Yield.to_plover(&w("russia withdrew its troops from"), None),
            PloverType::Retreat
        );
        assert_eq!(
            Label::Yield.to_plover(&w("the rebels released"), None),
            PloverType::Retreat
        );
        assert_eq!(
            Label::Yield.to_plover(&w("israel pulled out of"), None),
            PloverType::Retreat
        );
        assert_eq!(
            Label::Yield.to_plover(&w("the minister resigned after"), None),
            PloverType::Concede
        );
        let lex = Lexicon::load().unwrap();
        assert_eq!(
            Label::Yield.to_plover(&w("israel withdrew its troops from"), Some(&lex)),
            PloverType::Retreat
        );
        assert_eq!(
            Label::Yield.to_plover(&w("the junta released"), Some(&lex)),
            PloverType::Retreat
        );
        assert_eq!(
            Label::Assault.to_plover(&w("withdrew"), None),
            PloverType::Assault
        );
        for l in Label::ALL {
            assert_eq!(Label::parse(l.as_str()), Some(l));
            assert_eq!(Label::ALL[l.index()], l);
            assert_eq!(l.plover().is_none(), l == Label::Yield);
        }
    }
}
