//! The JSON API under `/api/v1/` (see `docs/api.md`).
//!
//! Listings answer a page envelope, `{"items": [...], "total": N, "next": CURSOR|null}`; the
//! cursor is opaque (base64url of a small JSON: the listing, the offset, the store's sequence
//! number when the first page was served, and a hash of the filters), so that articles added
//! between pages do not shift them. Every error is `{"error": {"status", "message"}}`, axum's
//! own rejections included. Writes need the start-up token. The OpenAPI document
//! (`/api/v1/openapi.json`) is generated from the handlers' `#[utoipa::path]` attributes.

use std::sync::OnceLock;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, OriginalUri, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::{Json, Router};
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sitrep_core::model::{EntityKind, EventStatus, PloverType};
use sitrep_core::Record;
use sitrep_search::SearchOptions;
use sitrep_store::{
    ArticleQuery, ArticleSummary, ClaimQuery, ClaimRow, EntityCount, EntityQuery, EventQuery,
    EventRow, Party, SqliteStore, Store, StoryMember, StoryOrder, StoryQuery, StorySummary,
    TimelineDay, TimelineQuery,
};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::{ApiError, AppState};

/// Where the API is mounted.
pub const PREFIX: &str = "/api/v1";
/// Page size when `limit` is not given.
pub const DEFAULT_LIMIT: usize = 50;
/// Longest search query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 1000;
/// Most article ids one split may move.
pub const MAX_SPLIT_ARTICLES: usize = 10_000;

// ---------------------------------------------------------------------------------------------
// Routes

type Route = (&'static str, Method, MethodRouter<AppState>);

/// Every route: path under [`PREFIX`], method, handler. The router is built from this table,
/// and a test checks that the OpenAPI document lists exactly these.
fn table() -> Vec<Route> {
    vec![
        ("/articles", Method::GET, get(list_articles)),
        ("/articles", Method::POST, post(ingest)),
        ("/articles/{id}", Method::GET, get(get_article)),
        ("/stories", Method::GET, get(list_stories)),
        ("/stories/merge", Method::POST, post(merge)),
        ("/stories/split", Method::POST, post(split)),
        ("/stories/{id}", Method::GET, get(get_story)),
        ("/events", Method::GET, get(list_events)),
        ("/events/{id}", Method::GET, get(get_event)),
        ("/claims", Method::GET, get(list_claims)),
        ("/claims/{id}", Method::GET, get(get_claim)),
        ("/entities", Method::GET, get(list_entities)),
        ("/entities/{key}", Method::GET, get(get_entity)),
        ("/search", Method::GET, get(search)),
        ("/timeline", Method::GET, get(timeline)),
        ("/openapi.json", Method::GET, get(openapi_json)),
    ]
}

/// `(method, full path)` of every API route, as the OpenAPI document spells paths.
pub fn routes() -> Vec<(Method, String)> {
    table()
        .into_iter()
        .map(|(p, m, _)| (m, format!("{PREFIX}{p}")))
        .collect()
}

/// The API router (nested under [`PREFIX`] by [`crate::router`]).
pub fn router(state: &AppState) -> Router<AppState> {
    // Reads are bounded in time; writes are not (an ingest may take minutes, and a write cut
    // short would go on running without the client knowing its outcome).
    let timeout = read_timeout(state);
    let mut r = Router::new();
    for (path, method, handler) in table() {
        let handler = if method == Method::GET {
            handler.layer(timeout)
        } else {
            handler
        };
        r = r.route(path, handler);
    }
    r.fallback(no_route)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            content_length,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), json_errors))
}

/// Reads taking longer than the configured time are answered 503.
fn read_timeout(state: &AppState) -> tower_http::timeout::TimeoutLayer {
    tower_http::timeout::TimeoutLayer::with_status_code(
        StatusCode::SERVICE_UNAVAILABLE,
        Duration::from_secs(state.config().timeout_s.max(1)),
    )
}

async fn no_route(method: Method, uri: OriginalUri) -> ApiError {
    ApiError::not_found(format!(
        "no endpoint {method} {}; GET {PREFIX}/openapi.json lists them",
        uri.path()
    ))
}

/// Refuse a body whose declared length is over the limit before reading it.
async fn content_length(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let max = state.config().max_body_bytes;
    if let Some(v) = req.headers().get(header::CONTENT_LENGTH) {
        match v.to_str().ok().and_then(|s| s.trim().parse::<u64>().ok()) {
            Some(n) if n > max as u64 => return too_large(max).into_response(),
            Some(_) => {}
            None => return ApiError::bad_request("Content-Length is not a number").into_response(),
        }
    }
    next.run(req).await
}

fn too_large(max: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "request body is larger than this server's limit of {max} bytes; send fewer \
             articles per request (or start sitrep serve with a larger limit)"
        ),
    )
}

/// Answer every error that is not JSON yet (axum's 405, the timeout's 503, a body limit's 413,
/// any plain-text rejection) in the JSON envelope, keeping its status and headers.
async fn json_errors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req
        .extensions()
        .get::<OriginalUri>()
        .map(|u| u.path().to_string())
        .unwrap_or_else(|| req.uri().path().to_string());
    let resp = next.run(req).await;
    let status = resp.status();
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let text = axum::body::to_bytes(body, 16 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let message = match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            let allow = parts
                .headers
                .get(header::ALLOW)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            format!("{method} is not allowed on {path}; use {allow}")
        }
        StatusCode::PAYLOAD_TOO_LARGE => too_large(state.config().max_body_bytes).message,
        StatusCode::SERVICE_UNAVAILABLE | StatusCode::REQUEST_TIMEOUT => format!(
            "the request took longer than {} s and was stopped; narrow it (filters, a smaller \
             limit, a simpler query)",
            state.config().timeout_s
        ),
        _ if text.is_empty() => status
            .canonical_reason()
            .unwrap_or("request failed")
            .to_string(),
        _ => text,
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_TYPE);
    let mut out = ApiError::new(status, message).into_response();
    for (k, v) in parts.headers.iter() {
        if !out.headers().contains_key(k) {
            out.headers_mut().insert(k.clone(), v.clone());
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Extractors that answer their rejections as JSON errors

/// Query parameters; a malformed one is a 400 naming the parameter and what it takes.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(t)) => Ok(ApiQuery(t)),
            Err(e) => Err(query_error(&e)),
        }
    }
}

fn query_error(e: &QueryRejection) -> ApiError {
    let text = e.body_text();
    let detail = text
        .strip_prefix("Failed to deserialize query string: ")
        .unwrap_or(&text);
    // serde_path_to_error puts the field's path first ("limt: unknown field `limt`, ...")
    let unknown = detail
        .find("unknown field ")
        .map(|i| &detail[i + "unknown field ".len()..]);
    if let Some(rest) = unknown {
        let rest = rest.replacen(", expected one of", "; this endpoint takes", 1);
        let rest = rest.replacen(", expected", "; this endpoint takes", 1);
        return ApiError::bad_request(format!("unknown query parameter {rest}"));
    }
    match detail.split_once(": ") {
        Some((param, why)) if param.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
            ApiError::bad_request(format!(
                "query parameter `{param}`: {why}; {param} takes {}",
                expects(param)
            ))
        }
        _ => ApiError::bad_request(format!("bad query string: {detail}")),
    }
}

