//! The article page and the evidence fragment: an article's clean text with its entities
//! linked and one span (`?hl=START-END`, character offsets) marked as the evidence.

use std::cmp::Reverse;

use axum::extract::{Path, Query, State};
use maud::{html, Markup};
use serde::Deserialize;
use sitrep_core::model::Entity;
use sitrep_core::Record;
use sitrep_store::{Store, StoredArticle};

use super::{
    char_slice, enc, entity_href, evidence_link, layout, ok, plural, EventCard, Page, UiError,
    UiResult,
};
use crate::AppState;

#[derive(Deserialize, Default)]
pub(crate) struct ArticleParams {
    hl: Option<String>,
}

/// What the article page shows besides the record.
struct Loaded {
    stored: StoredArticle,
    story_headline: Option<String>,
    /// Members of the story that copy this article.
    copies: Vec<(String, Option<String>)>,
    /// The original's title, when this article is a copy.
    original_title: Option<Option<String>>,
}

async fn load(state: &AppState, id: String, lineage: bool) -> Result<Loaded, UiError> {
    let out = state
        .read(move |store, _| {
            let Some(stored) = store.get(&id)? else {
                return Ok(None);
            };
            let mut l = Loaded {
                stored,
                story_headline: None,
                copies: Vec::new(),
                original_title: None,
            };
            if !lineage {
                return Ok(Some(l));
            }
            if let Some(sid) = l.stored.record.story {
                if let Some((summary, members)) = store.story(sid)? {
                    l.story_headline = Some(summary.headline);
                    l.copies = members
                        .into_iter()
                        .filter(|m| m.duplicate_of.as_deref() == Some(id.as_str()))
                        .map(|m| (m.article.id, m.article.source))
                        .collect();
                }
            }
            if let Some(orig) = &l.stored.record.duplicate_of {
                l.original_title = Some(store.get(orig)?.and_then(|a| a.record.title));
            }
            Ok(Some(l))
        })
        .await?;
    out.ok_or_else(|| UiError::not_found("No article with this id in the store."))
}

/// Parse `hl=START-END` against a text of `n` characters.
pub(crate) fn parse_hl(hl: Option<&str>, n: usize) -> Result<Option<(usize, usize)>, UiError> {
    let Some(s) = hl.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let bad = || {
        UiError::bad_request(format!(
            "hl must be START-END, character offsets with START <= END <= {n} (the text's length), not '{s}'"
        ))
    };
    let (a, b) = s.split_once('-').ok_or_else(bad)?;
    let (a, b): (usize, usize) = (
        a.trim().parse().map_err(|_| bad())?,
        b.trim().parse().map_err(|_| bad())?,
    );
    if a > b || b > n {
        return Err(bad());
    }
    Ok(Some((a, b)))
}

enum Part<'a> {
    Text(&'a str),
    Entity(&'a Entity, &'a str),
}

/// The text of characters `from..to` with the entities that lie wholly inside linked.
fn linked<'a>(
    text: &'a str,
    bytes: &[usize],
    ents: &[&'a Entity],
    from: usize,
    to: usize,
) -> Markup {
    let mut parts = Vec::new();
    let mut at = from;
    for e in ents {
        if e.start < at || e.end > to {
            continue; // outside, or overlapping one already linked
        }
        if e.start > at {
            parts.push(Part::Text(&text[bytes[at]..bytes[e.start]]));
        }
        parts.push(Part::Entity(e, &text[bytes[e.start]..bytes[e.end]]));
        at = e.end;
    }
    if at < to {
        parts.push(Part::Text(&text[bytes[at]..bytes[to]]));
    }
    html! {
        @for p in parts {
            @match p {
                Part::Text(t) => (t),
                Part::Entity(e, t) => {
                    @let key = e.code.clone().unwrap_or_else(|| e.name.clone().unwrap_or_else(|| e.text.clone()));
                    a class={ "ent ent-" (e.kind.as_str()) } href=(entity_href(&key))
                        title={ (e.kind.as_str()) ": " (e.name.as_deref().unwrap_or(&e.text))
                                @if let Some(c) = &e.code { " (" (c) ")" } } { (t) }
                }
            }
        }
    }
}

/// The clean text, entities linked, `hl` marked (`mark.evidence#hl`, exactly that span).
pub(crate) fn render_text(r: &Record, hl: Option<(usize, usize)>) -> Markup {
    let text = r.text.as_str();
    let bytes: Vec<usize> = text
        .char_indices()
        .map(|(b, _)| b)
        .chain(Some(text.len()))
        .collect();
    let n = bytes.len() - 1;
    let mut ents: Vec<&Entity> = r
        .entities
        .iter()
        .filter(|e| e.start < e.end && e.end <= n)
        .collect();
    ents.sort_by_key(|e| (e.start, Reverse(e.end)));
    html! {
        div.text {
            @if let Some((s, e)) = hl {
                (linked(text, &bytes, &ents, 0, s))
                mark.evidence #hl data-start=(s) data-end=(e) data-text=(char_slice(text, s, e)) {
                    (linked(text, &bytes, &ents, s, e))
                }
                (linked(text, &bytes, &ents, e, n))
            } @else {
                (linked(text, &bytes, &ents, 0, n))
            }
        }
    }
}

