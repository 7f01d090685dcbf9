//! Corpus stages: steps that need other articles, unlike the per-article
//! [`Stage`](crate::Stage)s, which are pure functions of one article. A corpus stage keeps state
//! (an index of what it has seen), acts as a barrier over a batch or the store, and its state
//! can be persisted (serde) and rebuilt.
//!
//! - [`dedup`]: near-duplicate (syndicated copy) detection with MinHash LSH.
//! - [`stories`]: online story clustering (TF-IDF, entities and time), with analyst
//!   constraints.
//!
//! Neither is wired into the CLI or the store yet (issue 4 is in progress); their evaluations
//! run as examples: `eval_copies` and `eval_stories`.

pub mod dedup;
pub mod stories;
