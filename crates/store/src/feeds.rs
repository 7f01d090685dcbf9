//! Feeds and feed items (schema v4): inherent methods on [`SqliteStore`], used by
//! `sitrep-monitor`. Times are RFC 3339 UTC strings with seconds (`2026-03-03T10:00:00Z`), so
//! that they compare as text.
//!
//! An item is keyed by `(feed_id, item_key)`; [`SqliteStore::insert_new_items`] ignores keys
//! already present, so an item a feed lists again is never fetched twice. Items move from `new`
//! to `ingested` (the caller ingested the page) or, after repeated failures, to `failed`.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;

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

/// An item to record (from a parsed feed).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewFeedItem {
    pub item_key: String,
    pub link: Option<String>,
    pub title: Option<String>,
    pub published: Option<String>,
}

/// A time as stored.
pub fn store_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

const FEED_COLS: &str = "id, url, title, added_at, etag, last_modified, last_polled, last_success,
     last_error, last_error_at, failures, next_poll, items_seen";
const ITEM_COLS: &str =
    "feed_id, item_key, link, title, published, seen_at, status, article_id, error, attempts";

fn feed_row(r: &Row<'_>) -> rusqlite::Result<FeedRow> {
    Ok(FeedRow {
        id: r.get(0)?,
        url: r.get(1)?,
        title: r.get(2)?,
        added_at: r.get(3)?,
        etag: r.get(4)?,
        last_modified: r.get(5)?,
        last_polled: r.get(6)?,
        last_success: r.get(7)?,
        last_error: r.get(8)?,
        last_error_at: r.get(9)?,
        failures: r.get(10)?,
        next_poll: r.get(11)?,
        items_seen: r.get(12)?,
    })
}

fn item_row(r: &Row<'_>) -> rusqlite::Result<FeedItemRow> {
    Ok(FeedItemRow {
        feed_id: r.get(0)?,
        item_key: r.get(1)?,
        link: r.get(2)?,
        title: r.get(3)?,
        published: r.get(4)?,
        seen_at: r.get(5)?,
        status: r.get(6)?,
        article_id: r.get(7)?,
        error: r.get(8)?,
        attempts: r.get(9)?,
    })
}

