//! The polling cycle against a local server: new items once, 304 with the ETag, backoff of a
//! broken feed, a missing page retried then given up, and the SSRF guard at poll time.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, TimeZone, Utc};
use sitrep_monitor::feeds::{backoff, parse_feed, poll_cycle, PollOptions};
use sitrep_monitor::fetch::{FetchConfig, Fetcher};
use sitrep_store::SqliteStore;

const PAGE_ONE: &str = r#"<!doctype html><html><head><title>Harbour reopens | Coast Daily</title>
<meta property="og:site_name" content="Coast Daily">
<meta property="article:published_time" content="2026-03-02T08:30:00Z">
</head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Harbour reopens after storm repairs</h1>
<p>The port authority said on Monday that the northern harbour had reopened to cargo ships after
three weeks of repairs to the breakwater damaged in the February storm.</p>
<p>Engineers replaced about two hundred metres of the sea wall and dredged the entrance channel,
which had filled with sand and rock during the storm surge, the authority said in a statement.</p>
<p>Shipping companies had diverted vessels to a smaller port to the south while the work went on,
adding a day to many deliveries of fuel and grain to the region.</p>
<p>The authority said the full cost of the repairs would be published next month once the
contractors had submitted their final accounts.</p></article>
<footer>Copyright Coast Daily. All rights reserved.</footer></body></html>"#;

const PAGE_TWO: &str = r#"<!doctype html><html><head><title>Rail strike ends</title>
<meta property="og:site_name" content="Inland Post">
</head><body><article><h1>Rail strike ends with a pay deal</h1>
<p>Train drivers returned to work on Tuesday after their union accepted a two-year pay offer that
ended a strike which had halted most regional services for five days.</p>
<p>The rail operator said trains would run to a reduced timetable on the first day while crews and
rolling stock were moved back into position across the network.</p>
<p>Union officials told members that the agreement also included a review of rest periods between
shifts, one of the issues that had led to the walkout.</p></article></body></html>"#;

fn rss(base: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Coast Daily</title><link>{base}/</link>
<description>Test feed</description>
<item><title>Harbour reopens after storm repairs</title><link>{base}/news/harbour.html</link>
<guid isPermaLink="false">coast-1</guid><pubDate>Mon, 02 Mar 2026 08:30:00 GMT</pubDate></item>
<item><title>A story that was taken down</title><link>{base}/news/missing.html</link>
<guid>coast-2</guid></item>
</channel></rss>"#
    )
}

fn atom(base: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Inland Post</title><id>urn:inland</id>
<updated>2026-03-03T09:00:00Z</updated>
<entry><title>Rail strike ends with a pay deal</title><id>urn:inland:rail</id>
<link href="{base}/news/rail.html"/><updated>2026-03-03T09:00:00Z</updated></entry>
</feed>"#
    )
}

#[derive(Clone)]
struct AppState {
    base: String,
    feed_hits: Arc<AtomicUsize>,
}

fn with_etag(h: &HeaderMap, tag: &str, ctype: &str, body: String) -> Response {
    if h.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(tag) {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    (
        [
            (header::ETAG, tag.to_string()),
            (header::CONTENT_TYPE, ctype.to_string()),
        ],
        body,
    )
        .into_response()
}

async fn start() -> AppState {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let st = AppState {
        base: base.clone(),
        feed_hits: Arc::new(AtomicUsize::new(0)),
    };
    let s1 = st.clone();
    let s2 = st.clone();
    let app = Router::new()
        .route(
            "/rss.xml",
            get(move |h: HeaderMap| {
                let s = s1.clone();
                async move {
                    s.feed_hits.fetch_add(1, Ordering::SeqCst);
                    with_etag(&h, "\"rss-1\"", "application/rss+xml", rss(&s.base))
                }
            }),
        )
        .route(
            "/atom.xml",
            get(move |h: HeaderMap| {
                let s = s2.clone();
                async move { with_etag(&h, "\"atom-1\"", "application/atom+xml", atom(&s.base)) }
            }),
        )
        .route(
            "/broken.xml",
            get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "oops") }),
        )
        .route(
            "/malformed.xml",
            get(|| async { "<rss><channel><title>unclosed" }),
        )
        .route(
            "/news/harbour.html",
            get(|| async { ([(header::CONTENT_TYPE, "text/html")], PAGE_ONE) }),
        )
        .route(
            "/news/rail.html",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                    PAGE_TWO,
                )
            }),
        );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    st
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 3, 10, 0, 0).unwrap()
}

