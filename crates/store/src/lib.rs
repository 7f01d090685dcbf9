//! # sitrep-store
//!
//! The system of record. Annotated articles live in an embedded SQLite database inside a store
//! directory (`DIR/sitrep.db`), which any SQLite tool can open. Everything the pipeline knows
//! about an article is kept: the raw input, the clean text, and the full JSON record; entities,
//! events and claims are kept in their own tables (not twice: the stored JSON leaves them out),
//! for aggregation and filtering.
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

mod feeds;
mod sqlite;
mod watches;

pub use feeds::{store_time, FeedItemRow, FeedRow, NewFeedItem};
pub use sqlite::SqliteStore;
pub use watches::{AlertRow, NewAlert, WatchRow, WatchSummary};

use serde::Serialize;
use sitrep_core::model::{Claim, Event, EventStatus, PloverType};
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
    /// The record; its `duplicate_of` and `story` are kept in their own columns.
    pub record: Record,
    /// The input exactly as read (before cleaning).
    pub raw: String,
    /// The article's linking features (`sitrep_core::corpus::link::Prepared::to_bytes`), kept
    /// so that the story index can be replayed or rebuilt without annotating again.
    #[serde(skip)]
    pub link: Option<Vec<u8>>,
}

impl StoredArticle {
    pub fn from_article(a: &Article) -> Self {
        StoredArticle {
            record: a.to_record(),
            raw: a.raw.clone(),
            link: None,
        }
    }
}

/// A story's descriptive head, as the story index knows it; counts are the store's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoryHead {
    pub id: u32,
    pub headline: String,
    /// First and last dates (`YYYY-MM-DD`) seen: publication dates, else dates in the text.
    pub first: Option<String>,
    pub last: Option<String>,
}

/// One line of `sitrep stories`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StorySummary {
    pub id: u32,
    pub headline: String,
    pub first: Option<String>,
    pub last: Option<String>,
    /// Member articles, copies included.
    pub articles: usize,
    /// Members that are copies of another article.
    pub copies: usize,
    /// Independent sources: distinct outlets among the non-copy members (members with no
    /// known outlet count as one more source together).
    pub sources: usize,
}

/// How [`Store::stories`] orders stories.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StoryOrder {
    /// Latest publication date of a member first (stories with no dated member last).
    #[default]
    Newest,
    /// Most independent sources first, then most articles, then newest.
    Sources,
}

/// Filters for [`Store::stories`]. Newest (latest `last`) first unless `order` says otherwise.
#[derive(Debug, Clone, Default)]
pub struct StoryQuery {
    pub order: StoryOrder,
    /// Only stories with at least this many articles.
    pub min_articles: usize,
    /// Only stories whose last date is on or after this date (YYYY-MM-DD).
    pub since: Option<String>,
    pub limit: usize,
    pub offset: usize,
}

/// A member of a story.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoryMember {
    #[serde(flatten)]
    pub article: ArticleSummary,
    pub duplicate_of: Option<String>,
}

/// A change to a stored article's links (merge, split, replay corrections).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relink {
    pub id: String,
    pub duplicate_of: Option<String>,
    pub story: u32,
    /// Linking features to store when the row has none yet (articles stored before linking
    /// existed); `None` leaves the stored ones.
    pub link: Option<Vec<u8>>,
}

/// An analyst decision on stories, kept in order and replayed whenever the index is rebuilt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum Decision {
    /// Merge the story holding `into` with the story holding `from`.
    Merge { into: String, from: String },
    /// Move these articles (all from one story) into one new story.
    Split { articles: Vec<String> },
}

/// A logged decision: its number, and how many articles (by sequence) were stored when it
/// was made, so that a replay applies it at the same point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoggedDecision {
    pub id: i64,
    pub after_seq: i64,
    pub decision: Decision,
}

