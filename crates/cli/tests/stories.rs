//! Copies and stories through the CLI: the persisted index gives the assignments of one long
//! run, analyst decisions survive re-clustering, and no article is ever in two stories.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

fn corpus(name: &str) -> PathBuf {
    repo_root().join("examples/corpus").join(name)
}

/// The example corpus in a fixed order, split in two parts.
fn parts() -> (Vec<PathBuf>, Vec<PathBuf>) {
    (
        vec![
            corpus("01_ottawa_2plus2_wire.txt"),
            corpus("03_troops_kursk.txt"),
            corpus("news.jsonl"),
        ],
        vec![
            corpus("02_ottawa_2plus2_copy.txt"),
            corpus("04_january_statement.txt"),
            corpus("05_hwasong19.txt"),
        ],
    )
}

fn ingest(store: &Path, inputs: &[PathBuf]) {
    let mut cmd = bin();
    cmd.args(["ingest", "--quiet", "--store"]).arg(store);
    cmd.args(inputs);
    ok(&cmd.output().unwrap());
}

/// `sitrep ingest --json [--config CONFIG]`: its summary.
fn ingest_json(store: &Path, config: Option<&Path>, inputs: &[PathBuf]) -> Value {
    let mut cmd = bin();
    cmd.args(["ingest", "--json", "--store"]).arg(store);
    if let Some(c) = config {
        cmd.arg("--config").arg(c);
    }
    let out = cmd.args(inputs).output().unwrap();
    ok(&out);
    serde_json::from_slice(&out.stdout).unwrap()
}

/// id -> (story, duplicate_of) as stored.
fn stored_links(store: &Path) -> BTreeMap<String, (Option<i64>, Option<String>)> {
    let conn = rusqlite::Connection::open(store.join("sitrep.db")).unwrap();
    let mut stmt = conn
        .prepare("SELECT id, story, duplicate_of FROM articles")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn process_links(inputs: &[PathBuf]) -> BTreeMap<String, (Option<i64>, Option<String>)> {
    let mut cmd = bin();
    cmd.args(["process", "--quiet", "--compact"]);
    cmd.args(inputs);
    let out = cmd.output().unwrap();
    ok(&out);
    records(&out)
        .into_iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                (
                    r["story"].as_i64(),
                    r["duplicate_of"].as_str().map(str::to_string),
                ),
            )
        })
        .collect()
}

/// Every article is in exactly one story, and the stories table agrees with the articles.
fn assert_consistent(store: &Path) {
    let conn = rusqlite::Connection::open(store.join("sitrep.db")).unwrap();
    let q = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(q("SELECT count(*) FROM articles WHERE story IS NULL"), 0);
    assert_eq!(
        q("SELECT coalesce(sum(articles), 0) FROM stories"),
        q("SELECT count(*) FROM articles")
    );
    assert_eq!(
        q("SELECT count(*) FROM stories s WHERE s.articles != (SELECT count(*) FROM articles a WHERE a.story = s.id)"),
        0
    );
    assert_eq!(
        q("SELECT count(*) FROM (SELECT DISTINCT story FROM articles)"),
        q("SELECT count(*) FROM stories")
    );
}

#[test]
fn two_ingests_and_a_lost_snapshot_give_the_one_run_assignments() {
    let (a, b) = parts();
    let all: Vec<PathBuf> = a.iter().chain(&b).cloned().collect();
    let one_run = process_links(&all);
    assert_eq!(one_run.len(), 8);
    // the wire copy is a copy, and shares the wire story
    let copies: Vec<_> = one_run.values().filter(|(_, d)| d.is_some()).collect();
    assert_eq!(copies.len(), 1, "{one_run:?}");
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    ingest(&store, &a);
    ingest(&store, &b);
    assert_eq!(stored_links(&store), one_run);
    assert_consistent(&store);
    // Lose the snapshot: the next run replays the store and changes nothing.
    std::fs::remove_file(store.join("corpus.idx")).unwrap();
    ingest(&store, &b);
    assert_eq!(stored_links(&store), one_run);
    // A corrupt snapshot is rebuilt from the store, not trusted.
    std::fs::write(store.join("corpus.idx"), b"garbage").unwrap();
    let v = ingest_json(&store, None, &b);
    assert!(v["relinked"]["rebuilt"].is_string(), "{v}");
    assert_eq!(stored_links(&store), one_run);
    assert_consistent(&store);
}

