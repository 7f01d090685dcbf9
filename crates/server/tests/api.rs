//! The JSON API over a small fixture store, through the router (no network).

mod common;

use std::collections::{BTreeSet, HashSet};

use axum::body::Body;
use axum::http::{header, Method, StatusCode};
use common::{app, row, Call, REPORTS};
use serde_json::{json, Value};
use sitrep_store::{SqliteStore, Store, StoryHead};

/// Walk a listing page by page; returns the items in order and the `total` of the first page.
async fn walk(a: &common::App, first: &str, limit: usize) -> (Vec<Value>, usize, usize) {
    let sep = if first.contains('?') { '&' } else { '?' };
    let mut uri = format!("{first}{sep}limit={limit}");
    let mut items = Vec::new();
    let mut pages = 0;
    let mut total = None;
    loop {
        let r = a.get(&uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.text);
        pages += 1;
        let page = r.body["items"].as_array().unwrap();
        assert!(page.len() <= limit);
        let t = r.body["total"].as_u64().unwrap() as usize;
        assert_eq!(*total.get_or_insert(t), t, "total changed between pages");
        items.extend(page.iter().cloned());
        match r.body["next"].as_str() {
            Some(c) => uri = format!("{first}{sep}limit={limit}&cursor={c}"),
            None => break,
        }
        assert!(pages < 100, "runaway pagination");
    }
    (items, total.unwrap(), pages)
}

fn ids(items: &[Value], key: &str) -> Vec<String> {
    items
        .iter()
        .map(|i| i[key].as_str().unwrap().to_string())
        .collect()
}

fn item_ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| format!("{}:{}", i["article"].as_str().unwrap(), i["idx"]))
        .collect()
}

fn assert_once(list: &[String], total: usize) {
    let set: HashSet<&String> = list.iter().collect();
    assert_eq!(set.len(), list.len(), "an item came twice: {list:?}");
    assert_eq!(list.len(), total, "walk missed items: {list:?}");
}

#[tokio::test]
async fn article_pages_hold_every_article_once() {
    let a = app(|_| {});
    let (items, total, pages) = walk(&a, "/api/v1/articles", 2).await;
    assert_eq!(total, REPORTS.len());
    assert_eq!(pages, REPORTS.len().div_ceil(2));
    let got = ids(&items, "id");
    assert_once(&got, total);
    let want: BTreeSet<String> = REPORTS.iter().map(|r| r.0.to_string()).collect();
    assert_eq!(got.iter().cloned().collect::<BTreeSet<_>>(), want);
    // newest first, the undated last
    assert_eq!(got[0], "c1");
    assert_eq!(got.last().unwrap(), "c2");
    // a page exactly at the end says there is no next
    let r = a
        .get(&format!("/api/v1/articles?limit={}", REPORTS.len()))
        .await;
    assert_eq!(r.body["next"], Value::Null);
    assert_eq!(r.body["items"].as_array().unwrap().len(), REPORTS.len());
}

#[tokio::test]
async fn other_listings_walk_every_item_once() {
    let a = app(|_| {});
    let (items, total, _) = walk(&a, "/api/v1/stories", 2).await;
    assert_eq!(total, 3);
    let got: Vec<String> = items.iter().map(|i| i["id"].to_string()).collect();
    assert_once(&got, total);

    let (items, total, _) = walk(&a, "/api/v1/entities", 2).await;
    let got: Vec<String> = items
        .iter()
        .map(|i| format!("{}|{}|{}", i["kind"], i["name"], i["code"]))
        .collect();
    assert!(total >= 5, "{got:?}");
    assert_once(&got, total);

    for what in ["events", "claims"] {
        let (items, total, _) = walk(&a, &format!("/api/v1/{what}"), 2).await;
        assert_once(&item_ids(&items), total);
        let (all, _, _) = walk(&a, &format!("/api/v1/{what}"), 500).await;
        assert_eq!(
            item_ids(&all),
            item_ids(&items),
            "{what}: pages change the order"
        );
    }
    let (items, total, _) = walk(&a, "/api/v1/events?story=1", 1).await;
    assert_once(&item_ids(&items), total);
    assert!(items.iter().all(|e| e["story"] == 1));
}

