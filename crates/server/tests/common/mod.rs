//! A small store of fixture reports and a request helper, shared by the API tests.

#![allow(dead_code)]

use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::Value;
use sitrep_core::{Meta, Pipeline};
use sitrep_server::{AppState, ServerConfig, WriteError, Writes};
use sitrep_store::{SqliteStore, Store, StoredArticle, StoryHead};
use tower::ServiceExt;

/// (id, source, published, story, duplicate_of, text).
pub type Report = (
    &'static str,
    &'static str,
    Option<&'static str>,
    u32,
    Option<&'static str>,
    &'static str,
);

/// Short reports written for these tests.
pub const REPORTS: &[Report] = &[
    (
        "a1",
        "alpha.example",
        Some("2024-11-01"),
        1,
        None,
        "North Korea accused the United States on Friday of staging provocations near the \
         border. Officials in Seoul said about 300 troops had been moved north.",
    ),
    (
        "a1copy",
        "beta.example",
        Some("2024-11-01"),
        1,
        Some("a1"),
        "North Korea accused the United States on Friday of staging provocations near the \
         border. Officials in Seoul said about 300 troops had been moved north. (Wire copy)",
    ),
    (
        "b1",
        "gamma.example",
        Some("2024-11-01"),
        2,
        None,
        "Canada and South Korea agreed on Friday to expand their cooperation on defence, the \
         Canadian foreign minister said in Ottawa.",
    ),
    (
        "a2",
        "delta.example",
        Some("2024-11-02"),
        1,
        None,
        "The United States rejected the accusation by North Korea on Saturday. A spokesman \
         said Washington had moved no troops.",
    ),
    (
        "b2",
        "alpha.example",
        Some("2024-11-03"),
        2,
        None,
        "South Korea thanked Canada for its support, and officials in Seoul said the two \
         countries would hold talks next month.",
    ),
    (
        "c1",
        "epsilon.example",
        Some("2024-11-04"),
        3,
        None,
        "Ukraine said Russia fired 40 missiles at Kyiv overnight. The Ukrainian air force said \
         it shot down 35 of them.",
    ),
    (
        "c2",
        "zeta.example",
        None,
        3,
        None,
        "Russia denied attacking civilian targets in Kyiv, the Kremlin said in a statement.",
    ),
];

fn pipeline() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(Pipeline::default)
}

/// A stored, linked article from a report.
pub fn row(
    id: &str,
    source: &str,
    published: Option<&str>,
    story: u32,
    dup: Option<&str>,
    text: &str,
) -> StoredArticle {
    let a = pipeline().annotate(
        text.into(),
        Meta {
            id: Some(id.into()),
            source: Some(source.into()),
            published: published.map(str::to_string),
            title: Some(format!("Report {id}")),
            ..Default::default()
        },
    );
    let mut r = StoredArticle::from_article(&a);
    r.record.story = Some(story);
    r.record.duplicate_of = dup.map(str::to_string);
    r
}

fn rows() -> &'static Vec<StoredArticle> {
    static ROWS: OnceLock<Vec<StoredArticle>> = OnceLock::new();
    ROWS.get_or_init(|| {
        REPORTS
            .iter()
            .map(|&(id, src, day, story, dup, text)| row(id, src, day, story, dup, text))
            .collect()
    })
}

pub fn heads() -> Vec<StoryHead> {
    [
        (1, "Korea accusations"),
        (2, "Canada and Korea"),
        (3, "Kyiv"),
    ]
    .into_iter()
    .map(|(id, h)| StoryHead {
        id,
        headline: h.into(),
        first: Some("2024-11-01".into()),
        last: Some("2024-11-04".into()),
    })
    .collect()
}

/// Write the fixture store into `dir`.
pub fn fill(dir: &Path) {
    let mut s = SqliteStore::open(dir).unwrap();
    s.put_linked(rows(), &heads()).unwrap();
}

/// What the fake writer was asked to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    Ingest(String),
    Merge(u32, u32),
    Split(u32, Vec<String>),
}

#[derive(Default)]
pub struct FakeWrites {
    pub calls: Mutex<Vec<Call>>,
}

impl Writes for FakeWrites {
    fn ingest(&self, jsonl: &[u8]) -> Result<Value, WriteError> {
        let text = String::from_utf8(jsonl.to_vec()).unwrap();
        let n = text.lines().count();
        self.calls.lock().unwrap().push(Call::Ingest(text));
        Ok(serde_json::json!({"written": n}))
    }
    fn merge(&self, into: u32, from: u32) -> Result<u32, WriteError> {
        self.calls.lock().unwrap().push(Call::Merge(into, from));
        if from == 99 {
            return Err(WriteError::NotFound("no story 99".into()));
        }
        Ok(into)
    }
    fn split(&self, story: u32, articles: Vec<String>) -> Result<u32, WriteError> {
        self.calls
            .lock()
            .unwrap()
            .push(Call::Split(story, articles));
        Ok(story)
    }
}

pub struct App {
    pub dir: tempfile::TempDir,
    pub router: Router,
    pub writes: Arc<FakeWrites>,
}

/// A server over a fresh fixture store. `tweak` adjusts the configuration.
pub fn app(tweak: impl FnOnce(&mut ServerConfig)) -> App {
    let dir = tempfile::tempdir().unwrap();
    fill(dir.path());
    let writes = Arc::new(FakeWrites::default());
    let mut config = ServerConfig::new(dir.path().to_path_buf());
    config.token = Some("s3cret".into());
    config.writes = Some(writes.clone());
    tweak(&mut config);
    let state = AppState::new(config).unwrap();
    App {
        router: sitrep_server::router(state),
        dir,
        writes,
    }
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Reply {
    /// The error message of an error reply (panics when the body is not the envelope).
    pub fn message(&self) -> &str {
        assert_eq!(
            self.body["error"]["status"].as_u64(),
            Some(u64::from(self.status.as_u16())),
            "not the error envelope: {}",
            self.text
        );
        self.body["error"]["message"].as_str().unwrap()
    }
}

impl App {
    pub async fn req(
        &self,
        method: Method,
        uri: &str,
        headers: &[(&str, &str)],
        body: impl Into<Body>,
    ) -> Reply {
        let mut b = Request::builder().method(method).uri(uri);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let resp = self
            .router
            .clone()
            .oneshot(b.body(body.into()).unwrap())
            .await
            .unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&bytes).to_string();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
            text,
        }
    }

    pub async fn get(&self, uri: &str) -> Reply {
        self.req(Method::GET, uri, &[], Body::empty()).await
    }
}