impl SqliteStore {
    /// Subscribe to `url`. Idempotent: when the URL is already subscribed the existing row is
    /// returned with `false` (its title is filled in if it had none); a new row comes with `true`.
    pub fn add_feed(
        &self,
        url: &str,
        title: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(FeedRow, bool), StoreError> {
        let inserted = self.conn.execute(
            "INSERT OR IGNORE INTO feeds (url, title, added_at) VALUES (?1, ?2, ?3)",
            params![url, title, store_time(now)],
        )? > 0;
        if !inserted && title.is_some() {
            self.conn.execute(
                "UPDATE feeds SET title = ?2 WHERE url = ?1 AND title IS NULL",
                params![url, title],
            )?;
        }
        let row = self.feed(url)?.expect("feed row just written");
        Ok((row, inserted))
    }

    /// All feeds, by id.
    pub fn feeds(&self) -> Result<Vec<FeedRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {FEED_COLS} FROM feeds ORDER BY id"))?;
        let rows = stmt.query_map([], feed_row)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// A feed by id (all digits) or URL.
    pub fn feed(&self, id_or_url: &str) -> Result<Option<FeedRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {FEED_COLS} FROM feeds WHERE url = ?1 OR (?2 IS NOT NULL AND id = ?2)"
        ))?;
        let id: Option<i64> = id_or_url.parse().ok();
        Ok(stmt
            .query_row(params![id_or_url, id], feed_row)
            .optional()?)
    }

    /// Unsubscribe (the feed's items go with it; articles already ingested stay).
    /// Returns the removed row, if there was one.
    pub fn remove_feed(&self, id_or_url: &str) -> Result<Option<FeedRow>, StoreError> {
        let Some(row) = self.feed(id_or_url)? else {
            return Ok(None);
        };
        self.conn
            .execute("DELETE FROM feed_items WHERE feed_id = ?1", [row.id])?;
        self.conn
            .execute("DELETE FROM feeds WHERE id = ?1", [row.id])?;
        Ok(Some(row))
    }

    /// Feeds due for a poll at `now`: never polled, or `next_poll <= now`.
    pub fn due_feeds(&self, now: DateTime<Utc>) -> Result<Vec<FeedRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {FEED_COLS} FROM feeds WHERE next_poll IS NULL OR next_poll <= ?1 ORDER BY id"
        ))?;
        let rows = stmt.query_map([store_time(now)], feed_row)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// A poll that worked (200 or 304): validators kept (a 304 passes the old ones again),
    /// failures reset, next poll set. `title` fills in the feed's title when given.
    #[allow(clippy::too_many_arguments)]
    pub fn record_poll_success(
        &self,
        id: i64,
        etag: Option<&str>,
        last_modified: Option<&str>,
        now: DateTime<Utc>,
        next_poll: DateTime<Utc>,
        title: Option<&str>,
    ) -> Result<(), StoreError> {
        let now = store_time(now);
        self.conn.execute(
            "UPDATE feeds SET etag = ?2, last_modified = ?3, last_polled = ?4, last_success = ?4,
                failures = 0, next_poll = ?5, title = COALESCE(?6, title)
             WHERE id = ?1",
            params![id, etag, last_modified, now, store_time(next_poll), title],
        )?;
        Ok(())
    }

    /// A poll that failed: the error and its time kept, failures + 1, next poll (backoff) set.
    pub fn record_poll_error(
        &self,
        id: i64,
        message: &str,
        now: DateTime<Utc>,
        next_poll: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let now = store_time(now);
        self.conn.execute(
            "UPDATE feeds SET last_polled = ?2, last_error = ?3, last_error_at = ?2,
                failures = failures + 1, next_poll = ?4
             WHERE id = ?1",
            params![id, now, message, store_time(next_poll)],
        )?;
        Ok(())
    }

    /// Record the items a feed listed; those already known (same key) are ignored. Returns
    /// the rows newly inserted (status `new`), in the order given.
    pub fn insert_new_items(
        &self,
        feed_id: i64,
        items: &[NewFeedItem],
        now: DateTime<Utc>,
    ) -> Result<Vec<FeedItemRow>, StoreError> {
        let now = store_time(now);
        let tx = self.conn.unchecked_transaction()?;
        let mut out = Vec::new();
        {
            let mut stmt = tx.prepare_cached(
                "INSERT OR IGNORE INTO feed_items (feed_id, item_key, link, title, published,
                    seen_at, status, attempts)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'new', 0)",
            )?;
            for it in items {
                let n = stmt.execute(params![
                    feed_id,
                    it.item_key,
                    it.link,
                    it.title,
                    it.published,
                    now
                ])?;
                if n > 0 {
                    out.push(FeedItemRow {
                        feed_id,
                        item_key: it.item_key.clone(),
                        link: it.link.clone(),
                        title: it.title.clone(),
                        published: it.published.clone(),
                        seen_at: now.clone(),
                        status: "new".into(),
                        article_id: None,
                        error: None,
                        attempts: 0,
                    });
                }
            }
            tx.execute(
                "UPDATE feeds SET items_seen = items_seen + ?2 WHERE id = ?1",
                params![feed_id, out.len() as i64],
            )?;
        }
        tx.commit()?;
        Ok(out)
    }

    /// Items still to fetch (status `new`, fewer than `max_attempts` attempts), oldest first.
    pub fn pending_items(
        &self,
        max_attempts: i64,
        limit: usize,
    ) -> Result<Vec<FeedItemRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ITEM_COLS} FROM feed_items WHERE status = 'new' AND attempts < ?1
             ORDER BY seen_at, feed_id, rowid LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![max_attempts, limit as i64], item_row)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// One feed's items, newest first (for inspection and tests).
    pub fn feed_items(&self, feed_id: i64) -> Result<Vec<FeedItemRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ITEM_COLS} FROM feed_items WHERE feed_id = ?1 ORDER BY seen_at DESC, rowid DESC"
        ))?;
        let rows = stmt.query_map([feed_id], item_row)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// The item's page was ingested as article `article_id`.
    pub fn mark_item_ingested(
        &self,
        feed_id: i64,
        item_key: &str,
        article_id: &str,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE feed_items SET status = 'ingested', article_id = ?3, error = NULL
             WHERE feed_id = ?1 AND item_key = ?2",
            params![feed_id, item_key, article_id],
        )?;
        Ok(())
    }

    /// A failed attempt at the item's page: attempts + 1, error kept; `give_up` sets the status
    /// to `failed` (never tried again).
    pub fn mark_item_failed(
        &self,
        feed_id: i64,
        item_key: &str,
        error: &str,
        give_up: bool,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE feed_items SET attempts = attempts + 1, error = ?3,
                status = CASE WHEN ?4 THEN 'failed' ELSE status END
             WHERE feed_id = ?1 AND item_key = ?2",
            params![feed_id, item_key, error, give_up],
        )?;
        Ok(())
    }

    /// Items a feed listed for the first time per day, averaged over the `days` days before
    /// `now` (feed health).
    pub fn items_per_day(
        &self,
        feed_id: i64,
        days: u32,
        now: DateTime<Utc>,
    ) -> Result<f64, StoreError> {
        let days = days.max(1);
        let since = store_time(now - Duration::days(days as i64));
        let n: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM feed_items WHERE feed_id = ?1 AND seen_at >= ?2",
            params![feed_id, since],
            |r| r.get(0),
        )?;
        Ok(n as f64 / days as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 3, h, 0, 0).unwrap()
    }

    fn item(k: &str) -> NewFeedItem {
        NewFeedItem {
            item_key: k.into(),
            link: Some(format!("https://example.org/{k}")),
            title: Some(format!("Item {k}")),
            published: None,
        }
    }

    #[test]
    fn feeds_and_items_lifecycle() {
        let dir = tempfile::tempdir().unwrap();
        let s = SqliteStore::open(dir.path()).unwrap();
        let (a, new) = s.add_feed("https://a.example/rss", None, t(1)).unwrap();
        assert!(new);
        let (a2, new2) = s
            .add_feed("https://a.example/rss", Some("A news"), t(2))
            .unwrap();
        assert!(!new2);
        assert_eq!(a2.id, a.id);
        assert_eq!(a2.title.as_deref(), Some("A news"));
        let (b, _) = s.add_feed("https://b.example/atom", None, t(1)).unwrap();
        assert_eq!(s.feeds().unwrap().len(), 2);
        assert_eq!(
            s.feed(&b.id.to_string()).unwrap().unwrap().url,
            "https://b.example/atom"
        );

        // Due: both (never polled). After a success with next poll at 5h, only b at 3h.
        assert_eq!(s.due_feeds(t(3)).unwrap().len(), 2);
        s.record_poll_success(a.id, Some("\"e1\""), None, t(3), t(5), Some("A"))
            .unwrap();
        let due: Vec<_> = s
            .due_feeds(t(3))
            .unwrap()
            .into_iter()
            .map(|f| f.id)
            .collect();
        assert_eq!(due, vec![b.id]);
        assert_eq!(s.due_feeds(t(5)).unwrap().len(), 2);
        let a3 = s.feed(&a.id.to_string()).unwrap().unwrap();
        assert_eq!(a3.etag.as_deref(), Some("\"e1\""));
        assert_eq!(a3.title.as_deref(), Some("A"));
        assert_eq!(a3.last_success.as_deref(), Some("2026-03-03T03:00:00Z"));

        s.record_poll_error(b.id, "HTTP 500", t(3), t(4)).unwrap();
        s.record_poll_error(b.id, "HTTP 502", t(4), t(6)).unwrap();
        let b2 = s.feed(&b.id.to_string()).unwrap().unwrap();
        assert_eq!(b2.failures, 2);
        assert_eq!(b2.last_error.as_deref(), Some("HTTP 502"));
        assert_eq!(b2.last_error_at.as_deref(), Some("2026-03-03T04:00:00Z"));
        s.record_poll_success(b.id, None, None, t(6), t(7), None)
            .unwrap();
        assert_eq!(s.feed(&b.id.to_string()).unwrap().unwrap().failures, 0);

        // Items: a re-listed key is not new again.
        let new = s
            .insert_new_items(a.id, &[item("x"), item("y")], t(3))
            .unwrap();
        assert_eq!(new.len(), 2);
        let new = s
            .insert_new_items(a.id, &[item("y"), item("z")], t(4))
            .unwrap();
        assert_eq!(
            new.iter().map(|i| i.item_key.as_str()).collect::<Vec<_>>(),
            vec!["z"]
        );
        assert_eq!(s.feed(&a.id.to_string()).unwrap().unwrap().items_seen, 3);
        assert_eq!(s.pending_items(3, 100).unwrap().len(), 3);

        s.mark_item_ingested(a.id, "x", "art1").unwrap();
        s.mark_item_failed(a.id, "y", "HTTP 404", false).unwrap();
        s.mark_item_failed(a.id, "y", "HTTP 404", false).unwrap();
        let pend: Vec<_> = s.pending_items(3, 100).unwrap();
        assert_eq!(pend.len(), 2);
        assert_eq!(pend.iter().find(|i| i.item_key == "y").unwrap().attempts, 2);
        assert_eq!(s.pending_items(2, 100).unwrap().len(), 1);
        s.mark_item_failed(a.id, "y", "HTTP 404", true).unwrap();
        let items = s.feed_items(a.id).unwrap();
        let y = items.iter().find(|i| i.item_key == "y").unwrap();
        assert_eq!((y.status.as_str(), y.attempts), ("failed", 3));
        let x = items.iter().find(|i| i.item_key == "x").unwrap();
        assert_eq!(x.article_id.as_deref(), Some("art1"));
        assert_eq!(s.pending_items(3, 100).unwrap().len(), 1);

        // 3 items in the last 7 days.
        let per_day = s.items_per_day(a.id, 7, t(10)).unwrap();
        assert!((per_day - 3.0 / 7.0).abs() < 1e-9, "{per_day}");
        assert_eq!(
            s.items_per_day(a.id, 1, t(10) + Duration::days(2)).unwrap(),
            0.0
        );

        let removed = s.remove_feed("https://a.example/rss").unwrap().unwrap();
        assert_eq!(removed.id, a.id);
        assert!(s.feed_items(a.id).unwrap().is_empty());
        assert!(s.remove_feed("https://a.example/rss").unwrap().is_none());
        assert_eq!(s.feeds().unwrap().len(), 1);
    }
}
