//! Cross-validate the event typer (`sitrep_core::events::typer`) on PLV train, and optionally
//! train the shipped model on all of it.
//!
//! PLV (`PLV_train.tsv`: 1,050 sentences, each with a marked source `<s>..</s>` and target
//! `<t>..</t>` and the PLOVER-2019 type of the event linking them, `gold_root`) is read from
//! `$SITREP_SHARED/data/events/` (else `../shared/...` beside the repository root). Only the
//! train file exists here; everything is tuned by stratified 5-fold cross-validation on it.
//!
//! ```text
//! cargo run --release -p sitrep-core --example plv_cv -- [--seeds 1] [--ablate]
//!     [--algo logistic|perceptron] [--epochs 30] [--l2 1e-4] [--eta0 0.2]
//!     [--sentence-weight 0.5] [--balance 0] [--prune 1] [--no-lexicon]
//!     [--train-all data/events/typer.bin] [--errors]
//! ```
//!
//! Prints accuracy and macro-F1 (mean ± sd over folds, and over `--seeds` fold splits) of a
//! majority-class baseline, a bag-of-words model and models with one more feature group each;
//! then, for the full model, a per-class table and a confusion matrix (out-of-fold predictions
//! of the first split), and the prediction speed.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use sitrep_core::events::typer::{Algo, Example, Groups, Label, TrainOptions, Typer, NLABELS};
use sitrep_core::events::Lexicon;

const FOLDS: usize = 5;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("plv_cv: {e}");
            ExitCode::FAILURE
        }
    }
}

struct Args {
    seeds: u64,
    ablate: bool,
    errors: bool,
    no_lexicon: bool,
    train_all: Option<PathBuf>,
    algo: Algo,
    epochs: usize,
    l2: f32,
    eta0: f32,
    sentence_weight: f32,
    balance: f32,
    prune: i16,
}

fn parse_args() -> Result<Args, String> {
    let d = TrainOptions::default();
    let mut a = Args {
        seeds: 1,
        ablate: false,
        errors: false,
        no_lexicon: false,
        train_all: None,
        algo: d.algo,
        epochs: d.epochs,
        l2: d.l2,
        eta0: d.eta0,
        sentence_weight: d.sentence_weight,
        balance: d.class_balance,
        prune: d.prune_below,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut val = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        fn num<T: std::str::FromStr>(name: &str, v: String) -> Result<T, String> {
            v.parse().map_err(|_| format!("{name}: cannot parse {v:?}"))
        }
        match arg.as_str() {
            "--seeds" => a.seeds = num(&arg, val()?)?,
            "--ablate" => a.ablate = true,
            "--errors" => a.errors = true,
            "--no-lexicon" => a.no_lexicon = true,
            "--train-all" => a.train_all = Some(PathBuf::from(val()?)),
            "--algo" => {
                a.algo = match val()?.as_str() {
                    "logistic" => Algo::Logistic,
                    "perceptron" => Algo::Perceptron,
                    v => return Err(format!("--algo: {v:?} is not logistic or perceptron")),
                }
            }
            "--epochs" => a.epochs = num(&arg, val()?)?,
            "--l2" => a.l2 = num(&arg, val()?)?,
            "--eta0" => a.eta0 = num(&arg, val()?)?,
            "--sentence-weight" => a.sentence_weight = num(&arg, val()?)?,
            "--balance" => a.balance = num(&arg, val()?)?,
            "--prune" => a.prune = num(&arg, val()?)?,
            _ => {
                return Err(format!(
                    "unknown argument {arg:?} (see the example's doc comment)"
                ))
            }
        }
    }
    if a.seeds == 0 {
        return Err("--seeds must be at least 1".into());
    }
    Ok(a)
}

