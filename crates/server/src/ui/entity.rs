//! The entity page: an actor's events over time, as actor or as recipient.
//!
//! A key that looks like an actor code (`PRK`, `RUSMIL`, `IGOUNO`) is looked up in the store's
//! event index by code (a code finds its sub-codes: `PRK` finds `PRKMIL`). Any other key is a
//! name ("Vladimir Putin", an organisation's canonical name): its events are those whose actor
//! or recipient words are a mention of that entity, in the articles that mention it.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, Query, State};
use maud::{html, Markup};
use serde::Deserialize;
use sitrep_core::model::{Entity, Participant};
use sitrep_store::{ArticleQuery, EventQuery, EventRow, Store};

use super::{date_key, enc, layout, ok, pager, parse_offset, plural, EventCard, UiError, UiResult};
use crate::{ApiError, AppState};

const PAGE: usize = 25;
/// Articles read for a name's events (a name has no event index).
const MAX_NAME_ARTICLES: usize = 500;
/// Events counted for the histogram.
const MAX_HISTOGRAM: usize = 5000;

#[derive(Deserialize, Default)]
pub(crate) struct EntityParams {
    #[serde(rename = "as")]
    role: Option<String>,
    offset: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Actor,
    Recipient,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::Actor => "actor",
            Role::Recipient => "recipient",
        }
    }
}

