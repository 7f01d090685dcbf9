//! The three seed reports (read from ../shared or $SITREP_SHARED, never copied here) through
//! `sitrep process`: what the core issue says must come out of them.

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

/// The record whose id was derived from the seed file starting with `prefix` (sorted input).
fn seed(recs: &[Value], i: usize) -> &Value {
    &recs[i]
}

fn items<'a>(r: &'a Value, field: &str) -> &'a Vec<Value> {
    r[field].as_array().unwrap()
}

fn persons(r: &Value) -> Vec<(String, Option<String>, Option<String>)> {
    items(r, "entities")
        .iter()
        .filter(|e| e["kind"] == "person")
        .map(|e| {
            (
                e["text"].as_str().unwrap().to_string(),
                e["role"].as_str().map(str::to_string),
                e["country"].as_str().map(str::to_string),
            )
        })
        .collect()
}

fn codes(r: &Value) -> Vec<String> {
    let mut v: Vec<String> = items(r, "entities")
        .iter()
        .filter(|e| e["kind"] == "country")
        .filter_map(|e| e["code"].as_str().map(str::to_string))
        .collect();
    v.sort();
    v.dedup();
    v
}

fn has_entity(r: &Value, kind: &str, text: &str) -> bool {
    items(r, "entities")
        .iter()
        .any(|e| e["kind"] == kind && e["text"] == text)
}

#[test]
fn every_span_slices_its_text() {
    let Some(recs) = seeds() else { return };
    for r in &recs {
        let text = r["text"].as_str().unwrap();
        for field in ["entities", "dates", "figures", "quotes"] {
            for it in items(r, field) {
                let (s, e) = (it["start"].as_u64().unwrap(), it["end"].as_u64().unwrap());
                assert_eq!(
                    slice(text, s, e),
                    it["text"].as_str().unwrap(),
                    "{field} in {}",
                    r["id"]
                );
            }
        }
    }
}

#[test]
fn debris_is_dropped_and_dates_read() {
    let Some(recs) = seeds() else { return };
    let s000 = seed(&recs, 0);
    assert_eq!(s000["published"], "2024-11-02");
    let t = s000["text"].as_str().unwrap();
    assert!(!t.contains("Photo:"), "photo credit kept");
    // The two pasted headline fragments: found by rule, checked against the raw seed file read
    // at test time (no seed text is written into this repository).
    let raw = std::fs::read(
        shared_data()
            .unwrap()
            .join("seeds/000_7178c9b9532e1a59.txt"),
    )
    .unwrap();
    let stray: Vec<&Value> = items(s000, "removed")
        .iter()
        .filter(|r| r["rule"] == "stray-headline")
        .collect();
    assert_eq!(stray.len(), 2, "{:?}", items(s000, "removed"));
    for r in stray {
        let (a, b) = (
            r["raw_start"].as_u64().unwrap() as usize,
            r["raw_end"].as_u64().unwrap() as usize,
        );
        let line = String::from_utf8_lossy(&raw[a..b]).trim().to_string();
        assert!(!line.is_empty() && !line.ends_with('.'), "{line:?}");
        assert!(!t.contains(&line), "stray headline kept: {line:?}");
    }
    assert!(!t.starts_with(" date"), "dateline kept");
    let s004 = seed(&recs, 2);
    let t4 = s004["text"].as_str().unwrap();
    assert!(!t4.contains("Get breaking"));
    assert!(!t4.trim_end().ends_with("Comments"));
    // a missing date stays missing
    assert_eq!(seed(&recs, 1)["published"], Value::Null);
    assert_eq!(s004["published"], Value::Null);
    let values: Vec<&str> = items(s004, "dates")
        .iter()
        .filter_map(|d| d["value"].as_str())
        .collect();
    assert!(values.contains(&"2023-12-30"), "{values:?}");
    assert!(values.contains(&"2024-01-02"), "{values:?}");
}

#[test]
fn ministers_with_roles_and_countries() {
    let Some(recs) = seeds() else { return };
    for i in [0, 1] {
        let p = persons(seed(&recs, i));
        for (name, country) in [
            ("Melanie Joly", "CAN"),
            ("Bill Blair", "CAN"),
            ("Cho Tae-yul", "KOR"),
            ("Kim Yong-hyun", "KOR"),
        ] {
            assert!(
                p.iter()
                    .any(|(n, _, c)| n == name && c.as_deref() == Some(country)),
                "seed {i}: {name} ({country}) not found in {p:?}"
            );
        }
    }
    // roles where the text gives them
    let p1 = persons(seed(&recs, 1));
    for (name, role) in [
        ("Cho Tae-yul", "Foreign Minister"),
        ("Kim Yong-hyun", "Defense Minister"),
        ("Melanie Joly", "Foreign Minister"),
        ("Bill Blair", "Defense Minister"),
    ] {
        assert!(
            p1.iter()
                .any(|(n, r, _)| n == name && r.as_deref() == Some(role)),
            "{name}: {p1:?}"
        );
    }
    let p0 = persons(seed(&recs, 0));
    assert!(p0.iter().any(
        |(n, r, _)| n == "Melanie Joly" && r.as_deref() == Some("Minister of Foreign Affairs")
    ));
    let p4 = persons(seed(&recs, 2));
    assert!(
        p4.iter()
            .any(|(n, _, c)| n == "John Kirby" && c.as_deref() == Some("USA")),
        "{p4:?}"
    );
    // nobody else is a person in these reports
    for (i, r) in recs.iter().enumerate() {
        for (n, _, _) in persons(r) {
            assert!(
                [
                    "Melanie Joly",
                    "Bill Blair",
                    "Cho Tae-yul",
                    "Kim Yong-hyun",
                    "John Kirby",
                    "Kirby"
                ]
                .contains(&n.as_str()),
                "seed {i}: unexpected person {n}"
            );
        }
    }
}

