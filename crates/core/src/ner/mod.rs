//! Statistical named-entity tagger: a structured averaged perceptron (Collins 2002) over
//! hashed sparse features, BIO tags and exact first-order Viterbi decoding, trained in Rust on
//! CoNLL-2003 (PER, LOC, ORG, MISC).
//!
//! The model shipped in the binary (`data/ner/model.bin`) is loaded once by
//! [`Tagger::embedded`]. Tag one sentence of words (from [`crate::tokenize`]) at a time:
//!
//! ```
//! use sitrep_core::ner::{NerType, Tagger};
//! let tagger = Tagger::embedded().expect("model ships with the crate");
//! let words = ["Defense", "Minister", "Kim", "Yong-hyun", "met", "Melanie", "Joly", "in", "Ottawa", "."];
//! let spans = tagger.tag(&words);
//! assert!(spans.iter().any(|s| s.kind == NerType::Per && words[s.start] == "Kim"));
//! assert!(spans.iter().any(|s| s.kind == NerType::Loc && words[s.start] == "Ottawa"));
//! ```
//!
//! Train a model with [`train`] (or step by step with [`Trainer`]); the `ner_train` example
//! does it from the CoNLL files and `ner_eval` scores it.

mod features;
mod model;
mod train;

use std::sync::OnceLock;

pub use model::Model;
pub use train::{train, TrainOptions, Trainer};

use features::{sentence_features, Scratch, NF};
use model::{FeatureTable, HashSet64};

/// CoNLL entity types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NerType {
    Per,
    Loc,
    Org,
    Misc,
}

impl NerType {
    /// All four types, in tag order.
    pub const ALL: [NerType; 4] = [NerType::Per, NerType::Loc, NerType::Org, NerType::Misc];

    /// The CoNLL label: `PER`, `LOC`, `ORG`, `MISC`.
    pub fn as_str(&self) -> &'static str {
        match self {
            NerType::Per => "PER",
            NerType::Loc => "LOC",
            NerType::Org => "ORG",
            NerType::Misc => "MISC",
        }
    }

    /// Parse a CoNLL label (`PER`, `LOC`, `ORG`, `MISC`).
    pub fn parse(s: &str) -> Option<NerType> {
        Some(match s {
            "PER" => NerType::Per,
            "LOC" => NerType::Loc,
            "ORG" => NerType::Org,
            "MISC" => NerType::Misc,
            _ => return None,
        })
    }

    /// Position in [`NerType::ALL`].
    pub fn index(&self) -> usize {
        *self as usize
    }
}

/// An entity found by the tagger, as a half-open range of token indices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NerSpan {
    pub start: usize,
    pub end: usize,
    pub kind: NerType,
}

/// Errors from reading, parsing or training a model.
#[derive(Debug, thiserror::Error)]
pub enum NerError {
    #[error("cannot read or write {path}: {message}")]
    Io { path: String, message: String },
    #[error("bad model file: {0}")]
    Format(String),
    #[error("training data: {0}")]
    Data(String),
}

impl From<NerError> for crate::Error {
    fn from(e: NerError) -> Self {
        crate::Error::Model {
            name: "ner".into(),
            message: e.to_string(),
        }
    }
}

/// Number of tags: `O`, then `B-` of each type, then `I-` of each type.
pub(crate) const NTAGS: usize = 9;
const O: usize = 0;

/// Tag index of `B-kind` (`begin`) or `I-kind`.
fn tag_index(kind: NerType, begin: bool) -> usize {
    1 + kind.index() + if begin { 0 } else { 4 }
}

/// Parse an IOB tag (`O`, `B-PER`, `I-LOC`, ...) into its tag index.
pub(crate) fn parse_tag(tag: &str) -> Option<usize> {
    if tag == "O" {
        return Some(O);
    }
    let (prefix, kind) = tag.split_once('-')?;
    let kind = NerType::parse(kind)?;
    match prefix {
        "B" => Some(tag_index(kind, true)),
        "I" => Some(tag_index(kind, false)),
        _ => None,
    }
}

/// Is the transition `prev -> cur` valid in BIO (`prev == NTAGS` is the sentence start)?
#[inline]
fn allowed(prev: usize, cur: usize) -> bool {
    cur < 5 || (prev != O && prev < NTAGS && (prev - 1) % 4 == (cur - 1) % 4)
}

/// Entity spans of a tag sequence, conlleval-style: a chunk starts at `B-X`, and at `I-X`
/// after anything that is not `B-X`/`I-X`; it ends before the next `O`, `B-` or other type.
/// Unknown tags count as `O`.
pub fn spans_from_tags<S: AsRef<str>>(tags: &[S]) -> Vec<NerSpan> {
    let idx: Vec<usize> = tags
        .iter()
        .map(|t| parse_tag(t.as_ref()).unwrap_or(O))
        .collect();
    spans_from_indices(&idx)
}