/// What a query parameter takes, for error messages.
fn expects(param: &str) -> &'static str {
    match param {
        "limit" => "a whole number from 1 to the maximum page size",
        "min_articles" => "a whole number",
        "story" => "a story id (a whole number, from GET /api/v1/stories)",
        "group" => "true or false",
        _ => "a value as GET /api/v1/openapi.json describes",
    }
}

/// A JSON body; malformed JSON or a wrong shape is a 400 that says what the body must be.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(t)) => Ok(ApiJson(t)),
            Err(JsonRejection::BytesRejection(e)) => Err(bytes_error(state, &e)),
            // axum says 422; a body of the wrong shape is a bad request like any other
            Err(JsonRejection::JsonDataError(e)) => {
                let text = e.body_text();
                let detail = text
                    .strip_prefix("Failed to deserialize the JSON body into the target type: ")
                    .unwrap_or(&text);
                Err(ApiError::bad_request(format!(
                    "the body does not fit: {detail}; GET {PREFIX}/openapi.json shows its fields"
                )))
            }
            Err(e) => Err(ApiError::new(e.status(), e.body_text())),
        }
    }
}

/// The raw body; over the limit is a 413.
pub struct ApiBody(pub Bytes);

impl FromRequest<AppState> for ApiBody {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        Bytes::from_request(req, state)
            .await
            .map(ApiBody)
            .map_err(|e| bytes_error(state, &e))
    }
}

fn bytes_error(state: &AppState, e: &BytesRejection) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large(state.config().max_body_bytes)
    } else {
        ApiError::new(e.status(), e.body_text())
    }
}

/// Proof that the request carries the write token.
pub struct WriteAccess;

impl FromRequestParts<AppState> for WriteAccess {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Some(expected) = state.config().token.as_deref() else {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "writes are disabled; start sitrep serve with --token or SITREP_TOKEN",
            )
            .into_response());
        };
        let unauthorized = |m: &str| {
            let mut r = ApiError::new(StatusCode::UNAUTHORIZED, m).into_response();
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"sitrep\""),
            );
            r
        };
        let given = if let Some(v) = parts.headers.get(header::AUTHORIZATION) {
            let v = v.to_str().unwrap_or("").trim();
            match v.split_once(' ') {
                Some((scheme, t)) if scheme.eq_ignore_ascii_case("bearer") => t.trim().to_string(),
                _ => {
                    return Err(unauthorized(
                        "the Authorization header must be `Bearer TOKEN`",
                    ))
                }
            }
        } else if let Some(v) = parts.headers.get("x-sitrep-token") {
            v.to_str().unwrap_or("").trim().to_string()
        } else {
            return Err(unauthorized(
                "this write needs the server's token: send `Authorization: Bearer TOKEN` (or \
                 X-Sitrep-Token: TOKEN)",
            ));
        };
        if !same_secret(given.as_bytes(), expected.as_bytes()) {
            return Err(unauthorized(
                "the token is wrong; send the token sitrep serve was started with",
            ));
        }
        Ok(WriteAccess)
    }
}

/// Compare in time that depends only on the lengths.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    let n = a.len().max(b.len());
    let mut diff = u8::from(a.len() != b.len());
    for i in 0..n {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= std::hint::black_box(x ^ y);
    }
    diff == 0
}

// ---------------------------------------------------------------------------------------------
// Pagination

/// A page of a listing.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Items matching in all (as of the first page).
    pub total: usize,
    /// Cursor for the next page (`?cursor=`, with the same filters); null on the last page.
    pub next: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct Cursor {
    /// The listing that issued it.
    k: String,
    /// Offset of the next page.
    o: usize,
    /// The store's max_seq when the first page was served.
    s: i64,
    /// Hash of the filters.
    f: String,
}

const BAD_CURSOR: &str = "cursor is not one this server issued; start again without cursor";

impl Cursor {
    fn encode(&self) -> String {
        let json = serde_json::to_vec(self).expect("cursor serializes");
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
    }
    fn decode(s: &str) -> Result<Cursor, ApiError> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(s.trim())
            .map_err(|_| ApiError::bad_request(BAD_CURSOR))?;
        serde_json::from_slice(&bytes).map_err(|_| ApiError::bad_request(BAD_CURSOR))
    }
}

/// FNV-1a: stable across builds and runs, so cursors survive a restart.
fn filter_hash(filter: &str) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in filter.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{h:016x}")
}

/// A validated page request (limit, cursor) before the store is asked.
#[derive(Debug, Clone)]
struct Paging {
    kind: &'static str,
    limit: usize,
    cursor: Option<Cursor>,
}

/// Where a page starts: offset and the store snapshot (by sequence number).
#[derive(Debug, Clone)]
struct PageAt {
    kind: &'static str,
    limit: usize,
    offset: usize,
    seq: i64,
    filter: String,
}

impl Paging {
    fn new(
        state: &AppState,
        kind: &'static str,
        limit: Option<usize>,
        cursor: Option<&str>,
    ) -> Result<Paging, ApiError> {
        let max = state.config().max_page;
        let limit = limit.unwrap_or(DEFAULT_LIMIT.min(max));
        if limit == 0 {
            return Err(ApiError::bad_request(
                "limit must be at least 1 (pages hold 1 to the maximum page size)",
            ));
        }
        if limit > max {
            return Err(ApiError::bad_request(format!(
                "limit {limit} is above this server's maximum page size of {max}; ask for at \
                 most {max} and follow `next` for more"
            )));
        }
        let cursor = cursor.map(Cursor::decode).transpose()?;
        if let Some(c) = &cursor {
            if c.k != kind {
                return Err(ApiError::bad_request(format!(
                    "this cursor belongs to another listing ({}); start again without cursor",
                    c.k
                )));
            }
        }
        Ok(Paging {
            kind,
            limit,
            cursor,
        })
    }

    /// Start the page: check the cursor was issued for these filters, and take the store's
    /// snapshot (the cursor's, or now for a first page).
    fn at(&self, filter: &str, store: &dyn Store) -> Result<PageAt, ApiError> {
        let filter = filter_hash(filter);
        let (offset, seq) =
            match &self.cursor {
                Some(c) if c.f != filter => return Err(ApiError::bad_request(
                    "this cursor was issued for other filters; repeat the filters of the first \
                     page with it, or start again without cursor",
                )),
                Some(c) => (c.o, c.s),
                None => (0, store.max_seq()?),
            };
        Ok(PageAt {
            kind: self.kind,
            limit: self.limit,
            offset,
            seq,
            filter,
        })
    }
}

