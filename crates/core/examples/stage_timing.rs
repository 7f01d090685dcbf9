//! Time each pipeline stage on one thread over a JSONL file (field `text`, optional
//! `published`/`url_date`), e.g. a sample of the news corpus:
//!
//! ```text
//! zcat ../shared/data/news/realtimeqa_news_articles_2022_2026/articles.jsonl.gz | head -2000 > /tmp/s.jsonl
//! cargo run --release -p sitrep-core --example stage_timing -- /tmp/s.jsonl
//! ```

use std::io::BufRead;
use std::time::Duration;

use sitrep_core::{Article, Meta, Pipeline};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: stage_timing FILE.jsonl");
        std::process::exit(2);
    };
    let file = std::fs::File::open(&path).unwrap_or_else(|e| {
        eprintln!("cannot open {path}: {e}");
        std::process::exit(2)
    });
    let pipeline = Pipeline::default();
    let names = pipeline.stage_names();
    let mut timings = vec![Duration::ZERO; names.len()];
    let (mut n, mut bytes) = (0usize, 0usize);
    for line in std::io::BufReader::new(file).lines() {
        let Ok(line) = line else { break };
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        let Some(text) = v["text"].as_str() else {
            continue;
        };
        let published = v["published"]
            .as_str()
            .or(v["url_date"].as_str())
            .map(str::to_string);
        let mut a = Article::new(
            text.to_string(),
            Meta {
                published,
                ..Default::default()
            },
        );
        pipeline.run_timed(&mut a, &mut timings);
        n += 1;
        bytes += text.len();
    }
    let total: Duration = timings.iter().sum();
    println!("{n} articles, {:.1} MB, one thread", bytes as f64 / 1e6);
    for (name, t) in names.iter().zip(&timings) {
        println!(
            "{name:<10} {:>8.3} s  {:>5.1}%  {:>9.0} articles/s",
            t.as_secs_f64(),
            100.0 * t.as_secs_f64() / total.as_secs_f64(),
            n as f64 / t.as_secs_f64()
        );
    }
    println!(
        "{:<10} {:>8.3} s  100.0%  {:>9.0} articles/s  {:.2} MB/s",
        "total",
        total.as_secs_f64(),
        n as f64 / total.as_secs_f64(),
        bytes as f64 / 1e6 / total.as_secs_f64()
    );
}