fn data_path() -> PathBuf {
    let shared = std::env::var_os("SITREP_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    shared.join("data/events/PLV_train.tsv")
}

/// The sentence without the marks, and the byte spans of the first `<s>` and `<t>` marks in
/// it (whitespace inside a mark trimmed; `(0, 0)` when a mark is missing), and how many `<t>`
/// marks there were.
fn unmark(marked: &str) -> (String, (usize, usize), (usize, usize), usize) {
    let mut text = String::with_capacity(marked.len());
    let (mut src, mut tgt) = (None::<(usize, usize)>, None::<(usize, usize)>);
    let mut open_s = None;
    let mut open_t = None;
    let mut targets = 0;
    let mut rest = marked;
    while !rest.is_empty() {
        let tag = ["<s>", "</s>", "<t>", "</t>"]
            .into_iter()
            .find(|t| rest.starts_with(t));
        match tag {
            Some("<s>") => open_s = Some(text.len()),
            Some("<t>") => {
                open_t = Some(text.len());
                targets += 1;
            }
            Some("</s>") => {
                if let (Some(a), None) = (open_s.take(), src) {
                    src = Some((a, text.len()));
                }
            }
            Some("</t>") => {
                if let (Some(a), None) = (open_t.take(), tgt) {
                    tgt = Some((a, text.len()));
                }
            }
            _ => {
                let c = rest.chars().next().unwrap_or(' ');
                text.push(c);
                rest = &rest[c.len_utf8()..];
                continue;
            }
        }
        rest = &rest[tag.map_or(0, str::len)..];
    }
    let trim = |span: Option<(usize, usize)>| -> (usize, usize) {
        let Some((a, b)) = span else { return (0, 0) };
        let s = &text[a..b];
        let lead = s.len() - s.trim_start().len();
        let trail = s.len() - s.trim_end().len();
        if lead == s.len() {
            (0, 0)
        } else {
            (a + lead, b - trail)
        }
    };
    let (s, t) = (trim(src), trim(tgt));
    (text, s, t, targets)
}

fn read_plv() -> Result<Vec<Example>, String> {
    let path = data_path();
    let raw = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "cannot read {}: {e}. Set SITREP_SHARED to the shared data folder (the one holding \
             data/events/PLV_train.tsv), or put it at ../shared beside the repository",
            path.display()
        )
    })?;
    let mut lines = raw.lines();
    let header: Vec<&str> = lines.next().ok_or("empty PLV file")?.split('\t').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .ok_or_else(|| format!("{}: no column {name:?}", path.display()))
    };
    let (c_sent, c_marked, c_gold) = (col("sentence")?, col("marked_sentence")?, col("gold_root")?);
    let mut out = Vec::new();
    let (mut no_source, mut no_target, mut multi_target, mut mismatch) = (0, 0, 0, 0);
    for (k, line) in lines.enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let get = |c: usize| {
            f.get(c)
                .copied()
                .ok_or_else(|| format!("line {}: {} fields", k + 2, f.len()))
        };
        let gold = get(c_gold)?;
        let label = Label::parse(gold).ok_or_else(|| format!("line {}: label {gold:?}", k + 2))?;
        let (text, source, target, ntargets) = unmark(get(c_marked)?);
        if text != get(c_sent)? {
            mismatch += 1;
        }
        if source.0 == source.1 {
            no_source += 1;
        }
        if target.0 == target.1 {
            no_target += 1;
        }
        if ntargets > 1 {
            multi_target += 1;
        }
        out.push(Example {
            text,
            source,
            target,
            label,
        });
    }
    eprintln!(
        "{}: {} pairs ({} without a source mark, {} without a target mark, {} with more than one: the first is used; \
         {} whose unmarked text differs from `sentence`, the unmarked text is used)",
        path.display(),
        out.len(),
        no_source,
        no_target,
        multi_target,
        mismatch
    );
    Ok(out)
}

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// Stratified fold of every example: each class is shuffled and dealt round-robin, the dealing
/// going on from class to class so that the folds have equal sizes.
fn folds(data: &[Example], seed: u64) -> Vec<usize> {
    let mut rng = Rng::new(seed);
    let mut fold = vec![0; data.len()];
    let mut next = 0;
    for l in Label::ALL {
        let mut idx: Vec<usize> = (0..data.len()).filter(|&i| data[i].label == l).collect();
        for i in (1..idx.len()).rev() {
            let j = (rng.next() % (i as u64 + 1)) as usize;
            idx.swap(i, j);
        }
        for i in idx {
            fold[i] = next % FOLDS;
            next += 1;
        }
    }
    fold
}

/// Accuracy and macro-F1 (over the labels that occur in gold or predictions).
fn scores(gold: &[usize], pred: &[usize]) -> (f64, f64) {
    let mut tp = [0usize; NLABELS];
    let mut ng = [0usize; NLABELS];
    let mut np = [0usize; NLABELS];
    for (&g, &p) in gold.iter().zip(pred) {
        ng[g] += 1;
        np[p] += 1;
        if g == p {
            tp[g] += 1;
        }
    }
    let acc = tp.iter().sum::<usize>() as f64 / gold.len().max(1) as f64;
    let (mut sum, mut k) = (0.0, 0);
    for l in 0..NLABELS {
        if ng[l] + np[l] > 0 {
            sum += f1(tp[l], np[l], ng[l]);
            k += 1;
        }
    }
    (acc, sum / k.max(1) as f64)
}

fn f1(tp: usize, np: usize, ng: usize) -> f64 {
    if tp == 0 {
        0.0
    } else {
        2.0 * tp as f64 / (np + ng) as f64
    }
}

fn mean_sd(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    let v = if x.len() > 1 {
        x.iter().map(|a| (a - m).powi(2)).sum::<f64>() / (n - 1.0)
    } else {
        0.0
    };
    (m, v.sqrt())
}

enum Model<'a> {
    Majority,
    Typer(TrainOptions<'a>),
}

