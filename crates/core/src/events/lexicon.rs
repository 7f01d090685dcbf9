//! The verb lexicon: PETRARCH's CAMEO verb dictionary, derived into `data/events/` by
//! `scripts/derive_events.py`, and the CAMEO code list with its PLOVER mapping.
//!
//! (Skeleton: the loader is being written; the API below is the contract the coder uses.)

use crate::model::PloverType;
use crate::Error;

/// Index of a verb in the lexicon.
pub type VerbId = u32;

/// A verb pattern: literal words (lower case) that must stand before / after the verb within
/// its clause, in order. A word starting with `&` names a synset ([`Lexicon::synset`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    pub code: String,
    pub before: Vec<String>,
    pub after: Vec<String>,
}

/// A match of a verb form in a token sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerbMatch {
    pub verb: VerbId,
    /// Tokens the form covers (2 or more for phrasal verbs: "lash out").
    pub len: usize,
}

/// CAMEO code -> PLOVER, as the 2021 mapping gives it, with sitrep's two changes: statements
/// (01x) map to no type (they become claims), appeals (02x) map to REQUEST.
#[derive(Debug, Clone, PartialEq)]
pub struct PloverMap {
    pub kind: Option<PloverType>,
    pub mode: Option<String>,
    pub context: Option<String>,
}

#[derive(Debug, Default)]
pub struct Lexicon {}

impl Lexicon {
    /// The lexicon compiled into the binary.
    pub fn load() -> Result<Lexicon, Error> {
        Ok(Lexicon {})
    }
    /// Verb forms that start at `words[0]` (lower-case tokens), longest first.
    pub fn lookup(&self, _words: &[&str]) -> Vec<VerbMatch> {
        Vec::new()
    }
    pub fn lemma(&self, _verb: VerbId) -> &str {
        ""
    }
    /// The verb's own code (`None` where the dictionary gives `---`).
    pub fn default_code(&self, _verb: VerbId) -> Option<&str> {
        None
    }
    pub fn patterns(&self, _verb: VerbId) -> &[Pattern] {
        &[]
    }
    /// Members of a synset (`&weapon`), each as lower-case words.
    pub fn synset(&self, _name: &str) -> Option<&[Vec<String>]> {
        None
    }
    pub fn plover(&self, _cameo: &str) -> Option<PloverMap> {
        None
    }
    pub fn label(&self, _cameo: &str) -> Option<&str> {
        None
    }
}
