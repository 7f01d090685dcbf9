//! The web UI: server-rendered HTML (maud), one CSS file and htmx, all served from the binary.
//!
//! Every page works with JavaScript off: links are plain links, forms are plain GET forms.
//! With JavaScript on, evidence links (`a[hx-get]`) load the article text into the story page's
//! side panel (`aside#evidence`) instead of opening the article page.
//!
//! Routes:
//!
//! | route | page |
//! |---|---|
//! | `/` | stories, newest (`?order=newest`) or most independent sources (`?order=sources`) first |
//! | `/stories/{id}` | one story: timeline, actors, figures, quotes, event cards, evidence panel |
//! | `/articles/{id}?hl=START-END` | an article's clean text, the span `hl` (character offsets) marked |
//! | `/fragments/article/{id}?hl=START-END` | the same text without the page around it (for the panel) |
//! | `/entities/{key}` | an entity (code like `PRK`, or a name): its events as actor or recipient |
//! | `/search?q=...` | full-text search, grouped by story |
//! | `/assets/...` | `app.css`, `app.js`, `htmx.min.js` |
//!
//! Provenance: every event card, figure, quote and entity mention links to
//! `/articles/{id}?hl=START-END#hl`, where `START-END` are the character offsets of the sentence
//! that supports it. The article page wraps exactly that span in
//! `<mark class="evidence" id="hl" data-start data-end>`.

mod article;
mod entity;
mod search;
mod stories;

use std::fmt::Write as _;
use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use maud::{html, Markup, DOCTYPE};
use sitrep_core::model::{Event, EventStatus, Participant};

use crate::{ApiError, AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(stories::index))
        .route("/stories/{id}", get(stories::story))
        .route("/articles/{id}", get(article::page))
        .route("/fragments/article/{id}", get(article::fragment))
        .route("/entities/{key}", get(entity::page))
        .route("/search", get(search::page))
        .route("/assets/{name}", get(asset))
        .fallback(not_found_page)
}

// ---------------------------------------------------------------------------------------------
// Assets

struct Asset {
    name: &'static str,
    mime: &'static str,
    body: &'static [u8],
}

const ASSETS: [Asset; 3] = [
    Asset {
        name: "app.css",
        mime: "text/css; charset=utf-8",
        body: include_bytes!("../assets/app.css"),
    },
    Asset {
        name: "app.js",
        mime: "text/javascript; charset=utf-8",
        body: include_bytes!("../assets/app.js"),
    },
    Asset {
        name: "htmx.min.js",
        mime: "text/javascript; charset=utf-8",
        body: include_bytes!("../assets/htmx.min.js"),
    },
];

/// A short hash of all assets, appended to their URLs (`?v=`) so that they can be cached for
/// long and still change with the binary.
static ASSET_VERSION: LazyLock<String> = LazyLock::new(|| {
    // FNV-1a: stable across builds and platforms.
    let mut h: u64 = 0xcbf29ce484222325;
    for a in &ASSETS {
        for &b in a.body {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100000001b3);
        }
    }
    format!("{:08x}", h as u32)
});

fn asset_url(name: &str) -> String {
    format!("/assets/{name}?v={}", *ASSET_VERSION)
}

async fn asset(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|a| a.name == name) {
        Some(a) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(a.mime)),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=604800, immutable"),
                ),
                (
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ),
            ],
            a.body,
        )
            .into_response(),
        None => not_found_page().await,
    }
}

// ---------------------------------------------------------------------------------------------
// Pages and errors

/// An HTML page with its status.
pub(crate) struct Page {
    status: StatusCode,
    body: Markup,
}

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        let mut r = (self.status, self.body).into_response();
        r.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        r
    }
}

/// An error shown as an HTML page (the JSON [`ApiError`] is for the API).
#[derive(Debug)]
pub(crate) struct UiError(pub ApiError);

impl From<ApiError> for UiError {
    fn from(e: ApiError) -> Self {
        UiError(e)
    }
}

