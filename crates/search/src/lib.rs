//! # sitrep-search
//!
//! SKELETON: the public API that the server and the CLI build against. The search helper
//! replaces every `todo!()` with the real thing (see the contract in the task text).

use std::path::Path;

use serde::Serialize;
use sitrep_store::{Store, StoreError, StoredArticle};

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

/// The tantivy index of a store directory (`DIR/index`).
pub struct SearchIndex {}

impl SearchIndex {
    /// Open (creating when missing) the index of the store in `dir`.
    pub fn open(_dir: &Path) -> Result<SearchIndex, SearchError> {
        Ok(SearchIndex {})
    }

    /// Run a query. The store gives stories, titles and texts for snippets.
    pub fn search(
        &self,
        _store: &dyn Store,
        _query: &str,
        _opts: &SearchOptions,
    ) -> Result<SearchResults, SearchError> {
        Err(SearchError::Index("search is not built yet".into()))
    }

    /// Index what the store holds beyond what the index covers (by storage sequence).
    pub fn catch_up(&self, _store: &dyn Store) -> Result<usize, SearchError> {
        Ok(0)
    }

    /// Index (or re-index, replacing by id) these stored articles and commit.
    pub fn index_articles(&self, _rows: &[StoredArticle]) -> Result<(), SearchError> {
        Ok(())
    }
}