#[test]
fn countries_places_weapons() {
    let Some(recs) = seeds() else { return };
    for i in 0..3 {
        let c = codes(seed(&recs, i));
        // 004 never names South Korea (only "the Korean Peninsula")
        let expected: &[&str] = if i < 2 {
            &["PRK", "RUS", "UKR", "KOR", "CAN"]
        } else {
            &["PRK", "RUS", "UKR", "CAN"]
        };
        for code in expected {
            assert!(
                c.contains(&code.to_string()),
                "seed {i}: {code} missing from {c:?}"
            );
        }
    }
    assert!(
        !codes(seed(&recs, 2)).contains(&"KOR".to_string()),
        "DPRK misread as the Republic of Korea"
    );
    let c4 = codes(seed(&recs, 2));
    for code in ["USA", "GBR", "DEU", "NZL", "AUS"] {
        assert!(
            c4.contains(&code.to_string()),
            "004: {code} missing from {c4:?}"
        );
    }
    assert!(has_entity(seed(&recs, 1), "weapon", "Hwasong-19"));
    assert!(has_entity(seed(&recs, 1), "weapon", "ICBM"));
    let ottawa = items(seed(&recs, 0), "entities")
        .iter()
        .find(|e| e["kind"] == "place" && e["text"] == "Ottawa")
        .expect("Ottawa as a place");
    assert_eq!(ottawa["country"], "CAN");
    assert!(ottawa["lat"].as_f64().unwrap() > 45.0 && ottawa["lon"].as_f64().unwrap() < -75.0);
    let place_text = |i: usize| -> Vec<String> {
        items(seed(&recs, i), "entities")
            .iter()
            .filter(|e| e["kind"] == "place")
            .map(|e| e["text"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(
        place_text(1).iter().any(|p| p.contains("Kursk")),
        "{:?}",
        place_text(1)
    );
    assert!(
        place_text(2).iter().any(|p| p.contains("Zaporizhzhia")),
        "{:?}",
        place_text(2)
    );
    // "Ottawa and Seoul have expressed concern": the governments, not the cities
    let gov: Vec<_> = items(seed(&recs, 0), "entities")
        .iter()
        .filter(|e| e["kind"] == "country" && (e["text"] == "Ottawa" || e["text"] == "Seoul"))
        .collect();
    assert_eq!(gov.len(), 2);
}

#[test]
fn figures_and_quotes() {
    let Some(recs) = seeds() else { return };
    let f1 = items(seed(&recs, 1), "figures");
    let troops = f1
        .iter()
        .find(|f| f["value"] == 10000.0)
        .expect("10,000 troops");
    assert_eq!(troops["unit"], "troops");
    assert!(troops["subject"].as_str().unwrap().contains("North Korean"));
    let of_them = f1
        .iter()
        .find(|f| f["value"] == 8000.0)
        .expect("8,000 of them");
    assert_eq!(of_them["unit"], "troops");
    let f0 = items(seed(&recs, 0), "figures");
    let vague = f0
        .iter()
        .find(|f| {
            f["text"]
                .as_str()
                .unwrap()
                .starts_with("millions of rounds")
        })
        .expect("millions of rounds of ammunition");
    assert_eq!(vague["vague"], true);

    let q0 = items(seed(&recs, 0), "quotes");
    let direct: Vec<_> = q0.iter().filter(|q| q["kind"] == "direct").collect();
    assert_eq!(direct.len(), 3);
    let speakers: Vec<&str> = direct
        .iter()
        .filter_map(|q| q["speaker"].as_str())
        .collect();
    assert!(
        speakers.contains(&"the statement") && speakers.contains(&"the signatories"),
        "{speakers:?}"
    );
    let q4 = items(seed(&recs, 2), "quotes");
    assert!(q4.iter().any(|q| q["speaker"] == "a joint statement"));
}

/// Issue 4: 000 and 001 report the same Ottawa 2+2 meeting (one story, two independent
/// outlets, neither a copy); 004, a January 2024 statement with the same actors, is another
/// story. Checked through `process` and through the store.
#[test]
fn seeds_000_and_001_share_a_story_and_004_does_not() {
    let Some(recs) = seeds() else { return };
    let story = |i: usize| seed(&recs, i)["story"].as_i64().expect("story");
    assert_eq!(story(0), story(1));
    assert_ne!(story(0), story(2));
    for i in 0..3 {
        assert!(seed(&recs, i)["duplicate_of"].is_null());
    }
    let data = shared_data().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let s = dir.path().to_str().unwrap();
    let out = run(&[
        "ingest",
        "--quiet",
        "--store",
        s,
        data.join("seeds").to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let out = run(&["stories", "--json", "--store", s]);
    let stories = records(&out);
    assert_eq!(stories.len(), 2, "{stories:?}");
    let ottawa = stories
        .iter()
        .find(|s| s["articles"] == 2)
        .expect("a two-article story");
    assert_eq!(ottawa["sources"], 2);
    assert_eq!(ottawa["first"], "2024-11-02");
}
