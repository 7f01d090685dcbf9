//! Monitoring end to end: a local site serves an RSS feed and HTML pages (written for this test,
//! in `tests/fixtures/monitor`); `sitrep watch --once` runs several cycles while the feed grows
//! with a wire story, its copy, another outlet's report of the same event and an unrelated
//! story; a local webhook receiver must get exactly the expected alerts. Then the receiver is
//! stopped, a new matching story arrives, and after the receiver is back nothing is lost.

mod common;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::extract::{Path as UrlPath, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use common::{bin, ok};
use serde_json::Value;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/monitor")
}

/// The site: the pages listed in the feed so far (name, RSS pubDate).
#[derive(Clone, Default)]
struct Site {
    items: Arc<Mutex<Vec<(String, String)>>>,
    feed_requests: Arc<Mutex<Vec<u16>>>,
}

fn rss(base: &str, items: &[(String, String)]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\
         <title>Test desk</title><link>http://example.org/</link><description>Pages for sitrep's tests</description>\n",
    );
    for (name, date) in items.iter().rev() {
        s.push_str(&format!(
            "<item><title>{name}</title><link>{base}/news/{name}.html</link>\
             <guid isPermaLink=\"false\">test-{name}</guid><pubDate>{date}</pubDate></item>\n"
        ));
    }
    s.push_str("</channel></rss>\n");
    s
}

async fn feed(State((site, base)): State<(Site, String)>, headers: HeaderMap) -> Response {
    let body = rss(&base, &site.items.lock().unwrap());
    let etag = format!("\"{}\"", blake3::hash(body.as_bytes()).to_hex());
    let conditional = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        == Some(etag.as_str());
    let status = if conditional {
        StatusCode::NOT_MODIFIED
    } else {
        StatusCode::OK
    };
    site.feed_requests.lock().unwrap().push(status.as_u16());
    if conditional {
        return (status, [(header::ETAG, etag)]).into_response();
    }
    (
        status,
        [
            (header::CONTENT_TYPE, "application/rss+xml".to_string()),
            (header::ETAG, etag),
        ],
        body,
    )
        .into_response()
}

async fn page(UrlPath(name): UrlPath<String>) -> Response {
    let Some(stem) = name.strip_suffix(".html") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match render_page(stem) {
        Some(html) => ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The page `stem` of `fixtures/monitor/pages.json`, laid into the one page template
/// (`page.html.in`: an outlet's page with navigation, share prompt, related links and footer
/// around the article).
fn render_page(stem: &str) -> Option<String> {
    let read = |name: &str| std::fs::read_to_string(fixtures().join(name)).expect("fixture");
    let pages: Value = serde_json::from_str(&read("pages.json")).expect("pages.json");
    let page = pages.get(stem)?;
    let mut html = read("page.html.in");
    for key in ["title", "site", "published", "modified"] {
        html = html.replace(&format!("{{{key}}}"), page[key].as_str()?);
    }
    let paragraphs: String = page["paragraphs"]
        .as_array()?
        .iter()
        .map(|p| format!("<p>{}</p>\n", p.as_str().unwrap_or_default()))
        .collect();
    Some(html.replace("{paragraphs}", &paragraphs))
}

/// A webhook receiver that can be stopped and started again on the same port.
struct Receiver {
    got: Arc<Mutex<Vec<Value>>>,
    addr: SocketAddr,
    stop: Option<(
        tokio::sync::oneshot::Sender<()>,
        tokio::task::JoinHandle<()>,
    )>,
}

impl Receiver {
    fn start(rt: &tokio::runtime::Runtime, addr: SocketAddr, got: Arc<Mutex<Vec<Value>>>) -> Self {
        let listener = rt
            .block_on(tokio::net::TcpListener::bind(addr))
            .expect("bind the receiver");
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let app = Router::new()
            .route(
                "/hook",
                post(
                    |State(got): State<Arc<Mutex<Vec<Value>>>>, Json(v): Json<Value>| async move {
                        got.lock().unwrap().push(v);
                        StatusCode::NO_CONTENT
                    },
                ),
            )
            .with_state(got.clone());
        let task = rt.spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await
                .unwrap();
        });
        Receiver {
            got,
            addr,
            stop: Some((tx, task)),
        }
    }

    fn stop(&mut self, rt: &tokio::runtime::Runtime) {
        if let Some((tx, task)) = self.stop.take() {
            let _ = tx.send(());
            rt.block_on(task).unwrap();
        }
    }

    fn received(&self) -> Vec<Value> {
        self.got.lock().unwrap().clone()
    }
}

fn sitrep(store: &Path, args: &[&str]) -> std::process::Output {
    bin()
        .args(args)
        .arg("--store")
        .arg(store)
        .output()
        .expect("run sitrep")
}

/// One `sitrep watch --once` cycle; its JSON report. `--interval 0`: every feed is due again
/// at the next cycle; `--retry-after 0`: a failed delivery is retried at the next cycle.
fn cycle(store: &Path) -> Value {
    let out = sitrep(
        store,
        &[
            "watch",
            "--once",
            "--allow-private",
            "--interval",
            "0",
            "--retry-after",
            "0",
            "--json",
        ],
    );
    ok(&out);
    let line = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(line.lines().last().expect("a report line")).expect("JSON report")
}