fn story_json(store: &Path, id: &str) -> Value {
    let out = run(&["story", id, "--json", "--store", store.to_str().unwrap()]);
    ok(&out);
    serde_json::from_slice(&out.stdout).unwrap()
}

fn member_ids(v: &Value) -> Vec<String> {
    v["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn merge_and_split_survive_reclustering() {
    let (a, b) = parts();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let s = store.to_str().unwrap().to_string();
    ingest(&store, &a);
    let links = stored_links(&store);
    let story_of = |id: &str| links[id].0.unwrap().to_string();
    // Merge the troops story into the UN-panel story (an analyst's call, right or wrong).
    let unsc = story_of("ex-unsc-2024-03");
    let kursk = story_of("ex-kursk-2024-08");
    assert_ne!(unsc, kursk);
    let out = run(&["story", "--store", &s, "merge", &unsc, &kursk]);
    ok(&out);
    let merged = story_json(&store, "ex-unsc-2024-03");
    let ids = member_ids(&merged);
    assert!(ids.contains(&"ex-kursk-2024-08".to_string()), "{ids:?}");
    assert!(ids.contains(&"ex-unsc-2024-03".to_string()));
    assert_consistent(&store);

    // Ingest the rest, including a copy of the wire report, then split the copy out.
    ingest(&store, &b);
    let links = stored_links(&store);
    let (copy, (wire_story, orig)) = links
        .iter()
        .find(|(_, (_, d))| d.is_some())
        .map(|(k, v)| (k.clone(), v.clone()))
        .expect("a copy");
    let orig = orig.unwrap();
    assert_eq!(
        links[&orig].0, wire_story,
        "a copy joins its original's story"
    );
    let out = run(&[
        "story",
        "--store",
        &s,
        "split",
        &wire_story.unwrap().to_string(),
        &copy[..8],
    ]);
    ok(&out);
    let after = stored_links(&store);
    assert_ne!(after[&copy].0, after[&orig].0);
    assert_consistent(&store);
    // Asking for the impossible is a clear error that names the fix.
    let bad = run(&["story", "--store", &s, "split", "99999", &copy]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("sitrep stories"));

    // Re-cluster from scratch (snapshot lost): both decisions still hold.
    std::fs::remove_file(store.join("corpus.idx")).unwrap();
    ingest(&store, &a);
    let rebuilt = stored_links(&store);
    assert_eq!(rebuilt, after);
    assert_eq!(
        rebuilt["ex-unsc-2024-03"].0, rebuilt["ex-kursk-2024-08"].0,
        "merge kept"
    );
    assert_ne!(rebuilt[&copy].0, rebuilt[&orig].0, "split kept");
    assert_consistent(&store);
    // The listing shows each story once with its counts.
    let out = run(&["stories", "--json", "--limit", "0", "--store", &s]);
    ok(&out);
    let listed = records(&out);
    let total: i64 = listed.iter().map(|r| r["articles"].as_i64().unwrap()).sum();
    assert_eq!(total as usize, rebuilt.len());
}

#[test]
fn story_shows_sources_figures_and_copies() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let (a, b) = parts();
    let all: Vec<PathBuf> = a.iter().chain(&b).cloned().collect();
    ingest(&store, &all);
    let links = stored_links(&store);
    let (copy, (_, orig)) = links.iter().find(|(_, (_, d))| d.is_some()).unwrap();
    let v = story_json(&store, copy);
    let k = &v["corroboration"];
    // the copy is listed as lineage, not as a source
    assert_eq!(k["copies"][0][0].as_str().unwrap(), copy);
    assert_eq!(k["copies"][0][1].as_str(), orig.as_deref());
    assert_eq!(
        v["story"]["sources"].as_i64().unwrap() as usize,
        k["sources"].as_array().unwrap().len()
    );
    assert_eq!(v["story"]["copies"], 1);
    // every piece of evidence points into its article's clean text
    let s = store.to_str().unwrap();
    for g in k["figures"].as_array().unwrap() {
        for val in g["values"].as_array().unwrap() {
            for e in val["evidence"].as_array().unwrap() {
                let out = run(&[
                    "show",
                    "--json",
                    "--store",
                    s,
                    e["article"].as_str().unwrap(),
                ]);
                let rec: Value = serde_json::from_slice(&out.stdout).unwrap();
                let text = rec["text"].as_str().unwrap();
                assert_eq!(
                    slice(
                        text,
                        e["start"].as_u64().unwrap(),
                        e["end"].as_u64().unwrap()
                    ),
                    e["text"].as_str().unwrap()
                );
            }
        }
    }
    // text rendering names the independent sources
    let out = run(&["story", copy, "--store", s]);
    ok(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("independent sources"), "{text}");
    assert!(text.contains("[copy of"), "{text}");
}

