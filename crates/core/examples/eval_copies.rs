//! Evaluate near-duplicate (copy) detection on a seeded synthetic syndication set built in
//! memory from real news articles, and measure its speed.
//!
//! ```sh
//! export SITREP_SHARED=../shared
//! cargo run --release -p sitrep-core --example eval_copies -- --seed 1 --n 2000 [--json]
//! cargo run --release -p sitrep-core --example eval_copies -- --seed 1 --config '{"threshold":0.4}'
//! # speed side by side (bench/copies/run.sh drives these two):
//! cargo run --release -p sitrep-core --example eval_copies -- --export bench/out/copies_input.jsonl --n 10000
//! cargo run --release -p sitrep-core --example eval_copies -- --speed bench/out/copies_input.jsonl
//! ```
//!
//! The set: `n` real articles (identical texts removed, at least 80 words, a third of them from
//! the North Korea / Russia / Ukraine / sanctions topic subset so that many distractors share a
//! topic), kept only when no two of them are already near-duplicates (exact word 3-gram Jaccard
//! below 0.2 and containment below 0.5), so the ground truth is clean. About 30% of them get a
//! family of 1 to 8 copies made with the edits syndication makes: a new headline, a dateline
//! ("LONDON (Reuters) -"), a cut tail, dropped paragraphs, a boilerplate footer and typos. Each
//! copy aims at an exact word 3-gram Jaccard to its original drawn evenly from the buckets
//! 0.3-0.4, ..., 0.8-0.9, >=0.9 (the edit strength is searched for it). Everything is shuffled
//! and fed to `DedupIndex::add` one by one. Reported: ARI of the predicted families (the
//! returned `duplicate_of`) against the true ones, and pairwise precision and recall by the
//! exact Jaccard of each pair. No corpus text is written anywhere except by `--export`.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Write};
use std::time::Instant;

use rayon::prelude::*;
use serde_json::{json, Value};
use sitrep_core::corpus::dedup::{normalize, shingle_hashes, DedupConfig, DedupIndex, ShingleKind};

struct Args {
    seed: u64,
    n: usize,
    json: bool,
    config: DedupConfig,
    export: Option<String>,
    speed: Option<String>,
}

fn parse_args() -> Args {
    let mut a = Args {
        seed: 1,
        n: 2000,
        json: false,
        config: DedupConfig::default(),
        export: None,
        speed: None,
    };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    let val = |i: usize| {
        argv.get(i + 1)
            .cloned()
            .unwrap_or_else(|| die("missing value"))
    };
    while i < argv.len() {
        match argv[i].as_str() {
            "--seed" => a.seed = val(i).parse().unwrap_or_else(|_| die("--seed N")),
            "--n" => a.n = val(i).parse().unwrap_or_else(|_| die("--n N")),
            "--config" => {
                a.config =
                    serde_json::from_str(&val(i)).unwrap_or_else(|e| die(&format!("--config: {e}")))
            }
            "--export" => a.export = Some(val(i)),
            "--speed" => a.speed = Some(val(i)),
            "--json" => {
                a.json = true;
                i += 1;
                continue;
            }
            other => die(&format!("unknown argument {other}")),
        }
        i += 2;
    }
    a
}

fn die(m: &str) -> ! {
    eprintln!("eval_copies: {m}");
    std::process::exit(2)
}

/// splitmix64: small, seeded, reproducible.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn f(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        self.f() < p
    }
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }
}

fn data_dir() -> String {
    let shared = std::env::var("SITREP_SHARED").unwrap_or_else(|_| "../shared".into());
    format!("{shared}/data/news/realtimeqa_news_articles_2022_2026")
}

fn read_texts(path: &str) -> Vec<String> {
    let f = std::fs::File::open(path).unwrap_or_else(|e| {
        die(&format!(
            "{path}: {e} (set SITREP_SHARED to the shared folder that holds data/news)"
        ))
    });
    let r = BufReader::new(flate2::read::MultiGzDecoder::new(f));
    let mut out = Vec::new();
    for line in r.lines() {
        let line = line.unwrap_or_else(|e| die(&format!("{path}: {e}")));
        if let Ok(v) = serde_json::from_str::<Value>(&line) {
            if let Some(t) = v.get("text").and_then(Value::as_str) {
                out.push(t.to_string());
            }
        }
    }
    out
}

