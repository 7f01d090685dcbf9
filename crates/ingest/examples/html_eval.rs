//! Quick extractor scoring without building the CLI: `cargo run --release -p sitrep-ingest
//! --example html_eval [-- --verbose]` (same numbers as `sitrep eval html`).
use std::path::PathBuf;

fn main() {
    let verbose = std::env::args().any(|a| a == "--verbose");
    let base = std::env::var("SITREP_SHARED")
        .map(|s| PathBuf::from(s).join("data/html"))
        .unwrap_or_else(|_| PathBuf::from("../shared/data/html"));
    let gold = std::fs::read_to_string(base.join("evaldata_dev.json")).expect("gold");
    let gold = sitrep_ingest::html::eval::parse_gold(&gold).expect("gold json");
    let pages =
        sitrep_ingest::html::eval::load_pages(&base.join("trafilatura_eval_pages_dev.tar.gz"))
            .expect("pages");
    let rep = sitrep_ingest::html::eval::run(&gold, &pages, false, |r| {
        if verbose && (!r.score.missed.is_empty() || !r.score.false_found.is_empty()) {
            println!("{} {} {:?}", r.file, r.url, r.error);
            for m in &r.score.missed {
                println!("  missed: {m}");
            }
            for m in &r.score.false_found {
                println!("  false:  {m}");
            }
        }
    });
    println!(
        "pages {} P {:.4} R {:.4} F1 {:.4} ({:?}) {:.2} ms/page errors {}",
        rep.pages, rep.precision, rep.recall, rep.f1, rep.counts, rep.ms_per_page, rep.errors
    );
}