fn kind_of(t: usize) -> Option<NerType> {
    (t != O && t < NTAGS).then(|| NerType::ALL[(t - 1) % 4])
}

fn spans_from_indices(tags: &[usize]) -> Vec<NerSpan> {
    let mut out = Vec::new();
    let mut open: Option<(usize, NerType)> = None;
    for (i, &t) in tags.iter().enumerate() {
        let kind = kind_of(t);
        let continues = t >= 5 && matches!((open, kind), (Some((_, a)), Some(b)) if a == b);
        if !continues {
            if let Some((s, k)) = open.take() {
                out.push(NerSpan {
                    start: s,
                    end: i,
                    kind: k,
                });
            }
            if let Some(k) = kind {
                open = Some((i, k));
            }
        }
    }
    if let Some((s, k)) = open {
        out.push(NerSpan {
            start: s,
            end: tags.len(),
            kind: k,
        });
    }
    out
}

/// Best tag sequence under emission scores `emit` (one row per word) and `trans`
/// (`trans[prev][cur]`, last row = sentence start), respecting BIO constraints.
fn viterbi(emit: &[[i32; NTAGS]], trans: &[[i32; NTAGS]; NTAGS + 1], path: &mut Vec<usize>) {
    path.clear();
    let n = emit.len();
    if n == 0 {
        return;
    }
    const NEG: i64 = i64::MIN / 4;
    let mut back: Vec<[u8; NTAGS]> = vec![[0; NTAGS]; n];
    let mut score = [NEG; NTAGS];
    for (t, s) in score.iter_mut().enumerate() {
        if allowed(NTAGS, t) {
            *s = emit[0][t] as i64 + trans[NTAGS][t] as i64;
        }
    }
    for i in 1..n {
        let mut next = [NEG; NTAGS];
        for (t, nx) in next.iter_mut().enumerate() {
            let (mut best, mut arg) = (NEG, 0usize);
            for (p, &sp) in score.iter().enumerate() {
                if sp > NEG && allowed(p, t) {
                    let s = sp + trans[p][t] as i64;
                    if s > best {
                        best = s;
                        arg = p;
                    }
                }
            }
            if best > NEG {
                *nx = best + emit[i][t] as i64;
            }
            back[i][t] = arg as u8;
        }
        score = next;
    }
    let mut best = 0;
    for t in 1..NTAGS {
        if score[t] > score[best] {
            best = t;
        }
    }
    path.resize(n, O);
    path[n - 1] = best;
    for i in (1..n).rev() {
        path[i - 1] = back[i][path[i]] as usize;
    }
}

/// The tagger. Load the model shipped in the binary with [`Tagger::embedded`], or build one
/// from any [`Model`] with [`Tagger::new`].
pub struct Tagger {
    table: FeatureTable,
    vocab: HashSet64,
    trans: [[i32; NTAGS]; NTAGS + 1],
}

/// The model compiled into the binary.
static EMBEDDED_MODEL: &[u8] = include_bytes!("../../../../data/ner/model.bin");

impl Tagger {
    /// Build a tagger from a model.
    pub fn new(model: &Model) -> Tagger {
        let mut trans = [[0i32; NTAGS]; NTAGS + 1];
        for (row, src) in trans.iter_mut().zip(model.transitions.iter()) {
            for (x, &s) in row.iter_mut().zip(src.iter()) {
                *x = s as i32;
            }
        }
        Tagger {
            table: FeatureTable::new(&model.features),
            vocab: HashSet64::new(&model.vocab),
            trans,
        }
    }

    /// Parse a model in the binary format and build a tagger from it.
    pub fn from_bytes(bytes: &[u8]) -> Result<Tagger, crate::Error> {
        Ok(Tagger::new(&Model::from_bytes(bytes)?))
    }

