//! `GET /api/v1/search` over the fixture store. These need the real search index
//! (`sitrep-search`); against its skeleton, which answers every query with an index error, they
//! fail until it lands.

mod common;

use axum::http::StatusCode;
use common::app;

#[tokio::test]
async fn a_bad_query_is_a_400_that_says_where() {
    let a = app(|_| {});
    for (q, problem) in [
        ("%22unclosed%20phrase", "quote"),
        ("(north%20AND%20korea", ")"),
        ("entiy:PRK", "entiy"),
    ] {
        let r = a.get(&format!("/api/v1/search?q={q}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}: {}", r.text);
        let m = r.message();
        assert!(m.contains(problem), "{q}: {m}");
        assert!(
            m.contains("character"),
            "{q}: the message should say where: {m}"
        );
    }
}

#[tokio::test]
async fn search_pages_by_story_and_by_article() {
    let a = app(|_| {});
    let r = a.get("/api/v1/search?q=korea&limit=1").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["group"], true);
    assert!(r.body["total"].as_u64().unwrap() >= 4, "{}", r.text);
    let items = r.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert!(items[0]["articles"].is_array(), "{}", r.text);
    // walk the stories: each once
    let mut seen = vec![items[0]["story"].clone()];
    let mut next = r.body["next"].as_str().map(str::to_string);
    while let Some(c) = next {
        let r = a
            .get(&format!("/api/v1/search?q=korea&limit=1&cursor={c}"))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        seen.extend(
            r.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["story"].clone()),
        );
        next = r.body["next"].as_str().map(str::to_string);
    }
    let n = seen.len();
    seen.sort_by_key(|v| v.to_string());
    seen.dedup();
    assert_eq!(seen.len(), n, "a story came twice");
    assert!(n >= 2);

    let r = a.get("/api/v1/search?q=korea&group=false&limit=50").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let items = r.body["items"].as_array().unwrap();
    assert_eq!(items.len() as u64, r.body["total"].as_u64().unwrap());
    assert!(items.iter().all(|i| i["id"].is_string()));
    assert_eq!(r.body["next"], serde_json::Value::Null);
    // a cursor of a grouped search does not fit an ungrouped one
    let r = a.get("/api/v1/search?q=korea&limit=1").await;
    let c = r.body["next"].as_str().unwrap();
    let r = a
        .get(&format!("/api/v1/search?q=korea&group=false&cursor={c}"))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}