fn meta_line(r: &Record) -> Markup {
    html! {
        span.outlet { (r.source.as_deref().unwrap_or("unknown outlet")) }
        " · "
        @match &r.published {
            Some(p) => time datetime=(p) { (p) },
            None => span { "no publication date" },
        }
    }
}

pub(crate) async fn page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<ArticleParams>,
) -> UiResult {
    let l = load(&state, id, true).await?;
    let r = &l.stored.record;
    let hl = parse_hl(q.hl.as_deref(), r.text.chars().count())?;
    let title = super::article_label(r);
    let body = html! {
        article.article-page {
            h1 { (title) }
            p.meta {
                (meta_line(r))
                @if let Some(u) = &r.url {
                    " · " a.source-url href=(u) rel="noopener noreferrer nofollow" { "original" }
                }
            }
            @if let Some(sid) = r.story {
                p.story-link {
                    "Story: " a href={ "/stories/" (sid) } { (l.story_headline.as_deref().unwrap_or("(story)")) }
                }
            }
            @if let Some(orig) = &r.duplicate_of {
                p.lineage {
                    "A copy of "
                    a href={ "/articles/" (enc(orig)) } {
                        (l.original_title.clone().flatten().unwrap_or_else(|| orig.clone()))
                    }
                    " (copies are collapsed under their original and do not count as sources)."
                }
            }
            @if !l.copies.is_empty() {
                p.lineage {
                    "Copied by " (plural(l.copies.len(), "article", "articles")) ": "
                    @for (i, (cid, src)) in l.copies.iter().enumerate() {
                        @if i > 0 { ", " }
                        a href={ "/articles/" (enc(cid)) } { (src.as_deref().unwrap_or(cid)) }
                    }
                }
            }
            @if let Some((s, e)) = hl {
                p.hl-note { "The highlighted passage (characters " (s) "–" (e) ") is the evidence. "
                    a href="#hl" { "Jump to it" } }
            }
            (render_text(r, hl))
            @if !r.events.is_empty() {
                section.article-events {
                    h2 { "Events in this article" }
                    div.cards {
                        @for (i, e) in r.events.iter().enumerate() {
                            (EventCard {
                                article: &r.id,
                                idx: i,
                                event: e,
                                sentence: char_slice(&r.text, e.sentence.start, e.sentence.end),
                                outlet: r.source.as_deref(),
                                published: r.published.as_deref(),
                                panel: false,
                                copies: &[],
                                copy_of: r.duplicate_of.as_deref(),
                            }.render())
                        }
                    }
                }
            }
        }
    };
    ok(layout(&title, "", body))
}

/// The article text for the evidence panel (no page around it).
pub(crate) async fn fragment(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<ArticleParams>,
) -> Result<Page, FragmentError> {
    let l = load(&state, id, false).await.map_err(FragmentError)?;
    let r = &l.stored.record;
    let hl = parse_hl(q.hl.as_deref(), r.text.chars().count()).map_err(FragmentError)?;
    let full = match hl {
        Some((s, e)) => super::evidence_href(&r.id, s, e),
        None => format!("/articles/{}", enc(&r.id)),
    };
    Ok(Page {
        status: axum::http::StatusCode::OK,
        body: html! {
            div.evidence-article data-article=(r.id) {
                h2 { (super::article_label(r)) }
                p.meta { (meta_line(r)) " · " a href=(full) { "open the article" } }
                (render_text(r, hl))
            }
        },
    })
}

/// An error inside the evidence panel: a short message, not a whole page.
pub(crate) struct FragmentError(UiError);

impl axum::response::IntoResponse for FragmentError {
    fn into_response(self) -> axum::response::Response {
        let e = self.0 .0;
        (e.status, html! { p.error { (e.message) } }).into_response()
    }
}

/// A link to the sentence around a span (its evidence), or to the span when no sentence holds it.
pub(crate) fn sentence_of(r: &Record, start: usize, end: usize) -> (usize, usize) {
    r.sentences
        .iter()
        .find(|s| s.start <= start && end <= s.end)
        .map(|s| (s.start, s.end))
        .unwrap_or((start, end))
}

/// An evidence link (to the side panel) to the sentence holding span `start..end` of `r`.
pub(crate) fn span_evidence(r: &Record, start: usize, end: usize, content: Markup) -> Markup {
    evidence_link(
        &r.id,
        sentence_of(r, start, end),
        "evidence-link",
        true,
        content,
    )
}