impl UiError {
    pub(crate) fn not_found(what: impl Into<String>) -> Self {
        UiError(ApiError::not_found(what))
    }
    pub(crate) fn bad_request(what: impl Into<String>) -> Self {
        UiError(ApiError::bad_request(what))
    }
}

impl IntoResponse for UiError {
    fn into_response(self) -> Response {
        let status = self.0.status;
        let title = match status {
            StatusCode::NOT_FOUND => "Not found",
            StatusCode::BAD_REQUEST => "Bad request",
            _ => "Something went wrong",
        };
        let body = layout(
            title,
            "",
            html! {
                section.error {
                    h1 { (status.as_u16()) " · " (title) }
                    p { (self.0.message) }
                    p { a href="/" { "Back to the stories" } }
                }
            },
        );
        Page { status, body }.into_response()
    }
}

pub(crate) type UiResult = Result<Page, UiError>;

pub(crate) fn ok(body: Markup) -> UiResult {
    Ok(Page {
        status: StatusCode::OK,
        body,
    })
}

async fn not_found_page() -> Response {
    UiError::not_found("There is no page at this address.").into_response()
}

/// The page around every view: header with the search box, the content, the scripts.
pub(crate) fn layout(title: &str, query: &str, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · sitrep" }
                link rel="stylesheet" href=(asset_url("app.css"));
                script src=(asset_url("htmx.min.js")) defer {}
                script src=(asset_url("app.js")) defer {}
            }
            body {
                header.top {
                    a.brand href="/" { "sitrep" }
                    nav aria-label="Stories" {
                        a href="/" { "Newest" }
                        a href="/?order=sources" { "Most corroborated" }
                    }
                    form.search role="search" action="/search" method="get" {
                        label.visually-hidden for="q" { "Search" }
                        input #q type="search" name="q" value=(query)
                            placeholder="Search: \"Kursk region\" AND source:example.org";
                        button type="submit" { "Search" }
                        details.help {
                            summary { "Query language" }
                            (query_help())
                        }
                    }
                }
                main { (content) }
            }
        }
    }
}

