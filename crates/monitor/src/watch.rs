//! Watches: named saved queries, evaluated per story. An alert fires once per story; a later
//! material development in the same story (a new independent source, a new or revised figure,
//! a denial) fires an update. Alerts are stored before anything is delivered.
//!
//! [`evaluate_watch`] reads the articles stored since the watch's `last_seq` and asks the
//! search index which of them match the watch's query ([`SearchIndex::matching`]). Then, per
//! story:
//!
//! * a story the watch has no state for, with a matching article that is not a copy: a `new`
//!   alert ([`Reason::NewStory`]), evidence the matching sentences of its new articles;
//! * a story the watch has alerted on that gained **any** article (matching or not: another
//!   outlet's report of the same event may use other words): its [`StoryState`] now is
//!   compared with the stored one, and an `update` fires for a new independent source (an
//!   outlet not seen before among the story's non-copy articles), a new figure (a counted
//!   thing not seen before), a revised figure (a new value for a counted thing), or a new
//!   denial (an event or claim with status `denied`). Copies add nothing to the state, so a
//!   copy never alerts. No change, no alert.
//!
//! The alerts, the new story states and the watch's new `last_seq` are written in one
//! transaction ([`SqliteStore::record_watch_cycle`]).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use sitrep_core::corpus::corroboration::{
    corroborate, display_value, Corroboration, UNKNOWN_SOURCE,
};
use sitrep_core::model::EventStatus;
use sitrep_core::Record;
use sitrep_search::query::{parse, FieldName, Node};
use sitrep_search::schema::keyword;
use sitrep_search::{Matches, SearchError, SearchIndex};
use sitrep_store::{NewAlert, SqliteStore, Store, StoreError, WatchRow};

/// Why an alert fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The first matching article(s) of a story.
    NewStory,
    /// The story gained an independent source (a new outlet; copies never count).
    NewIndependentSource,
    /// A figure not seen before in the story.
    NewFigure,
    /// A figure for the same thing with a different value (e.g. troops 10,000 -> 12,000).
    RevisedFigure,
    /// A denial (an event or claim with status `denied`) new to the story.
    Denial,
}

/// A sentence that triggered an alert, with its provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub article_id: String,
    pub source: Option<String>,
    pub url: Option<String>,
    /// The sentence as it stands in the article's clean text.
    pub sentence: String,
    /// Character offsets of the sentence in the article's clean text.
    pub start: usize,
    pub end: usize,
}

/// An alert as stored (`alerts.payload`), POSTed to webhooks and shown in Atom feeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// The stored alert's id (unique per store; webhook receivers can de-duplicate on it).
    pub id: i64,
    pub watch: String,
    /// `new` (first alert for the story) or `update`.
    pub kind: String,
    pub reasons: Vec<Reason>,
    pub story: u32,
    pub headline: String,
    /// Independent sources of the story when the alert fired.
    pub independent_sources: usize,
    /// Their outlets.
    pub sources: Vec<String>,
    /// The triggering sentences (new articles' matching sentences, new figures, denials).
    pub evidence: Vec<Evidence>,
    /// RFC 3339 UTC.
    pub created_at: String,
}

/// Most evidence sentences in one alert.
pub const MAX_EVIDENCE: usize = 5;
/// Articles read from the store per batch.
const BATCH: usize = 500;

/// Why a watch could not be evaluated.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("watch '{watch}': its query no longer parses ({message}, at character {at}); remove it with `sitrep watch remove {watch}` and add it again")]
    Query {
        watch: String,
        message: String,
        at: usize,
    },
    #[error(transparent)]
    Search(#[from] SearchError),
}

/// What a watch remembers of a story between evaluations (`watch_stories.state`, JSON): the
/// material facts an update is measured against.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StoryState {
    /// Independent sources: outlets of the story's non-copy articles, sorted.
    pub sources: Vec<String>,
    /// Figures: what is counted (the unit or counted noun) -> the values reported, as written
    /// by `display_value` ("10,000").
    pub figures: BTreeMap<String, BTreeSet<String>>,
    /// Denials: `ARTICLE:eIDX` (events) and `ARTICLE:cIDX` (claims) with status `denied`, of
    /// non-copy articles.
    pub denials: BTreeSet<String>,
}