impl PageAt {
    fn page<T>(&self, items: Vec<T>, total: usize) -> Page<T> {
        let end = self.offset + items.len();
        let next = (!items.is_empty() && end < total).then(|| {
            Cursor {
                k: self.kind.to_string(),
                o: end,
                s: self.seq,
                f: self.filter.clone(),
            }
            .encode()
        });
        Page { items, total, next }
    }
}

// ---------------------------------------------------------------------------------------------
// Parameter checks

fn day(param: &str, d: Option<String>) -> Result<Option<String>, ApiError> {
    let Some(d) = d else { return Ok(None) };
    let d = d.trim().to_string();
    chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| {
        ApiError::bad_request(format!(
            "query parameter `{param}` takes a date YYYY-MM-DD, got '{d}'"
        ))
    })?;
    Ok(Some(d))
}

fn actor_code(param: &str, c: Option<String>) -> Result<Option<String>, ApiError> {
    let Some(c) = c else { return Ok(None) };
    let c = c.trim();
    if c.is_empty() || !c.chars().all(|ch| ch.is_ascii_alphanumeric()) {
        return Err(ApiError::bad_request(format!(
            "query parameter `{param}` takes an actor code such as PRK, PRKMIL or IGOUNO \
             (letters and digits), got '{c}'"
        )));
    }
    Ok(Some(c.to_ascii_uppercase()))
}

fn plover(param: &str, t: Option<String>) -> Result<Option<PloverType>, ApiError> {
    let Some(t) = t else { return Ok(None) };
    PloverType::parse(&t).map(Some).ok_or_else(|| {
        let all: Vec<&str> = PloverType::ALL.iter().map(|t| t.as_str()).collect();
        ApiError::bad_request(format!(
            "query parameter `{param}`: unknown event type '{t}'; the PLOVER types are {}",
            all.join(", ")
        ))
    })
}

fn status(param: &str, s: Option<String>) -> Result<Option<EventStatus>, ApiError> {
    let Some(s) = s else { return Ok(None) };
    EventStatus::parse(&s).map(Some).ok_or_else(|| {
        ApiError::bad_request(format!(
            "query parameter `{param}`: unknown status '{s}'; use asserted, denied, hedged, \
             demanded or planned"
        ))
    })
}

/// An article id or a unique prefix of one.
fn resolve_article(store: &SqliteStore, id: &str) -> Result<String, ApiError> {
    let id = id.trim();
    if id.is_empty() {
        return Err(ApiError::bad_request("an article id is empty"));
    }
    if !store.existing(&[id.to_string()])?.is_empty() {
        return Ok(id.to_string());
    }
    let ids = store.ids_with_prefix(id, 6)?;
    match ids.len() {
        0 => Err(ApiError::not_found(format!(
            "no article with id '{id}'; GET {PREFIX}/articles lists ids"
        ))),
        1 => Ok(ids[0].clone()),
        _ => Err(ApiError::not_found(format!(
            "article id prefix '{id}' is ambiguous ({}...); give more characters",
            ids.join(", ")
        ))),
    }
}

fn story_id(s: &str) -> Result<u32, ApiError> {
    s.trim().parse::<u32>().map_err(|_| {
        ApiError::bad_request(format!(
            "story ids are whole numbers (GET {PREFIX}/stories lists them), got '{s}'"
        ))
    })
}

// ---------------------------------------------------------------------------------------------
// Schemas of the store's and core's types, for the OpenAPI document only (the handlers answer
// the real types; a test checks the field names agree).

pub mod schema {
    #![allow(dead_code)]
    use utoipa::ToSchema;

    /// One article in a listing.
    #[derive(ToSchema)]
    pub struct ArticleSummary {
        pub id: String,
        /// Publication date, `YYYY-MM-DD`.
        pub published: Option<String>,
        /// Outlet (domain or name).
        pub source: Option<String>,
        pub title: Option<String>,
        pub url: Option<String>,
        pub lang: Option<String>,
        /// Length of the clean text in characters.
        pub chars: usize,
        /// Entity mentions.
        pub entities: usize,
    }

    /// One story in a listing.
    #[derive(ToSchema)]
    pub struct StorySummary {
        pub id: u32,
        pub headline: String,
        /// First and last dates seen (`YYYY-MM-DD`).
        pub first: Option<String>,
        pub last: Option<String>,
        /// Member articles, copies included.
        pub articles: usize,
        /// Members that are copies of another article.
        pub copies: usize,
        /// Independent sources (distinct outlets among non-copies).
        pub sources: usize,
    }

    /// A member of a story: an article listing row plus what it copies.
    #[derive(ToSchema)]
    pub struct StoryMember {
        pub id: String,
        pub published: Option<String>,
        pub source: Option<String>,
        pub title: Option<String>,
        pub url: Option<String>,
        pub lang: Option<String>,
        pub chars: usize,
        pub entities: usize,
        /// The article this one copies; null for an original.
        pub duplicate_of: Option<String>,
    }

    /// An event with the article that carries it. Its id is `ARTICLE:IDX`.
    #[derive(ToSchema)]
    pub struct EventRow {
        pub article: String,
        pub story: Option<u32>,
        pub published: Option<String>,
        /// Position in the article's events.
        pub idx: usize,
        /// The sentence that is the evidence.
        pub sentence: String,
        /// The coded event (type, cameo, actor, recipient, status, date, trigger, sentence
        /// span...), character offsets into the article's clean text; see docs/schema.md.
        #[schema(value_type = Object)]
        pub event: (),
    }

    /// A claim with the article that carries it. Its id is `ARTICLE:IDX`.
    #[derive(ToSchema)]
    pub struct ClaimRow {
        pub article: String,
        pub story: Option<u32>,
        pub published: Option<String>,
        pub idx: usize,
        pub sentence: String,
        /// The claim (speaker, cue, text, figures, date, status, sentence span); see
        /// docs/schema.md.
        #[schema(value_type = Object)]
        pub claim: (),
    }

    /// An entity aggregated across articles.
    #[derive(ToSchema)]
    pub struct EntityCount {
        /// person, country, organization, place, weapon or other.
        pub kind: String,
        /// Resolved code (ISO alpha-3 for countries); `GET /entities/{key}` takes it, or the
        /// name.
        pub code: Option<String>,
        pub name: String,
        pub mentions: usize,
        pub articles: usize,
        pub role: Option<String>,
        pub country: Option<String>,
    }

    /// Articles published on one day.
    #[derive(ToSchema)]
    pub struct TimelineDay {
        /// `YYYY-MM-DD`; null for articles with no publication date (listed last).
        pub day: Option<String>,
        /// Articles, copies included.
        pub articles: usize,
        /// Articles that are not copies.
        pub originals: usize,
        /// Distinct stories of those articles.
        pub stories: usize,
    }
}

// ---------------------------------------------------------------------------------------------
// Responses and bodies of the API's own

