//! Bad input never loses data: per-document errors, idempotent re-ingest, and a `kill -9` in the
//! middle of an ingest followed by a re-run.

mod common;

use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::*;

#[test]
fn one_bad_file_is_reported_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(
        p.join("a.txt"),
        "Seoul and Ottawa agreed to meet again next year.",
    )
    .unwrap();
    std::fs::write(p.join("b.txt"), [0x00u8, 0x9f, 0x92, 0x96, 0x00]).unwrap();
    std::fs::write(p.join("c.txt"), b"Caf\xe9 owners in Kyiv reopened.").unwrap();
    std::fs::write(
        p.join("d.jsonl"),
        "{\"id\":\"d1\",\"text\":\"Moscow said nothing.\"}\n{oops\n",
    )
    .unwrap();
    std::fs::write(p.join("e.txt"), "").unwrap();
    let out = run(&["process", "--quiet", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3), "partial failure exit status");
    let recs = records(&out);
    assert_eq!(recs.len(), 2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("b.txt") && stderr.contains("binary"),
        "{stderr}"
    );
    assert!(
        stderr.contains("c.txt") && stderr.contains("UTF-8"),
        "{stderr}"
    );
    assert!(
        stderr.contains("d.jsonl line 2") && stderr.contains("malformed JSON"),
        "{stderr}"
    );
    assert!(
        stderr.contains("e.txt") && stderr.contains("empty"),
        "{stderr}"
    );

    // ingest says the same in its summary
    let store = tempfile::tempdir().unwrap();
    let out = run(&[
        "ingest",
        "--json",
        "--store",
        store.path().to_str().unwrap(),
        p.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(3));
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s["written"], 2);
    assert_eq!(s["failed"], 4);
    assert_eq!(s["errors"].as_array().unwrap().len(), 4);
}