/// A story as it stands now, with what evidence needs.
struct Current {
    headline: String,
    state: StoryState,
    corr: Corroboration,
    /// Non-copy members' records, by id.
    records: HashMap<String, Record>,
}

fn current(store: &SqliteStore, story: u32) -> Result<Option<Current>, StoreError> {
    let Some((summary, members)) = store.story(story)? else {
        return Ok(None);
    };
    let mut recs = Vec::new();
    for m in members.iter().filter(|m| m.duplicate_of.is_none()) {
        if let Some(a) = store.get(&m.article.id)? {
            let mut r = a.record;
            r.duplicate_of = None;
            recs.push(r);
        }
    }
    let corr = corroborate(&recs);
    let mut state = StoryState {
        sources: corr.sources.iter().map(|s| s.source.clone()).collect(),
        ..Default::default()
    };
    state.sources.sort();
    for g in &corr.figures {
        let e = state.figures.entry(g.unit.clone()).or_default();
        for v in &g.values {
            e.insert(display_value(v.value));
        }
    }
    for r in &recs {
        for (i, e) in r.events.iter().enumerate() {
            if e.status == EventStatus::Denied {
                state.denials.insert(format!("{}:e{i}", r.id));
            }
        }
        for (i, c) in r.claims.iter().enumerate() {
            if c.status == EventStatus::Denied {
                state.denials.insert(format!("{}:c{i}", r.id));
            }
        }
    }
    Ok(Some(Current {
        headline: summary.headline,
        state,
        corr,
        records: recs.into_iter().map(|r| (r.id.clone(), r)).collect(),
    }))
}

/// An article stored since the watch's last evaluation.
#[derive(Debug, Clone)]
struct NewArticle {
    id: String,
    copy: bool,
    matched: bool,
    source: String,
}

/// Field clauses of the query (positive ones), for finding evidence sentences when the query
/// names no words of the text: (field, value as indexed).
fn field_terms(n: &Node, out: &mut Vec<(FieldName, String)>) {
    match n {
        Node::And(v) | Node::Or(v) => v.iter().for_each(|x| field_terms(x, out)),
        Node::Term {
            field: Some(f),
            text,
            ..
        }
        | Node::Phrase {
            field: Some(f),
            text,
            ..
        } if !f.is_text() => out.push((*f, keyword(text))),
        _ => {}
    }
}

/// The sentence (start, end, char offsets) holding character `at`.
fn sentence_at(r: &Record, at: usize) -> Option<(usize, usize)> {
    r.sentences
        .iter()
        .find(|s| s.start <= at && at < s.end.max(s.start + 1))
        .map(|s| (s.start, s.end))
}

fn evidence(r: &Record, (start, end): (usize, usize)) -> Evidence {
    Evidence {
        article_id: r.id.clone(),
        source: r.source.clone(),
        url: r.url.clone(),
        sentence: r
            .text
            .chars()
            .skip(start)
            .take(end.saturating_sub(start))
            .collect::<String>()
            .trim()
            .to_string(),
        start,
        end,
    }
}

fn code_matches(p: &sitrep_core::model::Participant, v: &str) -> bool {
    let code = p.code.as_deref().map(keyword).unwrap_or_default();
    let country = p.country.as_deref().map(keyword).unwrap_or_default();
    (!code.is_empty() && code.starts_with(v)) || country == v
}

