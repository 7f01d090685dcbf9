//! Score the `dates` stage on TempEval-3 (TBAQ-cleaned, tuned on; te3-platinum, held out).
//!
//! ```text
//! cargo run --release -p sitrep-core --example eval_tempeval
//! cargo run --release -p sitrep-core --example eval_tempeval -- --json
//! cargo run --release -p sitrep-core --example eval_tempeval -- --errors      # TBAQ misses
//! cargo run --release -p sitrep-core --example eval_tempeval -- --speed 5000  # throughput
//! ```
//!
//! With `SITREP_DATES_DUMP=1`, `--speed` also prints every mention with its context.
//!
//! Data comes from `$SITREP_SHARED/data` when set, else `../shared/data`.

use std::io::{BufRead, BufReader};
use std::process::ExitCode;
use std::time::Instant;

use sitrep_core::eval::tempeval;
use sitrep_core::stages::dates::extract;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let data = tempeval::shared_data_dir();
    if let Some(i) = args.iter().position(|a| a == "--speed") {
        let n: usize = args.get(i + 1).and_then(|s| s.parse().ok()).unwrap_or(5000);
        return speed(&data, n);
    }
    let report = match tempeval::run(&data) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("eval_tempeval: {e}");
            return ExitCode::FAILURE;
        }
    };
    if args.iter().any(|a| a == "--errors") {
        for m in &report.splits[0].misses {
            eprintln!(
                "{:<5} {} dct={} {:?} gold={:?} ours={:?} | {}",
                m.what, m.doc, m.dct, m.text, m.gold, m.predicted, m.context
            );
        }
    }
    if args.iter().any(|a| a == "--json") {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("report serialises")
        );
    } else {
        print!("{}", tempeval::table(&report));
    }
    ExitCode::SUCCESS
}

/// Throughput of `extract` alone over the first `n` articles of the RealTimeQA news dump.
fn speed(data: &std::path::Path, n: usize) -> ExitCode {
    let path = data.join("news/realtimeqa_news_articles_2022_2026/articles.jsonl.gz");
    let file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("eval_tempeval --speed: cannot open {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    };
    let reader = BufReader::new(flate2::read::GzDecoder::new(file));
    let mut docs: Vec<(String, Option<chrono::NaiveDate>)> = Vec::new();
    for line in reader.lines() {
        let Ok(line) = line else { break };
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        let text = v
            .get("text")
            .and_then(|t| t.as_str())
            .unwrap_or_default()
            .to_string();
        let date = v.get("url_date").and_then(|t| t.as_str()).and_then(|s| {
            chrono::NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d").ok()
        });
        docs.push((text, date));
        if docs.len() >= n {
            break;
        }
    }
    if std::env::var_os("SITREP_DATES_DUMP").is_some() {
        for (text, date) in &docs {
            for m in extract(text, *date) {
                let mut a = m.start.saturating_sub(50);
                while !text.is_char_boundary(a) {
                    a -= 1;
                }
                let mut b = (m.end + 50).min(text.len());
                while !text.is_char_boundary(b) {
                    b += 1;
                }
                println!(
                    "{:?}\t{:?}\t{:?}\t{}[{}]{}",
                    date.map(|d| d.to_string()),
                    m.value,
                    m.precision,
                    &text[a..m.start].replace('\n', " "),
                    m.text,
                    &text[m.end..b].replace('\n', " ")
                );
            }
        }
    }
    let bytes: usize = docs.iter().map(|d| d.0.len()).sum();
    let t = Instant::now();
    let mut mentions = 0usize;
    let mut valued = 0usize;
    for (text, date) in &docs {
        let ms = extract(text, *date);
        mentions += ms.len();
        valued += ms.iter().filter(|m| m.value.is_some()).count();
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{} articles, {:.1} MB, {:.3} s on one thread: {:.0} articles/s, {:.1} MB/s; {} mentions ({} with values)",
        docs.len(),
        bytes as f64 / 1e6,
        secs,
        docs.len() as f64 / secs,
        bytes as f64 / 1e6 / secs,
        mentions,
        valued
    );
    ExitCode::SUCCESS
}
