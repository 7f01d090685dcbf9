//! Watches evaluated over a store fed by the real pipeline and linker: one alert per story,
//! updates only for material developments, none for copies.

mod common;

use common::*;
use sitrep_monitor::watch::{evaluate, Alert, Reason};
use sitrep_store::Store;

const T1: &str = "2024-10-18T12:00:00Z";

fn only(alerts: &[Alert]) -> &Alert {
    assert_eq!(alerts.len(), 1, "expected exactly one alert: {alerts:#?}");
    &alerts[0]
}

#[test]
fn story_level_alerts_new_copy_other_outlet_unrelated_denial_revision() {
    let mut f = Fixture::new();
    let w = f
        .store
        .add_watch("dprk", "\"North Korea\" troops", None, T1)
        .unwrap()
        .unwrap();

    // Nothing stored since the watch was added: nothing to say.
    assert!(evaluate(&mut f.store, &f.search, T1).unwrap().is_empty());

    // The wire story, and an unrelated one: one new alert, for the wire story.
    f.ingest(&[WIRE, UNRELATED]);
    let alerts = evaluate(&mut f.store, &f.search, T1).unwrap();
    let a = only(&alerts);
    let (story, _) = f.links("wire");
    assert_ne!(story, f.links("fire").0);
    assert_eq!((a.kind.as_str(), a.story), ("new", story));
    assert_eq!(a.reasons, [Reason::NewStory]);
    assert_eq!(a.independent_sources, 1);
    assert_eq!(a.sources, ["wire.example"]);
    assert!(a.id > 0);
    let ev = &a.evidence[0];
    assert_eq!(ev.article_id, "wire");
    assert!(
        ev.sentence
            .contains("North Korea has sent about 10,000 troops"),
        "{ev:?}"
    );
    let text: String = f.store.get("wire").unwrap().unwrap().record.text;
    let span: String = text
        .chars()
        .skip(ev.start)
        .take(ev.end - ev.start)
        .collect();
    assert_eq!(
        span.trim(),
        ev.sentence,
        "offsets are char offsets of the clean text"
    );
    // Stored with its own id in the payload.
    let stored = f.store.alerts(Some(w.id), false, 0).unwrap();
    assert_eq!(stored.len(), 1);
    let payload: serde_json::Value = serde_json::from_str(&stored[0].payload).unwrap();
    assert_eq!(payload["id"], a.id);
    assert_eq!(payload["kind"], "new");

    // Evaluating again adds nothing.
    assert!(evaluate(&mut f.store, &f.search, T1).unwrap().is_empty());

    // A verbatim copy by another outlet: a copy of the wire story, no alert.
    f.ingest(&[COPY]);
    assert_eq!(f.links("copy"), (story, Some("wire".to_string())));
    let alerts = evaluate(&mut f.store, &f.search, T1).unwrap();
    assert!(alerts.is_empty(), "a copy never alerts: {alerts:#?}");

    // Another outlet's own report, not matching the query's words: an update, one more
    // independent source, evidence from the new report.
    f.ingest(&[OTHER]);
    assert_eq!(f.links("herald"), (story, None), "same story, not a copy");
    let alerts = evaluate(&mut f.store, &f.search, T1).unwrap();
    let a = only(&alerts);
    assert_eq!((a.kind.as_str(), a.story), ("update", story));
    assert_eq!(a.reasons, [Reason::NewIndependentSource]);
    assert_eq!(a.independent_sources, 2);
    assert_eq!(a.sources, ["herald.example", "wire.example"]);
    assert!(
        a.evidence.iter().all(|e| e.article_id == "herald"),
        "{a:#?}"
    );
    assert!(!a.evidence.is_empty());

    // A denial from a new outlet: an update with Denial, the denial's sentence as evidence.
    f.ingest(&[DENIAL]);
    assert_eq!(f.links("denial").0, story);
    let a = &evaluate(&mut f.store, &f.search, T1).unwrap()[..];
    let a = only(a);
    assert!(a.reasons.contains(&Reason::Denial), "{a:#?}");
    assert!(a.reasons.contains(&Reason::NewIndependentSource), "{a:#?}");
    assert!(
        a.evidence
            .iter()
            .any(|e| e.article_id == "denial" && e.sentence.contains("denied")),
        "{a:#?}"
    );

    // A revised figure from a known outlet: RevisedFigure only, with the figure's sentence.
    f.ingest(&[REVISED]);
    assert_eq!(f.links("revised").0, story);
    let alerts = evaluate(&mut f.store, &f.search, T1).unwrap();
    let a = only(&alerts);
    assert_eq!(a.reasons, [Reason::RevisedFigure], "{a:#?}");
    assert!(a.evidence[0].sentence.contains("12,000"), "{a:#?}");
    assert_eq!(a.independent_sources, 3);

    // Everything stored: 4 alerts, one story state.
    assert_eq!(f.store.alerts(Some(w.id), false, 0).unwrap().len(), 4);
    assert_eq!(f.store.watch_story_states(w.id).unwrap().len(), 1);
    assert_eq!(
        f.store.watch("dprk").unwrap().unwrap().last_seq,
        sitrep_store::Store::max_seq(&f.store).unwrap()
    );
}