/// Unique texts of the corpus in file order, and which of them are in the topic subset.
fn load() -> (Vec<String>, Vec<bool>) {
    let dir = data_dir();
    let all = read_texts(&format!("{dir}/articles.jsonl.gz"));
    let topic: HashSet<String> = read_texts(&format!(
        "{dir}/topic_subset_nk_russia_ukraine_sanctions.jsonl.gz"
    ))
    .into_iter()
    .collect();
    let mut seen = HashSet::new();
    let mut texts = Vec::new();
    let mut is_topic = Vec::new();
    for t in all {
        if seen.insert(blake3::hash(t.as_bytes())) {
            is_topic.push(topic.contains(&t));
            texts.push(t);
        }
    }
    (texts, is_topic)
}

/// Exact word 3-gram set (the same normalisation as the index), sorted.
fn set3(text: &str) -> Vec<u64> {
    let mut v = shingle_hashes(text, ShingleKind::Words, 3);
    v.sort_unstable();
    v.dedup();
    v
}

fn inter(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    let i = inter(a, b);
    let u = a.len() + b.len() - i;
    if u == 0 {
        1.0
    } else {
        i as f64 / u as f64
    }
}

const CITIES: &[&str] = &[
    "WASHINGTON",
    "LONDON",
    "KYIV",
    "SEOUL",
    "MOSCOW",
    "NEW YORK",
    "BRUSSELS",
    "TOKYO",
    "PARIS",
    "BEIJING",
    "BERLIN",
    "GENEVA",
];
const FOOTERS: &[&str] = &[
    "(Reporting by Staff Writers; Editing by the Desk)",
    "Copyright 2024 The Wire Service. All rights reserved. This material may not be published, broadcast, rewritten or redistributed.",
    "Sign up for our daily newsletter to get the top stories in your inbox every morning.",
    "Our Standards: The Trust Principles.",
    "Contributing: staff reports. Follow us on social media for the latest updates.",
    "This story has been updated with additional information.",
];

/// Edits applied with strength `s` in [0, 1]. The random choices come from `seed`, so the
/// result changes smoothly with `s` and the strength can be searched for.
fn make_copy(orig: &str, s: f64, seed: u64) -> String {
    let mut r = Rng(seed);
    let headline = r.chance(0.6);
    let dateline = r.chance(0.6);
    let footer = r.chance(0.5);
    let (u_tail, u_drop, u_typo) = (0.2 + 0.8 * r.f(), 0.2 + 0.8 * r.f(), 0.2 + 0.8 * r.f());
    let mut paras: Vec<&str> = orig.lines().filter(|l| !l.trim().is_empty()).collect();
    // Cut tail: keep a leading share of the paragraphs (at least one).
    let keep = 1.0 - 0.85 * s * u_tail;
    let k = ((paras.len() as f64 * keep).ceil() as usize).clamp(1, paras.len().max(1));
    paras.truncate(k);
    // Drop paragraphs (never the first).
    let p_drop = 0.45 * s * u_drop;
    let mut kept: Vec<String> = Vec::new();
    for (i, p) in paras.iter().enumerate() {
        let roll = r.f();
        if i == 0 || roll >= p_drop {
            kept.push(p.to_string());
        }
    }
    // Typos: per word, swap, drop or double a letter, or replace the word by a near synonym.
    let typo = 0.25 * s * u_typo + 0.002;
    for p in kept.iter_mut() {
        let words: Vec<String> = p
            .split(' ')
            .map(|w| {
                let roll = r.f();
                let kind = r.below(4);
                let pos = r.next();
                if roll >= typo || w.chars().count() < 3 {
                    return w.to_string();
                }
                let mut c: Vec<char> = w.chars().collect();
                let i = (pos as usize) % (c.len() - 1);
                match kind {
                    0 => c.swap(i, i + 1),
                    1 => {
                        c.remove(i);
                    }
                    2 => {
                        let x = c[i];
                        c.insert(i, x)
                    }
                    _ => return "also".to_string(),
                }
                c.into_iter().collect()
            })
            .collect();
        *p = words.join(" ");
    }
    let mut out = String::new();
    if headline {
        // A new headline made of words from the story.
        let src = kept[r.below(kept.len())]
            .split_whitespace()
            .collect::<Vec<_>>();
        let start = r.below(src.len().saturating_sub(6).max(1));
        let h: Vec<&str> = src
            .iter()
            .skip(start)
            .take(5 + r.below(5))
            .copied()
            .collect();
        out.push_str(&h.join(" "));
        out.push_str("\n\n");
    }
    if dateline {
        let city = CITIES[r.below(CITIES.len())];
        let agency = ["(Reuters) -", "(AP) —", "(AFP) -", "—"][r.below(4)];
        out.push_str(&format!("{city} {agency} "));
    }
    out.push_str(&kept.join("\n\n"));
    if footer {
        out.push_str("\n\n");
        out.push_str(FOOTERS[r.below(FOOTERS.len())]);
    }
    out
}

