//! Behaviour checks on sentences written for these tests: passives, compounds, negation,
//! hedges, plans, demands, reported speech, nominal events and dates.

use crate::model::{Event, EventStatus, Meta, PloverType};
use crate::Pipeline;

fn code(text: &str) -> crate::Article {
    thread_local! {
        static P: Pipeline = Pipeline::default();
    }
    let meta = Meta {
        published: Some("2024-03-15".into()),
        ..Default::default()
    };
    P.with(|p| p.annotate(text.to_string(), meta))
}

fn codes(ps: &[crate::model::Participant]) -> Vec<String> {
    ps.iter().filter_map(|p| p.code.clone()).collect()
}

fn one(text: &str, kind: PloverType) -> Event {
    let a = code(text);
    let found: Vec<&Event> = a.events.iter().filter(|e| e.kind == kind).collect();
    assert!(
        !found.is_empty(),
        "no {kind:?} in {text:?}: {:#?}",
        a.events
    );
    found[0].clone()
}

#[test]
fn compound_actors_and_recipients() {
    let e = one(
        "France and Germany condemned Iran and Syria for the raids.",
        PloverType::Accuse,
    );
    assert_eq!(codes(&e.actor), ["FRA", "DEU"]);
    assert_eq!(codes(&e.recipient), ["IRN", "SYR"]);
    assert_eq!(e.status, EventStatus::Asserted);
    assert_eq!(e.trigger.text, "condemned");
}

#[test]
fn passive_voice_swaps_actor_and_recipient() {
    let e = one(
        "Ukraine was attacked by Russia on Tuesday.",
        PloverType::Assault,
    );
    assert_eq!(codes(&e.actor), ["RUS"]);
    assert_eq!(codes(&e.recipient), ["UKR"]);
    assert_eq!(
        e.date.as_ref().and_then(|d| d.value.as_deref()),
        Some("2024-03-12")
    );
}

#[test]
fn negation_and_denial_are_not_happenings() {
    let e = one("Russia did not attack Georgia.", PloverType::Assault);
    assert_eq!(e.status, EventStatus::Denied);
    let e = one(
        "Russia denied that its troops attacked Georgia.",
        PloverType::Assault,
    );
    assert_eq!(e.status, EventStatus::Denied);
}

#[test]
fn hedges_and_plans() {
    let e = one("Iran reportedly attacked Israel.", PloverType::Assault);
    assert_eq!(e.status, EventStatus::Hedged);
    let e = one("Japan will sanction North Korea.", PloverType::Coerce);
    assert_eq!(e.status, EventStatus::Planned);
    assert_eq!(codes(&e.recipient), ["PRK"]);
}

#[test]
fn appeals_are_demanded_requests() {
    let e = one(
        "Canada called on Russia to withdraw its troops from Ukraine.",
        PloverType::Request,
    );
    assert_eq!(codes(&e.actor), ["CAN"]);
    assert_eq!(codes(&e.recipient), ["RUS"]);
    assert_eq!(e.status, EventStatus::Demanded);
    // the demanded withdrawal is part of the request, not a retreat that happened
    let a = code("Canada called on Russia to withdraw its troops from Ukraine.");
    assert!(
        a.events.iter().all(|e| e.kind != PloverType::Retreat),
        "{:#?}",
        a.events
    );
}

#[test]
fn reported_speech_keeps_the_speaker_and_claims_keep_figures() {
    let a = code("The Pentagon said Russia fired 40 missiles at Kyiv on Monday.");
    let e = a
        .events
        .iter()
        .find(|e| e.kind == PloverType::Assault)
        .unwrap_or_else(|| panic!("{:#?}", a.events));
    assert_eq!(codes(&e.actor), ["RUS"]);
    assert!(e.said_by.is_some());
    let c = &a.claims[0];
    assert_eq!(c.cue.as_deref(), Some("said"));
    assert_eq!(c.figures[0].value, Some(40.0));
}

#[test]
fn nominal_events_take_the_possessor_as_actor() {
    let e = one(
        "Poland criticised Belarus's deployment of troops to the border.",
        PloverType::Mobilize,
    );
    assert_eq!(codes(&e.actor), ["BLR"]);
    let e = one(
        "Germany condemned Russia's use of drones against Ukraine.",
        PloverType::Assault,
    );
    assert_eq!(codes(&e.actor), ["RUS"]);
    assert_eq!(codes(&e.recipient), ["UKR"]);
}

#[test]
fn a_trigger_without_an_actor_is_not_an_event() {
    let a = code("The attack came at dawn and the talks were postponed.");
    assert!(a.events.is_empty(), "{:#?}", a.events);
}

#[test]
fn agents_give_sectors() {
    let e = one(
        "North Korean troops attacked Ukrainian soldiers near Kursk.",
        PloverType::Assault,
    );
    assert_eq!(codes(&e.actor), ["PRKMIL"]);
    assert_eq!(codes(&e.recipient), ["UKRMIL"]);
    assert_eq!(e.place.as_ref().map(|p| p.text.as_str()), Some("Kursk"));
}
