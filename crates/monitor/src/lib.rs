//! # sitrep-monitor
//!
//! What sitrep watches and what it says when something happens.
//!
//! * [`fetch`]: HTTP GET with timeouts, size and redirect limits, conditional requests, and a
//!   refusal of private, loopback and link-local addresses unless allowed (no SSRF through a
//!   feed URL).
//! * [`feeds`]: RSS/Atom subscriptions (feed-rs): a polling cycle with ETag/Last-Modified,
//!   per-feed backoff and health, and the pages of new items fetched and extracted.
//! * [`watch`]: watches (named saved queries in the search query language) evaluated per story;
//!   alerts once per story, updates for material developments.
//! * [`deliver`]: webhook delivery of stored alerts, retried with backoff.
//! * [`atom`]: an Atom feed per watch (served by `sitrep serve`); [`digest`]: a daily digest.

pub mod atom;
pub mod deliver;
pub mod digest;
pub mod feeds;
pub mod fetch;
pub mod watch;

/// Now, as stored: RFC 3339 UTC with seconds.
pub fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
