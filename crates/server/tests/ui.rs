//! The web UI through the real router, on a temporary store of three annotated reports: one
//! story with a wire report, a copy of it and an independent report.

use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use sitrep_core::{Meta, Pipeline};
use sitrep_server::{router, AppState, ServerConfig};
use sitrep_store::{SqliteStore, Store, StoredArticle, StoryHead};
use tower::ServiceExt;

/// Multibyte characters (’ “ ” — 한국) come before the event's sentence, so that a byte offset
/// used as a character offset (or the reverse) marks the wrong text.
const WIRE: &str = "Seoul’s “2+2” talks — 한국 and Canada — ended in Ottawa.\n\n\
Canada and South Korea on Friday denounced the growing military ties between North Korea and Russia. \
The United States said about 10,000 North Korean troops are in Russia.";
const OWN: &str = "Officials in Seoul put the number at 11,000 troops. \
Foreign Minister Cho Tae-yul condemned Russia on Saturday.";

const TITLE: &str = "Allies <script>alert(1)</script> denounce ties";

struct Fixture {
    _dir: tempfile::TempDir,
    state: AppState,
    /// The wire report's record as stored.
    wire: sitrep_core::Record,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let p = Pipeline::default();
        let meta = |id: &str, source: &str, title: &str, published: &str| Meta {
            id: Some(id.into()),
            source: Some(source.into()),
            title: Some(title.into()),
            published: Some(published.into()),
            ..Default::default()
        };
        let mut wire = StoredArticle::from_article(&p.annotate(
            WIRE.into(),
            meta("a-wire", "wire.example", TITLE, "2024-11-01"),
        ));
        wire.record.story = Some(0);
        let mut copy = StoredArticle::from_article(&p.annotate(
            WIRE.into(),
            meta("b-copy", "daily.example", TITLE, "2024-11-02"),
        ));
        copy.record.story = Some(0);
        copy.record.duplicate_of = Some("a-wire".into());
        let mut own = StoredArticle::from_article(&p.annotate(
            OWN.into(),
            meta(
                "c-own",
                "herald.example",
                "Seoul counts 11,000",
                "2024-11-02",
            ),
        ));
        own.record.story = Some(0);
        let dir = tempfile::tempdir().unwrap();
        {
            let mut st = SqliteStore::open(dir.path()).unwrap();
            st.put_linked(
                &[wire, copy, own],
                &[StoryHead {
                    id: 0,
                    headline: TITLE.into(),
                    first: Some("2024-11-01".into()),
                    last: Some("2024-11-02".into()),
                }],
            )
            .unwrap();
        }
        let wire = SqliteStore::open(dir.path())
            .unwrap()
            .get("a-wire")
            .unwrap()
            .unwrap()
            .record;
        let state = AppState::new(ServerConfig::new(dir.path().to_path_buf())).unwrap();
        Fixture {
            _dir: dir,
            state,
            wire,
        }
    })
}

async fn get(uri: &str) -> (StatusCode, String, String) {
    let resp = router(fixture().state.clone())
        .oneshot(Request::builder().uri(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let ctype = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (status, ctype, String::from_utf8(body.to_vec()).unwrap())
}

fn chars(s: &str, a: usize, b: usize) -> String {
    s.chars().skip(a).take(b - a).collect()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The text inside `<mark class="evidence" ...>...</mark>`, tags stripped, entities unescaped.
fn marked(html: &str) -> (String, String) {
    let at = html
        .find("<mark class=\"evidence\"")
        .expect("a mark.evidence");
    let open_end = at + html[at..].find('>').unwrap() + 1;
    let close = open_end + html[open_end..].find("</mark>").unwrap();
    let mut text = String::new();
    let mut in_tag = false;
    for c in html[open_end..close].chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    (html[at..open_end].to_string(), unescape(&text))
}

/// The wire report's event whose sentence starts after the multibyte characters.
fn late_event() -> &'static sitrep_core::model::Event {
    let w = &fixture().wire;
    w.events
        .iter()
        .find(|e| e.sentence.start > 20)
        .unwrap_or_else(|| {
            panic!(
                "the wire report has an event in its second sentence: {:#?}",
                w.events
            )
        })
}

#[tokio::test]
async fn story_list_shows_headlines_sources_and_copies() {
    let (status, ctype, body) = get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("text/html"), "{ctype}");
    assert!(
        body.contains("Allies &lt;script&gt;alert(1)&lt;/script&gt; denounce ties"),
        "{body}"
    );
    assert!(!body.contains("<script>alert"), "the title is escaped");
    assert!(body.contains("2 independent sources"), "{body}");
    assert!(body.contains("+1 copy"), "{body}");
    assert!(body.contains("href=\"/stories/0\""));
    let (status, _, body) = get("/?order=sources").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("aria-current=\"page\">Most independent sources first"));
    let (status, ctype, _) = get("/?order=loudest").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(ctype.starts_with("text/html"));
}