fn opts(now: DateTime<Utc>) -> PollOptions {
    PollOptions {
        interval: Duration::from_secs(600),
        concurrency: 4,
        max_backoff: Duration::from_secs(6 * 3600),
        now,
        ..Default::default()
    }
}

fn parse_time(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn fetcher(allow_private: bool) -> Fetcher {
    Fetcher::new(FetchConfig {
        timeout: Duration::from_secs(5),
        allow_private,
        ..Default::default()
    })
    .unwrap()
}

#[test]
fn parse_rss_atom_and_json_feed() {
    let r = parse_feed(
        rss("https://coast.example").as_bytes(),
        "https://coast.example/rss",
    )
    .unwrap();
    assert_eq!(r.title.as_deref(), Some("Coast Daily"));
    assert_eq!(r.items.len(), 2);
    assert_eq!(r.items[0].key, "coast-1");
    assert_eq!(
        r.items[0].link.as_deref(),
        Some("https://coast.example/news/harbour.html")
    );
    assert_eq!(
        r.items[0].published.as_deref(),
        Some("2026-03-02T08:30:00Z")
    );
    let a = parse_feed(
        atom("https://inland.example").as_bytes(),
        "https://inland.example/a",
    )
    .unwrap();
    assert_eq!(a.items[0].key, "urn:inland:rail");
    let json = br#"{"version":"https://jsonfeed.org/version/1.1","title":"Plain","items":[
        {"id":"j1","url":"https://plain.example/one","title":"One"},
        {"url":"https://plain.example/two"}]}"#;
    let j = parse_feed(json, "https://plain.example/feed.json").unwrap();
    let keys: Vec<_> = j.items.iter().map(|i| i.key.as_str()).collect();
    // No id: keyed by the link.
    assert_eq!(keys, vec!["j1", "https://plain.example/two"]);
    let e = parse_feed(b"<html><body>hello</body></html>", "https://x.example/").unwrap_err();
    assert!(
        e.to_string().contains("not an RSS, Atom or JSON feed"),
        "{e}"
    );
}