/// An article in full.
#[derive(Serialize, ToSchema)]
pub struct ArticleDetail {
    /// The full stored record (text, sentences, entities, dates, figures, quotes, events,
    /// claims, removed; character offsets), as `sitrep show --json` prints it.
    #[schema(value_type = Object)]
    pub article: Record,
    /// The story the article belongs to.
    #[schema(value_type = Option<schema::StorySummary>)]
    pub story: Option<StorySummary>,
    /// The article this one copies; null for an original.
    pub duplicate_of: Option<String>,
}

/// A story in full.
#[derive(Serialize, ToSchema)]
pub struct StoryDetail {
    #[schema(value_type = schema::StorySummary)]
    pub story: StorySummary,
    /// Members, oldest first, copies included.
    #[schema(value_type = Vec<schema::StoryMember>)]
    pub articles: Vec<StoryMember>,
    /// Figures and quotes with the sources that report them and where they disagree (as
    /// `sitrep story ID --json`).
    #[schema(value_type = Object)]
    pub corroboration: serde_json::Value,
    /// The first page of the story's events, newest first; `next` is a cursor for
    /// `GET /api/v1/events?story=ID`.
    #[schema(value_type = Page<schema::EventRow>)]
    pub events: Page<EventRow>,
}

/// An entity with its events.
#[derive(Serialize, ToSchema)]
pub struct EntityDetail {
    #[schema(value_type = schema::EntityCount)]
    pub entity: EntityCount,
    /// Other entities with the same code or name (another kind), most mentioned first.
    #[schema(value_type = Vec<schema::EntityCount>)]
    pub others: Vec<EntityCount>,
    /// Articles mentioning it per publication day.
    #[schema(value_type = Vec<schema::TimelineDay>)]
    pub timeline: Vec<TimelineDay>,
    /// Events where it is an actor or a recipient (by code, or by the participant's text),
    /// newest first; `next` is a cursor for this same endpoint.
    #[schema(value_type = Page<schema::EventRow>)]
    pub events: Page<EventRow>,
}

/// A page of search results.
#[derive(Serialize, ToSchema)]
pub struct SearchPage {
    pub query: String,
    /// Whether items are stories (with their matching articles) or articles.
    pub group: bool,
    /// Grouped: matching stories, best first, each `{story, headline, score, articles,
    /// copies}`; otherwise matching articles `{id, score, title, source, published, url,
    /// story, duplicate_of, snippet}`.
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<serde_json::Value>,
    /// Articles matching in all (also when items are stories).
    pub total: usize,
    pub next: Option<String>,
}

/// Body of `POST /stories/merge`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeBody {
    /// The story that stays.
    pub into: u32,
    /// The story merged into it (it disappears).
    pub from: u32,
}

/// Body of `POST /stories/split`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SplitBody {
    /// The story the articles are in.
    pub story: u32,
    /// Article ids (or unique prefixes), all in `story`; they become a new story.
    pub articles: Vec<String>,
}

/// A story after a merge or a split.
#[derive(Serialize, ToSchema)]
pub struct StoryChange {
    #[schema(value_type = schema::StorySummary)]
    pub story: StorySummary,
    #[schema(value_type = Vec<schema::StoryMember>)]
    pub articles: Vec<StoryMember>,
}

/// The error envelope.
#[derive(Serialize, ToSchema)]
pub struct ErrorEnvelope {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// The HTTP status again.
    pub status: u16,
    /// What went wrong and what to fix.
    pub message: String,
}