/// Whether a key is an actor code: three upper-case letters, then upper-case letters or digits.
fn is_code(key: &str) -> bool {
    let b = key.as_bytes();
    (3..=15).contains(&b.len())
        && b[..3].iter().all(u8::is_ascii_uppercase)
        && b.iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

fn store_key(e: &Entity) -> String {
    match &e.code {
        Some(c) => c.clone(),
        None => e.name.as_deref().unwrap_or(&e.text).to_lowercase(),
    }
}

struct EntityData {
    entity: Option<Entity>,
    articles: usize,
    n_actor: usize,
    n_recipient: usize,
    rows: Vec<EventRow>,
    /// Per article on the page: outlet and the original it copies.
    outlets: HashMap<String, (Option<String>, Option<String>)>,
    /// Events by month (YYYY-MM) in the chosen role.
    months: BTreeMap<String, usize>,
}

fn day_of(r: &EventRow) -> Option<String> {
    r.event
        .date
        .as_ref()
        .and_then(|d| d.value.as_deref())
        .map(date_key)
        .or_else(|| r.published.clone())
}

/// Whether a stored mention is of the entity `key` (as the store's entity filter matches).
fn matches(e: &Entity, key: &str) -> bool {
    let k = store_key(e);
    k == key || k == key.to_lowercase()
}

/// Events, totals by role, and the days of all events in `role`, from the event index.
type Found = (Vec<EventRow>, usize, usize, Vec<Option<String>>);

fn by_code(store: &dyn Store, key: &str, role: Role, offset: usize) -> Result<Found, ApiError> {
    let q = |r: Role, limit: usize, offset: usize| EventQuery {
        actor: (r == Role::Actor).then(|| key.to_string()),
        recipient: (r == Role::Recipient).then(|| key.to_string()),
        limit,
        offset,
        ..Default::default()
    };
    let (page, n) = store.events(&q(role, PAGE, offset))?;
    let other = match role {
        Role::Actor => Role::Recipient,
        Role::Recipient => Role::Actor,
    };
    let (_, n_other) = store.events(&q(other, 1, 0))?;
    let (hist, _) = store.events(&q(role, MAX_HISTOGRAM, 0))?;
    let days = hist.iter().map(day_of).collect();
    Ok(match role {
        Role::Actor => (page, n, n_other, days),
        Role::Recipient => (page, n_other, n, days),
    })
}

/// Events whose participants are mentions of the entity, in the articles that mention it.
fn by_name(
    store: &dyn Store,
    articles: &[sitrep_store::ArticleSummary],
    key: &str,
    role: Role,
    offset: usize,
) -> Result<Found, ApiError> {
    let mut found: Vec<(Role, EventRow)> = Vec::new();
    for a in articles {
        let Some(s) = store.get(&a.id)? else { continue };
        let r = s.record;
        let spans: Vec<(usize, usize)> = r
            .entities
            .iter()
            .filter(|e| matches(e, key))
            .map(|e| (e.start, e.end))
            .collect();
        let hits = |ps: &[Participant]| {
            ps.iter()
                .any(|p| spans.iter().any(|&(s, e)| p.start < e && s < p.end))
        };
        for (idx, ev) in r.events.iter().enumerate() {
            for (role, ps) in [(Role::Actor, &ev.actor), (Role::Recipient, &ev.recipient)] {
                if hits(ps) {
                    found.push((
                        role,
                        EventRow {
                            article: r.id.clone(),
                            story: r.story,
                            published: r.published.clone(),
                            idx,
                            sentence: super::char_slice(
                                &r.text,
                                ev.sentence.start,
                                ev.sentence.end,
                            )
                            .to_string(),
                            event: ev.clone(),
                        },
                    ));
                }
            }
        }
    }
    let n_actor = found.iter().filter(|f| f.0 == Role::Actor).count();
    let n_recipient = found.len() - n_actor;
    let mut mine: Vec<EventRow> = found
        .into_iter()
        .filter(|f| f.0 == role)
        .map(|f| f.1)
        .collect();
    // Newest first, the undated last.
    mine.sort_by(|a, b| {
        let (da, db) = (day_of(a), day_of(b));
        db.is_some()
            .cmp(&da.is_some())
            .then(db.cmp(&da))
            .then(a.article.cmp(&b.article))
            .then(a.idx.cmp(&b.idx))
    });
    let days = mine.iter().map(day_of).collect();
    let rows = mine.into_iter().skip(offset).take(PAGE).collect();
    Ok((rows, n_actor, n_recipient, days))
}

fn load(store: &dyn Store, key: &str, role: Role, offset: usize) -> Result<EntityData, ApiError> {
    let (listed, articles) = store.articles(&ArticleQuery {
        entity: Some(key.to_string()),
        limit: MAX_NAME_ARTICLES,
        ..Default::default()
    })?;
    let mut entity = None;
    if let Some(a) = listed.first() {
        if let Some(s) = store.get(&a.id)? {
            entity = s.record.entities.into_iter().find(|e| matches(e, key));
        }
    }
    let mut found = None;
    if is_code(key) {
        let f = by_code(store, key, role, offset)?;
        // An organisation's canonical name may look like a code (NATO) without being an
        // actor code: then its mentions decide.
        if f.1 + f.2 > 0 || articles == 0 {
            found = Some(f);
        }
    }
    let (rows, n_actor, n_recipient, all) = match found {
        Some(f) => f,
        None => by_name(store, &listed, key, role, offset)?,
    };
    let mut months = BTreeMap::new();
    for d in all.into_iter().flatten() {
        *months.entry(d.chars().take(7).collect()).or_insert(0) += 1;
    }
    let mut outlets = HashMap::new();
    for r in &rows {
        if !outlets.contains_key(&r.article) {
            let rec = store.get(&r.article)?.map(|a| a.record);
            let v = rec.map(|r| (r.source, r.duplicate_of)).unwrap_or_default();
            outlets.insert(r.article.clone(), v);
        }
    }
    Ok(EntityData {
        entity,
        articles,
        n_actor,
        n_recipient,
        rows,
        outlets,
        months,
    })
}

fn histogram(months: &BTreeMap<String, usize>) -> Markup {
    let max = months.values().copied().max().unwrap_or(1).max(1);
    html! {
        @if !months.is_empty() {
            figure.histogram {
                figcaption { "Events per month (by the event's own date, else the article's)" }
                ol {
                    @for (m, n) in months {
                        li title={ (m) ": " (plural(*n, "event", "events")) } {
                            span.bar style={ "height:" (((*n as f64 / max as f64) * 100.0).round().max(4.0)) "%" } {}
                            span.month { (m) }
                            span.n { (n) }
                        }
                    }
                }
            }
        }
    }
}

pub(crate) async fn page(
    State(state): State<AppState>,
    Path(key): Path<String>,
    Query(p): Query<EntityParams>,
) -> UiResult {
    let key = key.trim().to_string();
    let role = match p.role.as_deref().map(str::trim) {
        None | Some("") | Some("actor") => Role::Actor,
        Some("recipient") => Role::Recipient,
        Some(o) => {
            return Err(UiError::bad_request(format!(
                "as must be 'actor' or 'recipient', not '{o}'"
            )))
        }
    };
    let offset = parse_offset(p.offset.as_deref())?;
    let k = key.clone();
    let d = state
        .read(move |store, _| load(store, &k, role, offset))
        .await?;
    if d.articles == 0 && d.n_actor == 0 && d.n_recipient == 0 {
        return Err(UiError::not_found(format!(
            "No entity '{key}' in the store: no article mentions it and no event names it."
        )));
    }
    let name = d
        .entity
        .as_ref()
        .map(|e| e.name.clone().unwrap_or_else(|| e.text.clone()))
        .unwrap_or_else(|| key.clone());
    let total = match role {
        Role::Actor => d.n_actor,
        Role::Recipient => d.n_recipient,
    };
    let base = format!("/entities/{}?as={}&", enc(&key), role.as_str());
    // A copy's event is folded into its original's card when both are on this page.
    let on_page: HashMap<(&str, usize), usize> = d
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| ((r.article.as_str(), r.idx), i))
        .collect();
    let mut folded: Vec<Vec<String>> = vec![Vec::new(); d.rows.len()];
    let mut hide = vec![false; d.rows.len()];
    for (i, r) in d.rows.iter().enumerate() {
        let Some((outlet, Some(orig))) = d.outlets.get(&r.article) else {
            continue;
        };
        if let Some(&j) = on_page.get(&(orig.as_str(), r.idx)) {
            if d.rows[j].event.kind == r.event.kind {
                hide[i] = true;
                folded[j].push(outlet.clone().unwrap_or_else(|| r.article.clone()));
            }
        }
    }
    let shown: Vec<(&EventRow, Vec<String>)> = d
        .rows
        .iter()
        .zip(folded)
        .zip(&hide)
        .filter(|(_, h)| !**h)
        .map(|((r, f), _)| (r, f))
        .collect();
    let tab = |r: Role, label: &str, n: usize| {
        html! {
            a href={ "/entities/" (enc(&key)) "?as=" (r.as_str()) }
                aria-current=[(r == role).then_some("page")] { (label) " (" (n) ")" }
        }
    };
    let body = html! {
        section.entity-page {
            header {
                p.kicker { (d.entity.as_ref().map(|e| e.kind.as_str()).unwrap_or("actor")) }
                h1 { (name) @if name != key { " " small.code { (key) } } }
                @if let Some(e) = &d.entity {
                    p.entity-meta {
                        @if let Some(r) = &e.role { span { (r) } " · " }
                        @if let Some(c) = &e.country { span { "country " a href=(super::entity_href(c)) { (c) } } " · " }
                        @if let Some(c) = e.code.as_ref().filter(|c| **c != key) { span { "code " (c) } }
                    }
                }
                p.entity-counts {
                    "Mentioned in " (plural(d.articles, "article", "articles"))
                    @if d.articles > MAX_NAME_ARTICLES { " (a name's events are read from the newest " (MAX_NAME_ARTICLES) ")" }
                    " · " (plural(d.n_actor, "event", "events")) " as actor · "
                    (plural(d.n_recipient, "event", "events")) " as recipient"
                }
                @if is_code(&key) && key.len() == 3 {
                    p.hint { "A country code matches its sub-codes: " code { (key) } " also finds " code { (key) "MIL" } " and " code { (key) "GOV" } "." }
                }
            }
            nav.tabs aria-label="Role" {
                (tab(Role::Actor, "As actor", d.n_actor))
                (tab(Role::Recipient, "As recipient", d.n_recipient))
            }
            (histogram(&d.months))
            h2 { "Events as " (role.as_str()) ", newest first" }
            @if d.rows.is_empty() {
                p.empty { "None." }
            }
            div.cards {
                @for (r, copies) in &shown {
                    @let (outlet, copy_of) = d.outlets.get(&r.article).cloned().unwrap_or_default();
                    (EventCard {
                        article: &r.article,
                        idx: r.idx,
                        event: &r.event,
                        sentence: &r.sentence,
                        outlet: outlet.as_deref(),
                        published: r.published.as_deref(),
                        panel: false,
                        copies,
                        copy_of: copy_of.as_deref(),
                    }.render())
                }
            }
            (pager(&base, offset, PAGE, d.rows.len(), offset + d.rows.len() < total))
        }
    };
    ok(layout(&name, "", body))
}

#[cfg(test)]
mod tests {
    use super::is_code;

    #[test]
    fn codes_and_names() {
        assert!(is_code("PRK"));
        assert!(is_code("RUSMIL"));
        assert!(!is_code("Putin"));
        assert!(!is_code("NK"));
        assert!(!is_code("geonames:123"));
    }
}
