//! `sitrep serve` end to end: the real binary on a loopback port, its writes going through the
//! same ingest and linking code as the commands, and the search index kept in step.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};

use common::{bin, repo_root};

/// A running `sitrep serve`, killed when dropped.
struct Server {
    child: Child,
    host: String,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const TOKEN: &str = "test-token-0123";

fn start() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let mut child = bin()
        .args([
            "serve",
            "--quiet",
            "--addr",
            "127.0.0.1:0",
            "--token",
            TOKEN,
            "--store",
        ])
        .arg(dir.path().join("store"))
        .arg(repo_root().join("examples/corpus"))
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start sitrep serve");
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    let host = loop {
        line.clear();
        if err.read_line(&mut line).unwrap() == 0 {
            panic!("sitrep serve exited before serving");
        }
        if let Some(rest) = line.split("at http://").nth(1) {
            break rest.split('/').next().unwrap().to_string();
        }
    };
    // Keep draining stderr so the server never blocks on a full pipe.
    std::thread::spawn(move || {
        let mut sink = String::new();
        let _ = err.read_to_string(&mut sink);
    });
    Server {
        child,
        host,
        _dir: dir,
    }
}

/// One HTTP/1.1 request; returns the status and the body parsed as JSON.
fn http(
    s: &Server,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &str,
) -> (u16, serde_json::Value) {
    let mut c = TcpStream::connect(&s.host).unwrap();
    let ct = if path.ends_with("/articles") {
        "application/x-ndjson"
    } else {
        "application/json"
    };
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        c,
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n{auth}Content-Type: {ct}\r\nContent-Length: {}\r\n\r\n{body}",
        s.host,
        body.len()
    )
    .unwrap();
    let mut resp = Vec::new();
    c.read_to_end(&mut resp).unwrap();
    let split = resp.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&resp[..split]).to_ascii_lowercase();
    let status: u16 = head[9..12].parse().unwrap();
    let raw = &resp[split + 4..];
    let body = if head.contains("transfer-encoding: chunked") {
        dechunk(raw)
    } else {
        raw.to_vec()
    };
    let json = serde_json::from_slice(&body)
        .unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(&body).into()));
    (status, json)
}

/// The article ids of an ungrouped search answer, in rank order.
fn hit_ids(hits: &serde_json::Value) -> Vec<&str> {
    hits["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap())
        .collect()
}

fn dechunk(mut s: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let eol = s.windows(2).position(|w| w == b"\r\n").unwrap();
        let n = usize::from_str_radix(std::str::from_utf8(&s[..eol]).unwrap().trim(), 16).unwrap();
        if n == 0 {
            return out;
        }
        out.extend_from_slice(&s[eol + 2..eol + 2 + n]);
        s = &s[eol + 2 + n + 2..];
    }
}

/// Two reports we wrote: a new story, and a second outlet's report of the same happening.
const POSTED: &str = concat!(
    r#"{"id":"posted-1","source":"example-wire.test","published":"2024-11-20","title":"Lighthouse keepers strike on the island of Sark","text":"Lighthouse keepers on the island of Sark walked off the job on Tuesday, the harbour authority said. The strike left three lighthouses unattended overnight, and the authority asked the keepers to return."}"#,
    "\n",
    r#"{"id":"posted-2","source":"other-paper.test","published":"2024-11-21","title":"Sark lighthouse keepers stop work","text":"Lighthouse keepers on Sark stopped work on Tuesday, leaving three lighthouses unattended overnight, according to the harbour authority, which asked them to return to their posts."}"#,
    "\n"
);