// ---------------------------------------------------------------------------------------------
// Parameters

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ArticleParams {
    /// Outlet, exactly as stored.
    source: Option<String>,
    /// Articles mentioning an entity with this code (`PRK`) or name.
    entity: Option<String>,
    /// Published on or after (YYYY-MM-DD).
    since: Option<String>,
    /// Published on or before (YYYY-MM-DD).
    until: Option<String>,
    /// Page size (default 50; at most the server's maximum, 500 unless configured).
    limit: Option<usize>,
    /// `next` of the previous page.
    cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StoryParams {
    /// `newest` (latest publication first, the default) or `sources` (most independent
    /// sources first).
    order: Option<String>,
    /// Only stories with at least this many articles.
    min_articles: Option<usize>,
    /// Only stories whose last date is on or after (YYYY-MM-DD).
    since: Option<String>,
    limit: Option<usize>,
    cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StoryPageParams {
    /// Size of the first page of the story's events.
    limit: Option<usize>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EventParams {
    /// An actor's code starts with this code or its country is it (`PRK` finds `PRKMIL`).
    actor: Option<String>,
    /// The same for a recipient.
    recipient: Option<String>,
    /// PLOVER type (`ACCUSE`, `THREATEN`...).
    #[serde(rename = "type")]
    #[param(rename = "type")]
    kind: Option<String>,
    /// asserted, denied, hedged, demanded or planned.
    status: Option<String>,
    /// The event's day (its own date, else the publication date) on or after (YYYY-MM-DD).
    since: Option<String>,
    /// The event's day on or before (YYYY-MM-DD).
    until: Option<String>,
    /// The article's story.
    story: Option<u32>,
    /// The article's id or a unique prefix.
    article: Option<String>,
    limit: Option<usize>,
    cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ClaimParams {
    /// The speaker's code starts with this code or the speaker's country is it.
    speaker: Option<String>,
    /// asserted, denied, hedged, demanded or planned.
    status: Option<String>,
    /// The claim's day (its own date, else the publication date) on or after (YYYY-MM-DD).
    since: Option<String>,
    until: Option<String>,
    story: Option<u32>,
    /// The article's id or a unique prefix.
    article: Option<String>,
    limit: Option<usize>,
    cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EntityParams {
    /// person, country, organization, place, weapon or other.
    kind: Option<String>,
    limit: Option<usize>,
    cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page size of the events.
    limit: Option<usize>,
    cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// The query (at most 1000 characters): words, "phrases", AND/OR/NOT, field:term as the
    /// search index documents.
    q: Option<String>,
    /// Group hits by story (default true).
    group: Option<bool>,
    limit: Option<usize>,
    cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TimelineParams {
    /// Published on or after (YYYY-MM-DD).
    since: Option<String>,
    /// Published on or before (YYYY-MM-DD).
    until: Option<String>,
    /// Only articles of this story.
    story: Option<u32>,
    /// Only articles mentioning an entity with this code or name.
    entity: Option<String>,
    /// Only articles carrying an event of this PLOVER type.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    kind: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Handlers: reads

/// List articles, newest first.
#[utoipa::path(get, path = "/api/v1/articles", tag = "articles", params(ArticleParams),
    responses((status = 200, body = Page<schema::ArticleSummary>),
              (status = 400, body = ErrorEnvelope)))]
async fn list_articles(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<ArticleParams>,
) -> Result<Json<Page<ArticleSummary>>, ApiError> {
    let paging = Paging::new(&state, "articles", p.limit, p.cursor.as_deref())?;
    let q = ArticleQuery {
        source: p.source,
        entity: p.entity,
        since: day("since", p.since)?,
        until: day("until", p.until)?,
        ..Default::default()
    };
    state
        .read(move |store, _| {
            let filter = format!("{:?}", (&q.source, &q.entity, &q.since, &q.until));
            let at = paging.at(&filter, store)?;
            let (items, total) = store.articles(&ArticleQuery {
                as_of_seq: Some(at.seq),
                limit: at.limit,
                offset: at.offset,
                ..q
            })?;
            Ok(Json(at.page(items, total)))
        })
        .await
}

/// One article: the full stored record, its story and what it copies.
#[utoipa::path(get, path = "/api/v1/articles/{id}", tag = "articles",
    params(("id" = String, Path, description = "Article id or a unique prefix")),
    responses((status = 200, body = ArticleDetail), (status = 404, body = ErrorEnvelope)))]
async fn get_article(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ArticleDetail>, ApiError> {
    state
        .read(move |store, _| {
            let full = resolve_article(store, &id)?;
            let a = store
                .get(&full)?
                .ok_or_else(|| ApiError::not_found(format!("no article with id '{full}'")))?;
            let story = match a.record.story {
                Some(s) => store.story(s)?.map(|(summary, _)| summary),
                None => None,
            };
            Ok(Json(ArticleDetail {
                duplicate_of: a.record.duplicate_of.clone(),
                article: a.record,
                story,
            }))
        })
        .await
}

/// List stories, newest (or most sourced) first.
#[utoipa::path(get, path = "/api/v1/stories", tag = "stories", params(StoryParams),
    responses((status = 200, body = Page<schema::StorySummary>),
              (status = 400, body = ErrorEnvelope)))]
async fn list_stories(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<StoryParams>,
) -> Result<Json<Page<StorySummary>>, ApiError> {
    let paging = Paging::new(&state, "stories", p.limit, p.cursor.as_deref())?;
    let order = match p.order.as_deref().map(str::trim) {
        None | Some("newest") => StoryOrder::Newest,
        Some("sources") => StoryOrder::Sources,
        Some(o) => {
            return Err(ApiError::bad_request(format!(
                "query parameter `order`: unknown order '{o}'; use newest or sources"
            )))
        }
    };
    let since = day("since", p.since)?;
    let min_articles = p.min_articles.unwrap_or(0);
    state
        .read(move |store, _| {
            let filter = format!("{:?}", (order, min_articles, &since));
            let at = paging.at(&filter, store)?;
            let (items, total) = store.stories(&StoryQuery {
                order,
                min_articles,
                since,
                limit: at.limit,
                offset: at.offset,
            })?;
            Ok(Json(at.page(items, total)))
        })
        .await
}

/// Event filters as part of a cursor's filter hash.
fn event_filter(q: &EventQuery) -> String {
    format!(
        "{:?}",
        (
            &q.actor,
            &q.recipient,
            q.kind,
            q.status,
            &q.since,
            &q.until,
            q.story,
            &q.article,
            &q.party
        )
    )
}

/// A page of events for `q` (its limit, offset and as_of_seq are set here).
fn events_page(
    store: &SqliteStore,
    paging: &Paging,
    q: EventQuery,
    filter: &str,
) -> Result<Page<EventRow>, ApiError> {
    let at = paging.at(filter, store)?;
    let (items, total) = store.events(&EventQuery {
        as_of_seq: Some(at.seq),
        limit: at.limit,
        offset: at.offset,
        ..q
    })?;
    Ok(at.page(items, total))
}

/// One story: summary, members, corroboration and its events.
#[utoipa::path(get, path = "/api/v1/stories/{id}", tag = "stories",
    params(("id" = u32, Path, description = "Story id"), StoryPageParams),
    responses((status = 200, body = StoryDetail), (status = 404, body = ErrorEnvelope)))]
async fn get_story(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiQuery(p): ApiQuery<StoryPageParams>,
) -> Result<Json<StoryDetail>, ApiError> {
    let id = story_id(&id)?;
    let paging = Paging::new(&state, "events", p.limit, None)?;
    state
        .read(move |store, _| {
            let (summary, members) = store.story(id)?.ok_or_else(|| {
                ApiError::not_found(format!("no story {id}; GET {PREFIX}/stories lists them"))
            })?;
            let mut records = Vec::with_capacity(members.len());
            for m in &members {
                if let Some(a) = store.get(&m.article.id)? {
                    records.push(a.record);
                }
            }
            let k = sitrep_core::corpus::corroboration::corroborate(&records);
            let corroboration =
                serde_json::to_value(&k).map_err(|e| ApiError::internal(e.to_string()))?;
            let q = EventQuery {
                story: Some(id),
                ..Default::default()
            };
            let events = events_page(store, &paging, q.clone(), &event_filter(&q))?;
            Ok(Json(StoryDetail {
                story: summary,
                articles: members,
                corroboration,
                events,
            }))
        })
        .await
}

/// List events, newest first.
#[utoipa::path(get, path = "/api/v1/events", tag = "events", params(EventParams),
    responses((status = 200, body = Page<schema::EventRow>),
              (status = 400, body = ErrorEnvelope)))]
async fn list_events(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<EventParams>,
) -> Result<Json<Page<EventRow>>, ApiError> {
    let paging = Paging::new(&state, "events", p.limit, p.cursor.as_deref())?;
    let q = EventQuery {
        actor: actor_code("actor", p.actor)?,
        recipient: actor_code("recipient", p.recipient)?,
        kind: plover("type", p.kind)?,
        status: status("status", p.status)?,
        since: day("since", p.since)?,
        until: day("until", p.until)?,
        story: p.story,
        ..Default::default()
    };
    let article = p.article;
    state
        .read(move |store, _| {
            let q = EventQuery {
                article: article.map(|a| resolve_article(store, &a)).transpose()?,
                ..q
            };
            let filter = event_filter(&q);
            Ok(Json(events_page(store, &paging, q, &filter)?))
        })
        .await
}

/// `ARTICLE:IDX` split.
fn item_id(what: &str, id: &str) -> Result<(String, usize), ApiError> {
    let bad = || {
        ApiError::bad_request(format!(
            "{what} ids are ARTICLE:INDEX (the `article` and `idx` of GET {PREFIX}/{what}s), \
             got '{id}'"
        ))
    };
    let (a, i) = id.rsplit_once(':').ok_or_else(bad)?;
    let i = i.trim().parse::<usize>().map_err(|_| bad())?;
    Ok((a.to_string(), i))
}

/// Where item `idx` is among an article's items (their `idx`es, `total` of them), or a 404
/// that says which indexes exist.
fn pick_item(
    what: &str,
    article: &str,
    idx: usize,
    idxs: &[usize],
    total: usize,
) -> Result<usize, ApiError> {
    idxs.iter().position(|&i| i == idx).ok_or_else(|| {
        ApiError::not_found(format!(
            "article {article} has {total} {what}s (indexes 0 to {}); no {what} {idx}",
            total.saturating_sub(1)
        ))
    })
}

