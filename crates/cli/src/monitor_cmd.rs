//! `sitrep watch` (no subcommand): the monitoring loop. One cycle polls the feeds that are due,
//! fetches and extracts the pages of new items, ingests them (the same path as `sitrep ingest`,
//! so copies and stories are linked as for any input), evaluates every watch against what was
//! added, and delivers pending alerts (stored first, so a receiver that is down loses nothing).
//!
//! Every step commits before the next starts: a crash between fetching and ingesting leaves
//! the items pending (fetched again next cycle; ingest is idempotent), and a crash after
//! evaluating leaves the alerts stored and undelivered (delivered next cycle).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::Args;
use serde::Serialize;
use sitrep_monitor::deliver::{deliver_pending_with, Backoff, DeliveryReport};
use sitrep_monitor::feeds::{poll_cycle, FetchedPage, PollOptions, PollReport};
use sitrep_monitor::fetch::{FetchConfig, Fetcher};
use sitrep_search::SearchIndex;
use sitrep_store::SqliteStore;

use crate::{PipelineArgs, StoreArgs};

#[derive(Args, Debug)]
pub struct WatchRunArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Run one cycle and exit (for cron and tests).
    #[arg(long)]
    pub once: bool,
    /// Seconds between cycles (a feed is polled at most this often; failing feeds back off).
    #[arg(long, default_value_t = 900)]
    pub interval: u64,
    /// Allow feeds, pages and webhooks on private, loopback or link-local addresses.
    #[arg(long)]
    pub allow_private: bool,
    /// Per-request timeout in seconds.
    #[arg(long, default_value_t = 20)]
    pub timeout: u64,
    /// Largest feed or page accepted, in bytes.
    #[arg(long, default_value_t = 8 * 1024 * 1024)]
    pub max_bytes: usize,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 32)]
    pub concurrency: usize,
    /// First webhook retry after this many seconds; doubled after each failure (up to an hour).
    #[arg(long, default_value_t = 30)]
    pub retry_after: u64,
    /// Also write today's digest (Markdown) to DIR/digest-YYYY-MM-DD.md after every cycle.
    #[arg(long, value_name = "DIR")]
    pub digest_dir: Option<PathBuf>,
    /// Pipeline config file (TOML), as for `sitrep ingest`.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Print each cycle's report as a JSON line on stdout.
    #[arg(long)]
    pub json: bool,
    /// No progress output on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

/// What the articles of one cycle did in the store.
#[derive(Debug, Default, Serialize)]
struct Ingested {
    pages: usize,
    written: usize,
    already_present: usize,
    failed: usize,
    copies: usize,
    stories_touched: usize,
}

/// An alert raised in this cycle, in brief.
#[derive(Debug, Serialize)]
struct Raised {
    id: i64,
    watch: String,
    kind: String,
    story: u32,
    headline: String,
    independent_sources: usize,
}

/// One cycle's report (`--json` prints it as one line).
#[derive(Debug, Serialize)]
struct CycleReport {
    started: String,
    seconds: f64,
    poll: PollReport,
    ingested: Ingested,
    alerts: Vec<Raised>,
    delivery: DeliveryReport,
    #[serde(skip_serializing_if = "Option::is_none")]
    digest: Option<String>,
}

pub fn run(args: WatchRunArgs) -> Result<ExitCode> {
    let dir = args.store.store.clone();
    // Fail early, with the store's own message, when the directory cannot hold a store.
    SqliteStore::open(&dir)?;
    let fetcher = Fetcher::new(FetchConfig {
        timeout: Duration::from_secs(args.timeout.max(1)),
        max_bytes: args.max_bytes,
        allow_private: args.allow_private,
        ..FetchConfig::default()
    })?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    loop {
        let started = Instant::now();
        match cycle(&args, &dir, &fetcher, &rt) {
            Ok(report) => print_report(&args, &report)?,
            // One failed cycle (the disk, the store) stops a --once run; a long-running watch
            // says so and tries again next time.
            Err(e) if !args.once => {
                eprintln!("error: this cycle failed: {e:#}; retrying next cycle")
            }
            Err(e) => return Err(e),
        }
        if args.once {
            return Ok(ExitCode::SUCCESS);
        }
        // At least a second between cycles, so that `--interval 0` cannot spin.
        let wait = Duration::from_secs(args.interval).saturating_sub(started.elapsed());
        std::thread::sleep(wait.max(Duration::from_secs(1)));
    }
}