const BUCKETS: &[(&str, f64, f64)] = &[
    ("<0.3", -1.0, 0.3),
    ("0.3-0.4", 0.3, 0.4),
    ("0.4-0.5", 0.4, 0.5),
    ("0.5-0.6", 0.5, 0.6),
    ("0.6-0.7", 0.6, 0.7),
    ("0.7-0.8", 0.7, 0.8),
    ("0.8-0.9", 0.8, 0.9),
    (">=0.9", 0.9, 2.0),
];

fn bucket(j: f64) -> usize {
    BUCKETS
        .iter()
        .position(|&(_, lo, hi)| j >= lo && j < hi)
        .unwrap_or(0)
}

/// Adjusted Rand index of two labelings.
fn ari(truth: &[usize], pred: &[usize]) -> f64 {
    let c2 = |n: u64| (n * n.saturating_sub(1) / 2) as f64;
    let mut cont: HashMap<(usize, usize), u64> = HashMap::new();
    let mut a: HashMap<usize, u64> = HashMap::new();
    let mut b: HashMap<usize, u64> = HashMap::new();
    for (&t, &p) in truth.iter().zip(pred) {
        *cont.entry((t, p)).or_default() += 1;
        *a.entry(t).or_default() += 1;
        *b.entry(p).or_default() += 1;
    }
    let index: f64 = cont.values().map(|&n| c2(n)).sum();
    let sa: f64 = a.values().map(|&n| c2(n)).sum();
    let sb: f64 = b.values().map(|&n| c2(n)).sum();
    let total = c2(truth.len() as u64);
    let expected = sa * sb / total;
    let max = (sa + sb) / 2.0;
    if max == expected {
        1.0
    } else {
        (index - expected) / (max - expected)
    }
}