/// What a replay of the story index needs of a stored article, in storage order.
#[derive(Debug, Clone)]
pub struct LinkRow {
    /// Storage sequence number (increasing with insertion).
    pub seq: i64,
    pub id: String,
    pub text: String,
    /// Stored linking features; `None` for articles stored before linking existed.
    pub link: Option<Vec<u8>>,
    pub duplicate_of: Option<String>,
    pub story: Option<u32>,
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
    /// Only articles stored at or before this storage sequence number ([`Store::max_seq`] at
    /// the time): pages of a listing stay put while articles are added.
    pub as_of_seq: Option<i64>,
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

/// Filters for [`Store::events`]. Every filter given must hold. Newest first: by the event's
/// day (its own date when the sentence states one, else the article's publication date), events
/// with neither last; within a day, later-stored articles first, an article's events in order.
#[derive(Debug, Clone, Default)]
pub struct EventQuery {
    /// Some actor's code starts with this code, or its country is this code: `PRK` finds actors
    /// coded `PRK`, `PRKMIL`, `PRKGOV`. Codes are upper case.
    pub actor: Option<String>,
    /// The same, for a recipient.
    pub recipient: Option<String>,
    /// PLOVER type (`ACCUSE`).
    pub kind: Option<PloverType>,
    pub status: Option<EventStatus>,
    /// The event's day is on or after this date (YYYY-MM-DD). The day is the event's own date
    /// when it has one, else the article's publication date; a week, month or year matches when
    /// any of its days does. Events with neither never match a date filter.
    pub since: Option<String>,
    /// The event's day is on or before this date (YYYY-MM-DD), as for `since`.
    pub until: Option<String>,
    /// The article's story.
    pub story: Option<u32>,
    /// The article's id (exact).
    pub article: Option<String>,
    /// Some actor or some recipient is this party (see [`Party`]).
    pub party: Option<Party>,
    /// Only events of articles stored at or before this storage sequence number.
    pub as_of_seq: Option<i64>,
    /// Rows to return; 0 for all.
    pub limit: usize,
    pub offset: usize,
}

/// A participant to look for in either role: it matches an actor or recipient whose code
/// starts with `code` or whose country is `code` (as [`EventQuery::actor`]), or whose text is
/// `text` (case-insensitive). Either may be missing; with neither nothing matches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Party {
    pub code: Option<String>,
    pub text: Option<String>,
}

/// One line of an event listing: an event with the article that carries it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventRow {
    pub article: String,
    pub story: Option<u32>,
    /// The article's publication date.
    pub published: Option<String>,
    /// The event's position in the article's `events`.
    pub idx: usize,
    /// The text of the event's sentence (the evidence).
    pub sentence: String,
    /// The event, offsets in characters into the article's clean text.
    pub event: Event,
}

/// Filters for [`Store::claims`], as for [`EventQuery`]; the day of a claim is its own date (the
/// date it was made, when the text says), else the article's publication date.
#[derive(Debug, Clone, Default)]
pub struct ClaimQuery {
    /// The speaker's code starts with this code, or the speaker's country is this code.
    pub speaker: Option<String>,
    pub status: Option<EventStatus>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub story: Option<u32>,
    pub article: Option<String>,
    /// Only claims of articles stored at or before this storage sequence number.
    pub as_of_seq: Option<i64>,
    /// Rows to return; 0 for all.
    pub limit: usize,
    pub offset: usize,
}

/// One line of a claim listing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimRow {
    pub article: String,
    pub story: Option<u32>,
    pub published: Option<String>,
    /// The claim's position in the article's `claims`.
    pub idx: usize,
    /// The text of the claim's sentence.
    pub sentence: String,
    pub claim: Claim,
}

/// Filters for [`Store::timeline`]; every filter given must hold.
#[derive(Debug, Clone, Default)]
pub struct TimelineQuery {
    /// Publication date on or after this date (YYYY-MM-DD).
    pub since: Option<String>,
    /// Publication date on or before this date (YYYY-MM-DD).
    pub until: Option<String>,
    pub story: Option<u32>,
    /// Articles mentioning an entity with this code or name (as [`ArticleQuery::entity`]).
    pub entity: Option<String>,
    /// Articles carrying at least one event of this type.
    pub kind: Option<PloverType>,
}