/// Sentences of an article that match the query: those holding words the query marks, else
/// those where a field clause holds (an entity, an event's participant, type, CAMEO code or
/// status), else the first sentence.
fn matching_sentences(
    r: &Record,
    m: &Matches,
    fields: &[(FieldName, String)],
) -> Vec<(usize, usize)> {
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let push = |s: Option<(usize, usize)>, spans: &mut Vec<(usize, usize)>| {
        if let Some(s) = s {
            if !spans.contains(&s) {
                spans.push(s);
            }
        }
    };
    for (a, _) in m.marked(&r.text) {
        push(sentence_at(r, a), &mut spans);
    }
    if spans.is_empty() {
        for (f, v) in fields {
            match f {
                FieldName::Entity => {
                    for e in &r.entities {
                        let hit = [e.code.as_deref(), e.name.as_deref(), Some(e.text.as_str())]
                            .into_iter()
                            .flatten()
                            .any(|x| keyword(x) == *v);
                        if hit {
                            push(sentence_at(r, e.start), &mut spans);
                        }
                    }
                }
                FieldName::Actor | FieldName::Recipient | FieldName::Type | FieldName::Cameo => {
                    for e in &r.events {
                        let hit = match f {
                            FieldName::Actor => e.actor.iter().any(|p| code_matches(p, v)),
                            FieldName::Recipient => e.recipient.iter().any(|p| code_matches(p, v)),
                            FieldName::Type => keyword(e.kind.as_str()) == *v,
                            _ => keyword(&e.cameo) == *v,
                        };
                        if hit {
                            push(Some((e.sentence.start, e.sentence.end)), &mut spans);
                        }
                    }
                }
                FieldName::Status => {
                    for e in r.events.iter().filter(|e| e.status.as_str() == v) {
                        push(Some((e.sentence.start, e.sentence.end)), &mut spans);
                    }
                    for c in r.claims.iter().filter(|c| c.status.as_str() == v) {
                        push(Some((c.sentence.start, c.sentence.end)), &mut spans);
                    }
                }
                _ => {}
            }
        }
        spans.sort();
    }
    if spans.is_empty() {
        push(r.sentences.first().map(|s| (s.start, s.end)), &mut spans);
    }
    spans
}

/// Evaluate every watch against the articles stored since its last evaluation; store the
/// alerts (each watch in one transaction with its story states and new sequence number) and
/// return them. Catches the search index up with the store first.
pub fn evaluate(
    store: &mut SqliteStore,
    search: &SearchIndex,
    now: &str,
) -> Result<Vec<Alert>, WatchError> {
    search.catch_up(store)?;
    let mut out = Vec::new();
    for w in store.watches()? {
        out.extend(evaluate_watch(store, search, &w, now)?);
    }
    Ok(out)
}