struct CvResult {
    acc: Vec<f64>,
    f1: Vec<f64>,
    /// Out-of-fold predictions of the first split.
    pred: Vec<usize>,
}

fn cross_validate(data: &[Example], model: &Model, seeds: u64) -> CvResult {
    let mut res = CvResult {
        acc: Vec::new(),
        f1: Vec::new(),
        pred: vec![0; data.len()],
    };
    for seed in 1..=seeds {
        let fold = folds(data, seed);
        for f in 0..FOLDS {
            let train: Vec<Example> = (0..data.len())
                .filter(|&i| fold[i] != f)
                .map(|i| data[i].clone())
                .collect();
            let test: Vec<usize> = (0..data.len()).filter(|&i| fold[i] == f).collect();
            let pred: Vec<usize> = match model {
                Model::Majority => {
                    let mut counts = [0usize; NLABELS];
                    for e in &train {
                        counts[e.label.index()] += 1;
                    }
                    let best = (0..NLABELS).max_by_key(|&l| (counts[l], NLABELS - l));
                    vec![best.unwrap_or(0); test.len()]
                }
                Model::Typer(opts) => {
                    let typer = Typer::train(&train, opts);
                    test.iter()
                        .map(|&i| {
                            let e = &data[i];
                            typer.predict(&e.text, e.source, e.target, opts.lexicon)[0]
                                .0
                                .index()
                        })
                        .collect()
                }
            };
            let gold: Vec<usize> = test.iter().map(|&i| data[i].label.index()).collect();
            let (a, m) = scores(&gold, &pred);
            res.acc.push(a);
            res.f1.push(m);
            if seed == 1 {
                for (&i, &p) in test.iter().zip(&pred) {
                    res.pred[i] = p;
                }
            }
        }
    }
    res
}

fn print_row(name: &str, r: &CvResult, secs: f64) {
    let (am, asd) = mean_sd(&r.acc);
    let (fm, fsd) = mean_sd(&r.f1);
    println!("{name:<34} {am:.3} ± {asd:.3}   {fm:.3} ± {fsd:.3}   {secs:>6.1}s");
}

fn print_tables(data: &[Example], pred: &[usize]) {
    let mut conf = [[0usize; NLABELS]; NLABELS];
    for (e, &p) in data.iter().zip(pred) {
        conf[e.label.index()][p] += 1;
    }
    println!("\nper class (out-of-fold predictions, split 1):");
    println!(
        "{:<10} {:>6} {:>6} {:>6} {:>6} {:>6}",
        "label", "P", "R", "F1", "gold", "pred"
    );
    for l in Label::ALL {
        let i = l.index();
        let tp = conf[i][i];
        let ng: usize = conf[i].iter().sum();
        let np: usize = conf.iter().map(|r| r[i]).sum();
        let p = if np > 0 { tp as f64 / np as f64 } else { 0.0 };
        let r = if ng > 0 { tp as f64 / ng as f64 } else { 0.0 };
        println!(
            "{:<10} {:>6.3} {:>6.3} {:>6.3} {:>6} {:>6}",
            l.as_str(),
            p,
            r,
            f1(tp, np, ng),
            ng,
            np
        );
    }
    println!("\nconfusion matrix (rows gold, columns predicted):");
    print!("{:<10}", "");
    for l in Label::ALL {
        print!(" {:>4}", l.as_str().get(..4).unwrap_or(l.as_str()));
    }
    println!();
    for l in Label::ALL {
        print!("{:<10}", l.as_str());
        for &c in &conf[l.index()] {
            if c == 0 {
                print!(" {:>4}", ".");
            } else {
                print!(" {c:>4}");
            }
        }
        println!();
    }
}