fn cycle(
    args: &WatchRunArgs,
    dir: &Path,
    fetcher: &Fetcher,
    rt: &tokio::runtime::Runtime,
) -> Result<CycleReport> {
    let t0 = Instant::now();
    let now = chrono::Utc::now();
    let mut store = SqliteStore::open(dir)?;
    let opts = PollOptions {
        interval: Duration::from_secs(args.interval),
        concurrency: args.concurrency.max(1),
        now,
        ..PollOptions::default()
    };
    let (poll, pages) = poll_cycle(&store, fetcher, rt, &opts)?;
    let ingested = ingest_pages(args, dir, &store, &pages)?;
    // Evaluation catches the search index up with what the ingest stored.
    let search = SearchIndex::open(dir)?;
    let raised =
        sitrep_monitor::watch::evaluate(&mut store, &search, &sitrep_monitor::now_rfc3339())?;
    let delivery = deliver_pending_with(
        &store,
        fetcher,
        rt,
        &sitrep_monitor::now_rfc3339(),
        &Backoff {
            base: Duration::from_secs(args.retry_after),
            ..Backoff::default()
        },
    )?;
    let digest = match &args.digest_dir {
        Some(d) => Some(write_digest(&store, d, now.date_naive())?),
        None => None,
    };
    Ok(CycleReport {
        started: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        seconds: t0.elapsed().as_secs_f64(),
        poll,
        ingested,
        alerts: raised
            .into_iter()
            .map(|a| Raised {
                id: a.id,
                watch: a.watch,
                kind: a.kind,
                story: a.story,
                headline: a.headline,
                independent_sources: a.independent_sources,
            })
            .collect(),
        delivery,
        digest,
    })
}

/// Ingest the fetched pages as one JSONL batch, then mark their feed items ingested. The id is
/// a content hash of the page's URL and text: a page fetched twice is stored once, a page that
/// changed is a new article (linked to the old one as a copy or in its story), and the same
/// text on another outlet's page is an article of its own, found to be a copy (lineage).
fn ingest_pages(
    args: &WatchRunArgs,
    dir: &Path,
    store: &SqliteStore,
    pages: &[FetchedPage],
) -> Result<Ingested> {
    let mut out = Ingested {
        pages: pages.len(),
        ..Ingested::default()
    };
    if pages.is_empty() {
        return Ok(out);
    }
    let mut tmp = tempfile::Builder::new()
        .prefix("watch-")
        .suffix(".jsonl")
        .tempfile_in(dir)
        .context("cannot write the fetched pages next to the store")?;
    let ids: Vec<String> = pages.iter().map(page_id).collect();
    for (p, id) in pages.iter().zip(&ids) {
        let line = serde_json::json!({
            "id": id,
            "url": p.url,
            "source": p.source,
            "title": p.title,
            "published": p.published,
            "modified": p.modified,
            "text": p.text,
        });
        writeln!(tmp, "{line}")?;
    }
    tmp.flush()?;
    let pipeline = PipelineArgs {
        inputs: vec![tmp.path().to_path_buf()],
        fields: Vec::new(),
        config: args.config.clone(),
        assume_date: None,
        max_doc_bytes: args.max_bytes,
        batch: 256,
        threads: None,
        quiet: true,
        errors: None,
    };
    let done = crate::ingest::ingest(&pipeline, dir)?;
    out.written = done.summary.written;
    out.already_present = done.summary.already_present;
    out.failed = done.summary.failed;
    out.copies = done.copies;
    out.stories_touched = done.stories_touched;
    // A page whose text failed (empty after cleaning, too large) stays pending and is retried
    // by the feed's own attempt counter; the others are done.
    let failed: std::collections::HashSet<usize> = done
        .summary
        .errors
        .iter()
        .filter_map(|e| e.origin.line.map(|l| l - 1))
        .collect();
    for (i, (p, id)) in pages.iter().zip(&ids).enumerate() {
        if !failed.contains(&i) {
            store.mark_item_ingested(p.feed_id, &p.item_key, id)?;
        }
    }
    Ok(out)
}

fn page_id(p: &FetchedPage) -> String {
    sitrep_core::model::content_id(&format!("{}\n{}", p.url, p.text))
}

fn write_digest(store: &SqliteStore, dir: &Path, day: chrono::NaiveDate) -> Result<String> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the digest directory {}", dir.display()))?;
    let d = sitrep_monitor::digest::digest(store, None, day)?;
    let path = dir.join(format!("digest-{day}.md"));
    std::fs::write(&path, sitrep_monitor::digest::render_markdown(&d))
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path.display().to_string())
}

fn print_report(args: &WatchRunArgs, r: &CycleReport) -> Result<()> {
    if args.json {
        println!("{}", serde_json::to_string(r)?);
    }
    if args.quiet {
        return Ok(());
    }
    let p = &r.poll;
    eprintln!(
        "{}: {} of {} due feeds polled ({} not modified, {} failed), {} new items, {} pages \
         ({} stored, {} already stored, {} copies, {} failed), {} alerts, {} delivered, {} \
         delivery failures ({:.1} s)",
        r.started,
        p.feeds_polled,
        p.feeds_due,
        p.not_modified,
        p.feed_errors,
        p.new_items,
        r.ingested.pages,
        r.ingested.written,
        r.ingested.already_present,
        r.ingested.copies,
        r.ingested.failed + p.page_errors,
        r.alerts.len(),
        r.delivery.delivered,
        r.delivery.failed,
        r.seconds
    );
    for e in p.errors.iter().chain(r.delivery.errors.iter()) {
        eprintln!("  {e}");
    }
    for a in &r.alerts {
        eprintln!(
            "  alert #{} [{}] {} story {}: {} ({} independent sources)",
            a.id, a.watch, a.kind, a.story, a.headline, a.independent_sources
        );
    }
    Ok(())
}