/// One event (`ARTICLE:IDX`) with its evidence sentence.
#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "events",
    params(("id" = String, Path, description = "ARTICLE:IDX (article id or unique prefix)")),
    responses((status = 200, body = schema::EventRow), (status = 404, body = ErrorEnvelope)))]
async fn get_event(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<EventRow>, ApiError> {
    let (article, idx) = item_id("event", &id)?;
    state
        .read(move |store, _| {
            let full = resolve_article(store, &article)?;
            let (rows, total) = store.events(&EventQuery {
                article: Some(full.clone()),
                ..Default::default()
            })?;
            let idxs = rows.iter().map(|r| r.idx).collect::<Vec<_>>();
            let at = pick_item("event", &full, idx, &idxs, total)?;
            Ok(Json(
                rows.into_iter().nth(at).expect("index from the same rows"),
            ))
        })
        .await
}

/// List claims, newest first.
#[utoipa::path(get, path = "/api/v1/claims", tag = "claims", params(ClaimParams),
    responses((status = 200, body = Page<schema::ClaimRow>),
              (status = 400, body = ErrorEnvelope)))]
async fn list_claims(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<ClaimParams>,
) -> Result<Json<Page<ClaimRow>>, ApiError> {
    let paging = Paging::new(&state, "claims", p.limit, p.cursor.as_deref())?;
    let q = ClaimQuery {
        speaker: actor_code("speaker", p.speaker)?,
        status: status("status", p.status)?,
        since: day("since", p.since)?,
        until: day("until", p.until)?,
        story: p.story,
        ..Default::default()
    };
    let article = p.article;
    state
        .read(move |store, _| {
            let q = ClaimQuery {
                article: article.map(|a| resolve_article(store, &a)).transpose()?,
                ..q
            };
            let filter = format!(
                "{:?}",
                (&q.speaker, q.status, &q.since, &q.until, q.story, &q.article)
            );
            let at = paging.at(&filter, store)?;
            let (items, total) = store.claims(&ClaimQuery {
                as_of_seq: Some(at.seq),
                limit: at.limit,
                offset: at.offset,
                ..q
            })?;
            Ok(Json(at.page(items, total)))
        })
        .await
}

/// One claim (`ARTICLE:IDX`) with its sentence.
#[utoipa::path(get, path = "/api/v1/claims/{id}", tag = "claims",
    params(("id" = String, Path, description = "ARTICLE:IDX (article id or unique prefix)")),
    responses((status = 200, body = schema::ClaimRow), (status = 404, body = ErrorEnvelope)))]
async fn get_claim(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ClaimRow>, ApiError> {
    let (article, idx) = item_id("claim", &id)?;
    state
        .read(move |store, _| {
            let full = resolve_article(store, &article)?;
            let (rows, total) = store.claims(&ClaimQuery {
                article: Some(full.clone()),
                ..Default::default()
            })?;
            let idxs = rows.iter().map(|r| r.idx).collect::<Vec<_>>();
            let at = pick_item("claim", &full, idx, &idxs, total)?;
            Ok(Json(
                rows.into_iter().nth(at).expect("index from the same rows"),
            ))
        })
        .await
}

fn entity_kind(k: Option<String>) -> Result<Option<String>, ApiError> {
    let Some(k) = k else { return Ok(None) };
    let k = k.trim().to_ascii_lowercase();
    if EntityKind::parse(&k).is_none() {
        return Err(ApiError::bad_request(format!(
            "query parameter `kind`: unknown kind '{k}'; use person, country, organization, \
             place, weapon or other"
        )));
    }
    Ok(Some(k))
}

/// Every entity, most mentioned first, in a total order (ties by kind, name, code).
fn all_entities(store: &SqliteStore, kind: Option<String>) -> Result<Vec<EntityCount>, ApiError> {
    let mut list = store.entities(&EntityQuery { kind, limit: 0 })?;
    list.sort_by(|a, b| {
        b.mentions
            .cmp(&a.mentions)
            .then_with(|| a.kind.cmp(&b.kind))
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.code.cmp(&b.code))
    });
    Ok(list)
}

/// List entities, most mentioned first.
#[utoipa::path(get, path = "/api/v1/entities", tag = "entities", params(EntityParams),
    responses((status = 200, body = Page<schema::EntityCount>),
              (status = 400, body = ErrorEnvelope)))]
async fn list_entities(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<EntityParams>,
) -> Result<Json<Page<EntityCount>>, ApiError> {
    let paging = Paging::new(&state, "entities", p.limit, p.cursor.as_deref())?;
    let kind = entity_kind(p.kind)?;
    state
        .read(move |store, _| {
            let at = paging.at(&format!("{kind:?}"), store)?;
            let list = all_entities(store, kind)?;
            let total = list.len();
            let items = list.into_iter().skip(at.offset).take(at.limit).collect();
            Ok(Json(at.page(items, total)))
        })
        .await
}

/// One entity by code (`PRK`) or name: its counts, articles per day, and the events where it
/// is an actor or a recipient.
#[utoipa::path(get, path = "/api/v1/entities/{key}", tag = "entities",
    params(("key" = String, Path, description = "Entity code (`PRK`) or name (case-insensitive)"),
           PageParams),
    responses((status = 200, body = EntityDetail), (status = 404, body = ErrorEnvelope)))]
async fn get_entity(
    State(state): State<AppState>,
    Path(key): Path<String>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> Result<Json<EntityDetail>, ApiError> {
    let paging = Paging::new(&state, "entity-events", p.limit, p.cursor.as_deref())?;
    let key = key.trim().to_string();
    state
        .read(move |store, _| {
            let list = all_entities(store, None)?;
            let by_code: Vec<EntityCount> = list
                .iter()
                .filter(|e| {
                    e.code
                        .as_deref()
                        .is_some_and(|c| c.eq_ignore_ascii_case(&key))
                })
                .cloned()
                .collect();
            let mut found = if by_code.is_empty() {
                list.into_iter()
                    .filter(|e| e.name.to_lowercase() == key.to_lowercase())
                    .collect()
            } else {
                by_code
            };
            if found.is_empty() {
                return Err(ApiError::not_found(format!(
                    "no entity with code or name '{key}'; GET {PREFIX}/entities lists them"
                )));
            }
            let entity = found.remove(0);
            let code = entity
                .code
                .clone()
                .filter(|c| c.chars().all(|ch| ch.is_ascii_alphanumeric()));
            let party = Party {
                code,
                text: Some(entity.name.clone()),
            };
            let q = EventQuery {
                party: Some(party),
                ..Default::default()
            };
            let events = events_page(store, &paging, q.clone(), &event_filter(&q))?;
            let timeline = store.timeline(&TimelineQuery {
                entity: Some(entity.code.clone().unwrap_or_else(|| entity.name.clone())),
                ..Default::default()
            })?;
            Ok(Json(EntityDetail {
                entity,
                others: found,
                timeline,
                events,
            }))
        })
        .await
}

/// Full-text search over articles (grouped by story unless `group=false`).
#[utoipa::path(get, path = "/api/v1/search", tag = "search", params(SearchParams),
    responses((status = 200, body = SearchPage), (status = 400, body = ErrorEnvelope)))]