#[test]
fn field_queries_find_evidence_sentences_and_a_copy_alone_never_alerts() {
    let mut f = Fixture::new();
    f.ingest(&[WIRE]);
    // A watch added after the wire report starts after it.
    f.store
        .add_watch("prk", "entity:PRK", None, T1)
        .unwrap()
        .unwrap();
    f.ingest(&[COPY]);
    assert!(evaluate(&mut f.store, &f.search, T1).unwrap().is_empty());
    f.ingest(&[OTHER, UNRELATED]);
    let alerts = evaluate(&mut f.store, &f.search, T1).unwrap();
    let a = only(&alerts);
    assert_eq!(a.kind, "new");
    assert_eq!(
        a.independent_sources, 2,
        "the story's sources, not the alert's"
    );
    // no words to mark: the sentences naming the entity
    assert!(
        a.evidence.iter().any(|e| e.sentence.contains("Pyongyang")),
        "{a:#?}"
    );
}

#[test]
fn atom_feed_and_digest_of_the_alerts() {
    use atom_syndication::Feed;
    use sitrep_monitor::{atom::atom_feed, digest};
    let mut f = Fixture::new();
    let w = f
        .store
        .add_watch("dprk", "\"North Korea\" troops", None, T1)
        .unwrap()
        .unwrap();
    f.ingest(&[WIRE, UNRELATED]);
    let first = evaluate(&mut f.store, &f.search, T1).unwrap();
    f.ingest(&[OTHER]);
    let second = evaluate(&mut f.store, &f.search, "2024-10-19T08:00:00Z").unwrap();
    assert_eq!((first.len(), second.len()), (1, 1));

    let alerts = vec![second[0].clone(), first[0].clone()];
    let xml = atom_feed(&w, &alerts, "http://127.0.0.1:8080/");
    let feed: Feed = xml.parse().unwrap();
    assert_eq!(feed.id(), "urn:sitrep:watch:dprk");
    assert_eq!(feed.entries().len(), 2);
    let e = &feed.entries()[1];
    assert_eq!(e.id(), format!("urn:sitrep:alert:{}", first[0].id));
    assert!(
        e.title().as_str().starts_with("New: North Korea"),
        "{}",
        e.title().as_str()
    );
    let html = e.content().unwrap().value().unwrap();
    assert!(
        html.contains("http://127.0.0.1:8080/articles/wire?hl="),
        "{html}"
    );
    assert!(feed.entries()[0]
        .title()
        .as_str()
        .starts_with("Update (new independent source)"));
    assert_eq!(feed.updated().to_rfc3339(), "2024-10-19T08:00:00+00:00");

    // Digest of the first day: the new story only; of the second: the update.
    let day1 = chrono::NaiveDate::from_ymd_opt(2024, 10, 18).unwrap();
    let d = digest::digest(&f.store, None, day1).unwrap();
    assert_eq!(d.watches.len(), 1);
    let s = &d.watches[0].stories;
    assert_eq!(s.len(), 1);
    assert_eq!((s[0].kind.as_str(), s[0].independent_sources), ("new", 1));
    let md = digest::render_markdown(&d);
    assert!(md.contains("## dprk"), "{md}");
    assert!(md.contains("article `wire`"), "{md}");
    let d2 = digest::digest(&f.store, Some("dprk"), day1.succ_opt().unwrap()).unwrap();
    assert_eq!(d2.watches[0].stories[0].kind, "update");
    assert_eq!(d2.watches[0].stories[0].independent_sources, 2);
    assert!(digest::digest(&f.store, Some("nope"), day1).is_err());
}
