//! Cost of a polling cycle: a local server with N small RSS feeds (distinct items, ETag
//! support), all subscribed in a temporary store; times a first cycle (everything new) and a
//! second one (everything 304), with and without fetching the items' pages.
//!
//! `cargo run --release -p sitrep-monitor --example poll_bench -- [FEEDS] [ITEMS_PER_FEED] [CONCURRENCY]`

use std::time::{Duration, Instant};

use axum::extract::Path;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use sitrep_monitor::feeds::{poll_cycle, PollOptions};
use sitrep_monitor::fetch::{FetchConfig, Fetcher};
use sitrep_store::SqliteStore;

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let feeds = args.first().copied().unwrap_or(1000);
    let items = args.get(1).copied().unwrap_or(5);
    let conc = args.get(2).copied().unwrap_or(64);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let base = rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let b = base.clone();
        let app = axum::Router::new()
            .route(
                "/feed/{n}",
                get(move |Path(n): Path<usize>, h: HeaderMap| {
                    let b = b.clone();
                    async move {
                        let tag = format!("\"f{n}\"");
                        if h.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok())
                            == Some(tag.as_str())
                        {
                            return StatusCode::NOT_MODIFIED.into_response();
                        }
                        let mut x = format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed {n}</title><link>{b}/</link><description>bench</description>");
                        for i in 0..items {
                            x.push_str(&format!("<item><title>Story {i} of feed {n}</title><link>{b}/page/{n}/{i}</link><guid>f{n}-{i}</guid><pubDate>Tue, 03 Mar 2026 10:00:00 GMT</pubDate></item>"));
                        }
                        x.push_str("</channel></rss>");
                        ([(header::ETAG, tag)], x).into_response()
                    }
                }),
            )
            .route(
                "/page/{n}/{i}",
                get(|Path((n, i)): Path<(usize, usize)>| async move {
                    let p = format!("<p>Report {i} from feed {n}: officials in the harbour town said the ferry service would resume on Monday after repairs to the landing stage were finished ahead of schedule.</p>");
                    (
                        [(header::CONTENT_TYPE, "text/html")],
                        format!("<html><head><title>Report {n}-{i}</title></head><body><article><h1>Report {n}-{i}</h1>{p}{p}{p}</article></body></html>"),
                    )
                }),
            );
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        base
    });
    let fetcher = Fetcher::new(FetchConfig {
        allow_private: true,
        ..Default::default()
    })
    .unwrap();
    let mut out = serde_json::json!({"feeds": feeds, "items_per_feed": items, "concurrency": conc});
    for fetch_pages in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let now = chrono::Utc::now();
        for n in 0..feeds {
            store
                .add_feed(&format!("{base}/feed/{n}"), None, now)
                .unwrap();
        }
        let opts = PollOptions {
            interval: Duration::from_secs(60),
            concurrency: conc,
            now,
            fetch_pages,
            max_pages: usize::MAX / 2,
            ..Default::default()
        };
        let t = Instant::now();
        let (r1, pages) = poll_cycle(&store, &fetcher, &rt, &opts).unwrap();
        let first = t.elapsed().as_secs_f64();
        assert_eq!(r1.new_items, feeds * items, "{r1:?}");
        // The caller would ingest; mark them so the second cycle has no pending pages.
        for p in &pages {
            store
                .mark_item_ingested(p.feed_id, &p.item_key, "x")
                .unwrap();
        }
        let opts2 = PollOptions {
            now: now + chrono::Duration::seconds(61),
            ..opts
        };
        let t = Instant::now();
        let (r2, _) = poll_cycle(&store, &fetcher, &rt, &opts2).unwrap();
        let second = t.elapsed().as_secs_f64();
        assert_eq!(r2.not_modified, feeds, "{r2:?}");
        let key = if fetch_pages {
            "with_pages"
        } else {
            "feeds_only"
        };
        out[key] = serde_json::json!({
            "first_cycle_s": first,
            "new_items": r1.new_items,
            "pages_fetched": r1.pages_fetched,
            "second_cycle_all_304_s": second,
            "not_modified": r2.not_modified,
        });
    }
    println!("{out}");
}