fn query_help() -> Markup {
    html! {
        dl.query-help {
            dt { code { "troops Kursk" } } dd { "both words (AND is implied)" }
            dt { code { "\"Kursk region\"" } } dd { "a phrase" }
            dt { code { "Kursk OR Belgorod" } ", " code { "NOT Ukraine" } } dd { "either; without" }
            dt { code { "source:example.org" } ", " code { "title:veto" } ", " code { "entity:PRK" } } dd { "a field" }
            dt { code { "actor:PRK" } ", " code { "type:ASSAULT" } ", " code { "status:denied" } } dd { "events: who, PLOVER type, status" }
            dt { code { "published:[2024-06-01 TO 2024-08-31]" } ", " code { "date:2024-10" } } dd { "publication date range; event date" }
            dt { code { "Pyongyang~1" } } dd { "fuzzy: one edit away" }
            dt { code { "Kim NEAR/1s Putin" } } dd { "within one sentence" }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers shared by the pages

/// Percent-encode a path segment or query value (everything but unreserved characters).
pub(crate) fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Characters `start..end` of `text` (character offsets, clamped).
pub(crate) fn char_slice(text: &str, start: usize, end: usize) -> &str {
    let mut it = text.char_indices().map(|(b, _)| b).chain(Some(text.len()));
    let b0 = it.by_ref().nth(start).unwrap_or(text.len());
    let b1 = if end > start {
        it.nth(end - start - 1).unwrap_or(text.len())
    } else {
        b0
    };
    &text[b0..b1.max(b0)]
}

/// Shorten to `n` characters with an ellipsis.
pub(crate) fn trunc(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// A number with thousands separators ("10,000"), as the text would write it.
pub(crate) fn num(v: f64) -> String {
    sitrep_core::corpus::corroboration::display_value(v)
}

/// What an article is called: its title, else its first sentence (shortened), else its id.
pub(crate) fn article_label(r: &sitrep_core::Record) -> String {
    if let Some(t) = r.title.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        return t.to_string();
    }
    let first = r
        .sentences
        .first()
        .map(|s| char_slice(&r.text, s.start, s.end))
        .unwrap_or(&r.text)
        .trim();
    if first.is_empty() {
        r.id.clone()
    } else {
        trunc(first, 100)
    }
}

pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Where an entity's page is: by code when it has one, else by name.
pub(crate) fn entity_href(key: &str) -> String {
    format!("/entities/{}", enc(key))
}

/// The evidence link of a character span of an article.
pub(crate) fn evidence_href(article: &str, start: usize, end: usize) -> String {
    format!("/articles/{}?hl={start}-{end}#hl", enc(article))
}

pub(crate) fn fragment_href(article: &str, start: usize, end: usize) -> String {
    format!("/fragments/article/{}?hl={start}-{end}", enc(article))
}

/// A link that opens the evidence: the article page without JavaScript; with it, when `panel`
/// (the page has an `aside#evidence`), the side panel (htmx). `cls` is the link's class.
pub(crate) fn evidence_link(
    article: &str,
    (start, end): (usize, usize),
    cls: &str,
    panel: bool,
    content: Markup,
) -> Markup {
    html! {
        @if panel {
            a class=(cls) href=(evidence_href(article, start, end))
                hx-get=(fragment_href(article, start, end)) hx-target="#evidence"
                hx-swap="innerHTML" data-article=(article) data-start=(start) data-end=(end) {
                (content)
            }
        } @else {
            a class=(cls) href=(evidence_href(article, start, end))
                data-article=(article) data-start=(start) data-end=(end) {
                (content)
            }
        }
    }
}

/// A parsed `offset` (0 when absent); a bad one is a 400.
pub(crate) fn parse_offset(v: Option<&str>) -> Result<usize, UiError> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(0),
        Some(s) => s
            .parse()
            .map_err(|_| UiError::bad_request(format!("offset must be a number, not '{s}'"))),
    }
}

/// Previous/next links for a paged listing. `base` already carries the other parameters and
/// ends with `?` or `&`.
pub(crate) fn pager(base: &str, offset: usize, limit: usize, shown: usize, more: bool) -> Markup {
    let prev = (offset > 0).then(|| offset.saturating_sub(limit));
    let next = more.then_some(offset + limit);
    html! {
        @if prev.is_some() || next.is_some() {
            nav.pager aria-label="Pages" {
                @if let Some(p) = prev {
                    a rel="prev" href={ (base) "offset=" (p) } { "← Previous" }
                }
                span { (offset + 1) "–" (offset + shown) }
                @if let Some(n) = next {
                    a rel="next" href={ (base) "offset=" (n) } { "Next →" }
                }
            }
        }
    }
}

/// How a participant list reads: "Canada, South Korea" (codes in the title attribute).
pub(crate) fn who(ps: &[Participant]) -> String {
    if ps.is_empty() {
        return "—".into();
    }
    ps.iter()
        .map(|p| p.text.clone())
        .collect::<Vec<_>>()
        .join(", ")
}

fn status_class(s: EventStatus) -> String {
    format!("badge status status-{}", s.as_str())
}

/// Links to the entity pages of an event's coded participants.
fn participant_links(label: &str, ps: &[Participant]) -> Markup {
    html! {
        @for p in ps {
            @let key = p.code.clone().or_else(|| p.country.clone());
            @if let Some(k) = key {
                a.chip href=(entity_href(&k)) title={ (label) ": " (p.text) } { (k) }
            }
        }
    }
}

/// An event as a who-did-what-to-whom card; its headline is the evidence link.
pub(crate) struct EventCard<'a> {
    pub article: &'a str,
    pub idx: usize,
    pub event: &'a Event,
    /// The sentence text (the evidence).
    pub sentence: &'a str,
    pub outlet: Option<&'a str>,
    pub published: Option<&'a str>,
    /// Whether the page has the evidence panel.
    pub panel: bool,
    /// Outlets of copies of this article that carry the same event (collapsed into this card).
    pub copies: &'a [String],
    /// The original, when this card's article is itself a copy.
    pub copy_of: Option<&'a str>,
}

