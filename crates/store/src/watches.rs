//! Watches (saved queries), their per-story state, and stored alerts (schema v4): inherent
//! methods on [`SqliteStore`], used by `sitrep-monitor`. Times are RFC 3339 UTC strings.

use serde::Serialize;

#[allow(unused_imports)]
use crate::{SqliteStore, StoreError};

/// A watch: a named saved query, with an optional webhook.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct WatchRow {
    pub id: i64,
    pub name: String,
    pub query: String,
    pub webhook: Option<String>,
    pub created_at: String,
    /// The storage sequence number the watch has been evaluated up to.
    pub last_seq: i64,
}

/// A stored alert and its delivery state.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AlertRow {
    pub id: i64,
    pub watch_id: i64,
    pub story: i64,
    /// `new` or `update`.
    pub kind: String,
    pub created_at: String,
    /// The alert as delivered (JSON).
    pub payload: String,
    pub delivered_at: Option<String>,
    pub attempts: i64,
    pub next_attempt: Option<String>,
    pub last_error: Option<String>,
}
