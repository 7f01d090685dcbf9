//! Corpus stages: steps that need other articles, unlike the per-article
//! [`Stage`](crate::Stage)s, which are pure functions of one article. A corpus stage keeps state
//! (an index of what it has seen), acts as a barrier over a batch or the store, and its state
//! can be persisted (serde) and rebuilt.
//!
//! - [`dedup`]: near-duplicate (syndicated copy) detection with MinHash LSH.
//! - [`stories`]: online story clustering (TF-IDF, entities and time), with analyst
//!   constraints.
//!
//! - [`corroboration`]: independent sources of a story, its figures and quotes.
//! - [`link`]: both together, as `sitrep process` and `sitrep ingest` use them.

pub mod corroboration;
pub mod dedup;
pub mod link;
pub mod stories;