/// Articles added between pages (dated later, so they sort first) do not shift the pages of a
/// walk that began before them; a new walk sees them.
#[tokio::test]
async fn cursor_pages_stay_put_while_articles_are_added() {
    let a = app(|_| {});
    let r = a.get("/api/v1/articles?limit=2").await;
    let mut got = ids(r.body["items"].as_array().unwrap(), "id");
    let mut next = r.body["next"].as_str().unwrap().to_string();
    let r = a.get("/api/v1/events?limit=1").await;
    let events_total = r.body["total"].as_u64().unwrap();
    let mut events = item_ids(r.body["items"].as_array().unwrap());
    let mut events_next = r.body["next"].as_str().map(str::to_string);
    {
        let mut s = SqliteStore::open(a.dir.path()).unwrap();
        let late = [
            row(
                "late1",
                "eta.example",
                Some("2024-12-01"),
                4,
                None,
                "North Korea accused South Korea on Sunday of flying drones over Pyongyang.",
            ),
            row(
                "late2",
                "theta.example",
                Some("2024-12-02"),
                4,
                None,
                "South Korea rejected the accusation by North Korea on Monday.",
            ),
        ];
        let head = StoryHead {
            id: 4,
            headline: "Drones".into(),
            first: None,
            last: None,
        };
        s.put_linked(&late, &[head]).unwrap();
    }
    loop {
        let r = a
            .get(&format!("/api/v1/articles?limit=2&cursor={next}"))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.body["total"], REPORTS.len());
        got.extend(ids(r.body["items"].as_array().unwrap(), "id"));
        match r.body["next"].as_str() {
            Some(c) => next = c.to_string(),
            None => break,
        }
    }
    assert_once(&got, REPORTS.len());
    assert!(!got.iter().any(|i| i.starts_with("late")));
    while let Some(c) = events_next {
        let r = a.get(&format!("/api/v1/events?limit=1&cursor={c}")).await;
        assert_eq!(r.body["total"].as_u64().unwrap(), events_total);
        events.extend(item_ids(r.body["items"].as_array().unwrap()));
        events_next = r.body["next"].as_str().map(str::to_string);
    }
    assert_once(&events, events_total as usize);
    assert!(!events.iter().any(|i| i.starts_with("late")));
    let r = a.get("/api/v1/articles?limit=2").await;
    assert_eq!(r.body["total"], REPORTS.len() + 2);
    assert_eq!(r.body["items"][0]["id"], "late2");
}

#[tokio::test]
async fn page_size_and_cursor_errors_say_what_to_do() {
    let a = app(|c| c.max_page = 10);
    let r = a.get("/api/v1/articles?limit=11").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.message().contains("maximum page size of 10"),
        "{}",
        r.text
    );
    let r = a.get("/api/v1/events?limit=0").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.message().contains("at least 1"), "{}", r.text);
    assert_eq!(
        a.get("/api/v1/articles?limit=10").await.status,
        StatusCode::OK
    );

    for bad in ["garbage", "eyJ4IjoxfQ", "%25%25"] {
        let r = a.get(&format!("/api/v1/articles?cursor={bad}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(
            r.message(),
            "cursor is not one this server issued; start again without cursor"
        );
    }
    // a cursor of another listing, or of other filters
    let r = a.get("/api/v1/articles?limit=1").await;
    let c = r.body["next"].as_str().unwrap().to_string();
    let r = a.get(&format!("/api/v1/claims?cursor={c}")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.message().contains("another listing"), "{}", r.text);
    let r = a
        .get(&format!("/api/v1/articles?source=alpha.example&cursor={c}"))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.message().contains("other filters"), "{}", r.text);
}

