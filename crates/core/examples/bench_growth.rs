//! How the cost of linking one article (copy check + story assignment) grows with the size of
//! the index, on synthetic articles, up to 1M.
//!
//! ```text
//! cargo run --release -p sitrep-core --example bench_growth -- --n 1000000
//! cargo run --release -p sitrep-core --example bench_growth -- --n 100000 --json
//! ```
//!
//! The articles are made up (no text from anywhere): a Zipf vocabulary of 50,000 words, and
//! events, each with 12 characteristic words, 3 named entities and a date. An article
//! belongs to an event, has 250 words (a third from its event, the rest background), 4
//! entities, a publication date on or after the event's date (the stream covers about 1,000
//! articles per day, so 1M articles span about three years), and 8% of articles are
//! near-copies of an earlier article of the same event (a few words changed). Events arrive
//! over time; each lives about two weeks.
//!
//! Both indexes are the ones `sitrep ingest` keeps (`corpus::link::CorpusIndex`), with
//! default settings. The signature and features are computed outside the timed region
//! (in `ingest` they are computed in parallel with annotation); the timed region is
//! [`CorpusIndex::add`], the sequential part. Reported per checkpoint: the mean cost per
//! article over the last 10,000 articles, and the resident memory.

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::NaiveDate;
use serde_json::json;
use sitrep_core::corpus::link::{CorpusIndex, Prepared};
use sitrep_core::corpus::stories::Features;

/// SplitMix64: a small deterministic generator (the benchmark must not depend on a crate's
/// random stream).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Zipf(1.0) sampler over `n` ranks by inverse CDF on precomputed cumulative weights.
struct Zipf(Vec<f64>);
impl Zipf {
    fn new(n: usize) -> Zipf {
        let mut c = Vec::with_capacity(n);
        let mut s = 0.0;
        for r in 1..=n {
            s += 1.0 / r as f64;
            c.push(s);
        }
        for x in &mut c {
            *x /= s;
        }
        Zipf(c)
    }
    fn sample(&self, rng: &mut Rng) -> usize {
        let u = rng.unit();
        self.0.partition_point(|&x| x < u).min(self.0.len() - 1)
    }
}

fn word(i: usize) -> String {
    // pronounceable, distinct, not stopwords: "w" + base-26 digits
    let mut s = String::from("w");
    let mut n = i;
    loop {
        s.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
        if n == 0 {
            break;
        }
    }
    s
}

struct Event {
    words: Vec<usize>,
    ents: Vec<String>,
    day: i64,
    articles: Vec<Vec<usize>>,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args
        .iter()
        .position(|a| a == "--n")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let as_json = args.iter().any(|a| a == "--json");
    let checkpoints: Vec<usize> = [10_000, 30_000, 100_000, 300_000, 1_000_000]
        .into_iter()
        .filter(|&c| c <= n)
        .collect();
    let mut rng = Rng(42);
    let vocab = Zipf::new(50_000);
    let start_day = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap();
    let per_day = 1_000usize;
    let mut events: Vec<Event> = Vec::new();
    let mut index = CorpusIndex::new(&Default::default(), &Default::default()).unwrap();
    let mut window = (0.0f64, 0.0f64);
    let mut copies = 0usize;
    let mut rows = Vec::new();
    let t_all = Instant::now();
    for i in 0..n {
        let day = (i / per_day) as i64;
        // a new event about every 6 articles; events live ~14 days
        if events.is_empty() || rng.below(6) == 0 {
            let words = (0..12).map(|_| 50_000 + rng.below(2_000_000)).collect();
            let ents = (0..3)
                .map(|_| format!("ent{}", rng.below(300_000)))
                .collect();
            events.push(Event {
                words,
                ents,
                day,
                articles: Vec::new(),
            });
        }
        // pick a live event, preferring recent ones
        let live_from = events.partition_point(|e| e.day < day - 14);
        let live = events.len() - live_from;
        let k = live_from + live - 1 - rng.below(live.min(400));
        let ev = &mut events[k];
        let copy = !ev.articles.is_empty() && rng.below(100) < 8;
        let words: Vec<usize> = if copy {
            let mut w = ev.articles[rng.below(ev.articles.len())].clone();
            for _ in 0..5 {
                let p = rng.below(w.len());
                w[p] = vocab.sample(&mut rng);
            }
            w
        } else {
            (0..250)
                .map(|_| {
                    if rng.below(3) == 0 {
                        ev.words[rng.below(ev.words.len())]
                    } else {
                        vocab.sample(&mut rng)
                    }
                })
                .collect()
        };
        if ev.articles.len() < 50 {
            ev.articles.push(words.clone());
        }
        let text: String = words.iter().map(|&w| word(w)).collect::<Vec<_>>().join(" ");
        let mut terms = BTreeMap::new();
        for &w in &words {
            *terms.entry(word(w)).or_insert(0u32) += 1;
        }
        let mut ents = BTreeMap::new();
        for e in ev.ents.iter().take(2) {
            ents.insert(e.clone(), (2u32, 1.0));
        }
        ents.insert(format!("ent{}", rng.below(300_000)), (1, 1.0));
        ents.insert(format!("country{}", rng.below(60)), (1, 0.5));
        let published = start_day + chrono::Duration::days(day + rng.below(2) as i64);
        let f = Features {
            terms,
            ents,
            intervals: Vec::new(),
            published: Some(published),
        };
        let sig = index.dedup.signature(&text);
        let p = Prepared {
            headline: format!("article {i}"),
            features: f,
        };
        let id = format!("a{i}");
        // CorpusIndex::add, in its two timed halves
        let t = Instant::now();
        let dup = index.dedup.add_signature(&id, sig);
        let t_dedup = t.elapsed().as_secs_f64();
        let t = Instant::now();
        match dup.as_deref().and_then(|o| index.stories.add_copy(&id, o)) {
            Some(_) => {}
            None => {
                index.stories.add_features(&id, p.headline, p.features);
            }
        }
        let t_story = t.elapsed().as_secs_f64();
        copies += usize::from(dup.is_some());
        if i + 1 > checkpoints.last().copied().unwrap_or(0).min(n) {
            break;
        }
        let c = i + 1;
        if checkpoints.iter().any(|&x| c + 10_000 > x && c <= x) {
            window.0 += t_dedup;
            window.1 += t_story;
        }
        if checkpoints.contains(&c) {
            let us = (window.0 + window.1) / 10_000.0 * 1e6;
            let (us_dedup, us_story) = (window.0 / 10_000.0 * 1e6, window.1 / 10_000.0 * 1e6);
            window = (0.0, 0.0);
            let rss = rss_mb();
            let stories = index.stories.stories().count();
            let row = json!({"articles": c, "us_per_article_last_10k": us,
                "us_dedup": us_dedup, "us_story": us_story, "copies": copies,
                "articles_per_s_last_10k": 1e6 / us, "stories": stories, "rss_mb": rss,
                "elapsed_s": t_all.elapsed().as_secs_f64()});
            if !as_json {
                eprintln!(
                    "{c:>9} articles  {us:>8.1} us/article ({:>7.0}/s; copy check {us_dedup:.1} us, story {us_story:.1} us) over the last 10k  {stories:>8} stories  {copies} copies  RSS {rss:>6.0} MB  ({:.0}s)",
                    1e6 / us,
                    t_all.elapsed().as_secs_f64()
                );
            }
            rows.push(row);
        }
    }
    if as_json {
        println!("{}", serde_json::to_string_pretty(&rows).unwrap());
    }
}

fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|k| k.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}
