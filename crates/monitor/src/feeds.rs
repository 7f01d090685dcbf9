//! RSS/Atom subscriptions and the polling cycle.

use serde::Serialize;

/// A page fetched for a new feed item, ready for ingest.
#[derive(Debug, Clone, Serialize)]
pub struct FetchedPage {
    pub feed_id: i64,
    pub item_key: String,
    /// The page's canonical URL when it gives one, else the URL fetched.
    pub url: String,
    /// Outlet: the page's site name, else the URL's host.
    pub source: Option<String>,
    pub title: Option<String>,
    /// Publication date: the page's, else the feed item's.
    pub published: Option<String>,
    pub modified: Option<String>,
    pub text: String,
}

/// What one polling cycle did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PollReport {
    pub feeds_due: usize,
    pub feeds_polled: usize,
    pub not_modified: usize,
    pub feed_errors: usize,
    pub new_items: usize,
    pub pages_fetched: usize,
    pub page_errors: usize,
    /// Per-feed or per-page error messages (URL first).
    pub errors: Vec<String>,
}
