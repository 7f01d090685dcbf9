//! Watches (saved queries), their per-story state, and stored alerts (schema v4): inherent
//! methods on [`SqliteStore`], used by `sitrep-monitor`. Times are RFC 3339 UTC strings (they
//! compare as text).
//!
//! An alert is written in the same transaction as the story state it reflects and the watch's
//! new `last_seq` ([`SqliteStore::record_watch_cycle`]), so a crash never leaves an alert
//! without its state, nor a state (or an advanced sequence) without its alert. Alerts are kept
//! until their watch is removed; delivery only stamps them (`delivered_at`) or records the
//! failure (`attempts`, `last_error`, `next_attempt`).

use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;

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

/// A watch with its alert counts and delivery health (`sitrep watch list`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct WatchSummary {
    #[serde(flatten)]
    pub watch: WatchRow,
    /// Stories the watch has alerted on.
    pub stories: i64,
    pub alerts: i64,
    /// Alerts not delivered yet (only counted when the watch has a webhook).
    pub undelivered: i64,
    /// Undelivered alerts with at least one failed attempt.
    pub failing: i64,
    /// The latest delivery error of an undelivered alert, and when it is tried next.
    pub last_error: Option<String>,
    pub next_attempt: Option<String>,
    pub last_delivered: Option<String>,
}

/// An alert to write in [`SqliteStore::record_watch_cycle`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAlert {
    pub story: i64,
    /// `new` or `update`.
    pub kind: String,
}

const WATCH_COLS: &str = "id, name, query, webhook, created_at, last_seq";
const ALERT_COLS: &str =
    "id, watch_id, story, kind, created_at, payload, delivered_at, attempts, next_attempt, last_error";

fn watch_row(r: &Row) -> rusqlite::Result<WatchRow> {
    Ok(WatchRow {
        id: r.get(0)?,
        name: r.get(1)?,
        query: r.get(2)?,
        webhook: r.get(3)?,
        created_at: r.get(4)?,
        last_seq: r.get(5)?,
    })
}

fn alert_row(r: &Row) -> rusqlite::Result<AlertRow> {
    Ok(AlertRow {
        id: r.get(0)?,
        watch_id: r.get(1)?,
        story: r.get(2)?,
        kind: r.get(3)?,
        created_at: r.get(4)?,
        payload: r.get(5)?,
        delivered_at: r.get(6)?,
        attempts: r.get(7)?,
        next_attempt: r.get(8)?,
        last_error: r.get(9)?,
    })
}

fn limit_sql(limit: usize) -> i64 {
    if limit == 0 {
        -1
    } else {
        limit.min(i64::MAX as usize) as i64
    }
}

