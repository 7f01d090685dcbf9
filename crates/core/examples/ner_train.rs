//! Train the named-entity tagger on CoNLL-2003 `train.txt` and write the model.
//!
//! The last 10% of `train.txt` (whole sentences, in file order, so roughly the last documents)
//! is held out to pick the epoch; the model is trained on the other 90%. `valid.txt` is only
//! printed per epoch for information and never used to choose anything, so the valid score in
//! BENCHMARKS.md is a score on data the selection has not seen.
//!
//! ```text
//! cargo run --release -p sitrep-core --example ner_train -- [--out data/ner/model.bin]
//!     [--epochs 15] [--prune 1] [--seed 1] [--word-dropout 0.25]
//! ```
//!
//! The data is read from `$SITREP_SHARED/data/ner/conll2003/` (else `../shared/...` beside the
//! repository root). The test split is never read.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use sitrep_core::eval::conll;
use sitrep_core::ner::{Tagger, TrainOptions, Trainer};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ner_train: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/ner/model.bin");
    let mut opts = TrainOptions::default();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--out" => out = PathBuf::from(val()?),
            "--epochs" => opts.epochs = val()?.parse().map_err(|e| format!("--epochs: {e}"))?,
            "--prune" => opts.prune_below = val()?.parse().map_err(|e| format!("--prune: {e}"))?,
            "--word-dropout" => {
                opts.word_dropout = val()?.parse().map_err(|e| format!("--word-dropout: {e}"))?
            }
            "--seed" => opts.seed = val()?.parse().map_err(|e| format!("--seed: {e}"))?,
            _ => {
                return Err(format!(
                    "unknown argument {a:?} (see the example's doc comment)"
                ))
            }
        }
    }
    let train_path = conll::split_path("train").map_err(|e| e.to_string())?;
    let valid_path = conll::split_path("valid").map_err(|e| e.to_string())?;
    let train = conll::read(&train_path).map_err(|e| e.to_string())?;
    let valid = conll::read(&valid_path).map_err(|e| e.to_string())?;
    eprintln!(
        "train: {} sentences from {}",
        train.len(),
        train_path.display()
    );
    let cut = train.len() - train.len() / 10;
    let mut train = train;
    let holdout = train.split_off(cut);
    eprintln!(
        "epoch selection on the last {} train sentences (held out)",
        holdout.len()
    );
    let pairs: Vec<(Vec<String>, Vec<String>)> =
        train.into_iter().map(|s| (s.words, s.tags)).collect();
    let t0 = Instant::now();
    let mut trainer = Trainer::new(&pairs, &opts).map_err(|e| e.to_string())?;
    let mut best: Option<(f64, usize, sitrep_core::ner::Model)> = None;
    for _ in 0..opts.epochs {
        let err = trainer.epoch();
        let model = trainer.model();
        let tagger = Tagger::new(&model);
        let f1 = conll::evaluate(&tagger, &holdout).micro_plo().f1();
        let scores = conll::evaluate(&tagger, &valid);
        eprintln!(
            "epoch {:>2}  train err {:.4}  holdout F1 PLO {:.4}  (valid F1 PLO {:.4}, not used)  features {}  {:.0}s",
            trainer.epochs_done(),
            err,
            f1,
            scores.micro_plo().f1(),
            model.num_features(),
            t0.elapsed().as_secs_f64()
        );
        if !matches!(&best, Some(b) if b.0 >= f1) {
            best = Some((f1, trainer.epochs_done(), model));
        }
    }
    let (f1, epoch, model) = best.ok_or("--epochs must be at least 1")?;
    model.save(&out).map_err(|e| e.to_string())?;
    let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
    eprintln!(
        "wrote {} ({} bytes, {} features, vocab {}): epoch {epoch}, holdout F1 PLO {f1:.4}",
        out.display(),
        size,
        model.num_features(),
        model.vocab_len()
    );
    Ok(())
}
