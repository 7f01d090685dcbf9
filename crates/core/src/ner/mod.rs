//! Statistical named-entity tagger. OWNER: NER helper. Stub until implemented.

/// CoNLL entity types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NerType {
    Per,
    Loc,
    Org,
    Misc,
}

/// An entity found by the tagger, as a half-open range of token indices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NerSpan {
    pub start: usize,
    pub end: usize,
    pub kind: NerType,
}

/// The tagger. Load the model shipped in the binary with [`Tagger::embedded`].
pub struct Tagger {}

impl Tagger {
    pub fn embedded() -> Result<&'static Tagger, crate::Error> {
        static T: Tagger = Tagger {};
        Ok(&T)
    }
    /// Tag one sentence given as words; returns entity spans over word indices.
    pub fn tag(&self, _words: &[&str]) -> Vec<NerSpan> {
        Vec::new()
    }
}