fn evaluate(args: &Args) -> Value {
    let t0 = Instant::now();
    let (texts, is_topic) = load();
    let mut rng = Rng(args.seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0xD1B5_4A32_D192_ED03);
    // Candidate base articles: long enough, a third from the topic subset.
    let mut topic: Vec<usize> = Vec::new();
    let mut other: Vec<usize> = Vec::new();
    for (i, t) in texts.iter().enumerate() {
        if t.split_whitespace().count() >= 80 {
            if is_topic[i] {
                topic.push(i);
            } else {
                other.push(i);
            }
        }
    }
    rng.shuffle(&mut topic);
    rng.shuffle(&mut other);
    let want_topic = args.n / 3;
    let order: Vec<usize> = topic
        .iter()
        .take(want_topic * 2)
        .copied()
        .chain(other.iter().copied())
        .collect();
    // Keep only articles that are not already near-duplicates of a kept one (exact check).
    let mut base: Vec<usize> = Vec::new();
    let mut base_sets: Vec<Vec<u64>> = Vec::new();
    let mut postings: HashMap<u64, Vec<u32>> = HashMap::new();
    let (mut excluded, mut n_topic) = (0usize, 0usize);
    for &i in &order {
        if base.len() >= args.n {
            break;
        }
        if is_topic[i] && n_topic >= want_topic {
            continue;
        }
        let s = set3(&texts[i]);
        let mut counts: HashMap<u32, u32> = HashMap::new();
        for h in &s {
            if let Some(p) = postings.get(h) {
                for &d in p {
                    *counts.entry(d).or_default() += 1;
                }
            }
        }
        let near = counts.iter().any(|(&d, &c)| {
            let other = base_sets[d as usize].len();
            let j = c as f64 / (s.len() + other - c as usize) as f64;
            let cont = c as f64 / s.len().min(other).max(1) as f64;
            j >= 0.2 || cont >= 0.5
        });
        if near {
            excluded += 1;
            continue;
        }
        let d = base.len() as u32;
        for &h in &s {
            postings.entry(h).or_default().push(d);
        }
        base.push(i);
        base_sets.push(s);
        n_topic += is_topic[i] as usize;
    }
    drop(postings);
    // Copy families.
    struct Doc {
        text: String,
        family: usize,
    }
    let mut docs: Vec<Doc> = Vec::new();
    let mut copy_js: Vec<f64> = Vec::new();
    let mut n_fam = 0usize;
    for (f, &i) in base.iter().enumerate() {
        docs.push(Doc {
            text: texts[i].clone(),
            family: f,
        });
        if !rng.chance(0.3) {
            continue;
        }
        n_fam += 1;
        let mut k = 1;
        while k < 8 && rng.chance(0.5) {
            k += 1;
        }
        for _ in 0..k {
            let b = 1 + rng.below(7);
            let (lo, hi) = (BUCKETS[b].1, BUCKETS[b].2.min(1.0));
            let target = lo + (hi - lo) * rng.f();
            let seed = rng.next();
            let (mut a, mut z) = (0.0f64, 1.0f64);
            let mut best: Option<(f64, String, f64)> = None;
            for _ in 0..12 {
                let s = (a + z) / 2.0;
                let c = make_copy(&texts[i], s, seed);
                let j = jaccard(&set3(&c), &base_sets[f]);
                let err = (j - target).abs();
                if !best.as_ref().is_some_and(|b| err >= b.0) {
                    best = Some((err, c, j));
                }
                if j > target {
                    a = s;
                } else {
                    z = s;
                }
            }
            let (_, c, j) = best.unwrap();
            copy_js.push(j);
            docs.push(Doc { text: c, family: f });
        }
    }
    let mut perm: Vec<usize> = (0..docs.len()).collect();
    rng.shuffle(&mut perm);
    let docs: Vec<Doc> = {
        let mut slots: Vec<Option<Doc>> = docs.into_iter().map(Some).collect();
        perm.iter().map(|&p| slots[p].take().unwrap()).collect()
    };
    let built_s = t0.elapsed().as_secs_f64();

    // Run the real index, incrementally, in arrival order.
    let t1 = Instant::now();
    let mut index = DedupIndex::new(args.config.clone()).unwrap_or_else(|e| die(&e.to_string()));
    let sigs: Vec<_> = docs.par_iter().map(|d| index.signature(&d.text)).collect();
    let sig_s = t1.elapsed().as_secs_f64();
    let t2 = Instant::now();
    let mut pred: Vec<usize> = Vec::with_capacity(docs.len());
    for (n, sig) in sigs.into_iter().enumerate() {
        let got = index.add_signature(&n.to_string(), sig);
        pred.push(got.map_or(n, |id| id.parse().unwrap()));
    }
    let add_s = t2.elapsed().as_secs_f64();
    let truth: Vec<usize> = docs.iter().map(|d| d.family).collect();
    let ari_all = ari(&truth, &pred);

    // Pairwise by exact Jaccard bucket.
    let sets: Vec<Vec<u64>> = docs.par_iter().map(|d| set3(&d.text)).collect();
    let group = |labels: &[usize]| {
        let mut g: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, &l) in labels.iter().enumerate() {
            g.entry(l).or_default().push(i);
        }
        g.into_values().filter(|v| v.len() > 1).collect::<Vec<_>>()
    };
    let mut pairs: HashMap<(usize, usize), (bool, bool)> = HashMap::new();
    for fam in group(&truth) {
        for (x, &i) in fam.iter().enumerate() {
            for &j in &fam[x + 1..] {
                pairs.entry((i.min(j), i.max(j))).or_default().0 = true;
            }
        }
    }
    for fam in group(&pred) {
        for (x, &i) in fam.iter().enumerate() {
            for &j in &fam[x + 1..] {
                pairs.entry((i.min(j), i.max(j))).or_default().1 = true;
            }
        }
    }
    let mut tally = vec![[0usize; 3]; BUCKETS.len()]; // tp, fp, fn
    for (&(i, j), &(t, p)) in &pairs {
        let b = bucket(jaccard(&sets[i], &sets[j]));
        match (t, p) {
            (true, true) => tally[b][0] += 1,
            (false, true) => tally[b][1] += 1,
            (true, false) => tally[b][2] += 1,
            _ => {}
        }
    }
    let (tp, fp, fneg) = tally
        .iter()
        .fold((0, 0, 0), |a, t| (a.0 + t[0], a.1 + t[1], a.2 + t[2]));
    let ratio = |a: usize, b: usize| {
        if b == 0 {
            Value::Null
        } else {
            json!(a as f64 / b as f64)
        }
    };
    let buckets: Vec<Value> = BUCKETS
        .iter()
        .zip(&tally)
        .map(|(&(name, _, _), t)| {
            json!({"bucket": name, "tp": t[0], "fp": t[1], "fn": t[2],
                   "precision": ratio(t[0], t[0] + t[1]), "recall": ratio(t[0], t[0] + t[2])})
        })
        .collect();
    let mut copy_hist = vec![0usize; BUCKETS.len()];
    for &j in &copy_js {
        copy_hist[bucket(j)] += 1;
    }
    json!({
        "seed": args.seed, "config": args.config,
        "base_articles": base.len(), "topic_subset_articles": n_topic,
        "excluded_as_already_near_duplicate": excluded,
        "families_with_copies": n_fam,
        "copies": copy_js.len(), "docs": docs.len(),
        "copies_by_jaccard_to_original": BUCKETS.iter().zip(&copy_hist)
            .map(|(b, n)| json!([b.0, n])).collect::<Vec<_>>(),
        "ari": ari_all,
        "pairwise": {"tp": tp, "fp": fp, "fn": fneg,
                     "precision": ratio(tp, tp + fp), "recall": ratio(tp, tp + fneg)},
        "by_bucket": buckets,
        "seconds": {"build_set": built_s, "signatures": sig_s, "add": add_s},
    })
}

