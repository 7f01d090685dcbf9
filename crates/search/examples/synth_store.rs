//! Build a synthetic store of N articles (default 1,000,000) for search benchmarks, directly
//! (no NLP pipeline): texts are sentences sampled from a JSONL corpus (field `text`, `.gz` ok),
//! outlets random, publication dates over two years (2023-2024), a few entity codes and event
//! types per article from small lists, stories of 1-8 articles of which some are copies of the
//! story's first article. Written with `put_linked` in big batches, then indexed by `catch_up`.
//! `raw` is left empty to keep the database lean.
//!
//! ```text
//! cargo run --release -p sitrep-search --example synth_store -- \
//!     --out /tmp/synth --corpus $SITREP_SHARED/data/news/realtimeqa_news_articles_2022_2026/articles.jsonl.gz \
//!     [--articles 1000000] [--seed 7] [--batch 5000]
//! ```

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::time::Instant;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use sitrep_core::model::{
    Entity, EntityKind, Event, EventStatus, Mention, Participant, PloverType, Sentence,
};
use sitrep_core::Record;
use sitrep_search::SearchIndex;
use sitrep_store::{SqliteStore, Store, StoredArticle, StoryHead};

const COUNTRIES: &[(&str, &str)] = &[
    ("PRK", "North Korea"),
    ("RUS", "Russia"),
    ("UKR", "Ukraine"),
    ("USA", "United States"),
    ("CHN", "China"),
    ("KOR", "South Korea"),
    ("JPN", "Japan"),
    ("IRN", "Iran"),
    ("ISR", "Israel"),
    ("GBR", "United Kingdom"),
    ("FRA", "France"),
    ("DEU", "Germany"),
];
const SECTORS: &[&str] = &["", "GOV", "MIL", "CVL"];
const STATUSES: &[EventStatus] = &[
    EventStatus::Asserted,
    EventStatus::Hedged,
    EventStatus::Denied,
    EventStatus::Planned,
];

struct Args {
    out: PathBuf,
    corpus: PathBuf,
    articles: usize,
    seed: u64,
    batch: usize,
}

fn args() -> Args {
    let mut a = Args {
        out: PathBuf::new(),
        corpus: PathBuf::new(),
        articles: 1_000_000,
        seed: 7,
        batch: 5000,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let mut v = || {
            it.next()
                .unwrap_or_else(|| usage(&format!("{k} needs a value")))
        };
        match k.as_str() {
            "--out" => a.out = v().into(),
            "--corpus" => a.corpus = v().into(),
            "--articles" => a.articles = v().parse().unwrap_or_else(|_| usage("--articles N")),
            "--seed" => a.seed = v().parse().unwrap_or_else(|_| usage("--seed N")),
            "--batch" => a.batch = v().parse().unwrap_or_else(|_| usage("--batch N")),
            _ => usage(&format!("unknown argument {k}")),
        }
    }
    if a.out.as_os_str().is_empty() || a.corpus.as_os_str().is_empty() {
        usage("--out and --corpus are required");
    }
    a
}

fn usage(why: &str) -> ! {
    eprintln!("error: {why}\nusage: synth_store --out DIR --corpus FILE.jsonl[.gz] [--articles N] [--seed S] [--batch B]");
    std::process::exit(2)
}

/// Sentences of the corpus texts (a plain splitter at . ! ? followed by white space).
fn sentences(path: &PathBuf) -> Vec<String> {
    let f =
        std::fs::File::open(path).unwrap_or_else(|e| usage(&format!("{}: {e}", path.display())));
    let r: Box<dyn BufRead> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(f)))
    } else {
        Box::new(BufReader::new(f))
    };
    let mut out = Vec::new();
    for line in r.lines() {
        let Ok(line) = line else { break };
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        let Some(text) = v["text"].as_str() else {
            continue;
        };
        let mut start = 0;
        let b = text.as_bytes();
        for i in 0..b.len() {
            let end = matches!(b[i], b'.' | b'!' | b'?')
                && (i + 1 == b.len() || b[i + 1].is_ascii_whitespace());
            if end {
                let s = text[start..=i].trim();
                if (30..400).contains(&s.len()) && !s.contains('\n') {
                    out.push(s.to_string());
                }
                start = i + 1;
            }
        }
        if out.len() >= 300_000 {
            break;
        }
    }
    if out.is_empty() {
        usage(&format!("no sentences found in {}", path.display()));
    }
    out
}

fn part(rng: &mut SmallRng) -> Participant {
    let (c, name) = COUNTRIES[rng.random_range(0..COUNTRIES.len())];
    let sector = SECTORS[rng.random_range(0..SECTORS.len())];
    Participant {
        start: 0,
        end: 0,
        text: name.to_string(),
        code: Some(format!("{c}{sector}")),
        country: Some(c.to_string()),
        sector: (!sector.is_empty()).then(|| sector.to_string()),
    }
}

