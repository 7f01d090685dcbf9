//! Webhook delivery against a local receiver: failures are recorded and retried, nothing is
//! lost, order per watch is kept.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::Value;
use sitrep_monitor::deliver::{deliver_pending_with, Backoff, Sender};
use sitrep_store::SqliteStore;

/// A plain reqwest client as the sender (the production sender is `fetch::Fetcher`).
struct Plain(reqwest::Client);

impl Sender for Plain {
    async fn post_json(&self, url: &str, body: &Value) -> Result<u16, String> {
        let r = self
            .0
            .post(url)
            .header("content-type", "application/json")
            .body(serde_json::to_vec(body).unwrap())
            .send()
            .await
            .map_err(|e| format!("{url}: {e}"))?;
        let s = r.status();
        if s.is_success() {
            Ok(s.as_u16())
        } else {
            Err(format!("{url}: HTTP {}", s.as_u16()))
        }
    }
}

#[derive(Clone, Default)]
struct Receiver {
    /// Requests to answer 500 before answering 200.
    fail: Arc<Mutex<usize>>,
    got: Arc<Mutex<Vec<Value>>>,
}

async fn hook(State(r): State<Receiver>, Json(v): Json<Value>) -> StatusCode {
    let mut fail = r.fail.lock().unwrap();
    if *fail > 0 {
        *fail -= 1;
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    r.got.lock().unwrap().push(v);
    StatusCode::OK
}

fn serve(rt: &tokio::runtime::Runtime, listener: std::net::TcpListener, r: Receiver) {
    listener.set_nonblocking(true).unwrap();
    rt.spawn(async move {
        let l = tokio::net::TcpListener::from_std(listener).unwrap();
        let app = Router::new().route("/hook", post(hook)).with_state(r);
        axum::serve(l, app).await.unwrap();
    });
}

fn store_with_alerts(dir: &std::path::Path, hook: &str, n: usize) -> (SqliteStore, Vec<i64>) {
    let mut st = SqliteStore::open(dir).unwrap();
    let w = st
        .add_watch("w", "q", Some(hook), "2024-10-18T00:00:00Z")
        .unwrap()
        .unwrap();
    let ids = (0..n)
        .map(|i| {
            st.insert_alert(w.id, i as i64, "new", "2024-10-18T00:00:00Z", None, |id| {
                format!("{{\"id\":{id},\"story\":{i}}}")
            })
            .unwrap()
        })
        .collect();
    (st, ids)
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn a_failing_receiver_gets_every_alert_in_order_after_retries() {
    let rt = rt();
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", l.local_addr().unwrap());
    let recv = Receiver::default();
    *recv.fail.lock().unwrap() = 2;
    serve(&rt, l, recv.clone());
    let dir = tempfile::tempdir().unwrap();
    let (st, ids) = store_with_alerts(dir.path(), &url, 2);
    let sender = Plain(reqwest::Client::new());
    let backoff = Backoff {
        base: Duration::from_secs(60),
        max: Duration::from_secs(3600),
    };

    // 1st round: the first alert fails; the second waits (order per watch).
    let r = deliver_pending_with(&st, &sender, &rt, "2024-10-18T10:00:00Z", &backoff).unwrap();
    assert_eq!((r.attempted, r.delivered, r.failed), (1, 0, 1));
    assert!(r.errors[0].contains("HTTP 500"), "{r:?}");
    let a = &st.alerts(None, true, 0).unwrap();
    assert_eq!(a.len(), 2, "nothing dropped");
    let first = a.iter().find(|x| x.id == ids[0]).unwrap();
    assert_eq!(first.attempts, 1);
    assert_eq!(first.next_attempt.as_deref(), Some("2024-10-18T10:01:00Z"));
    assert!(first.last_error.as_deref().unwrap().contains("HTTP 500"));

    // Not due yet: the first is skipped, and the second still waits behind it.
    let r = deliver_pending_with(&st, &sender, &rt, "2024-10-18T10:00:30Z", &backoff).unwrap();
    assert_eq!(r.attempted, 0, "{r:?}");

    // Due: it fails again (the receiver's 2nd 500), the wait doubles.
    let r = deliver_pending_with(&st, &sender, &rt, "2024-10-18T10:01:00Z", &backoff).unwrap();
    assert_eq!((r.attempted, r.failed), (1, 1), "{r:?}");
    let first = st.alerts(None, true, 0).unwrap().pop().unwrap();
    assert_eq!(first.next_attempt.as_deref(), Some("2024-10-18T10:03:00Z"));

    // Later: both due, both delivered, in id order.
    let r = deliver_pending_with(&st, &sender, &rt, "2024-10-18T11:00:00Z", &backoff).unwrap();
    assert_eq!((r.delivered, r.failed), (2, 0), "{r:?}");
    let got = recv.got.lock().unwrap().clone();
    let got_ids: Vec<i64> = got.iter().map(|v| v["id"].as_i64().unwrap()).collect();
    assert_eq!(got_ids, ids);
    assert!(st.alerts(None, true, 0).unwrap().is_empty());
    let s = &st.watch_summaries().unwrap()[0];
    assert_eq!((s.undelivered, s.failing), (0, 0));
    assert_eq!(s.last_delivered.as_deref(), Some("2024-10-18T11:00:00Z"));
    // Nothing is sent twice.
    let r = deliver_pending_with(&st, &sender, &rt, "2024-10-18T12:00:00Z", &backoff).unwrap();
    assert_eq!(r.attempted, 0);
    assert_eq!(recv.got.lock().unwrap().len(), 2);
}

#[test]
fn a_receiver_that_is_down_then_up_loses_nothing() {
    let rt = rt();
    // a port with nothing listening: connection refused
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    drop(l);
    let url = format!("http://{addr}/hook");
    let dir = tempfile::tempdir().unwrap();
    let (st, ids) = store_with_alerts(dir.path(), &url, 3);
    let sender = Plain(reqwest::Client::new());
    let zero = Backoff {
        base: Duration::ZERO,
        max: Duration::ZERO,
    };
    for _ in 0..2 {
        let r = deliver_pending_with(&st, &sender, &rt, "2024-10-18T10:00:00Z", &zero).unwrap();
        assert_eq!((r.attempted, r.failed), (1, 1), "{r:?}");
    }
    let s = &st.watch_summaries().unwrap()[0];
    assert_eq!((s.undelivered, s.failing), (3, 1));
    assert!(s.last_error.is_some());
    assert_eq!(st.alerts(None, true, 0).unwrap().len(), 3);

    // The receiver comes up on that port.
    let recv = Receiver::default();
    serve(
        &rt,
        std::net::TcpListener::bind(addr).unwrap(),
        recv.clone(),
    );
    let r = deliver_pending_with(&st, &sender, &rt, "2024-10-18T10:05:00Z", &zero).unwrap();
    assert_eq!((r.attempted, r.delivered, r.failed), (3, 3, 0), "{r:?}");
    let got: Vec<i64> = recv
        .got
        .lock()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_i64().unwrap())
        .collect();
    assert_eq!(got, ids);
    let first = st.alerts(None, false, 0).unwrap().pop().unwrap();
    assert_eq!((first.id, first.attempts), (ids[0], 2), "attempts kept");
    assert!(first.delivered_at.is_some());
}

/// The same through the production sender.
#[test]
fn the_fetcher_delivers_to_a_local_receiver_with_allow_private() {
    use sitrep_monitor::fetch::{FetchConfig, Fetcher};
    let rt = rt();
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", l.local_addr().unwrap());
    let recv = Receiver::default();
    *recv.fail.lock().unwrap() = 1;
    serve(&rt, l, recv.clone());
    let dir = tempfile::tempdir().unwrap();
    let (st, ids) = store_with_alerts(dir.path(), &url, 1);
    let fetcher = Fetcher::new(FetchConfig {
        allow_private: true,
        ..Default::default()
    })
    .unwrap();
    let zero = Backoff {
        base: Duration::ZERO,
        max: Duration::ZERO,
    };
    let r = deliver_pending_with(&st, &fetcher, &rt, "2024-10-18T10:00:00Z", &zero).unwrap();
    assert_eq!(r.failed, 1, "{r:?}");
    let r = deliver_pending_with(&st, &fetcher, &rt, "2024-10-18T10:00:00Z", &zero).unwrap();
    assert_eq!(r.delivered, 1, "{r:?}");
    assert_eq!(recv.got.lock().unwrap()[0]["id"].as_i64(), Some(ids[0]));
}
