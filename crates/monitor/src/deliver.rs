//! Webhook delivery of stored alerts, retried with backoff.
//!
//! Alerts are stored before anything is sent ([`crate::watch`]); [`deliver_pending`] POSTs each
//! due, undelivered alert's payload (the [`crate::watch::Alert`] JSON) to its watch's webhook,
//! oldest first per watch. A 2xx answer stamps it delivered. Anything else (an error status,
//! connection refused, a timeout) records the error, counts the attempt and schedules the next
//! one after an exponential backoff (`base * 2^(attempts-1)`, capped): the alert stays pending
//! and is never dropped. When one alert of a watch fails, the watch's later alerts wait for the
//! next round, so a receiver sees each watch's alerts in order. `sitrep alerts --pending` and
//! `sitrep watch list` show attempts, the last error and the next attempt.

use std::future::Future;
use std::time::Duration;

use serde::Serialize;
use sitrep_store::{SqliteStore, StoreError};

use crate::fetch::Fetcher;

/// Something that POSTs JSON: the [`Fetcher`] in production, a double in tests.
pub trait Sender {
    /// POST `body` to `url`; `Ok(status)` on a 2xx answer, `Err(message)` otherwise (the
    /// message names the URL and what went wrong).
    fn post_json(
        &self,
        url: &str,
        body: &serde_json::Value,
    ) -> impl Future<Output = Result<u16, String>>;
}

impl Sender for Fetcher {
    async fn post_json(&self, url: &str, body: &serde_json::Value) -> Result<u16, String> {
        Fetcher::post_json(self, url, body)
            .await
            .map_err(|e| e.to_string())
    }
}

/// When to try a failed alert again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Wait after the first failure; doubled after each further one.
    pub base: Duration,
    /// Longest wait.
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            base: Duration::from_secs(30),
            max: Duration::from_secs(3600),
        }
    }
}

impl Backoff {
    /// The wait after the `attempts`-th failed attempt (1 for the first).
    pub fn wait(&self, attempts: i64) -> Duration {
        let shift = attempts.clamp(1, 31) as u32 - 1;
        self.base.saturating_mul(1u32 << shift).min(self.max)
    }
}

/// What one delivery round did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DeliveryReport {
    pub attempted: usize,
    pub delivered: usize,
    pub failed: usize,
    /// `alert ID (watch NAME): error`, one per failure.
    pub errors: Vec<String>,
}

/// Why delivery could not run at all (a failed POST is not an error: it is recorded).
#[derive(Debug, thiserror::Error)]
pub enum DeliverError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("bad time '{0}': expected RFC 3339 (2024-10-18T12:00:00Z)")]
    Time(String),
}

/// Deliver every due alert with the default [`Backoff`]; `now` is RFC 3339 UTC.
pub fn deliver_pending(
    store: &SqliteStore,
    sender: &impl Sender,
    rt: &tokio::runtime::Runtime,
    now: &str,
) -> Result<DeliveryReport, DeliverError> {
    deliver_pending_with(store, sender, rt, now, &Backoff::default())
}

/// [`deliver_pending`] with a chosen backoff.
pub fn deliver_pending_with(
    store: &SqliteStore,
    sender: &impl Sender,
    rt: &tokio::runtime::Runtime,
    now: &str,
    backoff: &Backoff,
) -> Result<DeliveryReport, DeliverError> {
    let at = chrono::DateTime::parse_from_rfc3339(now)
        .map_err(|_| DeliverError::Time(now.to_string()))?
        .with_timezone(&chrono::Utc);
    let mut report = DeliveryReport::default();
    let mut blocked: Option<i64> = None;
    for (alert, webhook) in store.pending_alerts(now)? {
        if blocked == Some(alert.watch_id) {
            continue; // an earlier alert of this watch failed: keep the order
        }
        report.attempted += 1;
        let result = match serde_json::from_str::<serde_json::Value>(&alert.payload) {
            Ok(body) => rt.block_on(sender.post_json(&webhook, &body)),
            Err(e) => Err(format!("the stored payload is not JSON ({e})")),
        };
        match result {
            Ok(_) => {
                store.mark_delivered(alert.id, now)?;
                report.delivered += 1;
            }
            Err(message) => {
                let wait = backoff.wait(alert.attempts + 1);
                let next = at + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::MAX);
                store.mark_failed(
                    alert.id,
                    &message,
                    &next.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                )?;
                report.failed += 1;
                let name = store
                    .watch_by_id(alert.watch_id)?
                    .map(|w| w.name)
                    .unwrap_or_default();
                report
                    .errors
                    .push(format!("alert {} (watch {name}): {message}", alert.id));
                blocked = Some(alert.watch_id);
            }
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let b = Backoff::default();
        assert_eq!(b.wait(1), Duration::from_secs(30));
        assert_eq!(b.wait(2), Duration::from_secs(60));
        assert_eq!(b.wait(4), Duration::from_secs(240));
        assert_eq!(b.wait(20), Duration::from_secs(3600));
        assert_eq!(b.wait(1000), Duration::from_secs(3600));
    }
}