impl EventCard<'_> {
    pub(crate) fn render(&self) -> Markup {
        let e = self.event;
        let s = e.sentence;
        html! {
            article.event.copy[self.copy_of.is_some()] id={ "ev-" (enc(self.article)) "-" (self.idx) }
                data-article=(self.article) data-idx=(self.idx)
                data-start=(s.start) data-end=(s.end) data-sentence=(self.sentence) {
                (evidence_link(self.article, (s.start, s.end), "ev-link", self.panel, html! {
                    span.who { (who(&e.actor)) }
                    span.arrow aria-hidden="true" { " → " }
                    span.what { (e.kind.as_str()) }
                    span.arrow aria-hidden="true" { " → " }
                    span.whom { (who(&e.recipient)) }
                }))
                div.ev-meta {
                    span.badge.plover title="PLOVER event type" { (e.kind.as_str()) }
                    @if let Some(m) = &e.mode { span.mode { (m) } }
                    span.cameo title="CAMEO code" { "CAMEO " (e.cameo) }
                    span class=(status_class(e.status)) { (e.status.as_str()) }
                    @if let Some(d) = &e.date {
                        @if let Some(v) = &d.value {
                            time datetime=(v) title={ "event date (\"" (d.text) "\")" } { (v) }
                        }
                    } @else if let Some(p) = self.published {
                        span.reported title="the event has no date of its own; the article's date" { "reported " (p) }
                    }
                    @if let Some(o) = self.outlet { span.outlet { (o) } }
                    @if !self.copies.is_empty() {
                        span.copies title={ "also in copies: " (self.copies.join(", ")) } {
                            "+" (plural(self.copies.len(), "copy", "copies"))
                        }
                    }
                    @if let Some(o) = self.copy_of {
                        a.copies href={ "/articles/" (enc(o)) } title="this article copies another; copies do not count as sources" { "copy" }
                    }
                    (participant_links("actor", &e.actor))
                    (participant_links("recipient", &e.recipient))
                }
                p.ev-sentence { (trunc(self.sentence, 240)) }
            }
        }
    }
}

/// A date key for ordering ("2024-W44" -> its Monday, "2024-05" -> the 1st, "2024" -> 1 Jan).
pub(crate) fn date_key(v: &str) -> String {
    if let Some((y, w)) = v.split_once("-W") {
        if let (Ok(y), Ok(w)) = (y.parse::<i32>(), w.parse::<u32>()) {
            if let Some(d) = chrono::NaiveDate::from_isoywd_opt(y, w, chrono::Weekday::Mon) {
                return d.format("%Y-%m-%d").to_string();
            }
        }
    }
    match v.len() {
        4 => format!("{v}-01-01"),
        7 => format!("{v}-01"),
        _ => v.chars().take(10).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_slice_uses_characters() {
        let t = "한국 said “no”. Next.";
        assert_eq!(char_slice(t, 0, 2), "한국");
        assert_eq!(char_slice(t, 8, 14), "“no”. ");
        assert_eq!(char_slice(t, 3, 3), "");
        assert_eq!(char_slice(t, 14, 999), "Next.");
        assert_eq!(char_slice(t, 999, 1000), "");
    }

    #[test]
    fn enc_escapes_reserved() {
        assert_eq!(enc("a b/c?d#é"), "a%20b%2Fc%3Fd%23%C3%A9");
        assert_eq!(enc("PRK"), "PRK");
    }

    #[test]
    fn date_keys_order() {
        assert_eq!(date_key("2024-W44"), "2024-10-28");
        assert_eq!(date_key("2023-05"), "2023-05-01");
        assert_eq!(date_key("2023"), "2023-01-01");
        assert_eq!(date_key("2024-11-01"), "2024-11-01");
    }
}