async fn search(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> Result<Json<SearchPage>, ApiError> {
    let paging = Paging::new(&state, "search", p.limit, p.cursor.as_deref())?;
    let q = p.q.unwrap_or_default();
    if q.trim().is_empty() {
        return Err(ApiError::bad_request(
            "query parameter `q` is required: the words to search for",
        ));
    }
    let n = q.chars().count();
    if n > MAX_QUERY_CHARS {
        return Err(ApiError::bad_request(format!(
            "query parameter `q` is {n} characters long; the limit is {MAX_QUERY_CHARS}"
        )));
    }
    let group = p.group.unwrap_or(true);
    state
        .read(move |store, index| {
            let at = paging.at(&format!("{:?}", (&q, group)), store)?;
            let r = index.search(
                store,
                &q,
                &SearchOptions {
                    group,
                    limit: at.limit,
                    offset: at.offset,
                },
            )?;
            let to_value = |v: Result<serde_json::Value, serde_json::Error>| {
                v.map_err(|e| ApiError::internal(e.to_string()))
            };
            let items: Vec<serde_json::Value> = if group {
                r.stories
                    .iter()
                    .map(|s| to_value(serde_json::to_value(s)))
                    .collect::<Result<_, _>>()?
            } else {
                r.articles
                    .iter()
                    .map(|s| to_value(serde_json::to_value(s)))
                    .collect::<Result<_, _>>()?
            };
            let next = (r.more && !items.is_empty()).then(|| {
                Cursor {
                    k: at.kind.to_string(),
                    o: at.offset + items.len(),
                    s: at.seq,
                    f: at.filter.clone(),
                }
                .encode()
            });
            Ok(Json(SearchPage {
                query: r.query,
                group,
                items,
                total: r.total_articles,
                next,
            }))
        })
        .await
}

/// Articles per publication day: all, originals (copies left out) and distinct stories.
#[utoipa::path(get, path = "/api/v1/timeline", tag = "timeline", params(TimelineParams),
    responses((status = 200, body = Page<schema::TimelineDay>),
              (status = 400, body = ErrorEnvelope)))]
async fn timeline(
    State(state): State<AppState>,
    ApiQuery(p): ApiQuery<TimelineParams>,
) -> Result<Json<Page<TimelineDay>>, ApiError> {
    let q = TimelineQuery {
        since: day("since", p.since)?,
        until: day("until", p.until)?,
        story: p.story,
        entity: p.entity,
        kind: plover("type", p.kind)?,
    };
    state
        .read(move |store, _| {
            let items = store.timeline(&q)?;
            Ok(Json(Page {
                total: items.len(),
                items,
                next: None,
            }))
        })
        .await
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document of this API")))]
async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(openapi().clone())
}

// ---------------------------------------------------------------------------------------------
// Handlers: writes

/// The body of `POST /articles` as JSONL: a JSON array of objects, one object, or JSONL
/// (one object per line). Errors name the line (or the array element).
pub fn body_to_jsonl(content_type: Option<&str>, body: &[u8]) -> Result<Vec<u8>, ApiError> {
    let ct = content_type
        .map(|c| {
            c.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    let text = std::str::from_utf8(body)
        .map_err(|e| ApiError::bad_request(format!("the body is not UTF-8 ({e})")))?;
    let mut out = Vec::with_capacity(body.len() + 16);
    let mut n = 0usize;
    match ct.as_str() {
        "application/json" => {
            let v: serde_json::Value = serde_json::from_str(text).map_err(|e| {
                ApiError::bad_request(format!(
                    "the body is not JSON: line {}, column {}: {e}; send one article object, \
                     an array of them, or JSONL with Content-Type application/x-ndjson",
                    e.line(),
                    e.column()
                ))
            })?;
            let items = match v {
                serde_json::Value::Array(items) => items,
                v => vec![v],
            };
            for (i, item) in items.into_iter().enumerate() {
                if !item.is_object() {
                    return Err(ApiError::bad_request(format!(
                        "element {i} of the body is not an object; each article is a JSON \
                         object with at least its text"
                    )));
                }
                serde_json::to_writer(&mut out, &item)
                    .map_err(|e| ApiError::internal(e.to_string()))?;
                out.push(b'\n');
                n += 1;
            }
        }
        "application/x-ndjson" | "application/jsonl" | "application/json-lines" | "text/plain" => {
            for (i, line) in text.lines().enumerate() {
                let line = line.trim();
                if line.is_empty() {
                    continue;
                }
                let v: serde_json::Value = serde_json::from_str(line).map_err(|e| {
                    ApiError::bad_request(format!(
                        "line {} of the body is not JSON (column {}: {e}); send one JSON \
                         object per line",
                        i + 1,
                        e.column()
                    ))
                })?;
                if !v.is_object() {
                    return Err(ApiError::bad_request(format!(
                        "line {} of the body is not a JSON object; each line is one article",
                        i + 1
                    )));
                }
                out.extend_from_slice(line.as_bytes());
                out.push(b'\n');
                n += 1;
            }
        }
        "" => {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "say what the body is: Content-Type application/json (an article object or an \
                 array of them), application/x-ndjson or text/plain (JSONL)",
            ))
        }
        other => {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!(
                    "Content-Type {other} is not accepted; use application/json (an article \
                     object or an array of them), application/x-ndjson or text/plain (JSONL)"
                ),
            ))
        }
    }
    if n == 0 {
        return Err(ApiError::bad_request(
            "the body holds no article; send at least one JSON object",
        ));
    }
    Ok(out)
}

/// Ingest articles (needs the token).
#[utoipa::path(post, path = "/api/v1/articles", tag = "articles",
    request_body(description = "An article object (fields as for `sitrep ingest`: text, \
        title, url, source, published, id...) or an array of them (application/json), or JSONL, \
        one object per line (application/x-ndjson, text/plain)",
        content((Object = "application/json"), (String = "application/x-ndjson"),
                (String = "text/plain"))),
    security(("token" = [])),
    responses((status = 200, description = "The ingest summary, as `sitrep ingest --json` prints it", body = Object),
              (status = 400, body = ErrorEnvelope), (status = 401, body = ErrorEnvelope),
              (status = 403, body = ErrorEnvelope), (status = 413, body = ErrorEnvelope),
              (status = 415, body = ErrorEnvelope)))]
