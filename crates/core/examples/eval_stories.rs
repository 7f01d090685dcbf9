//! Score online story clustering (`corpus::stories`) on ECB+ dev, with the two reference
//! baselines computed in the same run; a smoke test on the Gedikli story chains; a speed run.
//!
//! ```text
//! export SITREP_SHARED=/work/shared
//! cargo run --release -p sitrep-core --example eval_stories              # ECB+ dev report
//! cargo run --release -p sitrep-core --example eval_stories -- --json    # same, as JSON
//! cargo run --release -p sitrep-core --example eval_stories -- --errors  # mixed/split stories
//! cargo run --release -p sitrep-core --example eval_stories -- --gedikli # story-chain smoke test
//! cargo run --release -p sitrep-core --example eval_stories -- --speed 10000  # add() throughput
//! cargo run --release -p sitrep-core --example eval_stories -- --grid    # tuning grid (dev only)
//! cargo run --release -p sitrep-core --example eval_stories -- --config '{"threshold":0.3}'
//! ```
//!
//! ECB+: gold is `subtopic` (each ECB topic holds two seminal events: the original ECB one and
//! the one added by ECB+, e.g. one celebrity's rehab check-in vs another's). The method sees
//! no topic label: all 496 documents go through one index. ECB+ has no publication dates, so
//! the time signal comes only from dates written in the texts.
//!
//! Baselines: "whole topic as one story" (uses the topic label), and plain TF-IDF
//! agglomerative clustering (average linkage on cosine, same content terms and sublinear tf,
//! IDF over the whole dev file), cut at the similarity threshold that is best on dev (a
//! generous, oracle-tuned baseline), both globally and within each topic.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use serde_json::{json, Value};
use sitrep_core::corpus::stories::metrics::{score, Scores};
use sitrep_core::corpus::stories::{features, StoryConfig, StoryIndex};
use sitrep_core::eval::tempeval::shared_data_dir;
use sitrep_core::model::{Article, Meta};
use sitrep_core::Pipeline;

