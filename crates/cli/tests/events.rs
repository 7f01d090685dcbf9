//! `sitrep events` and `sitrep claims` over the three seed reports (read from ../shared or
//! $SITREP_SHARED, never copied here): every filter gives exactly the part of the full listing
//! that the filter, computed here, selects.

mod common;

use std::path::Path;

use chrono::{Datelike, Duration, NaiveDate};
use common::*;
use serde_json::Value;

/// The seed reports ingested into a new store; `None` when the shared data is missing.
fn seeded() -> Option<tempfile::TempDir> {
    let data = shared_data()?;
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = bin();
    cmd.args(["ingest", "--quiet", "--store"]).arg(dir.path());
    cmd.arg(data.join("seeds"));
    ok(&cmd.output().unwrap());
    Some(dir)
}

/// `sitrep WHAT --json --limit 0 --store STORE ARGS...`: its rows.
fn list(store: &Path, what: &str, args: &[&str]) -> Vec<Value> {
    let mut cmd = bin();
    cmd.args([what, "--json", "--limit", "0", "--store"])
        .arg(store)
        .args(args);
    let out = cmd.output().unwrap();
    ok(&out);
    records(&out)
}

/// The last day (YYYY-MM-DD) of a date value: a day, an ISO week, a month, a year, a decade.
fn last_day(v: &str) -> Option<NaiveDate> {
    if let Some(d) = v
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    {
        return Some(d);
    }
    if let Some(decade) = v.strip_suffix('X') {
        return NaiveDate::from_ymd_opt(decade.parse::<i32>().ok()? * 10 + 9, 12, 31);
    }
    let y: i32 = v.get(..4)?.parse().ok()?;
    match v.get(4..)? {
        "" => NaiveDate::from_ymd_opt(y, 12, 31),
        rest if rest.starts_with("-W") => {
            let monday =
                NaiveDate::from_isoywd_opt(y, rest[2..].parse().ok()?, chrono::Weekday::Mon)?;
            Some(monday + Duration::days(6))
        }
        rest => {
            let m: u32 = rest.strip_prefix('-')?.parse().ok()?;
            let first = NaiveDate::from_ymd_opt(y, m, 1)?;
            let next = first.with_day(28)? + Duration::days(4);
            Some(next - Duration::days(next.day() as i64))
        }
    }
}

/// The last day an item can fall on: its own date's, else its article's publication date.
fn last_of(row: &Value, item: &str) -> Option<NaiveDate> {
    row[item]["date"]["value"]
        .as_str()
        .or(row["published"].as_str())
        .and_then(last_day)
}

/// The first day an item can fall on, as for [`last_of`].
fn first_of(row: &Value, item: &str) -> Option<NaiveDate> {
    let v = row[item]["date"]["value"]
        .as_str()
        .or(row["published"].as_str())?;
    if let Some(d) = v
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    {
        return Some(d);
    }
    if let Some(decade) = v.strip_suffix('X') {
        return NaiveDate::from_ymd_opt(decade.parse::<i32>().ok()? * 10, 1, 1);
    }
    let y: i32 = v.get(..4)?.parse().ok()?;
    match v.get(4..)? {
        "" => NaiveDate::from_ymd_opt(y, 1, 1),
        rest if rest.starts_with("-W") => {
            NaiveDate::from_isoywd_opt(y, rest[2..].parse().ok()?, chrono::Weekday::Mon)
        }
        rest => NaiveDate::from_ymd_opt(y, rest.strip_prefix('-')?.parse().ok()?, 1),
    }
}

/// Some participant's code starts with `code`, or its country is `code`.
fn any_is(ps: &Value, code: &str) -> bool {
    ps.as_array()
        .into_iter()
        .flatten()
        .any(|p| p["code"].as_str().is_some_and(|c| c.starts_with(code)) || p["country"] == code)
}

/// Arguments of a listing, and the rows they must select.
type Case<'a> = (Vec<&'a str>, Box<dyn Fn(&Value) -> bool + 'a>);

/// The rows of `full` that `keep` selects, in the same order.
fn subset(full: &[Value], keep: impl Fn(&Value) -> bool) -> Vec<Value> {
    full.iter().filter(|r| keep(r)).cloned().collect()
}