fn json(out: &std::process::Output) -> Value {
    ok(out);
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

#[test]
fn watch_cycles_alert_once_per_story_and_lose_nothing() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let site = Site::default();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = Router::new()
        .route("/feed.xml", get(feed))
        .with_state((site.clone(), base.clone()))
        .route("/news/{name}", get(page));
    rt.spawn(async move { axum::serve(listener, app).await.unwrap() });
    let mut receiver = Receiver::start(
        &rt,
        "127.0.0.1:0".parse().unwrap(),
        Arc::new(Mutex::new(Vec::new())),
    );
    let hook = format!("http://{}/hook", receiver.addr);

    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let feed_url = format!("{base}/feed.xml");

    // Without --allow-private a loopback feed is refused, and the message says how to allow it.
    let refused = sitrep(&store, &["feed", "add", &feed_url]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("--allow-private"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    ok(&sitrep(
        &store,
        &["feed", "add", &feed_url, "--allow-private"],
    ));
    ok(&sitrep(
        &store,
        &[
            "watch",
            "add",
            "dprk-russia",
            "entity:PRK AND (troops OR missile*)",
            "--webhook",
            &hook,
        ],
    ));

    let add = |name: &str, date: &str| {
        site.items
            .lock()
            .unwrap()
            .push((name.to_string(), date.to_string()))
    };

    // 1. The wire story: one new-story alert.
    add("wire", "Thu, 31 Oct 2024 18:20:00 GMT");
    let r1 = cycle(&store);
    assert_eq!(r1["poll"]["new_items"], 1, "{r1}");
    assert_eq!(r1["ingested"]["written"], 1, "{r1}");
    let got = receiver.received();
    assert_eq!(got.len(), 1, "{got:?}");
    let first = &got[0];
    assert_eq!(first["kind"], "new");
    assert_eq!(first["watch"], "dprk-russia");
    assert_eq!(first["independent_sources"], 1);
    assert!(first["reasons"]
        .as_array()
        .unwrap()
        .contains(&Value::from("new_story")));
    let story = first["story"].as_u64().unwrap();

    // The evidence points into the stored article's text.
    let evidence = first["evidence"].as_array().unwrap();
    assert!(!evidence.is_empty());
    for ev in evidence {
        let id = ev["article_id"].as_str().unwrap();
        let shown = json(&sitrep(&store, &["show", id, "--json"]));
        let text = shown["text"].as_str().unwrap();
        let s = common::slice(
            text,
            ev["start"].as_u64().unwrap(),
            ev["end"].as_u64().unwrap(),
        );
        assert_eq!(s, ev["sentence"].as_str().unwrap());
    }

    // 2. Its copy on another outlet: stored as a copy, no alert.
    add("copy", "Thu, 31 Oct 2024 20:10:00 GMT");
    let r2 = cycle(&store);
    assert_eq!(r2["ingested"]["copies"], 1, "{r2}");
    assert_eq!(receiver.received().len(), 1, "{:?}", receiver.received());

    // 3. A different outlet's own report of the same event: one update, a new source.
    add("other", "Fri, 01 Nov 2024 02:30:00 GMT");
    let r3 = cycle(&store);
    assert_eq!(r3["ingested"]["written"], 1, "{r3}");
    let got = receiver.received();
    assert_eq!(got.len(), 2, "{got:?}");
    let update = &got[1];
    assert_eq!(update["kind"], "update");
    assert_eq!(update["story"].as_u64().unwrap(), story);
    assert_eq!(update["independent_sources"], 2);
    assert!(update["reasons"]
        .as_array()
        .unwrap()
        .contains(&Value::from("new_independent_source")));

    // 4. An unrelated story: nothing. A cycle with nothing new: the feed answers 304.
    add("unrelated", "Fri, 01 Nov 2024 09:00:00 GMT");
    cycle(&store);
    assert_eq!(receiver.received().len(), 2);
    let quiet = cycle(&store);
    assert_eq!(quiet["poll"]["not_modified"], 1, "{quiet}");
    assert_eq!(site.feed_requests.lock().unwrap().last(), Some(&304));

    // 5. The receiver goes down; a new matching story arrives. The alert is stored, the
    //    failure is visible, nothing reaches the (stopped) receiver.
    receiver.stop(&rt);
    add("missiles", "Thu, 04 Jan 2024 21:00:00 GMT");
    let r5 = cycle(&store);
    assert_eq!(r5["alerts"].as_array().unwrap().len(), 1, "{r5}");
    assert_eq!(r5["delivery"]["delivered"], 0, "{r5}");
    assert!(r5["delivery"]["failed"].as_u64().unwrap() >= 1, "{r5}");
    let pending = json(&sitrep(&store, &["alerts", "--pending", "--json"]));
    let pending = pending.as_array().expect("a list of alerts");
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert!(pending[0]["attempts"].as_u64().unwrap() >= 1);
    assert!(pending[0]["last_error"].is_string());

    // 6. The receiver is back on the same address: the stored alert arrives, once.
    let got_before = receiver.got.clone();
    receiver = Receiver::start(&rt, receiver.addr, got_before);
    let r6 = cycle(&store);
    assert_eq!(r6["delivery"]["delivered"], 1, "{r6}");
    let got = receiver.received();
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[2]["kind"], "new");
    assert_ne!(got[2]["story"].as_u64().unwrap(), story);
    let ids: std::collections::BTreeSet<i64> =
        got.iter().map(|a| a["id"].as_i64().unwrap()).collect();
    assert_eq!(ids.len(), 3, "each alert delivered once");
    let pending = json(&sitrep(&store, &["alerts", "--pending", "--json"]));
    assert_eq!(pending.as_array().unwrap().len(), 0);

    // Feed health: a success, no error, five items.
    let feeds = json(&sitrep(&store, &["feed", "list", "--json"]));
    let f = &feeds.as_array().unwrap()[0];
    assert!(f["last_success"].is_string(), "{f}");
    assert!(f["last_error"].is_null(), "{f}");
    assert_eq!(f["items_seen"], 5, "{f}");
    receiver.stop(&rt);
}