struct Doc {
    topic: String,
    subtopic: String,
    article: Article,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let data = shared_data_dir();
    let mut config = StoryConfig::default();
    if let Some(i) = args.iter().position(|a| a == "--config") {
        match args
            .get(i + 1)
            .map(|s| serde_json::from_str::<StoryConfig>(s))
        {
            Some(Ok(c)) => config = c,
            Some(Err(e)) => {
                eprintln!("eval_stories: --config: {e}");
                return ExitCode::FAILURE;
            }
            None => {
                eprintln!("eval_stories: --config needs a JSON object of StoryConfig fields");
                return ExitCode::FAILURE;
            }
        }
    }
    let pipeline = Pipeline::default();
    if args.iter().any(|a| a == "--gedikli") {
        return gedikli(&data, &pipeline, &config);
    }
    if let Some(i) = args.iter().position(|a| a == "--speed") {
        let n = args
            .get(i + 1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(10_000);
        return speed(&data, &pipeline, &config, n);
    }
    let path = data.join("clustering/ecbplus_dev.jsonl");
    let t0 = Instant::now();
    let docs = match read_ecb(&path, &pipeline) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("eval_stories: {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    };
    let annotate_s = t0.elapsed().as_secs_f64();
    if args.iter().any(|a| a == "--grid") {
        grid(&docs);
        return ExitCode::SUCCESS;
    }
    let gold: Vec<&str> = docs.iter().map(|d| d.subtopic.as_str()).collect();
    let n = docs.len();

    // Our method, global, file order.
    let t1 = Instant::now();
    let pred = run_order(&docs, &config, &(0..n).collect::<Vec<_>>());
    let cluster_s = t1.elapsed().as_secs_f64();
    let ours = score(&gold, &pred);
    if args.iter().any(|a| a == "--errors") {
        errors(&docs, &pred);
    }
    // Shuffled orders.
    let mut shuffled = Vec::new();
    for seed in 1..=3u64 {
        let order = shuffle(n, seed);
        let p = run_order(&docs, &config, &order);
        shuffled.push((seed, score(&gold, &p)));
    }
    // Within topic (information only: uses the topic label).
    let mut within_pred = vec![String::new(); n];
    let mut by_topic: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, d) in docs.iter().enumerate() {
        by_topic.entry(d.topic.as_str()).or_default().push(i);
    }
    for (t, idx) in &by_topic {
        let p = run_order(&docs, &config, idx);
        for (k, &i) in idx.iter().enumerate() {
            within_pred[i] = format!("{t}/{}", p[k]);
        }
    }
    let ours_within = score(&gold, &within_pred);
    // Baselines.
    let topic_pred: Vec<&str> = docs.iter().map(|d| d.topic.as_str()).collect();
    let whole_topic = score(&gold, &topic_pred);
    let sims = tfidf_sims(&docs);
    let all: Vec<usize> = (0..n).collect();
    let (agg_t, agg_global) = best_agglomerative(&sims, &gold, std::slice::from_ref(&all));
    let groups: Vec<Vec<usize>> = by_topic.values().cloned().collect();
    let (agg_wt, agg_within) = best_agglomerative(&sims, &gold, &groups);

    let spread: Vec<f64> = std::iter::once(ours.bcubed.f1)
        .chain(shuffled.iter().map(|(_, s)| s.bcubed.f1))
        .collect();
    let (lo, hi) = spread
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), &x| (a.min(x), b.max(x)));
    if args.iter().any(|a| a == "--json") {
        let out = json!({
            "data": path.display().to_string(),
            "n_docs": n,
            "n_gold_stories": gold.iter().collect::<std::collections::HashSet<_>>().len(),
            "config": config,
            "ours_global_file_order": ours,
            "ours_global_shuffled": shuffled.iter().map(|(s, x)| json!({"seed": s, "scores": x})).collect::<Vec<_>>(),
            "ours_bcubed_f1_spread": {"min": lo, "max": hi},
            "ours_within_topic": ours_within,
            "baseline_whole_topic": whole_topic,
            "baseline_tfidf_agglomerative_global": {"threshold": agg_t, "scores": agg_global},
            "baseline_tfidf_agglomerative_within_topic": {"threshold": agg_wt, "scores": agg_within},
            "annotate_s": annotate_s,
            "cluster_s": cluster_s,
        });
        println!("{}", serde_json::to_string_pretty(&out).unwrap());
        return ExitCode::SUCCESS;
    }
    println!(
        "ECB+ dev: {} documents, {} gold stories (subtopics), {} topics",
        n,
        gold.iter().collect::<std::collections::HashSet<_>>().len(),
        by_topic.len()
    );
    println!("config: {}", serde_json::to_string(&config).unwrap());
    println!(
        "\n{:<52} {:>6} {:>6} {:>6} | {:>6} {:>6} {:>6} | {:>6} {:>5}",
        "method", "B3 P", "B3 R", "B3 F1", "pw P", "pw R", "pw F1", "ARI", "#clu"
    );
    row("sitrep stories, global, file order", &ours);
    for (seed, s) in &shuffled {
        row(
            &format!("sitrep stories, global, shuffled (seed {seed})"),
            s,
        );
    }
    row("sitrep stories, within topic (info)", &ours_within);
    row("baseline: whole topic as one story", &whole_topic);
    row(
        &format!("baseline: TF-IDF agglomerative, global (t={agg_t:.2})"),
        &agg_global,
    );
    row(
        &format!("baseline: TF-IDF agglom., within topic (t={agg_wt:.2})"),
        &agg_within,
    );
    println!(
        "\norder dependence: B-cubed F1 over file order + 3 shuffles: min {lo:.4}, max {hi:.4}, spread {:.4}",
        hi - lo
    );
    println!(
        "time: annotate {annotate_s:.2}s ({:.0} docs/s), cluster {cluster_s:.3}s ({:.0} docs/s)",
        n as f64 / annotate_s,
        n as f64 / cluster_s
    );
    ExitCode::SUCCESS
}

/// Per predicted story holding more than one gold story (or per gold story split over several
/// predicted ones): how many documents of each gold story it holds.
fn errors(docs: &[Doc], pred: &[u32]) {
    let mut by_pred: BTreeMap<u32, BTreeMap<&str, usize>> = BTreeMap::new();
    let mut by_gold: BTreeMap<&str, BTreeMap<u32, usize>> = BTreeMap::new();
    for (d, &p) in docs.iter().zip(pred) {
        *by_pred
            .entry(p)
            .or_default()
            .entry(&d.subtopic)
            .or_default() += 1;
        *by_gold
            .entry(&d.subtopic)
            .or_default()
            .entry(p)
            .or_default() += 1;
    }
    println!("predicted stories mixing gold stories:");
    for (p, g) in &by_pred {
        if g.len() > 1 {
            println!("  story {p:>4}: {g:?}");
        }
    }
    println!("gold stories split over predicted stories:");
    for (g, p) in &by_gold {
        if p.len() > 1 {
            println!("  {g:<12}: {p:?}");
        }
    }
}