#[tokio::test]
async fn bad_parameters_name_the_parameter_and_the_valid_values() {
    let a = app(|_| {});
    let cases: &[(&str, &[&str])] = &[
        ("/api/v1/articles?limit=abc", &["`limit`", "whole number"]),
        ("/api/v1/events?story=x", &["`story`", "story id"]),
        ("/api/v1/stories?min_articles=-1", &["`min_articles`"]),
        (
            "/api/v1/search?q=x&group=maybe",
            &["`group`", "true or false"],
        ),
        (
            "/api/v1/articles?limt=2",
            &["unknown query parameter", "limt", "limit"],
        ),
        (
            "/api/v1/articles?since=2024-13-01",
            &["`since`", "YYYY-MM-DD", "2024-13-01"],
        ),
        ("/api/v1/events?until=yesterday", &["`until`", "YYYY-MM-DD"]),
        (
            "/api/v1/events?type=FIGHT",
            &["`type`", "ACCUSE", "ASSAULT"],
        ),
        (
            "/api/v1/claims?status=maybe",
            &["`status`", "asserted", "planned"],
        ),
        ("/api/v1/events?actor=P-K", &["`actor`", "PRK"]),
        (
            "/api/v1/stories?order=oldest",
            &["`order`", "newest", "sources"],
        ),
        (
            "/api/v1/entities?kind=animal",
            &["`kind`", "person", "weapon"],
        ),
        ("/api/v1/timeline?type=nope", &["`type`", "ACCUSE"]),
        ("/api/v1/search", &["`q`", "required"]),
        ("/api/v1/stories/abc", &["whole numbers", "abc"]),
        ("/api/v1/events/nocolon", &["ARTICLE:INDEX"]),
        ("/api/v1/claims/a1:x", &["ARTICLE:INDEX"]),
    ];
    for (uri, needles) in cases {
        let r = a.get(uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}: {}", r.text);
        let m = r.message();
        for n in *needles {
            assert!(m.contains(n), "{uri}: '{m}' lacks '{n}'");
        }
    }
    let long = "x".repeat(sitrep_server::api::MAX_QUERY_CHARS + 1);
    let r = a.get(&format!("/api/v1/search?q={long}")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.message().contains("limit is 1000"), "{}", r.text);
}

#[tokio::test]
async fn unknown_things_are_404_json() {
    let a = app(|_| {});
    for uri in [
        "/api/v1/articles/nope",
        "/api/v1/stories/999",
        "/api/v1/events/a1:99",
        "/api/v1/claims/nope:0",
        "/api/v1/entities/Atlantis",
        "/api/v1/nothing/here",
        "/api/v1/articles/a1/extra",
    ] {
        let r = a.get(uri).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}: {}", r.text);
        assert!(!r.message().is_empty());
    }
    let r = a.get("/api/v1/nothing").await;
    assert!(r.message().contains("openapi.json"), "{}", r.text);
    // an id prefix shared by several articles
    let r = a.get("/api/v1/articles/a").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.message().contains("ambiguous"), "{}", r.text);
    // a method the route does not take
    let r = a
        .req(Method::DELETE, "/api/v1/articles", &[], Body::empty())
        .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(r.message().contains("DELETE"), "{}", r.text);
    assert!(r.headers.contains_key(header::ALLOW));
}

