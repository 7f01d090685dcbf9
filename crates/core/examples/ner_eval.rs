//! Score the named-entity tagger on CoNLL-2003 `valid.txt` and measure its speed.
//!
//! ```text
//! cargo run --release -p sitrep-core --example ner_eval -- [--model data/ner/model.bin]
//! ```
//!
//! Without `--model` it scores the model compiled into the binary. With `--text "..."` it only
//! tokenizes and tags that text (one sentence) and prints the entities. Speed is single-threaded
//! `Tagger::tag` over the whole split, repeated, in tokens per second of wall-clock time and
//! per CPU-second (the per-core figure, robust to other processes sharing the machine).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use sitrep_core::eval::conll;
use sitrep_core::ner::{Model, Tagger};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ner_eval: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut model_path: Option<PathBuf> = None;
    let mut texts: Vec<String> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--model" => model_path = Some(args.next().ok_or("--model needs a path")?.into()),
            "--text" => texts.push(args.next().ok_or("--text needs a sentence")?),
            _ => {
                return Err(format!(
                    "unknown argument {a:?} (see the example's doc comment)"
                ))
            }
        }
    }
    let owned;
    let tagger: &Tagger = match &model_path {
        Some(p) => {
            owned = Tagger::new(&Model::load(p).map_err(|e| e.to_string())?);
            &owned
        }
        None => Tagger::embedded().map_err(|e| e.to_string())?,
    };
    if !texts.is_empty() {
        for text in &texts {
            let words = sitrep_core::tokenize::words(text);
            let tags = tagger.tag_iob(&words);
            let shown: Vec<String> = words
                .iter()
                .zip(&tags)
                .map(|(w, t)| {
                    if *t == "O" {
                        w.to_string()
                    } else {
                        format!("{w}/{t}")
                    }
                })
                .collect();
            println!("{}", shown.join(" "));
        }
        return Ok(());
    }
    let path = conll::split_path("valid").map_err(|e| e.to_string())?;
    let valid = conll::read(&path).map_err(|e| e.to_string())?;
    let scores = conll::evaluate(tagger, &valid);
    println!(
        "CoNLL-2003 valid ({} sentences), exact-match entity scores:",
        valid.len()
    );
    print!("{}", scores.table());

    let sents: Vec<Vec<&str>> = valid
        .iter()
        .map(|s| s.words.iter().map(String::as_str).collect())
        .collect();
    let tokens: usize = sents.iter().map(Vec::len).sum();
    // Wall time suffers when other processes share the cores; CPU time of this process
    // (Linux /proc, 10 ms ticks) is the per-core figure. Run passes for at least 3 s of CPU.
    let mut found = 0usize;
    let mut passes = 0usize;
    let (wall0, cpu0) = (Instant::now(), cpu_seconds());
    loop {
        for s in &sents {
            found += tagger.tag(s).len();
        }
        passes += 1;
        let cpu = cpu_seconds().zip(cpu0).map(|(a, b)| a - b);
        if cpu.unwrap_or_else(|| wall0.elapsed().as_secs_f64()) >= 3.0 || passes >= 200 {
            break;
        }
    }
    let wall = wall0.elapsed().as_secs_f64();
    let total = (tokens * passes) as f64;
    println!(
        "speed: {:.0} tokens/s wall-clock, one thread ({passes} passes over {tokens} tokens, {} spans/pass)",
        total / wall,
        found / passes
    );
    if let Some(cpu) = cpu_seconds().zip(cpu0).map(|(a, b)| a - b) {
        println!(
            "speed: {:.0} tokens per CPU-second (per core)",
            total / cpu.max(1e-9)
        );
    }
    Ok(())
}

/// User + system CPU seconds of this process, from `/proc/self/stat` (Linux only).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = f.get(11)?.parse().ok()?;
    let stime: f64 = f.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}
