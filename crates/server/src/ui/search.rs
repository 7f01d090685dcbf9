//! The search page: results grouped by story, snippets with the matches marked; a query that
//! does not parse is answered 400 with its message and the position of the problem.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use maud::{html, Markup};
use serde::Deserialize;
use sitrep_search::{ArticleHit, SearchError, SearchOptions, SearchResults, Snippet};

use super::{
    char_slice, enc, evidence_href, layout, ok, pager, parse_offset, plural, query_help, Page,
    UiError, UiResult,
};
use crate::AppState;

const PAGE: usize = 10;

#[derive(Deserialize, Default)]
pub(crate) struct SearchParams {
    q: Option<String>,
    offset: Option<String>,
}

/// The snippet with its highlights (character offsets into the snippet) marked.
fn snippet(s: &Snippet) -> Markup {
    let n = s.text.chars().count();
    let mut hs: Vec<(usize, usize)> = s
        .highlights
        .iter()
        .copied()
        .filter(|&(a, b)| a < b && b <= n)
        .collect();
    hs.sort_unstable();
    let mut parts: Vec<(bool, &str)> = Vec::new();
    let mut at = 0;
    for (a, b) in hs {
        if a < at {
            continue;
        }
        parts.push((false, char_slice(&s.text, at, a)));
        parts.push((true, char_slice(&s.text, a, b)));
        at = b;
    }
    parts.push((false, char_slice(&s.text, at, n)));
    html! {
        p.snippet {
            @for (hit, t) in parts {
                @if hit { mark.hit { (t) } } @else { (t) }
            }
        }
    }
}

fn article_hit(a: &ArticleHit) -> Markup {
    html! {
        li.hit {
            a.title href={ "/articles/" (enc(&a.id)) } { (a.title.as_deref().unwrap_or(&a.id)) }
            " " span.outlet { (a.source.as_deref().unwrap_or("unknown outlet")) }
            @if let Some(p) = &a.published { " · " time datetime=(p) { (p) } }
            @if let Some(s) = &a.snippet {
                (snippet(s))
                @let len = s.text.chars().count();
                a.in-context href=(evidence_href(&a.id, s.start, s.start + len)) { "in context" }
            }
        }
    }
}

fn results(q: &str, r: &SearchResults, offset: usize) -> Markup {
    let shown = r.stories.len();
    html! {
        p.total { (plural(r.total_articles, "article matches", "articles match")) }
        @if r.stories.is_empty() {
            p.empty { "Nothing matches. Check the spelling, or try fewer words or OR." }
        }
        ol.search-results start=(offset + 1) {
            @for st in &r.stories {
                li.story-hit {
                    h2 {
                        @match st.story {
                            Some(id) => a href={ "/stories/" (id) } { (st.headline.as_deref().unwrap_or("(story)")) },
                            None => span { "Not in a story" },
                        }
                    }
                    ul.hits {
                        @for a in &st.articles { (article_hit(a)) }
                    }
                    @if !st.copies.is_empty() {
                        details.copies {
                            summary { "+" (plural(st.copies.len(), "copy", "copies")) " also match" }
                            ul.hits { @for a in &st.copies { (article_hit(a)) } }
                        }
                    }
                }
            }
        }
        (pager(&format!("/search?q={}&", enc(q)), offset, PAGE, shown, r.more))
    }
}

/// The query with the character at `at` marked, for a parse error.
fn pointed(q: &str, at: usize) -> Markup {
    let n = q.chars().count();
    let at = at.min(n);
    let here = char_slice(q, at, at + 1);
    html! {
        pre.query-error {
            code {
                (char_slice(q, 0, at))
                mark.at { @if here.is_empty() { " " } @else { (here) } }
                (char_slice(q, at + 1, n))
            }
        }
    }
}

pub(crate) async fn page(State(state): State<AppState>, Query(p): Query<SearchParams>) -> UiResult {
    let q = p.q.unwrap_or_default();
    let offset = parse_offset(p.offset.as_deref())?;
    if q.trim().is_empty() {
        return ok(layout(
            "Search",
            "",
            html! {
                section.search-page {
                    h1 { "Search" }
                    p { "Type a query in the box above. The query language:" }
                    (query_help())
                }
            },
        ));
    }
    let q2 = q.clone();
    let out = state
        .read(move |store, search| {
            Ok(search.search(
                store,
                &q2,
                &SearchOptions {
                    group: true,
                    limit: PAGE,
                    offset,
                },
            ))
        })
        .await?;
    let title = format!("Search: {q}");
    match out {
        Ok(r) => ok(layout(
            &title,
            &q,
            html! {
                section.search-page {
                    h1 { "Search " q { (q) } }
                    (results(&q, &r, offset))
                }
            },
        )),
        Err(SearchError::Query { message, at }) => Ok(Page {
            status: StatusCode::BAD_REQUEST,
            body: layout(
                &title,
                &q,
                html! {
                    section.search-page.error {
                        h1 { "This query does not parse" }
                        p.query-message { "At character " (at) ": " (message) }
                        (pointed(&q, at))
                        (query_help())
                    }
                },
            ),
        }),
        Err(SearchError::Index(m)) => Err(UiError(crate::ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("Search is not available: {m}"),
        ))),
        Err(e) => Err(UiError(crate::ApiError::internal(e.to_string()))),
    }
}