/// Articles published on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineDay {
    /// `YYYY-MM-DD`; `None` for articles with no publication date (listed last).
    pub day: Option<String>,
    /// Articles, copies included.
    pub articles: usize,
    /// Articles that are not copies of another.
    pub originals: usize,
    /// Distinct stories of those articles (articles in no story are not counted).
    pub stories: usize,
}

/// What a search result shows of one article: its links and listing fields, and (when asked
/// for) its clean text and sentences, for snippets.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HitRow {
    pub id: String,
    pub story: Option<u32>,
    pub duplicate_of: Option<String>,
    pub title: Option<String>,
    pub source: Option<String>,
    pub published: Option<String>,
    pub url: Option<String>,
    /// The clean text (empty unless asked for).
    pub text: String,
    /// Sentence spans, character offsets into `text` (empty unless asked for).
    pub sentences: Vec<sitrep_core::model::Sentence>,
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

    /// Write a batch of linked articles and the heads of the stories they touched, in one
    /// transaction; story counts are recomputed from the members.
    fn put_linked(
        &mut self,
        batch: &[StoredArticle],
        stories: &[StoryHead],
    ) -> Result<PutOutcome, StoreError>;
    /// Set the story (and `duplicate_of`) of stored articles, update story heads, delete the
    /// stories left empty, and log `decision` if given, in one transaction (merge, split,
    /// replay corrections).
    fn relink(
        &mut self,
        moves: &[Relink],
        stories: &[StoryHead],
        decision: Option<&Decision>,
    ) -> Result<(), StoreError>;
    /// Highest storage sequence number (0 when empty).
    fn max_seq(&self) -> Result<i64, StoreError>;
    /// Every article with a sequence number above `after`, in order.
    fn link_rows(
        &self,
        after: i64,
        f: &mut dyn FnMut(LinkRow) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;
    /// Logged decisions with an id above `after`, in order.
    fn decisions(&self, after: i64) -> Result<Vec<LoggedDecision>, StoreError>;
    /// A page of stories, newest first, and the total number matching.
    fn stories(&self, q: &StoryQuery) -> Result<(Vec<StorySummary>, usize), StoreError>;
    /// One story's summary and members (oldest first).
    fn story(&self, id: u32) -> Result<Option<(StorySummary, Vec<StoryMember>)>, StoreError>;
    /// The story of an article.
    fn story_of(&self, article_id: &str) -> Result<Option<u32>, StoreError>;

    /// Replace the annotations of articles already stored (the record, the clean text, the
    /// entities, events and claims) in one transaction, keeping their links, their storage
    /// order and, unless a row brings some, their linking features. Articles not stored are
    /// left out. Returns how many were replaced.
    fn replace_annotations(&mut self, batch: &[StoredArticle]) -> Result<usize, StoreError>;
    /// A page of events, newest first, and the total number matching.
    fn events(&self, q: &EventQuery) -> Result<(Vec<EventRow>, usize), StoreError>;
    /// A page of claims, newest first, and the total number matching.
    fn claims(&self, q: &ClaimQuery) -> Result<(Vec<ClaimRow>, usize), StoreError>;

    // API (issue 6)
    /// Articles per publication day, oldest first (undated last).
    fn timeline(&self, q: &TimelineQuery) -> Result<Vec<TimelineDay>, StoreError>;

    // Search (issue 6)
    /// Up to `limit` full records (links included) with a storage sequence number above
    /// `after`, in storage order, each with its sequence number: what the search index reads
    /// to catch up.
    fn records_after(&self, after: i64, limit: usize) -> Result<Vec<(i64, Record)>, StoreError>;
    /// What a page of search results shows of these articles (the ones stored, in any order);
    /// the clean text and sentences only when `text` is true.
    fn hit_rows(&self, ids: &[String], text: bool) -> Result<Vec<HitRow>, StoreError>;
    /// `(story, headline)` of these stories (the ones that exist, in any order).
    fn story_headlines(&self, ids: &[u32]) -> Result<Vec<(u32, String)>, StoreError>;
    /// `(story, article id)` of every member of these stories, copies included.
    fn story_member_ids(&self, stories: &[u32]) -> Result<Vec<(u32, String)>, StoreError>;
}