fn print_report(v: &Value) {
    println!(
        "seed {} | {} docs ({} base articles, {} from the topic subset, {} copies; {} excluded as already near-duplicate)",
        v["seed"], v["docs"], v["base_articles"], v["topic_subset_articles"], v["copies"],
        v["excluded_as_already_near_duplicate"]
    );
    println!("config {}", v["config"]);
    println!(
        "copies by exact 3-gram Jaccard to their original: {}",
        v["copies_by_jaccard_to_original"]
    );
    let f = |x: &Value| x.as_f64().map_or("-".to_string(), |x| format!("{x:.3}"));
    println!(
        "ARI {:.4} | pairwise P {} R {} (tp {}, fp {}, fn {})",
        v["ari"].as_f64().unwrap_or(0.0),
        f(&v["pairwise"]["precision"]),
        f(&v["pairwise"]["recall"]),
        v["pairwise"]["tp"],
        v["pairwise"]["fp"],
        v["pairwise"]["fn"]
    );
    println!("| pair Jaccard | true pairs | found | false pairs | precision | recall |");
    println!("|---|---:|---:|---:|---:|---:|");
    for b in v["by_bucket"].as_array().unwrap() {
        let tp = b["tp"].as_u64().unwrap();
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            b["bucket"].as_str().unwrap(),
            tp + b["fn"].as_u64().unwrap(),
            tp,
            b["fp"],
            f(&b["precision"]),
            f(&b["recall"])
        );
    }
    println!("seconds {}", v["seconds"]);
}