#[test]
fn serve_writes_through_the_real_ingest_and_keeps_search_in_step() {
    let s = start();
    let (st, stories) = http(&s, "GET", "/api/v1/stories?limit=50", None, "");
    assert_eq!(st, 200, "{stories}");
    let before = stories["total"].as_u64().unwrap();
    assert!(before > 0, "the example corpus was ingested before serving");

    // A write without the token is refused and changes nothing.
    let (st, err) = http(&s, "POST", "/api/v1/articles", None, POSTED);
    assert_eq!(st, 401, "{err}");
    assert!(err["error"]["message"].as_str().unwrap().contains("token"));

    // With it, the articles go through the same ingest as `sitrep ingest`.
    let (st, summary) = http(&s, "POST", "/api/v1/articles", Some(TOKEN), POSTED);
    assert_eq!(st, 200, "{summary}");
    assert_eq!(summary["written"], 2, "{summary}");
    assert_eq!(summary["failed"], 0, "{summary}");
    // Idempotent: the same body again adds nothing.
    let (st, again) = http(&s, "POST", "/api/v1/articles", Some(TOKEN), POSTED);
    assert_eq!(st, 200, "{again}");
    assert_eq!(
        (again["written"].as_u64(), again["already_present"].as_u64()),
        (Some(0), Some(2))
    );

    // Both are stored, linked into one story, and searchable at once.
    let (_, a) = http(&s, "GET", "/api/v1/articles/posted-1", None, "");
    let (_, b) = http(&s, "GET", "/api/v1/articles/posted-2", None, "");
    let (sa, sb) = (
        a["story"]["id"].as_u64().unwrap(),
        b["story"]["id"].as_u64().unwrap(),
    );
    assert_eq!(
        sa, sb,
        "two outlets' reports of the strike form one story: {a} {b}"
    );
    let (st, hits) = http(
        &s,
        "GET",
        "/api/v1/search?q=lighthouses%20NEAR/1s%20unattended&group=false",
        None,
        "",
    );
    assert_eq!(st, 200, "{hits}");
    let ids = hit_ids(&hits);
    assert!(
        ids.contains(&"posted-1") && ids.contains(&"posted-2"),
        "{hits}"
    );
    // "Lighthouse keepers" and "unattended" share a sentence only in the second report.
    let (st, hits) = http(
        &s,
        "GET",
        "/api/v1/search?q=%22lighthouse%20keepers%22%20NEAR/1s%20unattended&group=false",
        None,
        "",
    );
    assert_eq!(st, 200, "{hits}");
    let ids = hit_ids(&hits);
    assert_eq!(ids, vec!["posted-2"], "{hits}");

    // Split one out, then merge it back: both go through the linker and are logged.
    let body = r#"{"story":STORY,"articles":["posted-2"]}"#.replace("STORY", &sa.to_string());
    let (st, split) = http(&s, "POST", "/api/v1/stories/split", Some(TOKEN), &body);
    assert_eq!(st, 200, "{split}");
    let new = split["story"]["id"].as_u64().unwrap();
    assert_ne!(new, sa);
    let (_, b) = http(&s, "GET", "/api/v1/articles/posted-2", None, "");
    assert_eq!(b["story"]["id"].as_u64(), Some(new));
    // Merging them back is refused with the reason: the split decision keeps them apart.
    let body = format!(r#"{{"into":{sa},"from":{new}}}"#);
    let (st, refused) = http(&s, "POST", "/api/v1/stories/merge", Some(TOKEN), &body);
    assert_eq!(st, 400, "{refused}");
    assert!(refused["error"]["message"]
        .as_str()
        .unwrap()
        .contains("split"));
    // Merging the strike into another story moves its article.
    let body = format!(r#"{{"into":0,"from":{new}}}"#);
    let (st, merged) = http(&s, "POST", "/api/v1/stories/merge", Some(TOKEN), &body);
    assert_eq!(st, 200, "{merged}");
    let (_, b) = http(&s, "GET", "/api/v1/articles/posted-2", None, "");
    assert_eq!(b["story"]["id"].as_u64(), Some(0), "{merged}");
    // A story that does not exist is a 404 with a hint.
    let (st, err) = http(
        &s,
        "POST",
        "/api/v1/stories/merge",
        Some(TOKEN),
        r#"{"into":0,"from":99999}"#,
    );
    assert_eq!(st, 404, "{err}");
    assert!(err["error"]["message"].as_str().unwrap().contains("99999"));
}