fn row(name: &str, s: &Scores) {
    println!(
        "{:<52} {:>6.4} {:>6.4} {:>6.4} | {:>6.4} {:>6.4} {:>6.4} | {:>6.4} {:>5}",
        name,
        s.bcubed.p,
        s.bcubed.r,
        s.bcubed.f1,
        s.pairwise.p,
        s.pairwise.r,
        s.pairwise.f1,
        s.ari,
        s.n_clusters
    );
}

fn read_ecb(path: &Path, pipeline: &Pipeline) -> Result<Vec<Doc>, String> {
    let f = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for (i, line) in BufReader::new(f).lines().enumerate() {
        let line = line.map_err(|e| e.to_string())?;
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(&line).map_err(|e| format!("line {}: {e}", i + 1))?;
        let s = |k: &str| match &v[k] {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        let title = s("title");
        let article = pipeline.annotate(
            s("text"),
            Meta {
                id: Some(s("doc_id")),
                title: (!title.is_empty()).then_some(title),
                ..Default::default()
            },
        );
        out.push(Doc {
            topic: s("topic"),
            subtopic: s("subtopic"),
            article,
        });
    }
    Ok(out)
}

/// Cluster `docs[order[k]]` in that order; returns the story of each position in `order`.
fn run_order(docs: &[Doc], config: &StoryConfig, order: &[usize]) -> Vec<u32> {
    let mut ix = StoryIndex::new(config.clone()).expect("valid config");
    let mut pos = vec![0u32; docs.len()];
    for &i in order {
        pos[i] = ix.add(&docs[i].article);
    }
    // Read back the final assignment (constraints could move articles; none here).
    let out: Vec<u32> = order
        .iter()
        .map(|&i| ix.story_of(&docs[i].article.id).unwrap_or(pos[i]))
        .collect();
    // For the file order (identity), positions equal document indices.
    if order.len() == docs.len() {
        let mut full = vec![0u32; docs.len()];
        for (k, &i) in order.iter().enumerate() {
            full[i] = out[k];
        }
        return full;
    }
    out
}

/// Deterministic Fisher-Yates shuffle with a 64-bit LCG (no `rand` dependency).
fn shuffle(n: usize, seed: u64) -> Vec<usize> {
    let mut v: Vec<usize> = (0..n).collect();
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for i in (1..n).rev() {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let j = ((x >> 33) % (i as u64 + 1)) as usize;
        v.swap(i, j);
    }
    v
}

/// Cosine similarities of plain TF-IDF vectors (sublinear tf, smooth IDF over all documents).
fn tfidf_sims(docs: &[Doc]) -> Vec<Vec<f64>> {
    let terms: Vec<BTreeMap<String, u32>> = docs
        .iter()
        .map(|d| features(&d.article, false).terms)
        .collect();
    let mut df: HashMap<&str, u32> = HashMap::new();
    for t in &terms {
        for k in t.keys() {
            *df.entry(k.as_str()).or_default() += 1;
        }
    }
    let n = docs.len() as f64;
    let vecs: Vec<HashMap<&str, f64>> = terms
        .iter()
        .map(|t| {
            let mut v: HashMap<&str, f64> = t
                .iter()
                .map(|(k, &c)| {
                    let idf = ((n + 1.0) / (df[k.as_str()] as f64 + 1.0)).ln() + 1.0;
                    (k.as_str(), (1.0 + (c as f64).ln()) * idf)
                })
                .collect();
            let norm = v.values().map(|x| x * x).sum::<f64>().sqrt().max(1e-12);
            v.values_mut().for_each(|x| *x /= norm);
            v
        })
        .collect();
    let m = docs.len();
    let mut s = vec![vec![0.0; m]; m];
    for i in 0..m {
        for j in i..m {
            let (a, b) = if vecs[i].len() < vecs[j].len() {
                (&vecs[i], &vecs[j])
            } else {
                (&vecs[j], &vecs[i])
            };
            let d: f64 = a.iter().filter_map(|(k, x)| b.get(k).map(|y| x * y)).sum();
            s[i][j] = d;
            s[j][i] = d;
        }
    }
    s
}

/// Average-linkage agglomerative clustering of each group, merging while the best average
/// similarity is at least `t`; returns a label per document.
fn agglomerative(sims: &[Vec<f64>], groups: &[Vec<usize>], t: f64) -> Vec<usize> {
    let mut label = vec![0usize; sims.len()];
    let mut next = 0;
    for g in groups {
        let k = g.len();
        let mut members: Vec<Vec<usize>> = g.iter().map(|&i| vec![i]).collect();
        let mut alive = vec![true; k];
        // Average similarity between clusters, Lance-Williams update.
        let mut s: Vec<Vec<f64>> = (0..k)
            .map(|a| (0..k).map(|b| sims[g[a]][g[b]]).collect())
            .collect();
        loop {
            let mut best = (f64::MIN, 0, 0);
            for a in 0..k {
                if !alive[a] {
                    continue;
                }
                for b in a + 1..k {
                    if alive[b] && s[a][b] > best.0 {
                        best = (s[a][b], a, b);
                    }
                }
            }
            if best.0 < t || best.0 == f64::MIN {
                break;
            }
            let (_, a, b) = best;
            let (na, nb) = (members[a].len() as f64, members[b].len() as f64);
            for c in 0..k {
                if alive[c] && c != a && c != b {
                    let v = (na * s[a][c] + nb * s[b][c]) / (na + nb);
                    s[a][c] = v;
                    s[c][a] = v;
                }
            }
            let mb = std::mem::take(&mut members[b]);
            members[a].extend(mb);
            alive[b] = false;
        }
        for (a, m) in members.iter().enumerate() {
            if alive[a] {
                for &i in m {
                    label[i] = next;
                }
                next += 1;
            }
        }
    }
    label
}

fn best_agglomerative(sims: &[Vec<f64>], gold: &[&str], groups: &[Vec<usize>]) -> (f64, Scores) {
    let mut best: Option<(f64, Scores)> = None;
    for step in 1..=60 {
        let t = step as f64 * 0.01;
        let s = score(gold, &agglomerative(sims, groups, t));
        if best.as_ref().is_none_or(|(_, b)| s.bcubed.f1 > b.bcubed.f1) {
            best = Some((t, s));
        }
    }
    best.expect("grid not empty")
}

/// Tuning grid on dev: mean B-cubed F1 over file order and 3 shuffles.
fn grid(docs: &[Doc]) {
    let gold: Vec<&str> = docs.iter().map(|d| d.subtopic.as_str()).collect();
    let n = docs.len();
    let orders: Vec<Vec<usize>> = std::iter::once((0..n).collect())
        .chain((1..=3).map(|s| shuffle(n, s)))
        .collect();
    let mut results = Vec::new();
    for &threshold in &[0.1, 0.15, 0.2, 0.25, 0.3, 0.35] {
        for &w_entities in &[0.0, 0.2, 0.4] {
            for &w_time in &[0.0, 0.15] {
                for &time_penalty in &[0.0, 0.3, 0.6] {
                    for &year_dates in &[true, false] {
                        let c = StoryConfig {
                            threshold,
                            w_entities,
                            w_text: 1.0 - w_entities,
                            w_time,
                            time_penalty,
                            year_dates,
                            ..Default::default()
                        };
                        let f: Vec<f64> = orders
                            .iter()
                            .map(|o| {
                                let p = run_order(docs, &c, o);
                                let p: Vec<u32> = if o.len() == n { p } else { unreachable!() };
                                score(&gold, &p).bcubed.f1
                            })
                            .collect();
                        let mean = f.iter().sum::<f64>() / f.len() as f64;
                        results.push((mean, f[0], c));
                    }
                }
            }
        }
    }
    results.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (mean, file, c) in results.iter().take(25) {
        println!(
            "{mean:.4} (file order {file:.4}) {}",
            serde_json::to_string(c).unwrap()
        );
    }
}

// ---------------------------------------------------------------------------------------
// Gedikli et al. 2021 story chains: 100 energy-news articles, 4,950 labelled pairs.

fn gedikli(data: &Path, pipeline: &Pipeline, config: &StoryConfig) -> ExitCode {
    let dir = data.join("clustering/story_chains_gedikli2021");
    let texts = dir.join("gedikli-business_energy_news_dataset-2021-06-29-article_texts.csv");
    let pairs = dir.join("gedikli-business_energy_news_dataset-2021-06-29.csv");
    let (Ok(t), Ok(p)) = (
        std::fs::read_to_string(&texts),
        std::fs::read_to_string(&pairs),
    ) else {
        eprintln!(
            "eval_stories: cannot read the Gedikli files in {}",
            dir.display()
        );
        return ExitCode::FAILURE;
    };
    let rows = parse_csv(&t, ',');
    let head = &rows[0];
    let col = |name: &str| {
        head.iter()
            .position(|h| h.trim_start_matches('\u{feff}') == name)
    };
    let (Some(cu), Some(ct), Some(cd), Some(cx)) =
        (col("url"), col("title"), col("date"), col("text"))
    else {
        eprintln!("eval_stories: unexpected columns in {}", texts.display());
        return ExitCode::FAILURE;
    };
    let mut arts: Vec<Article> = rows[1..]
        .iter()
        .filter(|r| r.len() > cx)
        .map(|r| {
            pipeline.annotate(
                r[cx].clone(),
                Meta {
                    id: Some(r[cu].clone()),
                    title: Some(r[ct].clone()),
                    published: r[cd].get(..10).map(str::to_string),
                    ..Default::default()
                },
            )
        })
        .collect();
    // Publication order (stable: file order within a day), as a stream would see them.
    arts.sort_by_key(|a| a.published);
    let mut ix = StoryIndex::new(config.clone()).expect("valid config");
    for a in &arts {
        ix.add(a);
    }
    let prs = parse_csv(&p, ';');
    let (mut tp, mut fp, mut fneg, mut tn, mut skipped) = (0, 0, 0, 0, 0);
    for r in &prs[1..] {
        if r.len() < 3 {
            continue;
        }
        let (Some(a), Some(b)) = (ix.story_of(&r[0]), ix.story_of(&r[1])) else {
            skipped += 1;
            continue;
        };
        let gold = r[2].trim() == "1";
        match (a == b, gold) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, true) => fneg += 1,
            (false, false) => tn += 1,
        }
    }
    let p = tp as f64 / (tp + fp).max(1) as f64;
    let r = tp as f64 / (tp + fneg).max(1) as f64;
    let f1 = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    println!(
        "Gedikli 2021 story chains: {} articles, {} stories, pairs: tp {tp} fp {fp} fn {fneg} tn {tn} (skipped {skipped})",
        arts.len(),
        ix.stories().count()
    );
    println!(
        "pairwise P {p:.4} R {r:.4} F1 {f1:.4}, agreement {:.4}",
        (tp + tn) as f64 / (tp + fp + fneg + tn).max(1) as f64
    );
    ExitCode::SUCCESS
}

