//! The story list and the story page.

use std::collections::{BTreeMap, HashMap, HashSet};

use axum::extract::{Path, Query, State};
use maud::{html, Markup};
use serde::Deserialize;
use sitrep_core::corpus::corroboration::{corroborate, Corroboration};
use sitrep_core::Record;
use sitrep_store::{EventQuery, Store, StoryMember, StoryOrder, StoryQuery, StorySummary};

use super::article::span_evidence;
use super::{
    char_slice, date_key, enc, entity_href, layout, num, ok, pager, parse_offset, plural, trunc,
    EventCard, UiError, UiResult,
};
use crate::AppState;

/// Stories on a page of the list.
const PAGE: usize = 20;
/// Members whose records a story page loads (the rest are listed, not read).
const MAX_MEMBERS: usize = 400;
/// Event cards on a story page.
const MAX_CARDS: usize = 300;

#[derive(Deserialize, Default)]
pub(crate) struct ListParams {
    order: Option<String>,
    offset: Option<String>,
}

/// The most frequent coded actors of a story's events: (code, most frequent mention).
fn top_actors(store: &dyn Store, story: u32) -> Result<Vec<(String, String)>, crate::ApiError> {
    let (rows, _) = store.events(&EventQuery {
        story: Some(story),
        limit: 200,
        ..Default::default()
    })?;
    let mut counts: HashMap<String, (usize, HashMap<String, usize>)> = HashMap::new();
    for r in &rows {
        let mut seen = HashSet::new();
        for p in &r.event.actor {
            let Some(code) = p.code.clone().or_else(|| p.country.clone()) else {
                continue;
            };
            if !seen.insert(code.clone()) {
                continue;
            }
            let c = counts.entry(code).or_default();
            c.0 += 1;
            *c.1.entry(p.text.clone()).or_default() += 1;
        }
    }
    let mut v: Vec<(String, usize, String)> = counts
        .into_iter()
        .map(|(code, (n, texts))| {
            let text = texts
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
                .map(|(t, _)| t)
                .unwrap_or_default();
            (code, n, text)
        })
        .collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(v.into_iter().take(4).map(|(c, _, t)| (c, t)).collect())
}

fn dates(first: Option<&str>, last: Option<&str>) -> Markup {
    html! {
        @match (first, last) {
            (Some(f), Some(l)) if f != l => { time datetime=(f) { (f) } " – " time datetime=(l) { (l) } }
            (Some(f), _) => time datetime=(f) { (f) },
            (None, Some(l)) => time datetime=(l) { (l) },
            (None, None) => span.undated { "undated" },
        }
    }
}

fn counts(s: &StorySummary) -> Markup {
    let originals = s.articles - s.copies;
    html! {
        span.articles { (plural(originals, "article", "articles")) }
        @if s.copies > 0 {
            " " span.copies title="copies of another article, collapsed under their original" {
                "+" (plural(s.copies, "copy", "copies"))
            }
        }
        " · "
        strong.sources title="distinct outlets among the articles that are not copies" {
            (plural(s.sources, "independent source", "independent sources"))
        }
    }
}

pub(crate) async fn index(State(state): State<AppState>, Query(p): Query<ListParams>) -> UiResult {
    let order = match p.order.as_deref().map(str::trim) {
        None | Some("") | Some("newest") => StoryOrder::Newest,
        Some("sources") => StoryOrder::Sources,
        Some(o) => {
            return Err(UiError::bad_request(format!(
                "order must be 'newest' or 'sources', not '{o}'"
            )))
        }
    };
    let offset = parse_offset(p.offset.as_deref())?;
    let (list, total, actors) = state
        .read(move |store, _| {
            let (list, total) = store.stories(&StoryQuery {
                order,
                limit: PAGE,
                offset,
                ..Default::default()
            })?;
            let mut actors = Vec::with_capacity(list.len());
            for s in &list {
                actors.push(top_actors(store, s.id)?);
            }
            Ok((list, total, actors))
        })
        .await?;
    let (title, base) = match order {
        StoryOrder::Newest => ("Newest stories", "/?"),
        StoryOrder::Sources => ("Most corroborated stories", "/?order=sources&"),
    };
    let body = html! {
        section.story-list {
            header.list-head {
                h1 { (title) }
                p.total { (plural(total, "story", "stories")) " in the store" }
                nav.order aria-label="Order" {
                    a href="/" aria-current=[(order == StoryOrder::Newest).then_some("page")] { "Newest first" }
                    a href="/?order=sources" aria-current=[(order == StoryOrder::Sources).then_some("page")] { "Most independent sources first" }
                }
            }
            @if list.is_empty() {
                p.empty { "No stories here. Ingest reports with " code { "sitrep ingest" } "." }
            }
            ol.stories start=(offset + 1) {
                @for (s, a) in list.iter().zip(&actors) {
                    li.story-row data-story=(s.id) {
                        h2 { a href={ "/stories/" (s.id) } { (trunc(&s.headline, 160)) } }
                        p.story-meta { (dates(s.first.as_deref(), s.last.as_deref())) " · " (counts(s)) }
                        @if !a.is_empty() {
                            p.actors {
                                span.label { "Actors " }
                                @for (code, text) in a {
                                    a.chip href=(entity_href(code)) title=(text) { (text) " " small { (code) } }
                                }
                            }
                        }
                    }
                }
            }
            (pager(base, offset, PAGE, list.len(), offset + list.len() < total))
        }
    };
    ok(layout(title, "", body))
}