#[test]
fn event_filters_select_exactly_their_subset() {
    let Some(dir) = seeded() else { return };
    let store = dir.path();
    let full = list(store, "events", &[]);
    assert!(
        !full.is_empty(),
        "no events coded in the three seed reports"
    );
    // every row carries the article, its story and the evidence
    for r in &full {
        assert!(r["article"].is_string() && r["story"].is_u64(), "{r}");
        let e = &r["event"];
        assert!(e["type"].is_string() && e["cameo"].is_string(), "{r}");
        assert!(!r["sentence"].as_str().unwrap().is_empty(), "{r}");
    }
    let since = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let story = full[0]["story"].as_u64().unwrap().to_string();
    let article = full[0]["article"].as_str().unwrap().to_string();
    let cases: Vec<Case> = vec![
        (
            vec!["--actor", "CAN"],
            Box::new(|r| any_is(&r["event"]["actor"], "CAN")),
        ),
        (
            vec!["--actor", "PRK"],
            Box::new(|r| any_is(&r["event"]["actor"], "PRK")),
        ),
        (
            vec!["--recipient", "USA"],
            Box::new(|r| any_is(&r["event"]["recipient"], "USA")),
        ),
        (
            vec!["--type", "ACCUSE"],
            Box::new(|r| r["event"]["type"] == "ACCUSE"),
        ),
        (
            vec!["--type", "support"],
            Box::new(|r| r["event"]["type"] == "SUPPORT"),
        ),
        (
            vec!["--since", "2024-01-01"],
            Box::new(move |r| last_of(r, "event").is_some_and(|d| d >= since)),
        ),
        (
            vec!["--until", "2024-01-01"],
            Box::new(move |r| first_of(r, "event").is_some_and(|d| d <= since)),
        ),
        (
            vec!["--story", &story],
            Box::new(|r| r["story"].as_u64().map(|s| s.to_string()) == Some(story.clone())),
        ),
        (
            vec!["--article", &article[..8]],
            Box::new(|r| r["article"] == article.as_str()),
        ),
        (
            vec!["--status", "demanded"],
            Box::new(|r| r["event"]["status"] == "demanded"),
        ),
        (
            vec!["--status", "asserted", "--actor", "PRK"],
            Box::new(|r| r["event"]["status"] == "asserted" && any_is(&r["event"]["actor"], "PRK")),
        ),
    ];
    for (args, keep) in &cases {
        let got = list(store, "events", args);
        assert_eq!(got, subset(&full, keep), "sitrep events {args:?}");
        // the filters the seeds are known to exercise select something
        let known = [
            "--actor CAN",
            "--type ACCUSE",
            "--since 2024-01-01",
            "--story",
            "--status demanded",
        ];
        if known.iter().any(|k| args.join(" ").starts_with(k)) {
            assert!(!got.is_empty(), "sitrep events {args:?} selects nothing");
        }
    }
    // paging walks the same list
    let page = list(store, "events", &["--offset", "1"]);
    assert_eq!(page, full[1..]);
}

#[test]
fn event_spans_slice_the_article_text() {
    let Some(dir) = seeded() else { return };
    let store = dir.path();
    let full = list(store, "events", &[]);
    assert!(
        !full.is_empty(),
        "no events coded in the three seed reports"
    );
    let mut shown = std::collections::HashMap::new();
    for r in &full {
        let id = r["article"].as_str().unwrap();
        let (rec, human) = shown.entry(id.to_string()).or_insert_with(|| {
            let out = bin()
                .args(["show", id, "--json", "--store"])
                .arg(store)
                .output()
                .unwrap();
            ok(&out);
            let rec: Value = serde_json::from_slice(&out.stdout).unwrap();
            let human = bin()
                .args(["show", id, "--store"])
                .arg(store)
                .output()
                .unwrap();
            ok(&human);
            (rec, String::from_utf8_lossy(&human.stdout).to_string())
        });
        let text = rec["text"].as_str().unwrap();
        let e = &r["event"];
        let (s, t) = (&e["sentence"], &e["trigger"]);
        let sentence = slice(
            text,
            s["start"].as_u64().unwrap(),
            s["end"].as_u64().unwrap(),
        );
        assert_eq!(r["sentence"].as_str().unwrap(), sentence);
        let trigger = slice(
            text,
            t["start"].as_u64().unwrap(),
            t["end"].as_u64().unwrap(),
        );
        assert_eq!(t["text"].as_str().unwrap(), trigger, "{r}");
        // the stored record holds the same event at the listed position
        let idx = r["idx"].as_u64().unwrap() as usize;
        assert_eq!(&rec["events"][idx], e);
        // and `sitrep show` prints it
        assert!(human.contains("EVENTS"), "{human}");
        assert!(human.contains(e["type"].as_str().unwrap()), "{human}");
    }
    // human listing: one block per event, with its article
    let out = bin()
        .args(["events", "--limit", "0", "--store"])
        .arg(store)
        .output()
        .unwrap();
    ok(&out);
    let human = String::from_utf8_lossy(&out.stdout);
    assert!(human.contains(&format!(
        "[article {}]",
        full[0]["article"].as_str().unwrap()
    )));
    assert!(
        human.contains(&format!("{} of {} events", full.len(), full.len())),
        "{human}"
    );
}

#[test]
fn claim_filters_select_exactly_their_subset() {
    let Some(dir) = seeded() else { return };
    let store = dir.path();
    let full = list(store, "claims", &[]);
    assert!(!full.is_empty(), "no claims in the three seed reports");
    let since = NaiveDate::from_ymd_opt(2024, 11, 1).unwrap();
    let status = full[0]["claim"]["status"].as_str().unwrap().to_string();
    let article = full[0]["article"].as_str().unwrap().to_string();
    let cases: Vec<Case> = vec![
        (
            vec!["--speaker", "USA"],
            Box::new(|r| {
                let p = &r["claim"]["speaker"];
                p["code"].as_str().is_some_and(|c| c.starts_with("USA")) || p["country"] == "USA"
            }),
        ),
        (
            vec!["--since", "2024-11-01"],
            Box::new(move |r| last_of(r, "claim").is_some_and(|d| d >= since)),
        ),
        (
            vec!["--status", &status],
            Box::new(|r| r["claim"]["status"] == status.as_str()),
        ),
        (
            vec!["--article", &article],
            Box::new(|r| r["article"] == article.as_str()),
        ),
    ];
    for (args, keep) in &cases {
        let got = list(store, "claims", args);
        assert_eq!(got, subset(&full, keep), "sitrep claims {args:?}");
    }
}