/// Write the first `n` unique articles (file order) for the side-by-side speed run.
fn export(path: &str, n: usize) {
    let (texts, _) = load();
    let mut w = std::io::BufWriter::new(
        std::fs::File::create(path).unwrap_or_else(|e| die(&format!("{path}: {e}"))),
    );
    for (i, t) in texts.iter().take(n).enumerate() {
        let line = json!({"id": i, "text": t, "norm": normalize(t)});
        writeln!(w, "{line}").unwrap();
    }
    eprintln!("wrote {} articles to {path}", n.min(texts.len()));
}

fn speed(path: &str, config: &DedupConfig) -> Value {
    let f = std::fs::File::open(path).unwrap_or_else(|e| die(&format!("{path}: {e}")));
    let texts: Vec<String> = BufReader::new(f)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(&l.unwrap()).unwrap();
            v["text"].as_str().unwrap().to_string()
        })
        .collect();
    let ids: Vec<String> = (0..texts.len()).map(|i| i.to_string()).collect();
    let n = texts.len() as f64;
    let index = DedupIndex::new(config.clone()).unwrap_or_else(|e| die(&e.to_string()));
    // Warm up once (page in the texts, CPU feature detection).
    let _: Vec<_> = texts.iter().take(200).map(|t| index.signature(t)).collect();
    let best = |runs: usize, f: &mut dyn FnMut() -> f64| {
        (0..runs).map(|_| f()).fold(f64::INFINITY, f64::min)
    };
    let sig1 = best(3, &mut || {
        let t = Instant::now();
        let s: Vec<_> = texts.iter().map(|t| index.signature(t)).collect();
        std::hint::black_box(s);
        t.elapsed().as_secs_f64()
    });
    let sig_par = best(3, &mut || {
        let t = Instant::now();
        let s: Vec<_> = texts.par_iter().map(|t| index.signature(t)).collect();
        std::hint::black_box(s);
        t.elapsed().as_secs_f64()
    });
    let sigs: Vec<_> = texts.par_iter().map(|t| index.signature(t)).collect();
    let mut built = None;
    let insert = best(3, &mut || {
        let mut ix = DedupIndex::new(config.clone()).unwrap();
        let s = sigs.clone();
        let t = Instant::now();
        for (id, sig) in ids.iter().zip(s) {
            ix.add_signature(id, sig);
        }
        let e = t.elapsed().as_secs_f64();
        built = Some(ix);
        e
    });
    let ix = built.unwrap();
    let query = best(3, &mut || {
        let t = Instant::now();
        let q: Vec<_> = sigs.iter().map(|s| ix.query_signature(s)).collect();
        std::hint::black_box(q);
        t.elapsed().as_secs_f64()
    });
    // From text, as gaoya's insert_document / query do: signature in parallel, add in order.
    let add_text = best(3, &mut || {
        let mut ix = DedupIndex::new(config.clone()).unwrap();
        let t = Instant::now();
        for (chunk_t, chunk_i) in texts.chunks(1024).zip(ids.chunks(1024)) {
            let s: Vec<_> = chunk_t.par_iter().map(|t| ix.signature(t)).collect();
            for (id, sig) in chunk_i.iter().zip(s) {
                ix.add_signature(id, sig);
            }
        }
        t.elapsed().as_secs_f64()
    });
    let query_text = best(3, &mut || {
        let t = Instant::now();
        let q: Vec<_> = texts.par_iter().map(|t| ix.query(t)).collect();
        std::hint::black_box(q);
        t.elapsed().as_secs_f64()
    });
    let dups = sigs
        .iter()
        .enumerate()
        .filter(|(i, s)| ix.query_signature(s).is_some_and(|r| r != ids[*i]));
    json!({
        "tool": "sitrep", "docs": texts.len(), "threads": rayon::current_num_threads(),
        "signature_1thread": n / sig1, "signature": n / sig_par,
        "insert": n / insert, "query": n / query,
        "insert_from_text": n / add_text, "query_from_text": n / query_text,
        "found_copy_of_other": dups.count(),
    })
}

fn main() {
    let args = parse_args();
    if let Some(p) = &args.export {
        export(p, args.n);
        return;
    }
    if let Some(p) = &args.speed {
        println!("{}", speed(p, &args.config));
        return;
    }
    let v = evaluate(&args);
    if args.json {
        println!("{v}");
    } else {
        print_report(&v);
    }
}