/// Everything the story page shows.
struct StoryData {
    summary: StorySummary,
    members: Vec<StoryMember>,
    records: Vec<Record>,
    corroboration: Corroboration,
}

pub(crate) async fn story(State(state): State<AppState>, Path(id): Path<String>) -> UiResult {
    let Ok(sid) = id.trim().parse::<u32>() else {
        return Err(UiError::not_found(format!(
            "No story '{id}': story ids are numbers."
        )));
    };
    let data = state
        .read(move |store, _| {
            let Some((summary, members)) = store.story(sid)? else {
                return Ok(None);
            };
            let mut records = Vec::new();
            for m in members.iter().take(MAX_MEMBERS) {
                if let Some(a) = store.get(&m.article.id)? {
                    records.push(a.record);
                }
            }
            let corroboration = corroborate(&records);
            Ok(Some(StoryData {
                summary,
                members,
                records,
                corroboration,
            }))
        })
        .await?
        .ok_or_else(|| UiError::not_found(format!("No story {sid} in the store.")))?;
    let title = trunc(&data.summary.headline, 80);
    ok(layout(&title, "", render_story(&data)))
}

/// A timeline entry.
enum Item<'a> {
    Article(&'a StoryMember),
    Event(&'a Record, usize),
}

fn render_story(d: &StoryData) -> Markup {
    let s = &d.summary;
    let by_id: HashMap<&str, &Record> = d.records.iter().map(|r| (r.id.as_str(), r)).collect();
    let mut copies_of: HashMap<&str, Vec<&StoryMember>> = HashMap::new();
    for m in &d.members {
        if let Some(o) = &m.duplicate_of {
            copies_of.entry(o.as_str()).or_default().push(m);
        }
    }
    let originals: Vec<&Record> = d
        .records
        .iter()
        .filter(|r| r.duplicate_of.is_none())
        .collect();

    // The timeline: articles by publication date, events by their own date.
    let mut days: BTreeMap<Option<String>, Vec<Item>> = BTreeMap::new();
    for m in d.members.iter().filter(|m| m.duplicate_of.is_none()) {
        days.entry(m.article.published.clone())
            .or_default()
            .push(Item::Article(m));
    }
    for r in &originals {
        for (i, e) in r.events.iter().enumerate() {
            if let Some(v) = e.date.as_ref().and_then(|d| d.value.as_deref()) {
                days.entry(Some(date_key(v)))
                    .or_default()
                    .push(Item::Event(r, i));
            }
        }
    }
    // Dated days in order, the undated last.
    let mut days: Vec<(Option<String>, Vec<Item>)> = days.into_iter().collect();
    let undated_first = days.first().is_some_and(|d| d.0.is_none());
    days.rotate_left(usize::from(undated_first));

    // Event cards, in date order (own date, else publication date).
    let mut cards: Vec<(String, usize, &Record, usize)> = Vec::new();
    for (ri, r) in originals.iter().enumerate() {
        for (i, e) in r.events.iter().enumerate() {
            let day = e
                .date
                .as_ref()
                .and_then(|d| d.value.as_deref())
                .map(date_key)
                .or_else(|| r.published.clone())
                .unwrap_or_else(|| "9999".into());
            cards.push((day, ri, r, i));
        }
    }
    cards.sort_by(|a, b| (&a.0, a.1, a.3).cmp(&(&b.0, b.1, b.3)));
    let n_cards = cards.len();
    // Copies' events are not repeated: each card says how many copies carry it.
    let copy_outlets: HashMap<&str, Vec<String>> = copies_of
        .iter()
        .map(|(o, cs)| {
            let outlets = cs
                .iter()
                .map(|c| {
                    c.article
                        .source
                        .clone()
                        .unwrap_or_else(|| c.article.id.clone())
                })
                .collect();
            (*o, outlets)
        })
        .collect();

    // First mention of each entity group (same key as the corroboration's).
    let mut first_mention: HashMap<(String, String), (&Record, usize, usize)> = HashMap::new();
    for r in &originals {
        for e in &r.entities {
            let name = e.name.clone().unwrap_or_else(|| e.text.clone());
            let key = e.code.clone().unwrap_or_else(|| name.to_lowercase());
            first_mention
                .entry((e.kind.as_str().to_string(), key))
                .or_insert((r, e.start, e.end));
        }
    }
    let k = &d.corroboration;
    let is_actor = |kind: &str| matches!(kind, "person" | "country" | "organization");

    html! {
        div.story-layout {
            div.story-main {
                header.story-head {
                    p.kicker { "Story " (s.id) }
                    h1 { (s.headline) }
                    p.story-meta { (dates(s.first.as_deref(), s.last.as_deref())) " · " (counts(s)) }
                    @if !k.sources.is_empty() {
                        p.sources-line {
                            "Sources: "
                            @for (i, src) in k.sources.iter().enumerate() {
                                @if i > 0 { ", " }
                                span.outlet { (src.source) } " (" (src.articles.len()) ")"
                            }
                        }
                    }
                    @if d.members.len() > d.records.len() {
                        p.note { "Only the first " (d.records.len()) " of " (d.members.len()) " articles are read for this page." }
                    }
                    nav.toc aria-label="Sections" {
                        a href="#timeline" { "Timeline" }
                        a href="#events" { "Events (" (n_cards) ")" }
                        a href="#actors" { "Actors" }
                        a href="#figures" { "Figures (" (k.figures.len()) ")" }
                        @if !k.quotes.is_empty() { a href="#quotes" { "Quotes (" (k.quotes.len()) ")" } }
                    }
                }

                section #timeline {
                    h2 { "Timeline" }
                    ol.timeline {
                        @for (day, items) in &days {
                            li.day {
                                @match day {
                                    Some(dd) => time.day-date datetime=(dd) { (dd) },
                                    None => span.day-date { "undated" },
                                }
                                ul {
                                    @for it in items {
                                        @match it {
                                            Item::Article(m) => li.tl-article {
                                                span.tl-kind { "article" }
                                                a href={ "/articles/" (enc(&m.article.id)) } {
                                                    (by_id.get(m.article.id.as_str()).map(|r| trunc(&super::article_label(r), 110)).unwrap_or_else(|| m.article.id.clone()))
                                                }
                                                " " span.outlet { (m.article.source.as_deref().unwrap_or("unknown outlet")) }
                                                @if let Some(cs) = copies_of.get(m.article.id.as_str()) {
                                                    details.copies {
                                                        summary { "+" (plural(cs.len(), "copy", "copies")) }
                                                        ul {
                                                            @for c in cs {
                                                                li { a href={ "/articles/" (enc(&c.article.id)) } {
                                                                    (c.article.source.as_deref().unwrap_or(&c.article.id))
                                                                } " " (c.article.published.as_deref().unwrap_or("")) }
                                                            }
                                                        }
                                                    }
                                                }
                                            },
                                            Item::Event(r, i) => li.tl-event {
                                                @let e = &r.events[*i];
                                                span.tl-kind { "event" }
                                                (span_evidence(r, e.sentence.start, e.sentence.end, html! {
                                                    (super::who(&e.actor)) " → " (e.kind.as_str()) " → " (super::who(&e.recipient))
                                                }))
                                                " " span class={ "badge status status-" (e.status.as_str()) } { (e.status.as_str()) }
                                            },
                                        }
                                    }
                                }
                            }
                        }
                    }
                }

                section #events {
                    h2 { "Events" }
                    @if cards.is_empty() {
                        p.empty { "No coded events in this story." }
                    } @else {
                        p.hint { "Who did what to whom, in date order. Click a card to see its sentence in the article." }
                    }
                    div.cards {
                        @for (_, _, r, i) in cards.iter().take(MAX_CARDS) {
                            @let e = &r.events[*i];
                            (EventCard {
                                article: &r.id,
                                idx: *i,
                                event: e,
                                sentence: char_slice(&r.text, e.sentence.start, e.sentence.end),
                                outlet: r.source.as_deref(),
                                published: r.published.as_deref(),
                                panel: true,
                                copies: copy_outlets.get(r.id.as_str()).map(Vec::as_slice).unwrap_or(&[]),
                                copy_of: None,
                            }.render())
                        }
                    }
                    @if n_cards > MAX_CARDS {
                        p.note { "The first " (MAX_CARDS) " of " (n_cards) " events are shown." }
                    }
                }

                section #actors {
                    h2 { "Actors" }
                    (entity_list(k.entities.iter().filter(|e| is_actor(&e.kind)).take(40), &first_mention))
                    @let others: Vec<_> = k.entities.iter().filter(|e| !is_actor(&e.kind)).take(30).collect();
                    @if !others.is_empty() {
                        h3 { "Places and weapons" }
                        (entity_list(others.into_iter(), &first_mention))
                    }
                }

                section #figures {
                    h2 { "Figures" }
                    @if k.figures.is_empty() {
                        p.empty { "No figures with a number and a unit." }
                    } @else {
                        p.hint { "Each value with the outlets that report it. Values that outlets give differently are flagged; they are never averaged." }
                        table.figures {
                            thead { tr { th { "Counted" } th { "Value" } th { "Reported by" } th { "Evidence" } } }
                            @for g in &k.figures {
                                @let disagreeing: Vec<f64> = g.disagreements.iter().flat_map(|&(a, b)| [a, b]).collect();
                                tbody class=[(!g.disagreements.is_empty()).then_some("disagree")] {
                                    @for (vi, v) in g.values.iter().enumerate() {
                                        tr class=[disagreeing.contains(&v.value).then_some("disagree")] {
                                            @if vi == 0 { th scope="rowgroup" rowspan=(g.values.len()) { (g.unit) } }
                                            td.num { (num(v.value)) }
                                            td { (v.sources.join(", ")) }
                                            td.evidence {
                                                @for (ei, ev) in v.evidence.iter().enumerate() {
                                                    @if let Some(r) = by_id.get(ev.article.as_str()) {
                                                        (span_evidence(r, ev.start, ev.end, html! { "[" (ei + 1) "]" }))
                                                        " "
                                                    }
                                                }
                                            }
                                        }
                                    }
                                    @if !g.disagreements.is_empty() {
                                        tr.disagree-note {
                                            td colspan="4" {
                                                strong { "Sources disagree: " }
                                                @for (i, (a, b)) in g.disagreements.iter().enumerate() {
                                                    @if i > 0 { "; " }
                                                    (num(*a)) " vs " (num(*b)) " " (g.unit)
                                                }
                                                " (different outlets, none reporting both)"
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }

                @if !k.quotes.is_empty() {
                    section #quotes {
                        h2 { "Quotes" }
                        ul.quotes {
                            @for q in k.quotes.iter().take(12) {
                                li {
                                    q { (trunc(&q.text, 220)) }
                                    @if let Some(sp) = &q.speaker { " — " span.speaker { (sp) } }
                                    " · " span.sources { (q.sources.join(", ")) } " "
                                    @for (ei, ev) in q.evidence.iter().enumerate() {
                                        @if let Some(r) = by_id.get(ev.article.as_str()) {
                                            (span_evidence(r, ev.start, ev.end, html! { "[" (ei + 1) "]" }))
                                            " "
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            aside #evidence aria-live="polite" aria-label="Evidence" {
                h2 { "Evidence" }
                p.hint {
                    "Click an event, a figure's [1] or an actor's first mention: the article's text opens here with the supporting sentence highlighted. "
                    "(Without JavaScript the links open the article page.)"
                }
            }
        }
    }
}

fn entity_list<'a>(
    groups: impl Iterator<Item = &'a sitrep_core::corpus::corroboration::EntityGroup>,
    first: &HashMap<(String, String), (&Record, usize, usize)>,
) -> Markup {
    html! {
        ul.entities {
            @for g in groups {
                @let key = g.code.clone().unwrap_or_else(|| g.name.to_lowercase());
                @let link_key = g.code.clone().unwrap_or_else(|| g.name.clone());
                li {
                    a.entity href=(entity_href(&link_key)) { (g.name) }
                    " " span.kind { (g.kind) @if let Some(c) = &g.code { " · " (c) } }
                    " " span.count { (plural(g.articles, "article", "articles")) ", " (plural(g.sources.len(), "source", "sources")) }
                    @if let Some((r, s, e)) = first.get(&(g.kind.clone(), key)) {
                        " " (span_evidence(r, *s, *e, html! { "first mention" }))
                    }
                }
            }
        }
    }
}