/// Does the lexicon know any verb at all (the skeleton knows none)?
fn lexicon_is_live(lex: &Lexicon) -> bool {
    [
        "attacked",
        "attack",
        "met",
        "meet",
        "condemned",
        "condemn",
        "said",
        "say",
    ]
    .iter()
    .any(|w| !lex.lookup(&[w]).is_empty())
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    let data = read_plv()?;
    // Lives as long as the program (the training options borrow it).
    let lexicon: &'static Lexicon = Box::leak(Box::new(
        Lexicon::load().map_err(|e| format!("lexicon: {e}"))?,
    ));
    let live = lexicon_is_live(lexicon) && !args.no_lexicon;
    eprintln!(
        "lexicon: {}",
        if args.no_lexicon {
            "not used (--no-lexicon)"
        } else if live {
            "loaded; rule features on"
        } else {
            "empty (the skeleton): rule features off"
        }
    );
    let lex = live.then_some(lexicon);
    let base = TrainOptions {
        algo: args.algo,
        epochs: args.epochs,
        l2: args.l2,
        eta0: args.eta0,
        sentence_weight: args.sentence_weight,
        class_balance: args.balance,
        prune_below: args.prune,
        groups: Groups::ALL,
        lexicon: None,
        ..Default::default()
    };
    let with = |groups: Groups, lexicon: Option<&'static Lexicon>| TrainOptions {
        groups,
        lexicon,
        ..base.clone()
    };
    let no_lex = Groups::ALL.without(Groups::LEXICON);
    let mut rows: Vec<(String, Model)> = vec![
        ("majority class".into(), Model::Majority),
        (
            "bag of words (sentence only)".into(),
            Model::Typer(TrainOptions {
                sentence_weight: 1.0,
                ..with(Groups::SENTENCE, None)
            }),
        ),
    ];
    let mut g = Groups::SENTENCE;
    for (name, add) in [
        ("+ between", Groups::BETWEEN),
        ("+ context", Groups::CONTEXT),
        ("+ order", Groups::ORDER),
        ("+ cues", Groups::CUES),
        ("+ heads (all, no lexicon)", Groups::HEADS),
    ] {
        g = g | add;
        rows.push((name.into(), Model::Typer(with(g, None))));
    }
    if lex.is_some() {
        rows.push((
            "+ lexicon (all)".into(),
            Model::Typer(with(Groups::ALL, lex)),
        ));
        rows.push((
            "lexicon only (+ order)".into(),
            Model::Typer(with(Groups::LEXICON | Groups::ORDER, lex)),
        ));
    }
    if args.ablate {
        let full = if lex.is_some() { Groups::ALL } else { no_lex };
        for (name, drop) in [
            ("all - sentence", Groups::SENTENCE),
            ("all - between", Groups::BETWEEN),
            ("all - context", Groups::CONTEXT),
            ("all - order", Groups::ORDER),
            ("all - cues", Groups::CUES),
            ("all - heads", Groups::HEADS),
        ] {
            rows.push((name.into(), Model::Typer(with(full.without(drop), lex))));
        }
    }
    println!(
        "PLV train, stratified {FOLDS}-fold CV, {} split(s) (seeds 1..={}); {:?}, {} epochs, \
         l2 {}, eta0 {}, sentence weight {}, class balance {}",
        args.seeds,
        args.seeds,
        args.algo,
        args.epochs,
        args.l2,
        args.eta0,
        args.sentence_weight,
        args.balance
    );
    println!("{:<34} {:<15} {:<15}", "model", "accuracy", "macro-F1");
    let mut last = None;
    for (name, model) in &rows {
        let t0 = Instant::now();
        let r = cross_validate(&data, model, args.seeds);
        print_row(name, &r, t0.elapsed().as_secs_f64());
        let is_full = match model {
            Model::Typer(o) => o.groups == if lex.is_some() { Groups::ALL } else { no_lex },
            Model::Majority => false,
        };
        if is_full {
            last = Some(r.pred);
        }
    }
    if let Some(pred) = &last {
        print_tables(&data, pred);
        if args.errors {
            eprintln!("\nout-of-fold errors of the full model (split 1):");
            for (e, &p) in data.iter().zip(pred) {
                if e.label.index() != p {
                    let mark = |s: (usize, usize)| e.text.get(s.0..s.1).unwrap_or("");
                    eprintln!(
                        "{:<9} -> {:<9} [{}] [{}] {}",
                        e.label.as_str(),
                        Label::ALL[p].as_str(),
                        mark(e.source),
                        mark(e.target),
                        e.text
                    );
                }
            }
        }
    }

    // Prediction speed and the model trained on everything.
    let full = with(if lex.is_some() { Groups::ALL } else { no_lex }, lex);
    let t0 = Instant::now();
    let typer = Typer::train(&data, &full);
    let train_s = t0.elapsed().as_secs_f64();
    let reps = 5;
    let t0 = Instant::now();
    let mut sink = 0f32;
    for _ in 0..reps {
        for e in &data {
            sink += typer.predict(&e.text, e.source, e.target, lex)[0].1;
        }
    }
    let per = t0.elapsed().as_secs_f64() * 1e6 / (reps * data.len()) as f64;
    let bytes = typer.to_bytes();
    println!(
        "\nfull model on all {} pairs: trained in {train_s:.2}s, {} features, {} bytes; \
         predict {per:.1} µs per pair (one thread, {} predictions; checksum {sink:.1})",
        data.len(),
        typer.num_features(),
        bytes.len(),
        reps * data.len()
    );
    if let Some(out) = &args.train_all {
        let back = Typer::from_bytes(&bytes).map_err(|e| e.to_string())?;
        if back != typer {
            return Err("the model does not survive a save/load round trip".into());
        }
        typer.save(out).map_err(|e| e.to_string())?;
        eprintln!("wrote {} ({} bytes)", out.display(), bytes.len());
    }
    Ok(())
}