impl SqliteStore {
    /// Save a watch. It starts at the store's current sequence number: articles stored
    /// before it are not evaluated (only stories that gain articles later alert). Returns
    /// `None` when a watch of this name exists (names are unique).
    pub fn add_watch(
        &mut self,
        name: &str,
        query: &str,
        webhook: Option<&str>,
        created_at: &str,
    ) -> Result<Option<WatchRow>, StoreError> {
        let tx = self.conn.transaction()?;
        let exists: Option<i64> = tx
            .query_row("SELECT id FROM watches WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .optional()?;
        if exists.is_some() {
            return Ok(None);
        }
        let seq: i64 = tx.query_row("SELECT coalesce(max(rowid), 0) FROM articles", [], |r| {
            r.get(0)
        })?;
        tx.execute(
            "INSERT INTO watches (name, query, webhook, created_at, last_seq)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![name, query, webhook, created_at, seq],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(Some(WatchRow {
            id,
            name: name.to_string(),
            query: query.to_string(),
            webhook: webhook.map(str::to_string),
            created_at: created_at.to_string(),
            last_seq: seq,
        }))
    }

    /// Every watch, by name.
    pub fn watches(&self) -> Result<Vec<WatchRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {WATCH_COLS} FROM watches ORDER BY name"))?;
        let rows = stmt.query_map([], watch_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One watch, by name.
    pub fn watch(&self, name: &str) -> Result<Option<WatchRow>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {WATCH_COLS} FROM watches WHERE name = ?1"),
                [name],
                watch_row,
            )
            .optional()?)
    }

    /// One watch, by id.
    pub fn watch_by_id(&self, id: i64) -> Result<Option<WatchRow>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {WATCH_COLS} FROM watches WHERE id = ?1"),
                [id],
                watch_row,
            )
            .optional()?)
    }

    /// Delete a watch with its story states and alerts. False when there is none of that name.
    pub fn remove_watch(&mut self, name: &str) -> Result<bool, StoreError> {
        let tx = self.conn.transaction()?;
        let id: Option<i64> = tx
            .query_row("SELECT id FROM watches WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .optional()?;
        let Some(id) = id else {
            return Ok(false);
        };
        // explicit, so that it holds even on a connection without foreign keys
        tx.execute("DELETE FROM alerts WHERE watch_id = ?1", [id])?;
        tx.execute("DELETE FROM watch_stories WHERE watch_id = ?1", [id])?;
        tx.execute("DELETE FROM watches WHERE id = ?1", [id])?;
        tx.commit()?;
        Ok(true)
    }

    /// Set how far a watch has been evaluated.
    pub fn set_watch_seq(&mut self, id: i64, seq: i64) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE watches SET last_seq = ?2 WHERE id = ?1",
            params![id, seq],
        )?;
        Ok(())
    }

    /// What a watch last recorded of a story (JSON), if it has seen it.
    pub fn watch_story_state(
        &self,
        watch_id: i64,
        story: i64,
    ) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT state FROM watch_stories WHERE watch_id = ?1 AND story = ?2",
                params![watch_id, story],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The stories a watch has seen, with their states, by story.
    pub fn watch_story_states(&self, watch_id: i64) -> Result<Vec<(i64, String)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT story, state FROM watch_stories WHERE watch_id = ?1 ORDER BY story",
        )?;
        let rows = stmt.query_map([watch_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Record what a watch has seen of a story.
    pub fn set_watch_story_state(
        &mut self,
        watch_id: i64,
        story: i64,
        state: &str,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO watch_stories (watch_id, story, state) VALUES (?1, ?2, ?3)
             ON CONFLICT (watch_id, story) DO UPDATE SET state = excluded.state",
            params![watch_id, story, state],
        )?;
        Ok(())
    }

    /// One evaluation of a watch, in one transaction: the new story `states`, the `alerts`
    /// (each payload made by `payload(index in alerts, alert id)`, so that it can carry its own
    /// id), and the watch's new `last_seq` (when given). Returns the alerts' ids, in order.
    pub fn record_watch_cycle(
        &mut self,
        watch_id: i64,
        seq: Option<i64>,
        created_at: &str,
        states: &[(i64, String)],
        alerts: &[NewAlert],
        payload: &mut dyn FnMut(usize, i64) -> String,
    ) -> Result<Vec<i64>, StoreError> {
        let tx = self.conn.transaction()?;
        for (story, state) in states {
            tx.execute(
                "INSERT INTO watch_stories (watch_id, story, state) VALUES (?1, ?2, ?3)
                 ON CONFLICT (watch_id, story) DO UPDATE SET state = excluded.state",
                params![watch_id, story, state],
            )?;
        }
        let mut ids = Vec::with_capacity(alerts.len());
        for (i, a) in alerts.iter().enumerate() {
            tx.execute(
                "INSERT INTO alerts (watch_id, story, kind, created_at, payload)
                 VALUES (?1, ?2, ?3, ?4, '')",
                params![watch_id, a.story, a.kind, created_at],
            )?;
            let id = tx.last_insert_rowid();
            tx.execute(
                "UPDATE alerts SET payload = ?2 WHERE id = ?1",
                params![id, payload(i, id)],
            )?;
            ids.push(id);
        }
        if let Some(seq) = seq {
            tx.execute(
                "UPDATE watches SET last_seq = ?2 WHERE id = ?1",
                params![watch_id, seq],
            )?;
        }
        tx.commit()?;
        Ok(ids)
    }

    /// Store one alert (its payload made from its id) with the story's new state, in one
    /// transaction. Returns the id.
    pub fn insert_alert(
        &mut self,
        watch_id: i64,
        story: i64,
        kind: &str,
        created_at: &str,
        state: Option<&str>,
        payload: impl FnOnce(i64) -> String,
    ) -> Result<i64, StoreError> {
        let states: Vec<(i64, String)> =
            state.map(|s| (story, s.to_string())).into_iter().collect();
        let mut payload = Some(payload);
        let ids = self.record_watch_cycle(
            watch_id,
            None,
            created_at,
            &states,
            &[NewAlert {
                story,
                kind: kind.to_string(),
            }],
            &mut |_, id| payload.take().map(|f| f(id)).unwrap_or_default(),
        )?;
        Ok(ids[0])
    }

    /// Alerts to deliver now: not delivered, due (`next_attempt` empty or at or before `now`),
    /// of watches with a webhook, and behind no earlier undelivered alert of their watch that
    /// is not due (each watch's alerts go out in order); each with its webhook URL. By watch,
    /// then id.
    pub fn pending_alerts(&self, now: &str) -> Result<Vec<(AlertRow, String)>, StoreError> {
        let cols = ALERT_COLS
            .split(", ")
            .map(|c| format!("a.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {cols}, w.webhook FROM alerts a JOIN watches w ON w.id = a.watch_id
             WHERE a.delivered_at IS NULL AND w.webhook IS NOT NULL AND w.webhook != ''
               AND (a.next_attempt IS NULL OR a.next_attempt <= ?1)
               AND NOT EXISTS (SELECT 1 FROM alerts b WHERE b.watch_id = a.watch_id
                   AND b.id < a.id AND b.delivered_at IS NULL AND b.next_attempt > ?1)
             ORDER BY a.watch_id, a.id"
        ))?;
        let rows = stmt.query_map([now], |r| Ok((alert_row(r)?, r.get(10)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The alert reached its webhook.
    pub fn mark_delivered(&self, id: i64, now: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE alerts SET delivered_at = ?2, next_attempt = NULL WHERE id = ?1",
            params![id, now],
        )?;
        Ok(())
    }

    /// A delivery attempt failed: count it, keep the error, try again at `next_attempt`.
    pub fn mark_failed(&self, id: i64, error: &str, next_attempt: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE alerts SET attempts = attempts + 1, last_error = ?2, next_attempt = ?3
             WHERE id = ?1",
            params![id, error, next_attempt],
        )?;
        Ok(())
    }

    /// Alerts, newest first: of one watch or all, only undelivered ones (of watches with a
    /// webhook) when `pending_only`; `limit` 0 for all.
    pub fn alerts(
        &self,
        watch_id: Option<i64>,
        pending_only: bool,
        limit: usize,
    ) -> Result<Vec<AlertRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ALERT_COLS} FROM alerts
             WHERE (?1 IS NULL OR watch_id = ?1)
               AND (?2 = 0 OR (delivered_at IS NULL AND watch_id IN
                    (SELECT id FROM watches WHERE webhook IS NOT NULL AND webhook != '')))
             ORDER BY id DESC LIMIT ?3"
        ))?;
        let rows = stmt.query_map(
            params![watch_id, pending_only as i64, limit_sql(limit)],
            alert_row,
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Alerts created in `[from, to)` (RFC 3339 strings), oldest first: of one watch or all.
    pub fn alerts_between(
        &self,
        watch_id: Option<i64>,
        from: &str,
        to: &str,
    ) -> Result<Vec<AlertRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ALERT_COLS} FROM alerts
             WHERE (?1 IS NULL OR watch_id = ?1) AND created_at >= ?2 AND created_at < ?3
             ORDER BY id"
        ))?;
        let rows = stmt.query_map(params![watch_id, from, to], alert_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every watch with its alert counts and delivery health, by name.
    pub fn watch_summaries(&self) -> Result<Vec<WatchSummary>, StoreError> {
        let mut out = Vec::new();
        for w in self.watches()? {
            let has_hook = w.webhook.as_deref().is_some_and(|h| !h.is_empty());
            let (alerts, stories, last_delivered): (i64, i64, Option<String>) =
                self.conn.query_row(
                    "SELECT count(*), count(DISTINCT story), max(delivered_at) FROM alerts
                     WHERE watch_id = ?1",
                    [w.id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )?;
            let (undelivered, failing): (i64, i64) = if has_hook {
                self.conn.query_row(
                    "SELECT count(*), coalesce(sum(attempts > 0), 0) FROM alerts
                     WHERE watch_id = ?1 AND delivered_at IS NULL",
                    [w.id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?
            } else {
                (0, 0)
            };
            let (last_error, next_attempt) = if failing > 0 {
                self.conn.query_row(
                    "SELECT last_error, next_attempt FROM alerts
                     WHERE watch_id = ?1 AND delivered_at IS NULL AND attempts > 0
                     ORDER BY id DESC LIMIT 1",
                    [w.id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?
            } else {
                (None, None)
            };
            out.push(WatchSummary {
                watch: w,
                stories,
                alerts,
                undelivered,
                failing,
                last_error,
                next_attempt,
                last_delivered,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Store, StoredArticle};

    fn store() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let st = SqliteStore::open(dir.path()).unwrap();
        (dir, st)
    }

    #[test]
    fn watches_are_unique_by_name_and_start_at_the_current_sequence() {
        let (_d, mut st) = store();
        let a = sitrep_core::Pipeline::default()
            .annotate("Seoul and Ottawa met.".into(), Default::default());
        st.put_batch(&[StoredArticle::from_article(&a)]).unwrap();
        let w = st
            .add_watch(
                "korea",
                "entity:KOR",
                Some("http://x/hook"),
                "2024-01-01T00:00:00Z",
            )
            .unwrap()
            .unwrap();
        assert_eq!(w.last_seq, st.max_seq().unwrap());
        assert!(w.last_seq > 0);
        assert!(st
            .add_watch("korea", "other", None, "2024-01-01T00:00:00Z")
            .unwrap()
            .is_none());
        st.add_watch("alpha", "a", None, "2024-01-01T00:00:00Z")
            .unwrap()
            .unwrap();
        let names: Vec<String> = st.watches().unwrap().into_iter().map(|w| w.name).collect();
        assert_eq!(names, ["alpha", "korea"]);
        assert_eq!(st.watch("korea").unwrap().unwrap(), w);
        st.set_watch_seq(w.id, 99).unwrap();
        assert_eq!(st.watch("korea").unwrap().unwrap().last_seq, 99);
    }

    #[test]
    fn a_cycle_stores_alerts_with_their_ids_and_states_and_removal_cascades() {
        let (_d, mut st) = store();
        let w = st
            .add_watch("w", "q", Some("http://x/hook"), "2024-01-01T00:00:00Z")
            .unwrap()
            .unwrap();
        let ids = st
            .record_watch_cycle(
                w.id,
                Some(7),
                "2024-01-02T10:00:00Z",
                &[(3, "{\"s\":1}".into()), (4, "{\"s\":2}".into())],
                &[
                    NewAlert {
                        story: 3,
                        kind: "new".into(),
                    },
                    NewAlert {
                        story: 4,
                        kind: "new".into(),
                    },
                ],
                &mut |i, id| format!("{{\"i\":{i},\"id\":{id}}}"),
            )
            .unwrap();
        assert_eq!(ids.len(), 2);
        assert!(ids[0] < ids[1]);
        assert_eq!(st.watch("w").unwrap().unwrap().last_seq, 7);
        assert_eq!(
            st.watch_story_state(w.id, 4).unwrap().as_deref(),
            Some("{\"s\":2}")
        );
        assert_eq!(st.watch_story_state(w.id, 5).unwrap(), None);
        let all = st.alerts(Some(w.id), false, 0).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].id, ids[1], "newest first");
        assert_eq!(all[0].payload, format!("{{\"i\":1,\"id\":{}}}", ids[1]));
        let id = st
            .insert_alert(
                w.id,
                3,
                "update",
                "2024-01-03T00:00:00Z",
                Some("{\"s\":9}"),
                |id| format!("{{\"id\":{id}}}"),
            )
            .unwrap();
        assert_eq!(
            st.watch_story_state(w.id, 3).unwrap().as_deref(),
            Some("{\"s\":9}")
        );
        assert_eq!(
            st.alerts(None, false, 1).unwrap()[0].payload,
            format!("{{\"id\":{id}}}")
        );
        assert_eq!(st.watch_story_states(w.id).unwrap().len(), 2);
        assert!(st.remove_watch("w").unwrap());
        assert!(!st.remove_watch("w").unwrap());
        assert!(st.alerts(None, false, 0).unwrap().is_empty());
        assert_eq!(st.watch_story_state(w.id, 3).unwrap(), None);
    }

    #[test]
    fn delivery_state_pending_failed_delivered() {
        let (_d, mut st) = store();
        let hook = st
            .add_watch("hook", "q", Some("http://x/hook"), "2024-01-01T00:00:00Z")
            .unwrap()
            .unwrap();
        let quiet = st
            .add_watch("quiet", "q", None, "2024-01-01T00:00:00Z")
            .unwrap()
            .unwrap();
        let a = st
            .insert_alert(hook.id, 1, "new", "2024-01-02T00:00:00Z", None, |_| {
                "{}".into()
            })
            .unwrap();
        let b = st
            .insert_alert(hook.id, 2, "new", "2024-01-03T00:00:00Z", None, |_| {
                "{}".into()
            })
            .unwrap();
        st.insert_alert(quiet.id, 1, "new", "2024-01-02T00:00:00Z", None, |_| {
            "{}".into()
        })
        .unwrap();
        let now = "2024-01-04T00:00:00Z";
        let p = st.pending_alerts(now).unwrap();
        assert_eq!(p.iter().map(|x| x.0.id).collect::<Vec<_>>(), [a, b]);
        assert_eq!(p[0].1, "http://x/hook");
        st.mark_failed(a, "connection refused", "2024-01-04T00:01:00Z")
            .unwrap();
        let p = st.pending_alerts(now).unwrap();
        assert!(p.is_empty(), "a not due, and b waits behind it: {p:?}");
        let p = st.pending_alerts("2024-01-04T00:01:00Z").unwrap();
        assert_eq!(p.len(), 2, "a due again");
        assert_eq!(p[0].0.attempts, 1);
        assert_eq!(p[0].0.last_error.as_deref(), Some("connection refused"));
        let s = st.watch_summaries().unwrap();
        assert_eq!((s[0].alerts, s[0].undelivered, s[0].failing), (2, 2, 1));
        assert_eq!(s[0].last_error.as_deref(), Some("connection refused"));
        assert_eq!((s[1].alerts, s[1].undelivered), (1, 0), "no webhook");
        st.mark_delivered(b, now).unwrap();
        assert_eq!(st.alerts(None, true, 0).unwrap().len(), 1);
        assert_eq!(st.alerts(Some(quiet.id), true, 0).unwrap().len(), 0);
        let between = st
            .alerts_between(None, "2024-01-02T00:00:00Z", "2024-01-03T00:00:00Z")
            .unwrap();
        assert_eq!(between.len(), 2, "both of the 2nd, not the 3rd");
        let between = st
            .alerts_between(
                Some(hook.id),
                "2024-01-02T00:00:00Z",
                "2024-01-04T00:00:00Z",
            )
            .unwrap();
        assert_eq!(between.iter().map(|x| x.id).collect::<Vec<_>>(), [a, b]);
    }
}
