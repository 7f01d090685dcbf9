//! Events and claims the event-coding issue asks for on the three seed reports (read from
//! ../shared or $SITREP_SHARED, never copied here), through `sitrep process`.

mod common;

use common::*;
use serde_json::Value;

fn seeds() -> Option<Vec<Value>> {
    let data = shared_data()?;
    let out = run(&["process", "--quiet", data.join("seeds").to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let recs = records(&out);
    assert_eq!(recs.len(), 3);
    Some(recs)
}

fn list<'a>(v: &'a Value, field: &str) -> &'a Vec<Value> {
    v[field].as_array().unwrap()
}

/// The country part of each participant's code (`PRKMIL` -> `PRK`).
fn countries(e: &Value, role: &str) -> Vec<String> {
    list(e, role)
        .iter()
        .filter_map(|p| {
            p["country"]
                .as_str()
                .or_else(|| p["code"].as_str().map(|c| &c[..3.min(c.len())]))
                .map(str::to_string)
        })
        .collect()
}

fn has_all(have: &[String], want: &[&str]) -> bool {
    want.iter().all(|w| have.iter().any(|h| h == w))
}

fn events_of<'a>(r: &'a Value, kind: &str) -> Vec<&'a Value> {
    list(r, "events")
        .iter()
        .filter(|e| e["type"] == kind)
        .collect()
}

fn describe(r: &Value) -> String {
    list(r, "events")
        .iter()
        .map(|e| {
            format!(
                "{} {} {:?} -> {:?} [{}] {}",
                e["type"],
                e["status"],
                countries(e, "actor"),
                countries(e, "recipient"),
                e["trigger"]["text"],
                e["date"]["value"]
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn canada_and_korea_accuse_north_korea_and_demand_russia_withdraw() {
    let Some(recs) = seeds() else { return };
    let r = &recs[0];
    let text = r["text"].as_str().unwrap();
    let accuse = events_of(r, "ACCUSE");
    assert!(
        accuse
            .iter()
            .any(|e| has_all(&countries(e, "actor"), &["CAN", "KOR"])
                && has_all(&countries(e, "recipient"), &["PRK"])
                && e["status"] == "asserted"),
        "no CAN+KOR ACCUSE PRK in:\n{}",
        describe(r)
    );
    let request = events_of(r, "REQUEST");
    let withdraw = request.iter().find(|e| {
        let s = &e["sentence"];
        let sentence = slice(
            text,
            s["start"].as_u64().unwrap(),
            s["end"].as_u64().unwrap(),
        );
        has_all(&countries(e, "actor"), &["CAN", "KOR"])
            && has_all(&countries(e, "recipient"), &["RUS"])
            && sentence.contains("withdraw")
            && sentence.contains("Ukraine")
    });
    let withdraw =
        withdraw.unwrap_or_else(|| panic!("no REQUEST RUS withdraw in:\n{}", describe(r)));
    assert_eq!(withdraw["status"], "demanded");
    // a demand is never reported as a happening
    for e in &request {
        assert_eq!(e["status"], "demanded", "{e}");
    }
}

#[test]
fn the_us_claim_of_ten_thousand_troops_with_eight_thousand_in_kursk() {
    let Some(recs) = seeds() else { return };
    let r = &recs[1];
    let claim = list(r, "claims")
        .iter()
        .find(|c| {
            c["speaker"]["code"]
                .as_str()
                .is_some_and(|s| s.starts_with("USA"))
        })
        .unwrap_or_else(|| panic!("no US claim in {}", r["claims"]));
    let values: Vec<f64> = list(claim, "figures")
        .iter()
        .filter_map(|f| f["value"].as_f64())
        .collect();
    assert!(
        values.contains(&10000.0) && values.contains(&8000.0),
        "{claim}"
    );
    let text = claim["text"].as_str().unwrap();
    assert!(text.contains("Kursk") && text.contains("Russia"), "{text}");
    // the claim was made "on Thursday": a date of the statement, not a publication date
    assert_eq!(claim["date"]["text"], "Thursday");
}

#[test]
fn governments_accuse_north_korea_and_russia_over_missile_transfers_and_strikes() {
    let Some(recs) = seeds() else { return };
    let r = &recs[2];
    let coalition = ["CAN", "USA", "GBR", "DEU", "NZL", "AUS"];
    assert!(
        events_of(r, "ACCUSE")
            .iter()
            .any(|e| has_all(&countries(e, "actor"), &coalition)
                && has_all(&countries(e, "recipient"), &["PRK", "RUS"])),
        "no coalition ACCUSE PRK+RUS in:\n{}",
        describe(r)
    );
    assert!(
        events_of(r, "AID")
            .iter()
            .any(|e| has_all(&countries(e, "actor"), &["PRK"])
                && has_all(&countries(e, "recipient"), &["RUS"])
                && e["context"] == "military"),
        "no PRK AID (military) RUS in:\n{}",
        describe(r)
    );
    let assault: Vec<&Value> = events_of(r, "ASSAULT")
        .into_iter()
        .filter(|e| {
            has_all(&countries(e, "actor"), &["RUS"])
                && has_all(&countries(e, "recipient"), &["UKR"])
        })
        .collect();
    let mut dates: Vec<&str> = assault
        .iter()
        .filter_map(|e| e["date"]["value"].as_str())
        .collect();
    dates.sort();
    dates.dedup();
    assert_eq!(dates, ["2023-12-30", "2024-01-02"], "\n{}", describe(r));
}

#[test]
fn every_event_and_claim_is_evidence_in_its_text() {
    let Some(recs) = seeds() else { return };
    let mut n = 0;
    for r in &recs {
        let text = r["text"].as_str().unwrap();
        let span = |v: &Value| {
            slice(
                text,
                v["start"].as_u64().unwrap(),
                v["end"].as_u64().unwrap(),
            )
        };
        for e in list(r, "events") {
            n += 1;
            assert!(
                !list(e, "actor").is_empty(),
                "an event without an actor: {e}"
            );
            for p in list(e, "actor").iter().chain(list(e, "recipient")) {
                assert_eq!(span(p), p["text"].as_str().unwrap());
            }
            assert_eq!(span(&e["trigger"]), e["trigger"]["text"].as_str().unwrap());
            let (s, t) = (&e["sentence"], &e["trigger"]);
            assert!(
                s["start"].as_u64() <= t["start"].as_u64()
                    && t["end"].as_u64() <= s["end"].as_u64()
            );
            if let Some(d) = e.get("date") {
                assert_eq!(span(d), d["text"].as_str().unwrap());
            }
        }
        for c in list(r, "claims") {
            assert_eq!(span(c), c["text"].as_str().unwrap());
            for f in list(c, "figures") {
                assert_eq!(span(f), f["text"].as_str().unwrap());
            }
        }
    }
    assert!(n >= 6, "too few events on the seeds: {n}");
}
