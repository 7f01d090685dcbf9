//! The batch driver shared by `process` and `ingest`: a reader thread streams documents in
//! chunks through a bounded channel (so memory stays flat however large the input), rayon runs
//! the pipeline over each chunk, and a sink (stdout or the store) consumes the results in input
//! order. One bad document is reported and skipped; the batch goes on.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::Ordering;
use std::sync::mpsc::sync_channel;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;
use sitrep_core::{Article, Pipeline, PipelineConfig};
use sitrep_ingest::{
    input_bytes, Doc, DocError, ErrorKind, FieldMap, Origin, Reader, ReaderConfig,
};

use crate::PipelineArgs;

/// End-of-run counts.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Summary {
    /// Articles annotated and written (to stdout or newly to the store).
    pub written: usize,
    /// Articles whose id was already in the store (ingest only).
    pub already_present: usize,
    pub failed: usize,
    /// Bytes of article text read.
    pub bytes: u64,
    pub seconds: f64,
    pub errors: Vec<DocError>,
    /// WARC record counts, when WARC files were read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warc: Option<sitrep_ingest::warc::WarcStats>,
}

impl Summary {
    pub fn articles_per_s(&self) -> f64 {
        (self.written + self.already_present) as f64 / self.seconds.max(1e-9)
    }
    pub fn mb_per_s(&self) -> f64 {
        self.bytes as f64 / 1e6 / self.seconds.max(1e-9)
    }
}

/// Load the pipeline config: defaults, then the config file, then command-line overrides.
pub fn pipeline_config(args: &PipelineArgs) -> Result<PipelineConfig> {
    load_config(args.config.as_deref(), args.assume_date.as_deref())
}

/// The pipeline config from an optional file and an optional `--assume-date`.
pub fn load_config(
    file: Option<&std::path::Path>,
    assume_date: Option<&str>,
) -> Result<PipelineConfig> {
    let mut config = match file {
        Some(p) => {
            let s = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read config file {}", p.display()))?;
            toml::from_str::<PipelineConfig>(&s).with_context(|| {
                format!(
                    "invalid config file {}; `sitrep config` prints every valid setting",
                    p.display()
                )
            })?
        }
        None => PipelineConfig::default(),
    };
    if let Some(d) = assume_date {
        chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .with_context(|| format!("--assume-date takes YYYY-MM-DD, got '{d}'"))?;
        config.dates.assume_published = Some(d.to_string());
    }
    Ok(config)
}

pub fn reader(args: &PipelineArgs) -> Result<Reader> {
    let mut fields = FieldMap::default();
    for f in &args.fields {
        fields.set_pair(f).map_err(anyhow::Error::msg)?;
    }
    if args.max_doc_bytes == 0 {
        anyhow::bail!("--max-doc-bytes must be greater than 0");
    }
    Ok(Reader::new(ReaderConfig {
        fields,
        max_doc_bytes: args.max_doc_bytes,
    }))
}