#[test]
fn unknown_type_or_status_lists_the_valid_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .args(["events", "--type", "BOGUS", "--store"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("BOGUS"), "{err}");
    for t in [
        "AGREE",
        "CONSULT",
        "SUPPORT",
        "CONCEDE",
        "COOPERATE",
        "AID",
        "RETREAT",
        "REQUEST",
        "ACCUSE",
        "REJECT",
        "THREATEN",
        "PROTEST",
        "SANCTION",
        "MOBILIZE",
        "COERCE",
        "ASSAULT",
    ] {
        assert!(err.contains(t), "{t} missing from: {err}");
    }
    for what in ["events", "claims"] {
        let out = bin()
            .args([what, "--status", "rumoured", "--store"])
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        for s in ["asserted", "denied", "hedged", "demanded", "planned"] {
            assert!(err.contains(s), "{s} missing from: {err}");
        }
    }
    let out = bin()
        .args(["events", "--actor", "PRK%", "--store"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--actor"));
}

/// An article's id, story and `duplicate_of` as stored.
type Link = (String, Option<i64>, Option<String>);

/// Every stored record (`sitrep show --json`), by id, and the stored links.
fn snapshot(store: &Path) -> (Vec<Value>, Vec<Link>) {
    let conn = rusqlite::Connection::open(store.join("sitrep.db")).unwrap();
    let mut stmt = conn
        .prepare("SELECT id, story, duplicate_of FROM articles ORDER BY id")
        .unwrap();
    let links: Vec<Link> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let records = links
        .iter()
        .map(|(id, _, _)| {
            let out = bin()
                .args(["show", id, "--json", "--store"])
                .arg(store)
                .output()
                .unwrap();
            ok(&out);
            serde_json::from_slice(&out.stdout).unwrap()
        })
        .collect();
    (records, links)
}

fn reannotate(store: &Path) -> Value {
    let out = bin()
        .args(["reannotate", "--json", "--store"])
        .arg(store)
        .output()
        .unwrap();
    ok(&out);
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Annotating a store again with the same sitrep changes no record, no link and no decision.
#[test]
fn reannotate_keeps_records_links_and_decisions() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path();
    let mut cmd = bin();
    cmd.args(["ingest", "--quiet", "--store"]).arg(store);
    cmd.arg(repo_root().join("examples/corpus"));
    ok(&cmd.output().unwrap());
    // an analyst decision, which re-annotation must not undo
    let stories = list(store, "stories", &[]);
    assert!(stories.len() >= 2);
    let (a, b) = (
        stories[0]["id"].as_u64().unwrap().to_string(),
        stories[1]["id"].as_u64().unwrap().to_string(),
    );
    let mut merge = bin();
    merge.args(["story", "merge", &a, &b, "--store"]).arg(store);
    ok(&merge.output().unwrap());
    let before = snapshot(store);
    let report = reannotate(store);
    assert_eq!(
        report["reannotated"].as_u64().unwrap() as usize,
        before.0.len()
    );
    assert_eq!(report["failed"], serde_json::json!([]));
    let after = snapshot(store);
    assert_eq!(after.1, before.1, "links changed");
    assert_eq!(after.0, before.0, "records changed");
    assert_eq!(list(store, "stories", &[]).len(), stories.len() - 1);
}

/// A store whose articles were stored without events (before sitrep coded them) gets them from
/// `sitrep reannotate`, the same as a fresh ingest gives.
#[test]
fn reannotate_codes_events_of_a_store_without_them() {
    let Some(dir) = seeded() else { return };
    let store = dir.path();
    let full = list(store, "events", &[]);
    let claims = list(store, "claims", &[]);
    assert!(
        !full.is_empty(),
        "no events coded in the three seed reports"
    );
    let links = snapshot(store).1;
    {
        let conn = rusqlite::Connection::open(store.join("sitrep.db")).unwrap();
        conn.execute_batch(
            "DELETE FROM event_participants; DELETE FROM events; DELETE FROM claims;",
        )
        .unwrap();
    }
    assert!(list(store, "events", &[]).is_empty());
    let out = bin()
        .args(["events", "--store"])
        .arg(store)
        .output()
        .unwrap();
    ok(&out);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("sitrep reannotate"),
        "an empty listing says how to get events"
    );
    let report = reannotate(store);
    assert_eq!(report["events"].as_u64().unwrap() as usize, full.len());
    assert_eq!(list(store, "events", &[]), full);
    assert_eq!(list(store, "claims", &[]), claims);
    assert_eq!(snapshot(store).1, links);
}
