//! Helpers shared by the CLI integration tests.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sitrep"))
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// `$SITREP_SHARED/data` or `../shared/data` beside the repository, if present.
pub fn shared_data() -> Option<PathBuf> {
    let base = match std::env::var_os("SITREP_SHARED") {
        Some(p) => PathBuf::from(p),
        None => repo_root().join("../shared"),
    };
    let d = base.join("data");
    if d.is_dir() {
        Some(d)
    } else {
        eprintln!(
            "note: shared data not found at {}; skipping data-gated test",
            d.display()
        );
        None
    }
}

pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run sitrep")
}

pub fn records(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("valid JSON line"))
        .collect()
}

/// `text[start:end]` in characters, as Python would slice it.
pub fn slice(text: &str, start: u64, end: u64) -> String {
    text.chars()
        .skip(start as usize)
        .take((end - start) as usize)
        .collect()
}

/// Assert that a command succeeded, showing its stderr when it did not.
pub fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "status {:?}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}