#[test]
fn changed_story_settings_relink_the_store() {
    let (a, b) = parts();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    ingest(&store, &a);
    let before = stored_links(&store);
    // A threshold no pair of these articles reaches: every original is its own story.
    let cfg = dir.path().join("strict.toml");
    std::fs::write(&cfg, "[stories]\nthreshold = 5.0\n").unwrap();
    let v = ingest_json(&store, Some(&cfg), &b);
    assert!(
        v["relinked"]["rebuilt"]
            .as_str()
            .is_some_and(|w| w.contains("settings")),
        "{v}"
    );
    assert_eq!(v["relinked"]["replayed"], before.len());
    let after = stored_links(&store);
    let originals = after.values().filter(|(_, d)| d.is_none()).count();
    let stories: std::collections::BTreeSet<_> = after.values().map(|(s, _)| *s).collect();
    assert_eq!(stories.len(), originals, "{after:?}");
    assert_consistent(&store);
    // split takes no --config: with the snapshot lost, it rebuilds with the settings of the
    // last ingest (kept beside the index), not the defaults. Threshold 0: everything joins.
    let loose = dir.path().join("loose.toml");
    std::fs::write(&loose, "[stories]\nthreshold = 0.0\n").unwrap();
    let store2 = dir.path().join("store2");
    let mut cmd = bin();
    cmd.args(["ingest", "--quiet", "--config"])
        .arg(&loose)
        .arg("--store")
        .arg(&store2);
    ok(&cmd.args(&a).args(&b).output().unwrap());
    let joined = stored_links(&store2);
    let count = |m: &BTreeMap<String, (Option<i64>, Option<String>)>| {
        m.values()
            .map(|(s, _)| *s)
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    };
    let n = count(&joined);
    assert!(
        n < originals,
        "the loose settings should join stories: {joined:?}"
    );
    std::fs::remove_file(store2.join("corpus.idx")).unwrap();
    let (id, (story, _)) = joined.iter().find(|(_, (_, d))| d.is_none()).unwrap();
    let s2 = store2.to_str().unwrap();
    let story = story.unwrap().to_string();
    ok(&run(&["story", "--store", s2, "split", &story, id]));
    assert_eq!(count(&stored_links(&store2)), n + 1);
    assert_consistent(&store2);
}

/// Articles stored before linking existed (no features, no story) are annotated again from
/// their raw text and linked on the next run, and their features are then kept.
#[test]
fn articles_stored_without_links_are_linked_later() {
    let (a, b) = parts();
    let all: Vec<PathBuf> = a.iter().chain(&b).cloned().collect();
    let one_run = process_links(&all);
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    ingest(&store, &all);
    {
        let conn = rusqlite::Connection::open(store.join("sitrep.db")).unwrap();
        conn.execute_batch(
            "UPDATE articles SET link = NULL, story = NULL, duplicate_of = NULL;
             DELETE FROM stories;",
        )
        .unwrap();
    }
    std::fs::remove_file(store.join("corpus.idx")).unwrap();
    ingest(&store, &b);
    assert_eq!(stored_links(&store), one_run);
    assert_consistent(&store);
    let conn = rusqlite::Connection::open(store.join("sitrep.db")).unwrap();
    let missing: i64 = conn
        .query_row(
            "SELECT count(*) FROM articles WHERE link IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(missing, 0);
}
