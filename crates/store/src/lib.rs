//! # sitrep-store
//!
//! The system of record. Annotated articles live in an embedded SQLite database inside a store
//! directory (`DIR/sitrep.db`), which any SQLite tool can open. Everything the pipeline knows
//! about an article is kept: the raw input, the clean text, and the full JSON record; entities
//! are also kept in their own table for aggregation.
//!
//! The pipeline never sees SQL: it talks to the [`Store`] trait, whose methods are the whole
//! interface (batch writes, look-ups, listings, aggregates), so that another backend (PostgreSQL
//! for several workers) can implement it without touching the pipeline.
//!
//! Writes happen in batches, one transaction per batch, in WAL mode: a process killed in the
//! middle of an ingest loses at most the batch in flight, and nothing that was committed. Ids are
//! the input's id or a content hash, and inserts ignore ids already present, so re-ingesting the
//! same input adds nothing.
//!
//! ```
//! use sitrep_core::{Pipeline, Meta};
//! use sitrep_store::{SqliteStore, Store, StoredArticle};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let mut store = SqliteStore::open(dir.path()).unwrap();
//! let article = Pipeline::default().annotate("Seoul and Ottawa met.".into(), Meta::default());
//! let batch = vec![StoredArticle::from_article(&article)];
//! assert_eq!(store.put_batch(&batch).unwrap().inserted, 1);
//! assert_eq!(store.put_batch(&batch).unwrap().already_present, 1);
//! assert!(store.get(&article.id).unwrap().is_some());
//! ```

mod sqlite;

pub use sqlite::SqliteStore;

use serde::Serialize;
use sitrep_core::{Article, Record};

/// Errors from a store. All of them are internal (the store or its disk), not bad input.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open store at {path}: {message}")]
    Open { path: String, message: String },
    #[error("store database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("store holds a malformed record for article {id}: {source}")]
    Record {
        id: String,
        source: serde_json::Error,
    },
    #[error(
        "store at {path} has schema version {found}, newer than this sitrep understands ({expected}); upgrade sitrep"
    )]
    Schema {
        path: String,
        found: i64,
        expected: i64,
    },
}

/// What a store keeps of one article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredArticle {
    pub record: Record,
    /// The input exactly as read (before cleaning).
    pub raw: String,
}

impl StoredArticle {
    pub fn from_article(a: &Article) -> Self {
        StoredArticle {
            record: a.to_record(),
            raw: a.raw.clone(),
        }
    }
}

/// Outcome of one batch write.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PutOutcome {
    pub inserted: usize,
    pub already_present: usize,
}

/// One line of an article listing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArticleSummary {
    pub id: String,
    pub published: Option<String>,
    pub source: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
    pub lang: Option<String>,
    pub chars: usize,
    pub entities: usize,
}

/// Filters for [`Store::articles`]. Newest first.
#[derive(Debug, Clone, Default)]
pub struct ArticleQuery {
    pub source: Option<String>,
    /// Only articles mentioning an entity with this code (e.g. `PRK`) or name.
    pub entity: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub limit: usize,
    pub offset: usize,
}

/// Entities aggregated across articles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityCount {
    pub kind: String,
    pub code: Option<String>,
    /// Canonical name, or the most frequent mention text.
    pub name: String,
    pub mentions: usize,
    pub articles: usize,
    pub role: Option<String>,
    pub country: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct EntityQuery {
    pub kind: Option<String>,
    pub limit: usize,
}

/// Counts for a summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    pub articles: usize,
    pub entities: usize,
}

/// The store's whole interface. Implementations must make [`Store::put_batch`] atomic (all of the
/// batch or none of it) and idempotent (ids already present are left alone and counted).
pub trait Store {
    /// Which of `ids` are already stored (used to skip work on re-runs).
    fn existing(&self, ids: &[String]) -> Result<std::collections::HashSet<String>, StoreError>;
    /// Write a batch in one transaction.
    fn put_batch(&mut self, batch: &[StoredArticle]) -> Result<PutOutcome, StoreError>;
    /// Ids that start with `prefix` (at most `limit`), for short ids typed by people.
    fn ids_with_prefix(&self, prefix: &str, limit: usize) -> Result<Vec<String>, StoreError>;
    /// One article, by id.
    fn get(&self, id: &str) -> Result<Option<StoredArticle>, StoreError>;
    /// A page of articles, newest first, and the total number matching.
    fn articles(&self, q: &ArticleQuery) -> Result<(Vec<ArticleSummary>, usize), StoreError>;
    /// Entities aggregated across all articles, most mentioned first.
    fn entities(&self, q: &EntityQuery) -> Result<Vec<EntityCount>, StoreError>;
    fn stats(&self) -> Result<Stats, StoreError>;
}