async fn ingest(
    _: WriteAccess,
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    ApiBody(body): ApiBody,
) -> Result<Json<serde_json::Value>, ApiError> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let jsonl = body_to_jsonl(ct, &body)?;
    let summary = state.write(move |w| w.ingest(&jsonl)).await?;
    Ok(Json(summary))
}

async fn story_change(state: &AppState, id: u32) -> Result<Json<StoryChange>, ApiError> {
    state
        .read(move |store, _| {
            let (story, articles) = store
                .story(id)?
                .ok_or_else(|| ApiError::internal(format!("story {id} vanished")))?;
            Ok(Json(StoryChange { story, articles }))
        })
        .await
}

/// Merge story `from` into story `into` (needs the token).
#[utoipa::path(post, path = "/api/v1/stories/merge", tag = "stories", request_body = MergeBody,
    security(("token" = [])),
    responses((status = 200, body = StoryChange), (status = 400, body = ErrorEnvelope),
              (status = 401, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
async fn merge(
    _: WriteAccess,
    State(state): State<AppState>,
    ApiJson(b): ApiJson<MergeBody>,
) -> Result<Json<StoryChange>, ApiError> {
    if b.into == b.from {
        return Err(ApiError::bad_request(
            "`into` and `from` are the same story; name two stories",
        ));
    }
    let (into, from) = (b.into, b.from);
    let s = state.write(move |w| w.merge(into, from)).await?;
    story_change(&state, s).await
}

/// Move articles of a story into a new story (needs the token).
#[utoipa::path(post, path = "/api/v1/stories/split", tag = "stories", request_body = SplitBody,
    security(("token" = [])),
    responses((status = 200, body = StoryChange), (status = 400, body = ErrorEnvelope),
              (status = 401, body = ErrorEnvelope), (status = 404, body = ErrorEnvelope)))]
async fn split(
    _: WriteAccess,
    State(state): State<AppState>,
    ApiJson(b): ApiJson<SplitBody>,
) -> Result<Json<StoryChange>, ApiError> {
    if b.articles.is_empty() {
        return Err(ApiError::bad_request(
            "`articles` is empty; name the article ids to move into a new story",
        ));
    }
    if b.articles.len() > MAX_SPLIT_ARTICLES {
        return Err(ApiError::bad_request(format!(
            "`articles` names {} ids; at most {MAX_SPLIT_ARTICLES} per split",
            b.articles.len()
        )));
    }
    let story = b.story;
    let wanted = b.articles;
    let ids = state
        .read(move |store, _| {
            wanted
                .iter()
                .map(|a| resolve_article(store, a))
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    let s = state.write(move |w| w.split(story, ids)).await?;
    story_change(&state, s).await
}

// ---------------------------------------------------------------------------------------------
// OpenAPI

#[derive(OpenApi)]
#[openapi(
    info(
        title = "sitrep API",
        description = "A deduplicated, source-linked record of news reports: articles, stories, \
            events, claims and entities. Listings are paged with opaque cursors; every error is \
            {\"error\": {\"status\", \"message\"}}. Writes need the server's token \
            (Authorization: Bearer TOKEN). See docs/api.md."
    ),
    paths(
        list_articles, ingest, get_article, list_stories, merge, split, get_story, list_events,
        get_event, list_claims, get_claim, list_entities, get_entity, search, timeline,
        openapi_json
    ),
    components(schemas(ErrorEnvelope, ErrorDetail)),
    modifiers(&TokenScheme)
)]
struct ApiDoc;

struct TokenScheme;

impl utoipa::Modify for TokenScheme {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let c = doc.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The token sitrep serve was started with (--token or SITREP_TOKEN); \
                         X-Sitrep-Token: TOKEN works too",
                    ))
                    .build(),
            ),
        );
    }
}

/// The OpenAPI document (built once).
pub fn openapi() -> &'static utoipa::openapi::OpenApi {
    static DOC: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOC.get_or_init(ApiDoc::openapi)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The timeout answers 503 in the envelope (a handler that sleeps past it, behind the
    /// API's layers).
    #[tokio::test]
    async fn slow_requests_are_503_json() {
        use tower::ServiceExt;
        let dir = tempfile::tempdir().unwrap();
        let mut config = crate::ServerConfig::new(dir.path().to_path_buf());
        config.timeout_s = 1;
        let state = AppState::new(config).unwrap();
        let slow = get(|| async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            "late"
        })
        .layer(read_timeout(&state));
        let app = Router::new()
            .route("/slow", slow)
            .layer(middleware::from_fn_with_state(state.clone(), json_errors))
            .with_state(state);
        let started = std::time::Instant::now();
        let resp = app
            .oneshot(
                Request::get("/slow")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert!(started.elapsed() < Duration::from_secs(4));
        assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
        let bytes = axum::body::to_bytes(resp.into_body(), 1 << 16)
            .await
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(v["error"]["status"], 503);
        let m = v["error"]["message"].as_str().unwrap();
        assert!(m.contains("longer than 1 s"), "{m}");
    }

    #[test]
    fn cursor_round_trips_and_rejects_junk() {
        let c = Cursor {
            k: "articles".into(),
            o: 10,
            s: 42,
            f: filter_hash("x"),
        };
        assert_eq!(Cursor::decode(&c.encode()).unwrap(), c);
        for junk in ["", "abc", "!!!", "eyJ4IjoxfQ"] {
            let e = Cursor::decode(junk).unwrap_err();
            assert_eq!(e.message, BAD_CURSOR, "{junk}");
        }
    }

    #[test]
    fn secrets_compare_by_content() {
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abc", b"abd"));
        assert!(!same_secret(b"abc", b"abcd"));
        assert!(!same_secret(b"", b"a"));
    }

    #[test]
    fn bodies_become_jsonl() {
        let j = |ct: &str, b: &str| body_to_jsonl(Some(ct), b.as_bytes());
        assert_eq!(
            j("application/json", r#"[{"text":"a"},{"text":"b"}]"#).unwrap(),
            b"{\"text\":\"a\"}\n{\"text\":\"b\"}\n"
        );
        assert_eq!(
            j("application/json; charset=utf-8", r#"{"text":"a"}"#).unwrap(),
            b"{\"text\":\"a\"}\n"
        );
        assert_eq!(
            j(
                "application/x-ndjson",
                "{\"text\":\"a\"}\n\n{\"text\":\"b\"}\n"
            )
            .unwrap(),
            b"{\"text\":\"a\"}\n{\"text\":\"b\"}\n"
        );
        let e = j("text/plain", "{\"text\":\"a\"}\n{oops\n").unwrap_err();
        assert!(e.message.contains("line 2"), "{}", e.message);
        let e = j("application/json", "[1]").unwrap_err();
        assert!(e.message.contains("element 0"), "{}", e.message);
        assert_eq!(
            j("application/xml", "<a/>").unwrap_err().status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
        assert_eq!(
            j("application/json", "[]").unwrap_err().status,
            StatusCode::BAD_REQUEST
        );
    }
}