#[test]
fn polling_cycles() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let st = rt.block_on(start());
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).unwrap();
    let base = &st.base;
    let (rss_feed, _) = store
        .add_feed(&format!("{base}/rss.xml"), None, t0())
        .unwrap();
    let (atom_feed, _) = store
        .add_feed(&format!("{base}/atom.xml"), None, t0())
        .unwrap();
    let (broken, _) = store
        .add_feed(&format!("{base}/broken.xml"), None, t0())
        .unwrap();
    let (bad, _) = store
        .add_feed(&format!("{base}/malformed.xml"), None, t0())
        .unwrap();
    let f = fetcher(true);

    // Cycle 1: 3 new items, 2 pages, 1 missing page; 2 broken feeds.
    let (r1, pages) = poll_cycle(&store, &f, &rt, &opts(t0())).unwrap();
    assert_eq!(r1.feeds_due, 4);
    assert_eq!(r1.feeds_polled, 2);
    assert_eq!(r1.feed_errors, 2);
    assert_eq!(r1.new_items, 3);
    assert_eq!(r1.pages_fetched, 2, "{r1:?}");
    assert_eq!(r1.page_errors, 1);
    let mut pages = pages;
    pages.sort_by(|a, b| a.item_key.cmp(&b.item_key));
    let harbour = &pages[0];
    assert_eq!(harbour.item_key, "coast-1");
    assert_eq!(harbour.source.as_deref(), Some("Coast Daily"));
    assert!(
        harbour.text.contains("northern harbour had reopened"),
        "{}",
        harbour.text
    );
    assert!(!harbour.text.contains("All rights reserved"));
    assert!(harbour
        .published
        .as_deref()
        .unwrap()
        .starts_with("2026-03-02"));
    assert!(harbour.url.ends_with("/news/harbour.html"));
    let rail = &pages[1];
    assert_eq!(rail.item_key, "urn:inland:rail");
    // No page date: the feed item's.
    assert_eq!(rail.published.as_deref(), Some("2026-03-03T09:00:00Z"));
    let rf = store.feed(&rss_feed.id.to_string()).unwrap().unwrap();
    assert_eq!(rf.title.as_deref(), Some("Coast Daily"));
    assert_eq!(rf.etag.as_deref(), Some("\"rss-1\""));
    let b1 = store.feed(&broken.id.to_string()).unwrap().unwrap();
    assert_eq!(b1.failures, 1);
    assert!(b1.last_error.as_deref().unwrap().contains("HTTP 500"));
    let m1 = store.feed(&bad.id.to_string()).unwrap().unwrap();
    assert!(
        m1.last_error.as_deref().unwrap().contains("not an RSS"),
        "{m1:?}"
    );
    // The lead's loop would ingest here; mark the two pages done.
    for p in &pages {
        store
            .mark_item_ingested(p.feed_id, &p.item_key, "article-x")
            .unwrap();
    }

    // Cycle 2, one interval later: both good feeds answer 304, nothing new; the broken feeds
    // are backing off (not due); the missing page is tried again.
    let t1 = t0() + chrono::Duration::seconds(600);
    let (r2, pages2) = poll_cycle(&store, &f, &rt, &opts(t1)).unwrap();
    assert_eq!(r2.feeds_due, 2, "{r2:?}");
    assert_eq!(r2.not_modified, 2);
    assert_eq!(r2.new_items, 0);
    assert!(pages2.is_empty());
    assert_eq!(r2.page_errors, 1);
    assert_eq!(st.feed_hits.load(Ordering::SeqCst), 2);

    // Backoff grows: the broken feed's next poll after its second failure is further out.
    let gap1 = parse_time(b1.next_poll.as_deref().unwrap()) - t0();
    let t2 = parse_time(b1.next_poll.as_deref().unwrap());
    let (r3, _) = poll_cycle(&store, &f, &rt, &opts(t2)).unwrap();
    assert!(r3.feed_errors >= 1);
    assert_eq!(r3.pages_given_up, 1, "{r3:?}");
    let b2 = store.feed(&broken.id.to_string()).unwrap().unwrap();
    assert_eq!(b2.failures, 2);
    let gap2 = parse_time(b2.next_poll.as_deref().unwrap()) - t2;
    assert!(gap2 > gap1, "{gap1} then {gap2}");
    assert_eq!(gap2.to_std().unwrap(), backoff(&opts(t2), broken.id, 2),);

    // The missing page was given up after 3 attempts, with its error kept.
    let items = store.feed_items(rss_feed.id).unwrap();
    let missing = items.iter().find(|i| i.item_key == "coast-2").unwrap();
    assert_eq!((missing.status.as_str(), missing.attempts), ("failed", 3));
    assert!(missing.error.as_deref().unwrap().contains("404"));
    let (r4, _) = poll_cycle(&store, &f, &rt, &opts(t2 + chrono::Duration::seconds(1))).unwrap();
    assert_eq!(r4.page_errors, 0);
    assert_eq!(store.pending_items(3, 100).unwrap().len(), 0);
    let _ = atom_feed;
}

#[test]
fn private_feed_refused_at_poll_time() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let st = rt.block_on(start());
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).unwrap();
    let (feed, _) = store
        .add_feed(&format!("{}/rss.xml", st.base), None, t0())
        .unwrap();
    let (r, pages) = poll_cycle(&store, &fetcher(false), &rt, &opts(t0())).unwrap();
    assert_eq!(r.feed_errors, 1);
    assert!(pages.is_empty());
    assert_eq!(st.feed_hits.load(Ordering::SeqCst), 0);
    let row = store.feed(&feed.id.to_string()).unwrap().unwrap();
    assert!(row.last_error.unwrap().contains("--allow-private"));
}