#[test]
fn huge_single_line_is_an_error_for_that_document_only() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("big.jsonl");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&f).unwrap());
    writeln!(
        w,
        "{{\"id\":\"small-1\",\"text\":\"Kyiv said drones hit the port.\"}}"
    )
    .unwrap();
    write!(w, "{{\"id\":\"huge\",\"text\":\"").unwrap();
    let chunk = "word ".repeat(1000);
    for _ in 0..(50 * 1024 * 1024 / chunk.len()) {
        w.write_all(chunk.as_bytes()).unwrap();
    }
    writeln!(w, "\"}}").unwrap();
    writeln!(
        w,
        "{{\"id\":\"small-2\",\"text\":\"Seoul said it was watching.\"}}"
    )
    .unwrap();
    drop(w);
    let out = run(&["process", "--quiet", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    let ids: Vec<_> = records(&out)
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, vec!["small-1", "small-2"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 2") && stderr.contains("--max-doc-bytes"),
        "{stderr}"
    );
}

#[test]
fn reingest_adds_nothing_and_stdin_works() {
    let store = tempfile::tempdir().unwrap();
    let s = store.path().to_str().unwrap();
    let corpus = repo_root().join("examples/corpus");
    let c = corpus.to_str().unwrap();
    let first: serde_json::Value =
        serde_json::from_slice(&run(&["ingest", "--json", "--store", s, c]).stdout).unwrap();
    assert!(first["written"].as_u64().unwrap() >= 8, "{first}");
    let second: serde_json::Value =
        serde_json::from_slice(&run(&["ingest", "--json", "--store", s, c]).stdout).unwrap();
    assert_eq!(second["written"], 0);
    assert_eq!(second["already_present"], first["written"]);

    let mut child = bin()
        .args(["process", "--quiet", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"{\"id\":\"s1\",\"text\":\"NATO met in Brussels.\"}\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(records(&out)[0]["id"], "s1");
}

fn count_rows(db: &std::path::Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap_or(0)
}

/// Write `n` synthetic reports (templated sentences, unique per index) as JSONL.
fn synthetic_corpus(path: &std::path::Path, n: usize) {
    let countries = [
        "Canada",
        "South Korea",
        "Japan",
        "Germany",
        "Poland",
        "Ukraine",
    ];
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for i in 0..n {
        let c = countries[i % countries.len()];
        let text = format!(
            "Officials in {c} said on Monday that report number {i} described {} drones over the border.\n\nForeign Minister Jane Doe of {c} told reporters the government would respond.",
            i % 97 + 3
        );
        let rec = serde_json::json!({"id": format!("syn-{i:06}"), "published": "2024-11-04", "source": "example.org", "text": text});
        writeln!(w, "{rec}").unwrap();
    }
}

#[test]
fn kill_9_mid_ingest_then_rerun_stores_everything_once() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("many.jsonl");
    let n = 6000;
    synthetic_corpus(&input, n);
    let store = dir.path().join("store");
    let db = store.join("sitrep.db");
    let mut child = bin()
        .args([
            "ingest",
            "--quiet",
            "--batch",
            "50",
            "--threads",
            "1",
            "--store",
        ])
        .arg(&store)
        .arg(&input)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until some batches are committed, then kill -9 (SIGKILL) mid-run.
    let t0 = Instant::now();
    let mut killed_at = 0;
    loop {
        std::thread::sleep(Duration::from_millis(20));
        if db.exists() {
            killed_at = count_rows(&db, "SELECT count(*) FROM articles");
            if killed_at >= 100 {
                child.kill().unwrap(); // SIGKILL on Unix
                break;
            }
        }
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(120),
            "ingest made no progress"
        );
    }
    let status = child.wait().unwrap();
    let committed = count_rows(&db, "SELECT count(*) FROM articles");
    assert!(committed >= killed_at);
    assert!(
        (committed as usize) < n,
        "ingest finished before it could be killed (status {status:?}); make the corpus larger"
    );
    // Every committed article is complete: its entity rows match its count.
    let torn = count_rows(
        &db,
        "SELECT count(*) FROM articles a WHERE a.n_entities != (SELECT count(*) FROM entities e WHERE e.article_id = a.id)",
    );
    assert_eq!(torn, 0);

    let out = bin()
        .args(["ingest", "--json", "--store"])
        .arg(&store)
        .arg(&input)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s["already_present"].as_i64().unwrap(), committed);
    assert_eq!(s["written"].as_i64().unwrap(), n as i64 - committed);
    assert_eq!(count_rows(&db, "SELECT count(*) FROM articles"), n as i64);
    assert_eq!(
        count_rows(&db, "SELECT count(DISTINCT id) FROM articles"),
        n as i64
    );
    let torn = count_rows(
        &db,
        "SELECT count(*) FROM articles a WHERE a.n_entities != (SELECT count(*) FROM entities e WHERE e.article_id = a.id)",
    );
    assert_eq!(torn, 0);
    // Copies and stories after the crash and the re-run are those of one uninterrupted run
    // (`process` links the same input in memory, in the same order).
    let out = bin()
        .args(["process", "--quiet", "--compact"])
        .arg(&input)
        .output()
        .unwrap();
    assert!(out.status.success());
    let conn = rusqlite::Connection::open(&db).unwrap();
    let mut differ = 0;
    for rec in records(&out) {
        let (story, dup): (Option<i64>, Option<String>) = conn
            .query_row(
                "SELECT story, duplicate_of FROM articles WHERE id = ?1",
                [rec["id"].as_str().unwrap()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        if story != rec["story"].as_i64() || dup.as_deref() != rec["duplicate_of"].as_str() {
            differ += 1;
        }
    }
    assert_eq!(differ, 0, "links differ from one uninterrupted run");
}

/// What the store gives back (`show --json`) is exactly what `process` emits for the same input.
#[test]
fn store_round_trip_equals_process_output() {
    let store = tempfile::tempdir().unwrap();
    let s = store.path().to_str().unwrap();
    let corpus = repo_root().join("examples/corpus");
    let c = corpus.to_str().unwrap();
    assert!(run(&["ingest", "--quiet", "--store", s, c])
        .status
        .success());
    let processed = records(&run(&["process", "--quiet", c]));
    assert!(processed.len() >= 8);
    for rec in processed {
        let id = rec["id"].as_str().unwrap();
        let out = run(&["show", "--json", "--store", s, id]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stored: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            stored, rec,
            "stored record of {id} differs from process output"
        );
    }
    // listing and aggregation see the same articles
    let list = run(&["articles", "--json", "--limit", "0", "--store", s]);
    assert_eq!(String::from_utf8_lossy(&list.stdout).lines().count(), 8);
    let ents = run(&["entities", "--json", "--kind", "person", "--store", s]);
    let people: Vec<serde_json::Value> = String::from_utf8_lossy(&ents.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        people
            .iter()
            .any(|p| p["name"] == "Melanie Joly" && p["articles"] == 2),
        "{people:?}"
    );
    let prk = run(&[
        "articles", "--json", "--entity", "PRK", "--limit", "0", "--store", s,
    ]);
    assert!(String::from_utf8_lossy(&prk.stdout).lines().count() >= 6);
}
