//! `sitrep eval html`: main-text extraction scored with trafilatura's metric on its
//! evaluation pages (see `sitrep_ingest::html::eval`). Reads the `.tar.gz` of pages directly
//! or a directory of extracted pages; times decode + extraction only, page by page.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use sitrep_ingest::html::eval;

#[derive(Args, Debug)]
pub struct HtmlEvalArgs {
    /// The pages: a .tar.gz (read directly) or a directory
    /// [default: $SITREP_SHARED/data/html/trafilatura_eval_pages_dev.tar.gz, else ../shared/...].
    #[arg(long, value_name = "TAR_OR_DIR")]
    pub pages: Option<PathBuf>,
    /// Gold snippets: JSON {url: {file, with, without}} [default: .../data/html/evaldata_dev.json].
    #[arg(long, value_name = "JSON")]
    pub gold: Option<PathBuf>,
    #[arg(long)]
    pub json: bool,
    /// List the missed and the wrongly kept snippets of each page (to stderr; in --json, per page).
    #[arg(long)]
    pub verbose: bool,
}

pub fn run(args: HtmlEvalArgs) -> Result<ExitCode> {
    let base = sitrep_core::eval::tempeval::shared_data_dir().join("html");
    let pages_path = args
        .pages
        .unwrap_or_else(|| base.join("trafilatura_eval_pages_dev.tar.gz"));
    let gold_path = args.gold.unwrap_or_else(|| base.join("evaldata_dev.json"));
    let gold_text = std::fs::read_to_string(&gold_path).with_context(|| {
        format!(
            "cannot read {}; set SITREP_SHARED to the folder holding data/html, or pass --gold",
            gold_path.display()
        )
    })?;
    let gold = eval::parse_gold(&gold_text)
        .map_err(anyhow::Error::msg)
        .with_context(|| gold_path.display().to_string())?;
    eprintln!("reading pages from {} ...", pages_path.display());
    let pages = eval::load_pages(&pages_path).map_err(anyhow::Error::msg)?;
    let total = gold.iter().filter(|g| pages.contains_key(&g.file)).count();
    let bar = indicatif::ProgressBar::new(total as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} pages {elapsed}")
            .expect("template"),
    );
    let verbose_text = args.verbose && !args.json;
    let report = eval::run(&gold, &pages, args.verbose && args.json, |r| {
        bar.inc(1);
        if verbose_text && (!r.score.missed.is_empty() || !r.score.false_found.is_empty()) {
            bar.suspend(|| {
                eprintln!("{} ({})", r.file, r.url);
                if let Some(e) = &r.error {
                    eprintln!("  error:  {e}");
                }
                for m in &r.score.missed {
                    eprintln!("  missed: {m}");
                }
                for m in &r.score.false_found {
                    eprintln!("  false:  {m}");
                }
            });
        }
    });
    bar.finish_and_clear();
    if args.json {
        let mut v = serde_json::to_value(&report)?;
        v["extractor"] = serde_json::json!(format!("sitrep {}", env!("CARGO_PKG_VERSION")));
        v["pages_path"] = serde_json::json!(pages_path.display().to_string());
        v["gold_path"] = serde_json::json!(gold_path.display().to_string());
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        let c = report.counts;
        println!(
            "sitrep {}: {} pages scored ({} gold entries, {} pages missing), {} without text",
            env!("CARGO_PKG_VERSION"),
            report.pages,
            report.gold_entries,
            report.missing_pages,
            report.errors
        );
        println!(
            "precision {:.3}  recall {:.3}  F1 {:.3}  (tp {} fp {} fn {} tn {})",
            report.precision, report.recall, report.f1, c.tp, c.fp, c.fn_, c.tn
        );
        println!(
            "{:.1} ms per page (decode + extraction only)",
            report.ms_per_page
        );
    }
    Ok(ExitCode::SUCCESS)
}
