//! `sitrep ingest`, also used by `sitrep serve` (its inputs, and `POST /api/v1/articles`).
//!
//! Annotation runs in parallel; linking into copies and stories runs in input order on the
//! calling thread; the store's writes run on a second thread, so that batch N is written while
//! batch N+1 is linked. The search index follows the store: it is caught up from SQLite at
//! every snapshot point and at the end of the run, and whatever a crash leaves out of it is
//! indexed the next time any command opens it (its commits record the last storage sequence
//! number they cover).

use std::path::Path;

use anyhow::{bail, Result};
use serde::Serialize;
use sitrep_core::corpus::link::CorpusIndex;
use sitrep_search::SearchIndex;
use sitrep_store::{SqliteStore, Store, StoredArticle, StoryHead};

use crate::batch::{drive, pipeline_config, Summary};
use crate::link::{Linker, OpenReport};
use crate::PipelineArgs;

/// What an ingest did.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Outcome {
    #[serde(flatten)]
    pub summary: Summary,
    /// Articles found to be copies of another.
    pub copies: usize,
    /// Stories that gained articles.
    pub stories_touched: usize,
    /// Stories in the store after the run.
    pub stories_total: usize,
    /// Articles newly added to the search index.
    pub indexed: usize,
    /// What opening the story index found (replays, corrections, rebuilds).
    pub relinked: OpenReport,
}

impl Outcome {
    /// The `--json` summary.
    pub fn to_json(&self, dir: &Path) -> serde_json::Value {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        v["store"] = serde_json::json!(dir.display().to_string());
        v["articles_per_s"] = serde_json::json!(self.summary.articles_per_s());
        v
    }
}

enum ToWriter {
    Batch(Vec<StoredArticle>, Vec<StoryHead>),
    /// Commit point: answer with the store's highest sequence number, after bringing the
    /// search index up to it.
    Flush(std::sync::mpsc::SyncSender<Result<i64>>),
}

/// Annotate `pipeline.inputs`, link them into the store in `dir`, store and index them.
pub fn ingest(pipeline: &PipelineArgs, dir: &Path) -> Result<Outcome> {
    let config = pipeline_config(pipeline)?;
    let mut st = SqliteStore::open(dir)?;
    let (mut linker, relinked) = Linker::open(&mut st, dir, Some(&config), pipeline.quiet)?;
    let search = SearchIndex::open(dir)?;
    let preparer = CorpusIndex::new(&config.dedup, &config.stories)?;
    // A second connection answers "already stored?" from the processing thread (WAL lets it
    // read while the first one writes).
    let reader = SqliteStore::open(dir)?;
    let mut copies = 0usize;
    let mut stories_touched = std::collections::BTreeSet::new();
    let (wtx, wrx) = std::sync::mpsc::sync_channel::<ToWriter>(2);
    let search = &search;
    let (mut summary, present, indexed, seq) = std::thread::scope(|scope| -> Result<_> {
        let writer = scope.spawn(move || -> Result<(usize, usize)> {
            let mut present = 0;
            let mut indexed = 0;
            for msg in wrx {
                match msg {
                    ToWriter::Batch(rows, heads) => {
                        present += st.put_linked(&rows, &heads)?.already_present;
                    }
                    ToWriter::Flush(ack) => {
                        let r = search
                            .catch_up(&st)
                            .map_err(anyhow::Error::from)
                            .and_then(|n| {
                                indexed += n;
                                Ok(st.max_seq()?)
                            });
                        let _ = ack.send(r);
                    }
                }
            }
            Ok((present, indexed))
        });
        let flush = |wtx: &std::sync::mpsc::SyncSender<ToWriter>| -> Result<i64> {
            let (atx, arx) = std::sync::mpsc::sync_channel(1);
            wtx.send(ToWriter::Flush(atx))
                .map_err(|_| anyhow::anyhow!("the store writer stopped"))?;
            arx.recv()
                .map_err(|_| anyhow::anyhow!("the store writer stopped"))?
        };
        let run = drive(
            pipeline,
            &config,
            &mut move |ids| Ok(reader.existing(ids)?),
            &|a| preparer.prepare(a),
            &mut |arts| {
                let n = arts.len();
                let (rows, heads) = linker.link_batch(arts);
                copies += rows
                    .iter()
                    .filter(|r| r.record.duplicate_of.is_some())
                    .count();
                stories_touched.extend(heads.iter().map(|h| h.id));
                if wtx.send(ToWriter::Batch(rows, heads)).is_err() {
                    bail!("the store writer stopped");
                }
                if linker.linked(n) {
                    let seq = flush(&wtx)?;
                    linker.snapshot_at(seq)?;
                }
                Ok(0)
            },
        );
        let seq = match &run {
            Ok(_) => Some(flush(&wtx)),
            Err(_) => None,
        };
        drop(wtx);
        // A write error explains a failed run better than the run's own error.
        let (present, indexed) = writer
            .join()
            .map_err(|_| anyhow::anyhow!("the store writer panicked"))??;
        Ok((run?, present, indexed, seq.transpose()?))
    })?;
    summary.written -= present;
    summary.already_present += present;
    if let Some(seq) = seq {
        linker.finish(seq)?;
    }
    Ok(Outcome {
        summary,
        copies,
        stories_touched: stories_touched.len(),
        stories_total: linker.index().stories.stories().count(),
        indexed,
        relinked,
    })
}