#[tokio::test]
async fn single_items_in_full() {
    let a = app(|_| {});
    // the full record, its story and what it copies; a unique prefix works
    let r = a.get("/api/v1/articles/a1c").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["article"]["id"], "a1copy");
    assert_eq!(r.body["duplicate_of"], "a1");
    assert_eq!(r.body["story"]["id"], 1);
    assert!(r.body["article"]["text"]
        .as_str()
        .unwrap()
        .contains("Wire copy"));
    assert!(r.body["article"]["sentences"].is_array());
    // an exact id that is also a prefix of another
    assert_eq!(
        a.get("/api/v1/articles/a1").await.body["article"]["id"],
        "a1"
    );

    let r = a.get("/api/v1/stories/1").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["story"]["articles"], 3);
    assert_eq!(r.body["story"]["copies"], 1);
    assert_eq!(r.body["articles"].as_array().unwrap().len(), 3);
    assert!(r.body["corroboration"]["sources"].is_array(), "{}", r.text);
    let ev = &r.body["events"];
    assert!(ev["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["story"] == 1));
    let listed = a.get("/api/v1/events?story=1").await;
    assert_eq!(listed.body["total"], ev["total"]);

    // an event and a claim by ARTICLE:IDX equal their listing rows
    for what in ["events", "claims"] {
        let r = a.get(&format!("/api/v1/{what}?limit=1")).await;
        let first = r.body["items"][0].clone();
        assert!(first.is_object(), "the fixture has no {what}: {}", r.text);
        let id = format!("{}:{}", first["article"].as_str().unwrap(), first["idx"]);
        let one = a.get(&format!("/api/v1/{what}/{id}")).await;
        assert_eq!(one.status, StatusCode::OK, "{}", one.text);
        assert_eq!(one.body, first);
        assert!(!one.body["sentence"].as_str().unwrap().is_empty());
    }

    // an entity by code, and by name in any case
    let r = a.get("/api/v1/entities/PRK").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["entity"]["code"], "PRK");
    assert!(r.body["entity"]["mentions"].as_u64().unwrap() >= 3);
    assert!(!r.body["timeline"].as_array().unwrap().is_empty());
    let events = r.body["events"]["items"].as_array().unwrap();
    for e in events {
        let parts: Vec<&Value> = e["event"]["actor"]
            .as_array()
            .unwrap()
            .iter()
            .chain(e["event"]["recipient"].as_array().unwrap())
            .collect();
        assert!(
            parts.iter().any(|p| {
                p["code"].as_str().is_some_and(|c| c.starts_with("PRK"))
                    || p["country"] == "PRK"
                    || p["text"]
                        .as_str()
                        .is_some_and(|t| t.eq_ignore_ascii_case("North Korea"))
            }),
            "{e}"
        );
    }
    let name = r.body["entity"]["name"].as_str().unwrap().to_lowercase();
    let by_name = a
        .get(&format!("/api/v1/entities/{}", name.replace(' ', "%20")))
        .await;
    assert_eq!(by_name.body["entity"], r.body["entity"], "{}", by_name.text);
}

#[tokio::test]
async fn timeline_counts_copies_once() {
    let a = app(|_| {});
    let r = a.get("/api/v1/timeline").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let days = r.body["items"].as_array().unwrap();
    let first = &days[0];
    // a1, its copy and b1 on 2024-11-01: three articles, two originals, two stories
    assert_eq!(
        first,
        &json!({"day": "2024-11-01", "articles": 3, "originals": 2, "stories": 2})
    );
    assert_eq!(days.last().unwrap()["day"], Value::Null);
    let sum: u64 = days.iter().map(|d| d["articles"].as_u64().unwrap()).sum();
    assert_eq!(sum as usize, REPORTS.len());
    let r = a.get("/api/v1/timeline?story=1&until=2024-11-01").await;
    assert_eq!(
        r.body["items"],
        json!([{"day": "2024-11-01", "articles": 2, "originals": 1, "stories": 1}])
    );
    let r = a.get("/api/v1/timeline?since=2024-11-04").await;
    assert_eq!(r.body["total"], 1);
}

const TOKEN: (&str, &str) = ("authorization", "Bearer s3cret");
const JSON: (&str, &str) = ("content-type", "application/json");

