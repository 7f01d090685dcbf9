//! `sitrep reannotate`: annotate the stored articles again from their raw text, in place.
//!
//! `ingest` skips articles already stored, so a store keeps the annotations of the sitrep that
//! ingested it: articles stored before the events stage existed have no events. This command
//! runs the current pipeline over every stored article's raw input and replaces its record,
//! entities, events and claims ([`Store::replace_annotations`]), one transaction per batch.
//! Copies, stories, analyst decisions and the stored linking features are left as they are:
//! nothing is re-clustered. An article the pipeline fails on keeps its old annotations.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;
use sitrep_core::{Article, Meta, Pipeline, PipelineConfig};
use sitrep_store::{SqliteStore, Store, StoredArticle};

/// The article a stored one was annotated from: its raw input with the input's metadata.
pub fn article_of(a: StoredArticle) -> Article {
    let r = a.record;
    let meta = Meta {
        id: Some(r.id.clone()),
        url: r.url,
        source: r.source,
        // A date read from a dateline in the text is found again; one from the input is not.
        published: if r.published_via.as_deref() == Some("dateline") {
            None
        } else {
            r.published
        },
        title: r.title,
        path: r.path,
        modified: r.modified,
    };
    Article::new(a.raw, meta)
}

/// What a run did.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Report {
    pub reannotated: usize,
    /// Articles the pipeline failed on (a sitrep bug); they keep their old annotations.
    pub failed: Vec<String>,
    pub seconds: f64,
}

/// Annotate every article of the store in `dir` again with `config`.
pub fn run(
    store: &mut SqliteStore,
    dir: &Path,
    config: &PipelineConfig,
    batch: usize,
    threads: Option<usize>,
    quiet: bool,
) -> Result<Report> {
    let _lock = crate::link::lock(dir)?;
    let start = Instant::now();
    let pipeline = Pipeline::new(config).context("cannot build the pipeline")?;
    // The search index is kept in step: re-annotated articles replace their documents.
    let search = sitrep_search::SearchIndex::open(dir)?;
    search.catch_up(store)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()?;
    let mut ids = Vec::new();
    store.link_rows(0, &mut |row| {
        ids.push(row.id);
        Ok(())
    })?;
    let pb = if quiet || !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        ProgressBar::hidden()
    } else {
        let pb = ProgressBar::new(ids.len() as u64);
        pb.set_style(
            ProgressStyle::with_template(
                "annotating stored articles [{elapsed_precise}] [{wide_bar}] {pos}/{len} ({per_sec}, eta {eta})",
            )
            .expect("valid template"),
        );
        pb
    };
    let mut report = Report::default();
    for chunk in ids.chunks(batch.max(1)) {
        let mut stored = Vec::with_capacity(chunk.len());
        for id in chunk {
            if let Some(a) = store.get(id)? {
                stored.push(a);
            }
        }
        let done: Vec<Result<StoredArticle, String>> = pool.install(|| {
            stored
                .into_par_iter()
                .map(|a| {
                    let id = a.record.id.clone();
                    let raw = a.raw.clone();
                    let mut art = article_of(a);
                    catch_unwind(AssertUnwindSafe(|| pipeline.run(&mut art))).map_err(|_| id)?;
                    Ok(StoredArticle {
                        record: art.to_record(),
                        raw,
                        link: None,
                    })
                })
                .collect()
        });
        let mut rows = Vec::with_capacity(done.len());
        for d in done {
            match d {
                Ok(row) => rows.push(row),
                Err(id) => {
                    pb.suspend(|| {
                        eprintln!(
                            "error: internal error while annotating article {id} (a sitrep bug; \
                             please report it); it keeps its old annotations"
                        )
                    });
                    report.failed.push(id);
                }
            }
        }
        report.reannotated += store.replace_annotations(&rows)?;
        search.index_articles(&rows)?;
        pb.inc(chunk.len() as u64);
    }
    pb.finish_and_clear();
    report.seconds = start.elapsed().as_secs_f64();
    Ok(report)
}