/// A small RFC 4180 reader: quoted fields, doubled quotes, newlines inside quotes.
fn parse_csv(s: &str, delim: char) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
        } else if c == '"' && field.is_empty() {
            quoted = true;
        } else if c == delim {
            row.push(std::mem::take(&mut field));
        } else if c == '\n' {
            row.push(std::mem::take(&mut field));
            rows.push(std::mem::take(&mut row));
        } else if c != '\r' {
            field.push(c);
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

// ---------------------------------------------------------------------------------------
// Speed: add() throughput as the index grows, on real news articles.

fn speed(data: &Path, pipeline: &Pipeline, config: &StoryConfig, n: usize) -> ExitCode {
    let path = data.join("news/realtimeqa_news_articles_2022_2026/articles.jsonl.gz");
    let Ok(f) = std::fs::File::open(&path) else {
        eprintln!("eval_stories: cannot open {}", path.display());
        return ExitCode::FAILURE;
    };
    let reader: Box<dyn Read> = Box::new(flate2::read::GzDecoder::new(f));
    let t0 = Instant::now();
    let mut arts = Vec::with_capacity(n);
    for line in BufReader::new(reader).lines().map_while(Result::ok) {
        if arts.len() >= n {
            break;
        }
        let Ok(v) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        let text = v["text"].as_str().unwrap_or("").to_string();
        if text.trim().is_empty() {
            continue;
        }
        arts.push(pipeline.annotate(
            text,
            Meta {
                url: v["url"].as_str().map(Into::into),
                title: v["title"].as_str().map(Into::into),
                published: v["url_date"].as_str().map(Into::into),
                ..Default::default()
            },
        ));
    }
    eprintln!(
        "annotated {} articles in {:.1}s (not counted below)",
        arts.len(),
        t0.elapsed().as_secs_f64()
    );
    let mut ix = StoryIndex::new(config.clone()).expect("valid config");
    let step = (arts.len() / 10).max(1);
    let start = Instant::now();
    let mut last = Instant::now();
    for (i, a) in arts.iter().enumerate() {
        ix.add(a);
        if (i + 1) % step == 0 || i + 1 == arts.len() {
            let dt = last.elapsed().as_secs_f64();
            println!(
                "articles {:>6}  stories {:>6}  last block {:>8.0} articles/s  overall {:>8.0} articles/s",
                i + 1,
                ix.stories().count(),
                step as f64 / dt,
                (i + 1) as f64 / start.elapsed().as_secs_f64()
            );
            last = Instant::now();
        }
    }
    let t = Instant::now();
    let json = serde_json::to_string(&ix).unwrap();
    let ser = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let back: StoryIndex = serde_json::from_str(&json).unwrap();
    let de = t.elapsed().as_secs_f64();
    println!(
        "state: {:.1} MB JSON, serialise {ser:.2}s, load {de:.2}s, equal after load: {}",
        json.len() as f64 / 1e6,
        back == ix
    );
    ExitCode::SUCCESS
}