#[tokio::test]
async fn writes_need_the_token() {
    let a = app(|_| {});
    let body = r#"{"text":"Seoul said so."}"#;
    let post = |h: Vec<(&'static str, &'static str)>| {
        let a = &a;
        async move { a.req(Method::POST, "/api/v1/articles", &h, body).await }
    };
    let r = post(vec![JSON]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.message().contains("Bearer"), "{}", r.text);
    assert!(r.headers[header::WWW_AUTHENTICATE]
        .to_str()
        .unwrap()
        .starts_with("Bearer"));
    let r = post(vec![JSON, ("authorization", "Bearer wrong")]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.message().contains("wrong"), "{}", r.text);
    let r = post(vec![JSON, ("authorization", "Basic czNjcmV0")]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = post(vec![JSON, ("x-sitrep-token", "s3cret")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // merge and split too
    for (uri, b) in [
        ("/api/v1/stories/merge", r#"{"into":1,"from":2}"#),
        ("/api/v1/stories/split", r#"{"story":1,"articles":["a2"]}"#),
    ] {
        let r = a.req(Method::POST, uri, &[JSON], b).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{uri}");
    }
    assert_eq!(a.writes.calls.lock().unwrap().len(), 1);

    let off = app(|c| c.token = None);
    let r = off
        .req(Method::POST, "/api/v1/articles", &[JSON, TOKEN], body)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        r.message(),
        "writes are disabled; start sitrep serve with --token or SITREP_TOKEN"
    );
    // reads stay open
    assert_eq!(off.get("/api/v1/articles").await.status, StatusCode::OK);
}

#[tokio::test]
async fn oversized_bodies_are_413_json() {
    let a = app(|c| c.max_body_bytes = 200);
    let big = format!(r#"{{"text":"{}"}}"#, "x".repeat(300));
    // refused on its Content-Length, before the body is read
    let len = big.len().to_string();
    let r = a
        .req(
            Method::POST,
            "/api/v1/articles",
            &[JSON, TOKEN, ("content-length", &len)],
            big.clone(),
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.message().contains("limit of 200 bytes"), "{}", r.text);
    // no Content-Length (streamed): refused while reading
    let r = a
        .req(
            Method::POST,
            "/api/v1/articles",
            &[JSON, TOKEN],
            big.clone(),
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text);
    assert!(r.message().contains("limit of 200 bytes"), "{}", r.text);
    let body = format!(r#"{{"story":1,"articles":["{}"]}}"#, "a".repeat(300));
    let r = a
        .req(Method::POST, "/api/v1/stories/split", &[JSON, TOKEN], body)
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text);
    assert!(a.writes.calls.lock().unwrap().is_empty());
}

#[tokio::test]
async fn ingest_forwards_jsonl() {
    let a = app(|_| {});
    let r = a
        .req(
            Method::POST,
            "/api/v1/articles",
            &[JSON, TOKEN],
            r#"[{"text":"One.","title":"a"}, {"text":"Two."}]"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body, json!({"written": 2}));
    let r = a
        .req(
            Method::POST,
            "/api/v1/articles",
            &[("content-type", "application/x-ndjson"), TOKEN],
            "{\"text\":\"Three.\"}\n\n",
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        *a.writes.calls.lock().unwrap(),
        vec![
            Call::Ingest("{\"text\":\"One.\",\"title\":\"a\"}\n{\"text\":\"Two.\"}\n".into()),
            Call::Ingest("{\"text\":\"Three.\"}\n".into()),
        ]
    );
    // unparsable: 400 naming the line; nothing forwarded
    let r = a
        .req(
            Method::POST,
            "/api/v1/articles",
            &[("content-type", "text/plain"), TOKEN],
            "{\"text\":\"ok\"}\n{\"text\": oops}\n",
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.message().contains("line 2"), "{}", r.text);
    let r = a
        .req(
            Method::POST,
            "/api/v1/articles",
            &[JSON, TOKEN],
            "[{\"text\":",
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.message().contains("line 1"), "{}", r.text);
    let r = a
        .req(Method::POST, "/api/v1/articles", &[TOKEN], "{}")
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(r.message().contains("application/json"), "{}", r.text);
    assert_eq!(a.writes.calls.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn merge_and_split() {
    let a = app(|_| {});
    let r = a
        .req(
            Method::POST,
            "/api/v1/stories/merge",
            &[JSON, TOKEN],
            r#"{"into":1,"from":2}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["story"]["id"], 1);
    assert!(r.body["articles"].is_array());
    let r = a
        .req(
            Method::POST,
            "/api/v1/stories/split",
            &[JSON, TOKEN],
            r#"{"story":1,"articles":["a1c","a2"]}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        *a.writes.calls.lock().unwrap(),
        vec![
            Call::Merge(1, 2),
            Call::Split(1, vec!["a1copy".into(), "a2".into()])
        ]
    );
    // bad bodies: 400 with what is wrong; nothing forwarded
    for (uri, body, needle) in [
        (
            "/api/v1/stories/merge",
            r#"{"into":"one","from":2}"#,
            "into",
        ),
        ("/api/v1/stories/merge", r#"{"into":1}"#, "from"),
        (
            "/api/v1/stories/merge",
            r#"{"into":1,"from":1}"#,
            "same story",
        ),
        ("/api/v1/stories/merge", r#"{"into":1,"from":2"#, "JSON"),
        (
            "/api/v1/stories/split",
            r#"{"story":1,"articles":[]}"#,
            "empty",
        ),
        (
            "/api/v1/stories/split",
            r#"{"story":1,"ids":["a2"]}"#,
            "ids",
        ),
    ] {
        let r = a.req(Method::POST, uri, &[JSON, TOKEN], body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.text);
        assert!(r.message().contains(needle), "{body}: {}", r.text);
    }
    // an unknown article in a split, a story the writer does not know
    let r = a
        .req(
            Method::POST,
            "/api/v1/stories/split",
            &[JSON, TOKEN],
            r#"{"story":1,"articles":["zzz"]}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = a
        .req(
            Method::POST,
            "/api/v1/stories/merge",
            &[JSON, TOKEN],
            r#"{"into":1,"from":99}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.message(), "no story 99");
    assert_eq!(a.writes.calls.lock().unwrap().len(), 3);
}

/// Every route is in the OpenAPI document and every documented path is routed; the documented
/// schemas of listing rows have the fields the API answers.
#[tokio::test]
async fn openapi_lists_every_route() {
    let a = app(|_| {});
    let r = a.get("/api/v1/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.body;
    let paths = doc["paths"].as_object().unwrap();
    let routes = sitrep_server::api::routes();
    for (method, path) in &routes {
        let op = &paths
            .get(path)
            .unwrap_or_else(|| panic!("{path} missing from the document"))
            [method.as_str().to_lowercase()];
        assert!(op.is_object(), "{method} {path} missing from the document");
        assert!(op["responses"]["200"].is_object(), "{method} {path}");
    }
    let documented: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(
        documented,
        routes.len(),
        "the document has operations no route serves"
    );
    assert!(doc["components"]["securitySchemes"]["token"].is_object());

    // documented fields = answered fields
    let schemas = &doc["components"]["schemas"];
    let keys = |v: &Value| -> BTreeSet<String> { v.as_object().unwrap().keys().cloned().collect() };
    for (uri, schema) in [
        ("/api/v1/articles?limit=1", "ArticleSummary"),
        ("/api/v1/stories?limit=1", "StorySummary"),
        ("/api/v1/entities?limit=1", "EntityCount"),
        ("/api/v1/events?limit=1", "EventRow"),
        ("/api/v1/claims?limit=1", "ClaimRow"),
        ("/api/v1/timeline", "TimelineDay"),
    ] {
        let item = a.get(uri).await.body["items"][0].clone();
        let props = keys(&schemas[schema]["properties"]);
        assert_eq!(keys(&item), props, "{schema}");
    }
    let story = a.get("/api/v1/stories/1").await.body;
    assert_eq!(
        keys(&story["articles"][0]),
        keys(&schemas["StoryMember"]["properties"])
    );
    assert_eq!(keys(&story), keys(&schemas["StoryDetail"]["properties"]));
}
