//! The `sitrep` command line. See `sitrep --help` and the README.

mod batch;
mod commands;
mod eval_events;
mod eval_html;
mod eval_stories;
mod feed_cmd;
mod ingest;
mod link;
mod monitor_cmd;
mod reannotate;
mod render;
mod search_cmd;
mod serve;
mod watch_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// sitrep: news reports in; entities, dates, figures and quotes out, each linked to its sentence.
#[derive(Parser, Debug)]
#[command(name = "sitrep", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct StoreArgs {
    /// Store directory (SQLite database inside). Created on first ingest.
    #[arg(
        long,
        env = "SITREP_STORE",
        default_value = "./sitrep-store",
        global = true
    )]
    pub store: PathBuf,
}

#[derive(Args, Debug, Clone)]
pub struct PipelineArgs {
    /// Inputs: text files, JSONL files (.jsonl/.ndjson/.json, optionally .gz), directories
    /// (recursive), or - for JSONL on stdin.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Map a JSONL field onto an article field: TARGET=FIELD, e.g. --field published=url_date.
    /// Targets: text, id, url, source, published, title. Common names are detected without it.
    #[arg(long = "field", value_name = "TARGET=FIELD")]
    pub fields: Vec<String>,
    /// Pipeline config file (TOML); see `sitrep config` for every setting and its default.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Publication date to assume for articles without one, to resolve relative dates
    /// ("on Thursday"). The article's own `published` stays empty.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub assume_date: Option<String>,
    /// Largest document accepted, in bytes; larger ones are reported and skipped.
    #[arg(long, default_value_t = 8 * 1024 * 1024)]
    pub max_doc_bytes: usize,
    /// Articles per batch (one store transaction per batch).
    #[arg(long, default_value_t = 256)]
    pub batch: usize,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// No progress bar and no summary on stderr.
    #[arg(long, short)]
    pub quiet: bool,
    /// Also write every per-document error as a JSON line to this file.
    #[arg(long, value_name = "FILE")]
    pub errors: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Annotate inputs and write one JSON record per article to stdout (no store).
    Process {
        #[command(flatten)]
        pipeline: PipelineArgs,
        /// Leave the raw-text removal list (`removed`) and sentences out of each record.
        #[arg(long)]
        compact: bool,
    },
    /// Annotate inputs and add them to the store. Re-running the same input adds nothing.
    Ingest {
        #[command(flatten)]
        pipeline: PipelineArgs,
        #[command(flatten)]
        store: StoreArgs,
        /// Print the summary as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Annotate every stored article again from its raw input with this sitrep, in place (for
    /// example to code events in articles stored before sitrep coded them; `ingest` skips
    /// articles already stored). Copies, stories and analyst decisions are kept as they are.
    Reannotate {
        #[command(flatten)]
        store: StoreArgs,
        /// Pipeline config file (TOML); see `sitrep config`.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Publication date to assume for articles without one, as for `ingest`.
        #[arg(long, value_name = "YYYY-MM-DD")]
        assume_date: Option<String>,
        /// Articles per batch (one store transaction per batch).
        #[arg(long, default_value_t = 256)]
        batch: usize,
        /// Worker threads (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
        /// No progress bar and no summary on stderr.
        #[arg(long, short)]
        quiet: bool,
        /// Print the summary as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// List stored articles, newest first.
    Articles {
        #[command(flatten)]
        store: StoreArgs,
        /// Only this outlet (exact match, e.g. cnn.com).
        #[arg(long)]
        source: Option<String>,
        /// Only articles mentioning this entity code (PRK) or name.
        #[arg(long)]
        entity: Option<String>,
        /// Published on or after this date (YYYY-MM-DD).
        #[arg(long)]
        since: Option<String>,
        /// Published on or before this date (YYYY-MM-DD).
        #[arg(long)]
        until: Option<String>,
        /// Rows to show (0 for all).
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Rows to skip, for paging.
        #[arg(long, default_value_t = 0)]
        offset: usize,
        #[arg(long)]
        json: bool,
    },
    /// Show one article with its annotations marked in the text.
    Show {
        /// Article id (a unique prefix is enough).
        id: String,
        #[command(flatten)]
        store: StoreArgs,
        /// Print the stored JSON record.
        #[arg(long)]
        json: bool,
        /// Print the raw input as read, before cleaning.
        #[arg(long)]
        raw: bool,
    },
    /// Entities aggregated across stored articles, most mentioned first.
    Entities {
        #[command(flatten)]
        store: StoreArgs,
        /// Only this kind: person, country, organization, place, weapon, other.
        #[arg(long)]
        kind: Option<String>,
        /// Rows to show (0 for all).
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Stories (same real-world happening), newest first: headline, dates, articles, copies and
    /// independent sources.
    Stories {
        #[command(flatten)]
        store: StoreArgs,
        /// Only stories with at least this many articles.
        #[arg(long, default_value_t = 1)]
        min_articles: usize,
        /// Only stories seen on or after this date (YYYY-MM-DD).
        #[arg(long)]
        since: Option<String>,
        /// Most independent sources first (then most articles, then newest).
        #[arg(long)]
        by_sources: bool,
        /// Rows to show (0 for all).
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Rows to skip, for paging.
        #[arg(long, default_value_t = 0)]
        offset: usize,
        #[arg(long)]
        json: bool,
    },
    /// One story: its articles and copies, independent sources, shared entities, figures and
    /// quotes with who reports them; or an analyst decision (merge, split).
    Story {
        /// Story id (from `sitrep stories`), or an article id (prefix) to show its story.
        id: Option<String>,
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        json: bool,
        #[command(subcommand)]
        action: Option<StoryAction>,
    },
    /// Coded political events (who did what to whom), newest first, each with its evidence
    /// sentence. An event's date is its own when the sentence states one, else the article's
    /// publication date.
    Events {
        #[command(flatten)]
        store: StoreArgs,
        /// Some actor's code starts with CODE, or its country is CODE (PRK finds PRK, PRKMIL,
        /// PRKGOV).
        #[arg(long, value_name = "CODE")]
        actor: Option<String>,
        /// Some recipient's code starts with CODE, or its country is CODE.
        #[arg(long, value_name = "CODE")]
        recipient: Option<String>,
        /// PLOVER type: AGREE, CONSULT, SUPPORT, CONCEDE, COOPERATE, AID, RETREAT, REQUEST,
        /// ACCUSE, REJECT, THREATEN, PROTEST, SANCTION, MOBILIZE, COERCE, ASSAULT.
        #[arg(long = "type", value_name = "TYPE")]
        kind: Option<String>,
        /// asserted, denied, hedged, demanded or planned.
        #[arg(long)]
        status: Option<String>,
        /// On or after this date (YYYY-MM-DD): the event's own date, else publication.
        #[arg(long)]
        since: Option<String>,
        /// On or before this date (YYYY-MM-DD): the event's own date, else publication.
        #[arg(long)]
        until: Option<String>,
        /// Only events of articles in this story.
        #[arg(long, value_name = "ID")]
        story: Option<u32>,
        /// Only events of this article (a unique id prefix is enough).
        #[arg(long, value_name = "ID")]
        article: Option<String>,
        /// Rows to show (0 for all).
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Rows to skip, for paging.
        #[arg(long, default_value_t = 0)]
        offset: usize,
        #[arg(long)]
        json: bool,
    },
    /// Claims (statements of fact with their speakers), newest first, each with its sentence.
    /// A claim's date is the date it was made when the text says, else publication.
    Claims {
        #[command(flatten)]
        store: StoreArgs,
        /// The speaker's code starts with CODE, or the speaker's country is CODE.
        #[arg(long, value_name = "CODE")]
        speaker: Option<String>,
        /// asserted, denied, hedged, demanded or planned.
        #[arg(long)]
        status: Option<String>,
        /// On or after this date (YYYY-MM-DD).
        #[arg(long)]
        since: Option<String>,
        /// On or before this date (YYYY-MM-DD).
        #[arg(long)]
        until: Option<String>,
        /// Only claims of articles in this story.
        #[arg(long, value_name = "ID")]
        story: Option<u32>,
        /// Only claims of this article (a unique id prefix is enough).
        #[arg(long, value_name = "ID")]
        article: Option<String>,
        /// Rows to show (0 for all).
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Rows to skip, for paging.
        #[arg(long, default_value_t = 0)]
        offset: usize,
        #[arg(long)]
        json: bool,
    },
    /// Serve the web UI and the JSON API (`/api/v1/`) over the store, after ingesting INPUTS
    /// if any are given (as `sitrep ingest` would). Reads are open; writes (POST) need the
    /// token.
    Serve {
        /// Inputs to ingest before serving (same as `sitrep ingest`); none to serve the store
        /// as it is.
        inputs: Vec<PathBuf>,
        #[command(flatten)]
        store: StoreArgs,
        /// Address to listen on. The default is loopback only; reads need no token, so think
        /// twice before binding another address.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Token that writes (POST /api/v1/...) must present as `Authorization: Bearer TOKEN`.
        /// Without one, writes are refused.
        #[arg(long, env = "SITREP_TOKEN", hide_env_values = true)]
        token: Option<String>,
        /// Largest request body accepted, in MiB (413 above).
        #[arg(long, default_value_t = 16)]
        max_body_mib: usize,
        /// Largest page a listing may ask for (`limit`).
        #[arg(long, default_value_t = 500)]
        max_page: usize,
        /// Seconds a request may take before it is answered 503.
        #[arg(long, default_value_t = 30)]
        timeout: u64,
        /// Pipeline config file (TOML) for INPUTS and for articles POSTed to the API.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Publication date to assume for articles without one (INPUTS and POSTs).
        #[arg(long, value_name = "YYYY-MM-DD")]
        assume_date: Option<String>,
        /// No progress bar while ingesting INPUTS.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Full-text search: ranked stories (or articles with --flat) with highlighted snippets.
    /// Catches the index up with the store first. Query language: words (all must match),
    /// "phrases", AND OR NOT - ( ), field:value (title text source entity actor recipient type
    /// cameo status lang id story published date), published:[2024-10-01 TO 2024-11-30],
    /// published:2024-10, fuzzy kursk~1, prefix missil*, and "North Korea" NEAR/1s Kursk (same
    /// sentence) or troops NEAR/3 Kursk (within 3 words). See crates/search/README.md.
    Search {
        /// The query (quote it for the shell).
        query: String,
        #[command(flatten)]
        store: StoreArgs,
        /// A page of articles instead of stories.
        #[arg(long)]
        flat: bool,
        /// Stories (or articles with --flat) per page.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Stories (or articles) to skip, for paging.
        #[arg(long, default_value_t = 0)]
        offset: usize,
        /// Print the results as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Rebuild the search index (DIR/index) from the store, from scratch.
    Reindex {
        #[command(flatten)]
        store: StoreArgs,
        /// No progress bar and no summary on stderr.
        #[arg(long, short)]
        quiet: bool,
        /// Print the summary as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// RSS/Atom subscriptions: add, list (with each feed's health), remove.
    Feed {
        #[command(subcommand)]
        action: feed_cmd::FeedAction,
    },
    /// Monitoring. With no subcommand: poll the feeds, ingest new pages, evaluate the watches
    /// and deliver their alerts, every --interval (or once with --once). The subcommands
    /// manage watches: named saved queries in the search query language.
    #[command(args_conflicts_with_subcommands = true)]
    Watch {
        #[command(subcommand)]
        action: Option<watch_cmd::WatchAction>,
        #[command(flatten)]
        run: monitor_cmd::WatchRunArgs,
    },
    /// The alerts watches raised, newest first, with their delivery state.
    Alerts(watch_cmd::AlertsArgs),
    /// One day's alerts as a digest (Markdown) on stdout or in a file.
    Digest(watch_cmd::DigestArgs),
    /// Print the default pipeline configuration (TOML) with every setting.
    Config,
    /// Score the pipeline on gold data under ../shared/data (or $SITREP_SHARED/data).
    Eval {
        #[command(subcommand)]
        what: EvalWhat,
    },
}

#[derive(Subcommand, Debug)]
pub enum StoryAction {
    /// Merge two stories into one; the older story (lower id) keeps its id and headline. The
    /// decision is kept and later clustering respects it.
    Merge {
        into: u32,
        from: u32,
        #[arg(long)]
        json: bool,
    },
    /// Move ARTICLEs (ids or unique prefixes, all in STORY) into one new story. The decision is
    /// kept: they never rejoin the articles left behind.
    Split {
        story: u32,
        #[arg(required = true)]
        articles: Vec<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum EvalWhat {
    /// Entity F1 on CoNLL-2003 valid.
    Ner {
        #[arg(long)]
        json: bool,
    },
    /// Date normalisation on TempEval-3.
    Dates {
        #[arg(long)]
        json: bool,
    },
    /// Story clustering on ECB+ dev (gold: subtopic), through the same path as `process`.
    Stories {
        /// Another ECB+-style JSONL file (fields doc_id, title, text, subtopic).
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Event coding: PETR2 CAMEO triples, PLOVER types, PETRARCH unit tests, PLV, and speed.
    Events {
        #[command(subcommand)]
        what: eval_events::EventsWhat,
    },
    /// Web-page main-text extraction: P/R/F1 with trafilatura's metric, and speed.
    Html(eval_html::HtmlEvalArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
