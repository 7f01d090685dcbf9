//! `GET /watches/{name}/atom.xml` through the real router: the stored alerts come back as an
//! Atom feed that parses.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use sitrep_monitor::watch::{Alert, Evidence, Reason};
use sitrep_server::{router, AppState, ServerConfig};
use sitrep_store::SqliteStore;
use tower::ServiceExt;

fn alert(id: i64, kind: &str, reasons: Vec<Reason>, sources: usize, at: &str) -> Alert {
    Alert {
        id,
        watch: "dprk".into(),
        kind: kind.into(),
        reasons,
        story: 7,
        headline: "North Korean troops in Russia".into(),
        independent_sources: sources,
        sources: (0..sources).map(|i| format!("s{i}.example")).collect(),
        evidence: vec![Evidence {
            article_id: format!("art{id}"),
            source: Some("s0.example".into()),
            url: None,
            sentence: "About 10,000 troops <arrived>.".into(),
            start: 4,
            end: 34,
        }],
        created_at: at.into(),
    }
}

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, String, String) {
    let resp = app
        .clone()
        .oneshot(
            Request::get(uri)
                .header("host", "sitrep.test:8080")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let status = resp.status();
    let ct = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, ct, String::from_utf8_lossy(&body).to_string())
}

#[tokio::test]
async fn a_watch_feed_lists_its_alerts_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut st = SqliteStore::open(dir.path()).unwrap();
        let w = st
            .add_watch("dprk", "entity:PRK", None, "2024-10-18T00:00:00Z")
            .unwrap()
            .unwrap();
        for (kind, reasons, n, at) in [
            ("new", vec![Reason::NewStory], 1, "2024-10-18T10:00:00Z"),
            (
                "update",
                vec![Reason::NewIndependentSource],
                2,
                "2024-10-19T10:00:00Z",
            ),
        ] {
            st.insert_alert(w.id, 7, kind, at, None, |id| {
                serde_json::to_string(&alert(id, kind, reasons.clone(), n, at)).unwrap()
            })
            .unwrap();
        }
    }
    let app = router(AppState::new(ServerConfig::new(dir.path().to_path_buf())).unwrap());
    let (status, ct, body) = get(&app, "/watches/dprk/atom.xml").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(ct.starts_with("application/atom+xml"), "{ct}");
    let feed: atom_syndication::Feed = body.parse().unwrap();
    assert_eq!(feed.id(), "urn:sitrep:watch:dprk");
    let titles: Vec<&str> = feed.entries().iter().map(|e| e.title().as_str()).collect();
    assert_eq!(
        titles,
        [
            "Update (new independent source): North Korean troops in Russia",
            "New: North Korean troops in Russia"
        ]
    );
    let e = &feed.entries()[1];
    assert_eq!(e.id(), "urn:sitrep:alert:1");
    assert_eq!(e.links()[0].href(), "http://sitrep.test:8080/stories/7");
    let html = e.content().unwrap().value().unwrap();
    assert!(
        html.contains("http://sitrep.test:8080/articles/art1?hl=4-34#hl"),
        "{html}"
    );
    assert!(html.contains("&lt;arrived&gt;"), "escaped: {html}");
    assert!(html.contains("Independent sources: 1"), "{html}");

    let (status, ct, body) = get(&app, "/watches/nope/atom.xml").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(ct.starts_with("text/plain"));
    assert!(body.contains("sitrep watch list"), "{body}");
}
