//! Search latency over a store: N three-term queries (implicit AND) drawn from the index's own
//! vocabulary (seeded; words whose document frequency is between 0.1% and 5% of the articles,
//! three that occur together in some article so that every query has hits),
//! plus a fixed set of realistic queries (a phrase, a field filter, a date range, a NEAR, a
//! fuzzy and a prefix term). Times the whole `search()` call (grouped by story, limit 20,
//! snippets included) with a warm index and prints percentiles in milliseconds as JSON.
//!
//! ```text
//! cargo run --release -p sitrep-search --example search_bench -- --store DIR [--queries 1000] [--seed 1]
//! ```

use std::path::PathBuf;
use std::time::Instant;

use rand::rngs::SmallRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use sitrep_search::{SearchIndex, SearchOptions};
use sitrep_store::{SqliteStore, Store};

const FIXED: &[&str] = &[
    "\"North Korea\" missile",
    "\"prime minister\" election",
    "entity:PRK missile launch",
    "entity:RUS type:ASSAULT ukraine",
    "actor:RUS recipient:UKR attack",
    "published:[2024-01-01 TO 2024-03-31] sanctions russia",
    "published:2023-06 president",
    "\"North Korea\" NEAR/1s Russia",
    "troops NEAR/5 border",
    "president NEAR/2s election",
    "goverment~1 budget",
    "sanction* (china OR russia)",
    "source:outlet007.example police",
    "economy -inflation",
];

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    (sorted[i] * 1000.0).round() / 1000.0
}

fn main() {
    let mut store_dir = None;
    let mut queries = 1000usize;
    let mut seed = 1u64;
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let v = it.next().unwrap_or_default();
        match k.as_str() {
            "--store" => store_dir = Some(PathBuf::from(v)),
            "--queries" => queries = v.parse().expect("--queries N"),
            "--seed" => seed = v.parse().expect("--seed N"),
            _ => {
                eprintln!("usage: search_bench --store DIR [--queries N] [--seed S]");
                std::process::exit(2);
            }
        }
    }
    let dir = store_dir.unwrap_or_else(|| {
        eprintln!("usage: search_bench --store DIR [--queries N] [--seed S]");
        std::process::exit(2)
    });
    let store = SqliteStore::open(&dir).expect("open the store");
    let index = SearchIndex::open(&dir).expect("open the index");
    let caught = index.catch_up(&store).expect("catch up");
    let docs = index.num_docs();
    let lo = (docs / 1000).max(2);
    let hi = (docs / 20).max(lo + 1);
    let mut vocab = index
        .vocabulary("text", lo, hi)
        .expect("read the vocabulary");
    vocab.retain(|w| w.len() >= 3 && w.chars().all(|c| c.is_ascii_alphabetic()));
    vocab.sort();
    let mut rng = SmallRng::seed_from_u64(seed);
    vocab.shuffle(&mut rng);
    if vocab.len() < 3 {
        eprintln!("too few words with document frequency in [{lo}, {hi}]");
        std::process::exit(1);
    }
    let opts = SearchOptions::default();
    // Three words that occur together in some article (so that the query has hits): a random
    // word, a random article among its first hits, two more words of the vocabulary from it.
    let in_vocab: std::collections::HashSet<&str> = vocab.iter().map(|s| s.as_str()).collect();
    let flat = SearchOptions {
        group: false,
        limit: 50,
        offset: 0,
    };
    let mut random: Vec<String> = Vec::with_capacity(queries);
    let mut tries = 0;
    while random.len() < queries && tries < queries * 20 {
        tries += 1;
        let w1 = &vocab[rng.random_range(0..vocab.len())];
        let r = index.search(&store, w1, &flat).expect("search");
        if r.articles.is_empty() {
            continue;
        }
        let id = r.articles[rng.random_range(0..r.articles.len())].id.clone();
        let Some(row) = store.hit_rows(&[id], true).expect("rows").pop() else {
            continue;
        };
        let mut others: Vec<String> = sitrep_search::schema::words(&row.text)
            .into_iter()
            .map(|w| w.0)
            .filter(|w| w != w1 && in_vocab.contains(w.as_str()))
            .collect();
        others.sort();
        others.dedup();
        if others.len() < 2 {
            continue;
        }
        others.shuffle(&mut rng);
        random.push(format!("{w1} {} {}", others[0], others[1]));
    }
    // warm up
    for q in random.iter().take(50).chain(
        FIXED
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .iter(),
    ) {
        index.search(&store, q, &opts).expect("search");
    }
    let mut times = Vec::with_capacity(random.len());
    let mut zero = 0usize;
    let mut hits = 0usize;
    for q in &random {
        let t = Instant::now();
        let r = index.search(&store, q, &opts).expect("search");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        hits += r.total_articles;
        zero += usize::from(r.total_articles == 0);
    }
    times.sort_by(|a, b| a.partial_cmp(b).expect("numbers"));
    let mut fixed = Vec::new();
    let mut all_fixed = Vec::new();
    for q in FIXED {
        let mut ts = Vec::new();
        let mut total = 0;
        for _ in 0..10 {
            let t = Instant::now();
            let r = index.search(&store, q, &opts).expect("search");
            ts.push(t.elapsed().as_secs_f64() * 1000.0);
            total = r.total_articles;
        }
        ts.sort_by(|a, b| a.partial_cmp(b).expect("numbers"));
        all_fixed.extend(ts.iter().copied());
        fixed.push(serde_json::json!({
            "query": q, "total_articles": total, "p50_ms": pct(&ts, 0.5), "max_ms": pct(&ts, 1.0)
        }));
    }
    all_fixed.sort_by(|a, b| a.partial_cmp(b).expect("numbers"));
    let v = serde_json::json!({
        "store": dir,
        "articles": docs,
        "indexed_at_open": caught,
        "vocabulary": {"words": vocab.len(), "doc_freq_min": lo, "doc_freq_max": hi},
        "random_three_term": {
            "queries": random.len(),
            "examples": random.iter().take(5).collect::<Vec<_>>(),
            "p50_ms": pct(&times, 0.5),
            "p90_ms": pct(&times, 0.9),
            "p99_ms": pct(&times, 0.99),
            "max_ms": pct(&times, 1.0),
            "mean_total_articles": hits as f64 / random.len().max(1) as f64,
            "zero_hit_share": zero as f64 / random.len().max(1) as f64,
        },
        "fixed": {
            "p50_ms": pct(&all_fixed, 0.5),
            "p99_ms": pct(&all_fixed, 0.99),
            "max_ms": pct(&all_fixed, 1.0),
            "queries": fixed,
        },
    });
    println!("{}", serde_json::to_string_pretty(&v).expect("json"));
}
