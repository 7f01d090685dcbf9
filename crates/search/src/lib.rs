//! # sitrep-search
//!
//! Full-text search over a store: a tantivy index in `DIR/index` beside `DIR/sitrep.db`.
//!
//! - The index holds, per article: its id, title and text (words: letters and digits, lower
//!   case, accents folded; no stemming), outlet, entities (codes, canonical names, mention
//!   texts), event participants (`actor`, `recipient`: codes, their countries and 3-letter
//!   prefixes), event types, CAMEO codes and statuses, language, publication day and the days
//!   the text mentions. Text is indexed sentence by sentence, sentence `i` at positions
//!   `i << 16` onwards, so that `NEAR/Ns` can tell sentences apart. The text itself is not
//!   stored: snippets are cut from the store's clean text.
//! - It is rebuildable from SQLite ([`SearchIndex::rebuild`], `sitrep reindex`) and kept in
//!   step by storage sequence: the commit payload records the last article indexed, and
//!   [`SearchIndex::catch_up`] indexes whatever the store holds beyond it.
//! - Queries are Lucene-style with a NEAR operator; see the crate README for the language.
//! - Results are grouped by story by default ([`SearchOptions::group`]).

mod compile;
mod index;
mod matching;
mod near;
pub mod query;
mod results;
pub mod schema;

use serde::Serialize;
use sitrep_store::StoreError;

pub use index::SearchIndex;
pub use matching::Matches;

/// Errors from the index or from a query.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The query does not parse or is too costly; `message` says what to fix, `at` is the
    /// character position in the query where the problem is.
    #[error("bad query at character {at}: {message}")]
    Query { message: String, at: usize },
    #[error("search index error: {0}")]
    Index(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What to return.
#[derive(Debug, Clone)]
pub struct SearchOptions {
    /// Group hits by story (the default): a page is `limit` stories, each with its matching
    /// articles (copies collapsed under their original). Otherwise a page is `limit` articles.
    pub group: bool,
    pub limit: usize,
    pub offset: usize,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            group: true,
            limit: 20,
            offset: 0,
        }
    }
}

/// A snippet of an article's clean text with the matched terms marked.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Snippet {
    pub text: String,
    /// Char offsets into `text` of the highlighted matches.
    pub highlights: Vec<(usize, usize)>,
    /// Char offset of `text` in the article's clean text.
    pub start: usize,
}

/// One matching article.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ArticleHit {
    pub id: String,
    pub score: f32,
    pub title: Option<String>,
    pub source: Option<String>,
    pub published: Option<String>,
    pub url: Option<String>,
    pub story: Option<u32>,
    pub duplicate_of: Option<String>,
    pub snippet: Option<Snippet>,
}

/// One matching story with its matching articles, best first.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StoryHit {
    pub story: Option<u32>,
    pub headline: Option<String>,
    /// The best article's score.
    pub score: f32,
    /// Matching articles of this story that are not copies.
    pub articles: Vec<ArticleHit>,
    /// Matching copies (collapsed: counted, listed last).
    pub copies: Vec<ArticleHit>,
}

/// A page of results.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SearchResults {
    pub query: String,
    /// Articles matching in all (exact).
    pub total_articles: usize,
    /// Grouped: stories on this page; empty otherwise.
    pub stories: Vec<StoryHit>,
    /// Not grouped: articles on this page; empty otherwise.
    pub articles: Vec<ArticleHit>,
    /// Whether another page follows (ask again with `offset + limit`).
    pub more: bool,
}

// The server shares one index between threads.
const _: fn() = || {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<SearchIndex>();
};