    /// The tagger for the model compiled into the binary, parsed once on first use.
    pub fn embedded() -> Result<&'static Tagger, crate::Error> {
        static T: OnceLock<Result<Tagger, String>> = OnceLock::new();
        T.get_or_init(|| {
            Model::from_bytes(EMBEDDED_MODEL)
                .map(|m| Tagger::new(&m))
                .map_err(|e| format!("{e} (the embedded data/ner/model.bin; rebuild it with `cargo run --release -p sitrep-core --example ner_train`)"))
        })
        .as_ref()
        .map_err(|m| crate::Error::Model { name: "ner".into(), message: m.clone() })
    }

    /// Tag one sentence given as words; returns entity spans over word indices, in order.
    pub fn tag(&self, words: &[&str]) -> Vec<NerSpan> {
        let mut path = Vec::with_capacity(words.len());
        self.tag_indices(words, &mut Scratch::default(), &mut path);
        spans_from_indices(&path)
    }

    /// Tag one sentence and return its IOB2 tags (`O`, `B-PER`, `I-PER`, ...).
    pub fn tag_iob(&self, words: &[&str]) -> Vec<&'static str> {
        const NAMES: [&str; NTAGS] = [
            "O", "B-PER", "B-LOC", "B-ORG", "B-MISC", "I-PER", "I-LOC", "I-ORG", "I-MISC",
        ];
        let mut path = Vec::with_capacity(words.len());
        self.tag_indices(words, &mut Scratch::default(), &mut path);
        path.iter().map(|&t| NAMES[t]).collect()
    }

    fn tag_indices(&self, words: &[&str], scratch: &mut Scratch, path: &mut Vec<usize>) {
        let mut feats = Vec::with_capacity(words.len() * NF);
        let vocab = |h: u64| self.vocab.contains(h);
        sentence_features(words, &vocab, scratch, &mut feats);
        let emit: Vec<[i32; NTAGS]> = feats
            .chunks_exact(NF)
            .map(|fs| {
                let mut s = [0i32; NTAGS];
                for &f in fs {
                    if f == 0 {
                        continue;
                    }
                    if let Some(w) = self.table.get(f) {
                        for (a, &b) in s.iter_mut().zip(w.iter()) {
                            *a += b as i32;
                        }
                    }
                }
                s
            })
            .collect();
        viterbi(&emit, &self.trans, path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_follow_conlleval() {
        let tags = [
            "B-PER", "I-PER", "O", "I-LOC", "I-LOC", "B-LOC", "I-ORG", "B-MISC",
        ];
        let s = spans_from_tags(&tags);
        let got: Vec<(usize, usize, NerType)> =
            s.iter().map(|s| (s.start, s.end, s.kind)).collect();
        assert_eq!(
            got,
            [
                (0, 2, NerType::Per),
                (3, 5, NerType::Loc),
                (5, 6, NerType::Loc),
                (6, 7, NerType::Org),
                (7, 8, NerType::Misc)
            ]
        );
        assert!(spans_from_tags::<&str>(&[]).is_empty());
        assert!(spans_from_tags(&["O", "bogus"]).is_empty());
    }

    #[test]
    fn viterbi_respects_bio() {
        // Emissions prefer I-PER at the start; BIO forbids it, so B-PER must win there.
        let mut emit = [[0i32; NTAGS]; 2];
        emit[0][5] = 100;
        emit[0][1] = 10;
        emit[1][5] = 50;
        let trans = [[0i32; NTAGS]; NTAGS + 1];
        let mut path = Vec::new();
        viterbi(&emit, &trans, &mut path);
        assert_eq!(path, [1, 5]);
        viterbi(&[], &trans, &mut path);
        assert!(path.is_empty());
    }

    #[test]
    fn embedded_tagger_finds_people_and_places() {
        let tagger = Tagger::embedded().unwrap();
        let check = |text: &str, want: &[(&str, NerType)]| {
            let words = crate::tokenize::words(text);
            let spans = tagger.tag(&words);
            let found: Vec<(String, NerType)> = spans
                .iter()
                .map(|s| (words[s.start..s.end].join(" "), s.kind))
                .collect();
            for (w, k) in want {
                assert!(
                    found.iter().any(|(f, fk)| f == w && fk == k),
                    "{w:?} as {k:?} not in {found:?} for {text:?}"
                );
            }
        };
        check(
            "Foreign Minister Cho Tae-yul and Defense Minister Kim Yong-hyun met Melanie Joly in Ottawa.",
            &[
                ("Cho Tae-yul", NerType::Per),
                ("Kim Yong-hyun", NerType::Per),
                ("Melanie Joly", NerType::Per),
                ("Ottawa", NerType::Loc),
            ],
        );
        check(
            "National Security Council spokesperson John Kirby said the U.S. believes North Korea supplied missiles.",
            &[("John Kirby", NerType::Per), ("North Korea", NerType::Loc)],
        );
        check(
            "Russian drones hit Kharkiv on Tuesday, Ukraine’s governor Oleh Syniehubov told reporters.",
            &[("Kharkiv", NerType::Loc), ("Ukraine", NerType::Loc), ("Oleh Syniehubov", NerType::Per)],
        );
    }

    #[test]
    fn tagging_odd_input_does_not_panic() {
        let tagger = Tagger::embedded().unwrap();
        for words in [
            vec![],
            vec![""],
            vec![" ", "\u{0}", "🚀", "ÉÉÉ"],
            vec!["A"; 500],
        ] {
            let spans = tagger.tag(&words);
            assert!(spans
                .iter()
                .all(|s| s.start < s.end && s.end <= words.len()));
        }
    }
}
