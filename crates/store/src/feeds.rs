//! Feeds and feed items (schema v4): inherent methods on [`SqliteStore`], used by
//! `sitrep-monitor`. Times are RFC 3339 UTC strings.

use serde::Serialize;

#[allow(unused_imports)]
use crate::{SqliteStore, StoreError};

/// A subscribed feed and its health.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FeedRow {
    pub id: i64,
    pub url: String,
    pub title: Option<String>,
    pub added_at: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub last_polled: Option<String>,
    pub last_success: Option<String>,
    pub last_error: Option<String>,
    pub last_error_at: Option<String>,
    /// Consecutive failed polls (drives the backoff).
    pub failures: i64,
    /// Not polled again before this time (backoff, or the regular interval).
    pub next_poll: Option<String>,
    pub items_seen: i64,
}

/// One item a feed listed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FeedItemRow {
    pub feed_id: i64,
    /// The item's guid/id, else its link.
    pub item_key: String,
    pub link: Option<String>,
    pub title: Option<String>,
    pub published: Option<String>,
    pub seen_at: String,
    /// `new` (to fetch), `ingested`, `failed` (gave up after retries).
    pub status: String,
    pub article_id: Option<String>,
    pub error: Option<String>,
    pub attempts: i64,
}