fn record(i: usize, rng: &mut SmallRng, pool: &[String], day0: chrono::NaiveDate) -> Record {
    let n = rng.random_range(5..=25);
    let mut text = String::new();
    let mut sents = Vec::with_capacity(n);
    let mut chars = 0usize;
    for k in 0..n {
        if k > 0 {
            text.push(' ');
            chars += 1;
        }
        let s = &pool[rng.random_range(0..pool.len())];
        let len = s.chars().count();
        text.push_str(s);
        sents.push(Sentence {
            start: chars,
            end: chars + len,
        });
        chars += len;
    }
    let title: String = text.chars().take(80).collect();
    let mut entities = Vec::new();
    for _ in 0..rng.random_range(1..=4) {
        let (c, name) = COUNTRIES[rng.random_range(0..COUNTRIES.len())];
        entities.push(Entity {
            start: 0,
            end: 0,
            text: name.to_string(),
            kind: EntityKind::Country,
            code: Some(c.to_string()),
            name: None,
            role: None,
            country: None,
            lat: None,
            lon: None,
            via: "synthetic".into(),
        });
    }
    let mut events = Vec::new();
    for _ in 0..rng.random_range(0..=3) {
        events.push(Event {
            kind: PloverType::ALL[rng.random_range(0..PloverType::ALL.len())],
            mode: None,
            context: None,
            cameo: format!("{:02}", rng.random_range(1..=20)),
            actor: vec![part(rng)],
            recipient: vec![part(rng)],
            status: STATUSES[rng.random_range(0..STATUSES.len())],
            date: None,
            place: None,
            trigger: Mention {
                start: 0,
                end: 0,
                text: String::new(),
            },
            sentence: sents[0],
            said_by: None,
        });
    }
    let published = day0 + chrono::Duration::days(rng.random_range(0..731));
    Record {
        id: format!("s{i:08}"),
        source: Some(format!("outlet{:03}.example", rng.random_range(0..300))),
        url: None,
        path: None,
        published: Some(published.format("%Y-%m-%d").to_string()),
        published_via: Some("input".into()),
        modified: None,
        title: Some(title),
        lang: Some("en".into()),
        duplicate_of: None,
        story: None,
        text,
        sentences: sents,
        entities,
        dates: Vec::new(),
        figures: Vec::new(),
        quotes: Vec::new(),
        events,
        claims: Vec::new(),
        removed: Vec::new(),
    }
}

fn main() {
    let a = args();
    let t0 = Instant::now();
    let pool = sentences(&a.corpus);
    eprintln!(
        "{} sentences read in {:.1} s",
        pool.len(),
        t0.elapsed().as_secs_f64()
    );
    let mut store = SqliteStore::open(&a.out).expect("open the store");
    let first_id = store.max_seq().expect("max seq") as usize;
    let mut rng = SmallRng::seed_from_u64(a.seed);
    let day0 = chrono::NaiveDate::from_ymd_opt(2023, 1, 1).expect("a date");
    let t1 = Instant::now();
    let (mut story, mut left, mut head_of) = (first_id as u32, 0usize, None::<Record>);
    let (mut stories, mut copies) = (0usize, 0usize);
    let mut batch = Vec::with_capacity(a.batch);
    let mut heads: Vec<StoryHead> = Vec::new();
    for i in first_id..first_id + a.articles {
        if left == 0 {
            story += 1;
            stories += 1;
            left = rng.random_range(1..=8);
            head_of = None;
        }
        left -= 1;
        let mut r = match &head_of {
            // a copy of the story's first article, another outlet, a day later
            Some(h) if rng.random_bool(0.2) => {
                copies += 1;
                let mut c = h.clone();
                c.id = format!("s{i:08}");
                c.duplicate_of = Some(h.id.clone());
                c.source = Some(format!("outlet{:03}.example", rng.random_range(0..300)));
                c
            }
            _ => record(i, &mut rng, &pool, day0),
        };
        r.story = Some(story);
        if head_of.is_none() {
            head_of = Some(r.clone());
            heads.push(StoryHead {
                id: story,
                headline: r.title.clone().unwrap_or_default(),
                first: r.published.clone(),
                last: r.published.clone(),
            });
        }
        batch.push(StoredArticle {
            record: r,
            raw: String::new(),
            link: None,
        });
        if batch.len() >= a.batch {
            store.put_linked(&batch, &heads).expect("store a batch");
            batch.clear();
            // the open story gets its head again with the next batch
            heads.retain(|h| h.id == story);
            let done = i + 1 - first_id;
            if done % 50_000 < a.batch {
                eprintln!(
                    "stored {done} articles ({:.0}/s)",
                    done as f64 / t1.elapsed().as_secs_f64()
                );
            }
        }
    }
    store.put_linked(&batch, &heads).expect("store a batch");
    let store_s = t1.elapsed().as_secs_f64();
    let t2 = Instant::now();
    let index = SearchIndex::open(&a.out).expect("open the index");
    let mut last = Instant::now();
    let n = index
        .catch_up_with(&store, &mut |done, total| {
            if last.elapsed().as_secs() >= 10 {
                eprintln!(
                    "indexed {done}/{total} ({:.0}/s)",
                    done as f64 / t2.elapsed().as_secs_f64()
                );
                last = Instant::now();
            }
        })
        .expect("index");
    let index_s = t2.elapsed().as_secs_f64();
    let size = |p: PathBuf| -> u64 { walk(&p) };
    let v = serde_json::json!({
        "articles": a.articles,
        "stories": stories,
        "copies": copies,
        "indexed": n,
        "store_seconds": (store_s * 10.0).round() / 10.0,
        "index_seconds": (index_s * 10.0).round() / 10.0,
        "db_mb": size(a.out.join("sitrep.db")) / 1_000_000,
        "index_mb": size(a.out.join("index")) / 1_000_000,
    });
    println!("{}", serde_json::to_string_pretty(&v).expect("json"));
}

fn walk(p: &PathBuf) -> u64 {
    match std::fs::metadata(p) {
        Ok(m) if m.is_file() => m.len(),
        Ok(m) if m.is_dir() => std::fs::read_dir(p)
            .map(|rd| rd.flatten().map(|e| walk(&e.path())).sum())
            .unwrap_or(0),
        _ => 0,
    }
}