/// Evaluate one watch (see the module documentation for the semantics). The search index
/// must cover the store ([`SearchIndex::catch_up`]); articles it does not cover yet are left
/// for the next evaluation.
pub fn evaluate_watch(
    store: &mut SqliteStore,
    search: &SearchIndex,
    watch: &WatchRow,
    now: &str,
) -> Result<Vec<Alert>, WatchError> {
    let qerr = |e: SearchError| match e {
        SearchError::Query { message, at } => WatchError::Query {
            watch: watch.name.clone(),
            message,
            at,
        },
        e => WatchError::Search(e),
    };
    let node = parse(&watch.query).map_err(qerr)?;
    let mut fields = Vec::new();
    field_terms(&node, &mut fields);
    let max = store.max_seq()?.min(search.indexed_seq()?);
    if max <= watch.last_seq {
        return Ok(Vec::new());
    }
    let known: HashMap<u32, StoryState> = store
        .watch_story_states(watch.id)?
        .into_iter()
        .map(|(s, json)| (s as u32, serde_json::from_str(&json).unwrap_or_default()))
        .collect();
    let mut highlight = search.matching(store, &watch.query, &[]).map_err(qerr)?;
    // story -> its new articles (matching ones, and all of stories the watch knows)
    let mut touched: BTreeMap<u32, Vec<NewArticle>> = BTreeMap::new();
    let mut seq = watch.last_seq;
    'read: loop {
        let batch = store.records_after(seq, BATCH)?;
        if batch.is_empty() {
            break;
        }
        let ids: Vec<String> = batch
            .iter()
            .filter(|(s, _)| *s <= max)
            .map(|(_, r)| r.id.clone())
            .collect();
        let m = search.matching(store, &watch.query, &ids).map_err(qerr)?;
        for (s, r) in batch {
            if s > max {
                break 'read;
            }
            seq = s;
            let Some(story) = r.story else { continue };
            let matched = m.ids.contains(&r.id);
            if matched || known.contains_key(&story) {
                touched.entry(story).or_default().push(NewArticle {
                    id: r.id.clone(),
                    copy: r.duplicate_of.is_some(),
                    matched,
                    source: r
                        .source
                        .as_deref()
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .unwrap_or(UNKNOWN_SOURCE)
                        .to_string(),
                });
            }
        }
        highlight = m;
        if seq >= max {
            break;
        }
    }

    let mut alerts: Vec<Alert> = Vec::new();
    let mut states: Vec<(i64, String)> = Vec::new();
    for (story, arts) in touched {
        let prior = known.get(&story);
        // a story new to the watch needs an original that matches (a copy alone never alerts)
        if prior.is_none() && !arts.iter().any(|a| a.matched && !a.copy) {
            continue;
        }
        let Some(cur) = current(store, story)? else {
            continue;
        };
        let originals: Vec<&NewArticle> = arts.iter().filter(|a| !a.copy).collect();
        let mut reasons = Vec::new();
        let mut groups: Vec<Vec<Evidence>> = Vec::new();
        let sentences_of = |a: &NewArticle, max: usize| -> Vec<Evidence> {
            match cur.records.get(&a.id) {
                Some(r) => matching_sentences(r, &highlight, &fields)
                    .into_iter()
                    .take(max)
                    .map(|s| evidence(r, s))
                    .collect(),
                None => Vec::new(),
            }
        };
        match prior {
            None => {
                reasons.push(Reason::NewStory);
                groups.push(
                    originals
                        .iter()
                        .filter(|a| a.matched)
                        .flat_map(|a| sentences_of(a, 2))
                        .collect(),
                );
            }
            Some(old) => {
                let gained: Vec<&String> = cur
                    .state
                    .sources
                    .iter()
                    .filter(|s| !old.sources.contains(s))
                    .collect();
                if !gained.is_empty() && cur.state.sources.len() > old.sources.len() {
                    reasons.push(Reason::NewIndependentSource);
                    groups.push(
                        originals
                            .iter()
                            .filter(|a| gained.contains(&&a.source))
                            .flat_map(|a| sentences_of(a, 2))
                            .collect(),
                    );
                }
                let new_ids: HashSet<&str> = originals.iter().map(|a| a.id.as_str()).collect();
                let mut new_fig = Vec::new();
                let mut revised = Vec::new();
                for g in &cur.corr.figures {
                    let before = old.figures.get(&g.unit);
                    for v in &g.values {
                        let shown = display_value(v.value);
                        if before.is_some_and(|b| b.contains(&shown)) {
                            continue;
                        }
                        let ev = v
                            .evidence
                            .iter()
                            .find(|e| new_ids.contains(e.article.as_str()))
                            .or(v.evidence.first());
                        let ev = ev.and_then(|e| {
                            let r = cur.records.get(&e.article)?;
                            Some(evidence(r, sentence_at(r, e.start)?))
                        });
                        let list = if before.is_some() {
                            &mut revised
                        } else {
                            &mut new_fig
                        };
                        list.extend(ev);
                        if list.is_empty() {
                            // keep the reason even when the sentence cannot be found
                            list.push(Evidence {
                                article_id: String::new(),
                                source: None,
                                url: None,
                                sentence: String::new(),
                                start: 0,
                                end: 0,
                            });
                        }
                    }
                }
                for (reason, mut list) in [
                    (Reason::NewFigure, new_fig),
                    (Reason::RevisedFigure, revised),
                ] {
                    if !list.is_empty() {
                        list.retain(|e| !e.article_id.is_empty());
                        reasons.push(reason);
                        groups.push(list);
                    }
                }
                let denials: Vec<Evidence> = cur
                    .state
                    .denials
                    .iter()
                    .filter(|d| !old.denials.contains(*d))
                    .filter_map(|d| {
                        let (id, item) = d.rsplit_once(':')?;
                        let r = cur.records.get(id)?;
                        let idx: usize = item[1..].parse().ok()?;
                        let s = if item.starts_with('e') {
                            r.events.get(idx).map(|e| e.sentence)?
                        } else {
                            r.claims.get(idx).map(|c| c.sentence)?
                        };
                        Some(evidence(r, (s.start, s.end)))
                    })
                    .collect();
                if cur.state.denials.iter().any(|d| !old.denials.contains(d)) {
                    reasons.push(Reason::Denial);
                    groups.push(denials);
                }
            }
        }
        if prior != Some(&cur.state) {
            states.push((
                story as i64,
                serde_json::to_string(&cur.state).expect("a state serialises"),
            ));
        }
        if reasons.is_empty() {
            continue;
        }
        alerts.push(Alert {
            id: 0,
            watch: watch.name.clone(),
            kind: if prior.is_none() { "new" } else { "update" }.to_string(),
            reasons,
            story,
            headline: cur.headline.clone(),
            independent_sources: cur.state.sources.len(),
            sources: cur.state.sources.clone(),
            evidence: interleave(groups, MAX_EVIDENCE),
            created_at: now.to_string(),
        });
    }
    let new: Vec<NewAlert> = alerts
        .iter()
        .map(|a| NewAlert {
            story: a.story as i64,
            kind: a.kind.clone(),
        })
        .collect();
    store.record_watch_cycle(watch.id, Some(seq), now, &states, &new, &mut |i, id| {
        alerts[i].id = id;
        serde_json::to_string(&alerts[i]).expect("an alert serialises")
    })?;
    Ok(alerts)
}