#[tokio::test]
async fn story_page_lists_event_cards_with_evidence_links() {
    let (status, _, body) = get("/stories/0").await;
    assert_eq!(status, StatusCode::OK);
    let w = &fixture().wire;
    assert!(!w.events.is_empty());
    for e in &w.events {
        let (s, t) = (e.sentence.start, e.sentence.end);
        let href = format!("href=\"/articles/a-wire?hl={s}-{t}#hl\"");
        let hx = format!("hx-get=\"/fragments/article/a-wire?hl={s}-{t}\"");
        assert!(body.contains(&href), "{href} in {body}");
        assert!(body.contains(&hx), "{hx}");
        assert!(body.contains(&format!(">{}</span>", e.kind.as_str())));
    }
    // The copy's events are not repeated; its card says +1 copy.
    assert!(
        !body.contains("/articles/b-copy?hl="),
        "copies' events are folded"
    );
    assert!(body.contains("aside id=\"evidence\""));
    // Figures: 10,000 (wire) against 11,000 (herald) is a disagreement.
    assert!(body.contains("Sources disagree"), "{body}");
    assert!(body.contains("10,000") && body.contains("11,000"));
}

#[tokio::test]
async fn article_page_marks_exactly_the_sentence() {
    let w = &fixture().wire;
    let e = late_event();
    let (s, t) = (e.sentence.start, e.sentence.end);
    let want = chars(&w.text, s, t);
    assert!(want.starts_with("Canada and South Korea"), "{want:?}");
    for uri in [
        format!("/articles/a-wire?hl={s}-{t}"),
        format!("/fragments/article/a-wire?hl={s}-{t}"),
    ] {
        let (status, _, body) = get(&uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        let (open, text) = marked(&body);
        assert_eq!(text, want, "{uri}");
        assert!(
            open.contains(&format!("data-start=\"{s}\" data-end=\"{t}\"")),
            "{open}"
        );
        assert!(open.contains("id=\"hl\""));
    }
    // The whole text survives around the mark, entities linked.
    let (_, _, body) = get(&format!("/articles/a-wire?hl={s}-{t}")).await;
    assert!(body.contains("한국"));
    assert!(
        body.contains("href=\"/entities/CAN\""),
        "entities link to their pages"
    );
    // A copy says whose copy it is.
    let (_, _, body) = get("/articles/b-copy").await;
    assert!(body.contains("A copy of") && body.contains("href=\"/articles/a-wire\""));
    // Out of range or malformed: 400.
    for bad in [
        "/articles/a-wire?hl=5-99999",
        "/articles/a-wire?hl=9-3",
        "/articles/a-wire?hl=x",
    ] {
        assert_eq!(get(bad).await.0, StatusCode::BAD_REQUEST, "{bad}");
    }
}

#[tokio::test]
async fn unknown_ids_answer_an_html_404() {
    for uri in [
        "/stories/77",
        "/stories/not-a-number",
        "/articles/nope",
        "/entities/NO%20SUCH%20THING",
        "/no/such/page",
        "/assets/nothing.js",
    ] {
        let (status, ctype, body) = get(uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(ctype.starts_with("text/html"), "{uri}: {ctype}");
        assert!(body.contains("404"), "{uri}");
    }
    // The fragment answers a short message, not a page.
    let (status, _, body) = get("/fragments/article/nope?hl=0-1").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!body.contains("<html"));
}

#[tokio::test]
async fn article_title_is_escaped() {
    let (status, _, body) = get("/articles/a-wire").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!body.contains("<script>alert"));
    assert!(body.contains("<title>Allies &lt;script&gt;alert(1)&lt;/script&gt; denounce ties"));
}

#[tokio::test]
async fn entity_page_lists_events_with_evidence() {
    let e = late_event();
    let code = e
        .actor
        .iter()
        .find_map(|p| p.code.clone())
        .expect("a coded actor");
    let (status, _, body) = get(&format!("/entities/{code}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (s, t) = (e.sentence.start, e.sentence.end);
    assert!(
        body.contains(&format!("/articles/a-wire?hl={s}-{t}#hl")),
        "{body}"
    );
    assert!(body.contains("As recipient ("));
    // A name (an entity without a code) works too.
    let (status, _, body) = get("/entities/Cho%20Tae-yul").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("Cho Tae-yul"));
}

#[tokio::test]
async fn search_page_answers_html_and_assets_are_served() {
    let (status, ctype, body) = get("/search?q=troops").await;
    // 200 with results once the index is built in; 503 with a message while it is a stub.
    assert!(
        status == StatusCode::OK || status == StatusCode::SERVICE_UNAVAILABLE,
        "{status}: {body}"
    );
    assert!(ctype.starts_with("text/html"));
    let (status, _, body) = get("/search").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("NEAR/1s"), "the query language help");

    let resp = router(fixture().state.clone())
        .oneshot(
            Request::builder()
                .uri("/assets/htmx.min.js")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let cc = resp
        .headers()
        .get("cache-control")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(cc.contains("max-age"), "{cc}");
    let (status, ctype, _) = get("/assets/app.css").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("text/css"));
    // No CDN: every script and style comes from this server.
    let (_, _, page) = get("/stories/0").await;
    for bad in ["src=\"http", "src=\"//", "stylesheet\" href=\"http"] {
        assert!(!page.contains(bad), "{bad}");
    }
}