fn progress_bar(args: &PipelineArgs, total: u64) -> ProgressBar {
    if args.quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr_with_hz(8));
    pb.set_style(
        ProgressStyle::with_template(
            "{spinner:.green} [{elapsed_precise}] [{wide_bar:.cyan/blue}] {bytes}/{total_bytes} ({bytes_per_sec}, eta {eta}) {msg}",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    pb.enable_steady_tick(Duration::from_millis(250));
    pb
}

enum Item {
    Doc(Doc),
    Err(DocError),
}

/// Run the pipeline over `args.inputs`.
///
/// `existing` is asked, per chunk, which article ids are already stored (those are skipped and
/// counted). `prepare` runs on each annotated article in parallel (linking features). `sink`
/// receives each chunk's annotated articles with what `prepare` made of them, in input order,
/// and returns how many of them turned out to be already present.
pub fn drive<P: Send>(
    args: &PipelineArgs,
    config: &PipelineConfig,
    existing: &mut (dyn FnMut(&[String]) -> Result<HashSet<String>> + Send),
    prepare: &(dyn Fn(&Article) -> P + Sync),
    sink: &mut dyn FnMut(Vec<(Article, P)>) -> Result<usize>,
) -> Result<Summary> {
    let pipeline = Pipeline::new(config).context("cannot build the pipeline")?;
    let reader = reader(args)?;
    let threads = args.threads.unwrap_or(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    let batch = args.batch.max(1);
    let start = Instant::now();
    let pb = progress_bar(args, input_bytes(&args.inputs));
    let progress = reader.progress();
    let warc_stats = reader.warc_stats();
    let mut errors_file = match &args.errors {
        Some(p) => Some(BufWriter::new(File::create(p).with_context(|| {
            format!("cannot create errors file {}", p.display())
        })?)),
        None => None,
    };

    // Each chunk carries how many input bytes had been read when it was complete, so that the
    // progress bar follows what has been written, not what the reader has buffered.
    let (tx, rx) = sync_channel::<(Vec<Item>, u64)>(2);
    let read_progress = progress.clone();
    let inputs = args.inputs.clone();
    let producer = std::thread::spawn(move || {
        let mut chunk = Vec::with_capacity(batch);
        for r in reader.read(&inputs) {
            chunk.push(match r {
                Ok(d) => Item::Doc(d),
                Err(e) => Item::Err(e),
            });
            if chunk.len() >= batch {
                let at = read_progress.load(Ordering::Relaxed);
                if tx.send((std::mem::take(&mut chunk), at)).is_err() {
                    return;
                }
            }
        }
        if !chunk.is_empty() {
            let _ = tx.send((chunk, read_progress.load(Ordering::Relaxed)));
        }
    });

    // Processing runs on its own thread (rayon inside), so that the sink (stdout or the store)
    // writes chunk N while chunk N+1 is annotated. Channels are bounded: memory stays flat.
    struct Processed<P> {
        ok: Vec<(Article, P)>,
        errors: Vec<DocError>,
        already_present: usize,
        input_at: u64,
    }
    let (ptx, prx) = sync_channel::<Result<Processed<P>>>(2);
    let pipeline = &pipeline;
    let pool = &pool;
    let mut summary = Summary::default();
    let report = |e: DocError, summary: &mut Summary, errors_file: &mut Option<BufWriter<File>>| {
        pb.suspend(|| eprintln!("error: {e}"));
        if let Some(f) = errors_file.as_mut() {
            let _ = serde_json::to_writer(&mut *f, &e);
            let _ = f.write_all(b"\n");
        }
        summary.failed += 1;
        summary.errors.push(e);
    };
    std::thread::scope(|scope| -> Result<()> {
        scope.spawn(move || {
            for (chunk, input_at) in rx {
                let mut errors = Vec::new();
                let mut arts: Vec<(Article, Origin)> = Vec::with_capacity(chunk.len());
                for item in chunk {
                    match item {
                        // ids are known before any work: the input's id or a content hash
                        Item::Doc(d) => arts.push((Article::new(d.raw, d.meta), d.origin)),
                        Item::Err(e) => errors.push(e),
                    }
                }
                let ids: Vec<String> = arts.iter().map(|(a, _)| a.id.clone()).collect();
                let present = match existing(&ids) {
                    Ok(p) => p,
                    Err(e) => {
                        let _ = ptx.send(Err(e));
                        return;
                    }
                };
                let before = arts.len();
                arts.retain(|(a, _)| !present.contains(&a.id));
                let already_present = before - arts.len();
                let results: Vec<Result<(Article, P), DocError>> = pool.install(|| {
                    arts.into_par_iter()
                        .map(|(mut a, origin)| {
                            match catch_unwind(AssertUnwindSafe(|| {
                                pipeline.run(&mut a);
                                prepare(&a)
                            })) {
                                Ok(p) => Ok((a, p)),
                                Err(_) => Err(DocError {
                                    origin,
                                    kind: ErrorKind::Io,
                                    message: "internal error while annotating this document (a sitrep bug; please report it with the document)".into(),
                                }),
                            }
                        })
                        .collect()
                });
                let mut ok = Vec::with_capacity(results.len());
                for r in results {
                    match r {
                        Ok(a) => ok.push(a),
                        Err(e) => errors.push(e),
                    }
                }
                let done = Processed { ok, errors, already_present, input_at };
                if ptx.send(Ok(done)).is_err() {
                    return;
                }
            }
        });
        for processed in prx {
            let p = processed?;
            for e in p.errors {
                report(e, &mut summary, &mut errors_file);
            }
            summary.already_present += p.already_present;
            summary.bytes += p.ok.iter().map(|(a, _)| a.raw.len() as u64).sum::<u64>();
            let n = p.ok.len();
            let dup = sink(p.ok)?;
            summary.written += n - dup;
            summary.already_present += dup;
            pb.set_position(p.input_at);
            pb.set_message(format!(
                "{} articles, {} present, {} failed",
                summary.written, summary.already_present, summary.failed
            ));
        }
        Ok(())
    })?;
    producer
        .join()
        .map_err(|_| anyhow::anyhow!("reader thread panicked"))?;
    if let Some(mut f) = errors_file {
        f.flush()?;
    }
    pb.finish_and_clear();
    summary.seconds = start.elapsed().as_secs_f64();
    summary.warc = warc_summary(&warc_stats);
    Ok(summary)
}

/// The WARC counts, if any WARC file was read.
pub fn warc_summary(
    stats: &std::sync::Mutex<sitrep_ingest::warc::WarcStats>,
) -> Option<sitrep_ingest::warc::WarcStats> {
    let s = stats.lock().ok()?.clone();
    (s.files > 0).then_some(s)
}
