//! `sitrep watch add|list|remove`, `sitrep alerts`, `sitrep digest` with the built binary.
//! Watches are evaluated in-process (`sitrep_monitor::watch::evaluate`, what the `sitrep
//! watch` loop calls) between commands.

mod common;

use common::{ok, run};
use serde_json::Value;

const WIRE: &str = "North Korea has sent about 10,000 troops to Russia, South Korea's National \
    Intelligence Service said on Friday. The soldiers were taken by ship from the North Korean \
    port of Chongjin to Vladivostok and are training at Russian bases before deployment near \
    Kursk.";
const FIRE: &str = "Fire crews fought a wildfire near Malibu, California, on Friday as strong \
    winds pushed the flames toward the coast. Thousands of residents left their homes.";

fn ingest(store: &str, dir: &std::path::Path, name: &str, rows: &[(&str, &str, &str)]) {
    let path = dir.join(name);
    let lines: Vec<String> = rows
        .iter()
        .map(|(id, source, text)| {
            serde_json::json!({"id": id, "source": source, "published": "2024-10-18",
                "url": format!("https://{source}/{id}"), "text": text})
            .to_string()
        })
        .collect();
    std::fs::write(&path, lines.join("\n")).unwrap();
    ok(&run(&[
        "ingest",
        "--quiet",
        "--store",
        store,
        path.to_str().unwrap(),
    ]));
}

fn json(args: &[&str]) -> Value {
    let out = run(args);
    ok(&out);
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

fn evaluate(store: &str) -> usize {
    let dir = std::path::Path::new(store);
    let mut st = sitrep_store::SqliteStore::open(dir).unwrap();
    let idx = sitrep_search::SearchIndex::open(dir).unwrap();
    sitrep_monitor::watch::evaluate(&mut st, &idx, "2024-10-18T12:00:00Z")
        .unwrap()
        .len()
}

#[test]
fn watches_alerts_and_digest_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let s = store.to_str().unwrap();

    // Before any ingest: a clear error.
    let out = run(&["watch", "list", "--store", s]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("sitrep ingest"));

    ingest(
        s,
        dir.path(),
        "old.jsonl",
        &[("fire", "coast.example", FIRE)],
    );

    // A bad query: status 2, the caret under the spot.
    let out = run(&["watch", "add", "bad", "(troops", "--store", s]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unbalanced parenthesis"), "{err}");
    assert!(err.contains("  ^"), "{err}");
    // A bad webhook: status 2, says why.
    let out = run(&[
        "watch",
        "add",
        "bad",
        "troops",
        "--webhook",
        "ftp://x/y",
        "--store",
        s,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("http"));

    let w = json(&[
        "watch",
        "add",
        "dprk",
        "\"North Korea\" troops",
        "--webhook",
        "http://127.0.0.1:9/hook",
        "--json",
        "--store",
        s,
    ]);
    assert_eq!(w["name"], "dprk");
    assert_eq!(w["last_seq"], 1, "starts after what is stored");
    ok(&run(&["watch", "add", "quiet", "entity:PRK", "--store", s]));
    // A name is unique.
    let out = run(&["watch", "add", "dprk", "x", "--store", s]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("exists"));

    ingest(
        s,
        dir.path(),
        "new.jsonl",
        &[("wire", "wire.example", WIRE)],
    );
    assert_eq!(evaluate(s), 2, "one new alert per watch");
    assert_eq!(evaluate(s), 0);

    let alerts = json(&["alerts", "--json", "--store", s]);
    let alerts = alerts.as_array().unwrap();
    assert_eq!(alerts.len(), 2);
    let dprk = alerts.iter().find(|a| a["watch"] == "dprk").unwrap();
    assert_eq!(dprk["kind"], "new");
    assert_eq!(dprk["alert"]["id"], dprk["id"]);
    assert_eq!(dprk["alert"]["independent_sources"], 1);
    assert_eq!(dprk["alert"]["evidence"][0]["article_id"], "wire");
    // Only the watch with a webhook has pending alerts.
    let pending = json(&["alerts", "--pending", "--json", "--store", s]);
    assert_eq!(pending.as_array().unwrap().len(), 1);
    let only = json(&["alerts", "--watch", "quiet", "--json", "--store", s]);
    assert_eq!(only[0]["watch"], "quiet");

    // A failed delivery shows in the listings.
    {
        let st = sitrep_store::SqliteStore::open(&store).unwrap();
        let id = dprk["id"].as_i64().unwrap();
        st.mark_failed(
            id,
            "http://127.0.0.1:9/hook: connection refused",
            "2024-10-18T12:01:00Z",
        )
        .unwrap();
    }
    let list = json(&["watch", "list", "--json", "--store", s]);
    let d = list
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["name"] == "dprk")
        .unwrap();
    assert_eq!(
        (d["alerts"].as_i64(), d["undelivered"].as_i64()),
        (Some(1), Some(1))
    );
    assert!(d["last_error"]
        .as_str()
        .unwrap()
        .contains("connection refused"));
    let out = run(&["watch", "list", "--store", s]);
    ok(&out);
    assert!(String::from_utf8_lossy(&out.stdout).contains("last delivery error"));
    let out = run(&["alerts", "--store", s]);
    ok(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("New: North Korea"), "{text}");
    assert!(text.contains("1 failed attempts"), "{text}");

    // The digest of the day, to a file and as JSON.
    let md = dir.path().join("digest.md");
    ok(&run(&[
        "digest",
        "--date",
        "2024-10-18",
        "--out",
        md.to_str().unwrap(),
        "--store",
        s,
    ]));
    let md = std::fs::read_to_string(md).unwrap();
    assert!(md.contains("# sitrep digest, 2024-10-18"), "{md}");
    assert!(md.contains("article `wire`"), "{md}");
    let d = json(&[
        "digest",
        "--date",
        "2024-10-18",
        "--watch",
        "dprk",
        "--json",
        "--store",
        s,
    ]);
    assert_eq!(d["watches"][0]["stories"][0]["kind"], "new");
    let d = json(&["digest", "--date", "2024-10-17", "--json", "--store", s]);
    assert!(d["watches"][0]["stories"].as_array().unwrap().is_empty());

    // Remove: the watch and its alerts go.
    ok(&run(&["watch", "remove", "dprk", "--store", s]));
    let out = run(&["watch", "remove", "dprk", "--store", s]);
    assert!(!out.status.success());
    assert_eq!(
        json(&["alerts", "--json", "--store", s])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