/// Up to `max` items taken in turn from each group (so that every reason shows evidence),
/// without repeating a sentence.
fn interleave(groups: Vec<Vec<Evidence>>, max: usize) -> Vec<Evidence> {
    let mut its: Vec<_> = groups.into_iter().map(|g| g.into_iter()).collect();
    let mut out: Vec<Evidence> = Vec::new();
    loop {
        let mut any = false;
        for it in its.iter_mut() {
            if out.len() >= max {
                return out;
            }
            if let Some(e) = it.next() {
                any = true;
                if !out
                    .iter()
                    .any(|x| x.article_id == e.article_id && x.start == e.start)
                {
                    out.push(e);
                }
            }
        }
        if !any {
            return out;
        }
    }
}

/// Check a webhook URL's shape: an absolute `http` or `https` URL with a host. The message
/// says what is wrong.
pub fn check_webhook(s: &str) -> Result<(), String> {
    let u = url::Url::parse(s).map_err(|e| {
        format!("webhook '{s}' is not a URL ({e}); give one like https://example.org/hook")
    })?;
    if !matches!(u.scheme(), "http" | "https") {
        return Err(format!(
            "webhook '{s}' is a {} URL; webhooks are http:// or https://",
            u.scheme()
        ));
    }
    if u.host_str().is_none_or(str::is_empty) {
        return Err(format!("webhook '{s}' has no host"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_shapes() {
        assert!(check_webhook("https://example.org/hook").is_ok());
        assert!(check_webhook("http://127.0.0.1:9000/x").is_ok());
        assert!(check_webhook("ftp://example.org/x")
            .unwrap_err()
            .contains("ftp"));
        assert!(check_webhook("example.org/hook").is_err());
    }

    #[test]
    fn evidence_is_capped_and_shared_between_reasons() {
        let ev = |a: &str, s: usize| Evidence {
            article_id: a.into(),
            source: None,
            url: None,
            sentence: format!("{a}{s}"),
            start: s,
            end: s + 1,
        };
        let groups = vec![
            (0..6).map(|i| ev("a", i)).collect(),
            vec![ev("b", 0), ev("a", 0)],
        ];
        let out = interleave(groups, MAX_EVIDENCE);
        assert_eq!(out.len(), MAX_EVIDENCE);
        assert_eq!(out[1].article_id, "b", "each reason gets a turn");
        assert_eq!(
            out.iter()
                .filter(|e| e.article_id == "a" && e.start == 0)
                .count(),
            1
        );
    }
}
