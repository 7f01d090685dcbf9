//! `sitrep search` and `sitrep reindex` through the binary: the example corpus plus two short
//! reports of our own (one with North Korea and Kursk in one sentence, one with them in
//! adjacent sentences).

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;

fn store_with_corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let extra = dir.path().join("extra.jsonl");
    std::fs::write(
        &extra,
        concat!(
            r#"{"id":"same-sentence","source":"test.one","published":"2024-11-05","title":"Deployment","text":"Officials said North Korea moved artillery crews towards Kursk last week. Analysts expect more."}"#,
            "\n",
            r#"{"id":"adjacent","source":"test.two","published":"2024-11-06","title":"Parade","text":"North Korea staged a large parade. Separately, shelling hit Kursk overnight."}"#,
            "\n"
        ),
    )
    .unwrap();
    let store = dir.path().join("store");
    let out = bin()
        .args(["ingest", "--quiet", "--store"])
        .arg(&store)
        .arg(repo_root().join("examples/corpus"))
        .arg(&extra)
        .output()
        .unwrap();
    ok(&out);
    dir
}

fn search(store: &Path, args: &[&str]) -> std::process::Output {
    bin()
        .arg("search")
        .args(args)
        .arg("--store")
        .arg(store)
        .output()
        .unwrap()
}

/// Every article of a grouped result, copies included.
fn hits(v: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    for s in v["stories"].as_array().unwrap() {
        out.extend(s["articles"].as_array().unwrap().iter().cloned());
        out.extend(s["copies"].as_array().unwrap().iter().cloned());
    }
    out
}

#[test]
fn near_same_sentence_through_the_cli() {
    let dir = store_with_corpus();
    let store = dir.path().join("store");
    let out = search(&store, &["\"North Korea\" NEAR/1s Kursk", "--json"]);
    ok(&out);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = hits(&v);
    let ids: Vec<&str> = found.iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec!["same-sentence"], "{v:#}");
    assert_eq!(v["total_articles"], 1);
    for h in &found {
        let sn = h["snippet"]["text"].as_str().unwrap();
        assert!(sn.contains("North Korea") && sn.contains("Kursk"), "{sn}");
        // and the two are in one sentence of the stored record
        let show = bin()
            .args(["show", h["id"].as_str().unwrap(), "--json", "--store"])
            .arg(&store)
            .output()
            .unwrap();
        ok(&show);
        let rec: Value = serde_json::from_slice(&show.stdout).unwrap();
        let text = rec["text"].as_str().unwrap();
        let one = rec["sentences"].as_array().unwrap().iter().any(|s| {
            let t = slice(
                text,
                s["start"].as_u64().unwrap(),
                s["end"].as_u64().unwrap(),
            );
            t.contains("North Korea") && t.contains("Kursk")
        });
        assert!(one, "no sentence holds both: {text}");
    }
    // adjacent sentences match NEAR/2s
    let out = search(
        &store,
        &["\"North Korea\" NEAR/2s Kursk", "--json", "--flat"],
    );
    ok(&out);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut ids: Vec<&str> = v["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap())
        .collect();
    ids.sort();
    assert_eq!(ids, vec!["adjacent", "same-sentence"]);
    // the example report on troops in Kursk says "North Korean"
    let out = search(&store, &["\"North Korean\" NEAR/1s Kursk", "--json"]);
    ok(&out);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = hits(&v);
    assert!(!found.is_empty());
    assert!(found.iter().any(|h| h["snippet"]["text"]
        .as_str()
        .unwrap()
        .contains("North Korean soldiers")));
}

#[test]
fn text_output_bad_queries_and_reindex() {
    let dir = store_with_corpus();
    let store = dir.path().join("store");
    let out = search(&store, &["Kursk"]);
    ok(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("[[Kursk]]"), "{text}");
    assert!(text.contains("articles in"), "{text}");
    assert!(text.contains("stories, page 1"), "{text}");

    let out = search(&store, &["(Kursk OR troops"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unbalanced parenthesis: add ')'"), "{err}");
    assert!(err.contains("\n  ^"), "a caret under the position: {err}");
    let out = search(&store, &["Kursk~3"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("use ~1 or ~2"), "{err}");
    assert!(err.contains("\n       ^"), "{err}");

    let out = bin()
        .args(["reindex", "--json", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    ok(&out);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["indexed"], 10, "{v}");
    let out = search(&store, &["entity:PRK", "--json", "--flat", "--limit", "2"]);
    ok(&out);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["articles"].as_array().unwrap().len(), 2);
    assert_eq!(v["more"], true);
}
