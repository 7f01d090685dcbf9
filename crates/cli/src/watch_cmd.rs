//! `sitrep watch add|list|remove`, `sitrep alerts`, `sitrep digest`.
//!
//! Watches and alerts live in the store (`sitrep-store`, schema v4); evaluation and delivery
//! are `sitrep-monitor`'s and run in the `sitrep watch` loop (`monitor_cmd`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use sitrep_monitor::atom::alert_title;
use sitrep_monitor::digest::{digest as make_digest, render_markdown};
use sitrep_monitor::watch::{check_webhook, Alert};
use sitrep_search::SearchError;
use sitrep_store::{AlertRow, SqliteStore};

use crate::StoreArgs;

#[derive(Subcommand, Debug)]
pub enum WatchAction {
    /// Save a watch: NAME and a QUERY in the search query language (see `sitrep search`).
    Add {
        name: String,
        query: String,
        /// POST each alert as JSON to this URL (retried with backoff until delivered).
        #[arg(long, value_name = "URL")]
        webhook: Option<String>,
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        json: bool,
    },
    /// The watches, with their alert counts and undelivered alerts.
    List {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        json: bool,
    },
    /// Delete a watch and its alerts.
    Remove {
        name: String,
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Args, Debug)]
pub struct AlertsArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Only this watch's alerts.
    #[arg(long)]
    pub watch: Option<String>,
    /// Only alerts not delivered yet.
    #[arg(long)]
    pub pending: bool,
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct DigestArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Only this watch.
    #[arg(long)]
    pub watch: Option<String>,
    /// The day (UTC), YYYY-MM-DD; default today.
    #[arg(long)]
    pub date: Option<String>,
    /// Write the digest to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[arg(long)]
    pub json: bool,
}

use crate::commands::open_existing as open;

fn watch_id(st: &SqliteStore, name: &str) -> Result<i64> {
    match st.watch(name)? {
        Some(w) => Ok(w.id),
        None => bail!("no watch named '{name}'; see `sitrep watch list`"),
    }
}

pub fn manage(action: WatchAction) -> Result<ExitCode> {
    match action {
        WatchAction::Add {
            name,
            query,
            webhook,
            store,
            json,
        } => {
            let name = name.trim().to_string();
            if name.is_empty() {
                bail!("a watch needs a name: sitrep watch add NAME QUERY");
            }
            if let Err(e) = sitrep_search::query::parse(&query) {
                if let SearchError::Query { message, at } = e {
                    crate::search_cmd::print_query_error(&query, &message, at);
                    return Ok(ExitCode::from(2));
                }
                return Err(e.into());
            }
            if let Some(h) = &webhook {
                if let Err(m) = check_webhook(h) {
                    eprintln!("error: {m}");
                    return Ok(ExitCode::from(2));
                }
            }
            // A watch may come before any article (`feed add`, `watch add`, then `sitrep watch`):
            // adding one creates the store.
            let mut st = SqliteStore::open(&store.store)?;
            let now = sitrep_monitor::now_rfc3339();
            let Some(w) = st.add_watch(&name, &query, webhook.as_deref(), &now)? else {
                bail!(
                    "a watch named '{name}' exists; choose another name, or remove it first with `sitrep watch remove '{name}'`"
                );
            };
            if json {
                println!("{}", serde_json::to_string_pretty(&w)?);
            } else {
                eprintln!(
                    "added watch '{}' ({}){}; it alerts on articles stored from now on (`sitrep watch` evaluates it)",
                    w.name,
                    w.query,
                    w.webhook
                        .as_deref()
                        .map(|h| format!(", webhook {h}"))
                        .unwrap_or_default()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        WatchAction::List { store, json } => {
            let st = open(&store)?;
            let rows = st.watch_summaries()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&rows)?);
                return Ok(ExitCode::SUCCESS);
            }
            if rows.is_empty() {
                eprintln!("no watches; add one with `sitrep watch add NAME QUERY`");
                return Ok(ExitCode::SUCCESS);
            }
            println!(
                "{:<20} {:>7} {:>7} {:>11}  {:<30} QUERY",
                "NAME", "STORIES", "ALERTS", "UNDELIVERED", "WEBHOOK"
            );
            for r in &rows {
                println!(
                    "{:<20} {:>7} {:>7} {:>11}  {:<30} {}",
                    r.watch.name,
                    r.stories,
                    r.alerts,
                    r.undelivered,
                    r.watch.webhook.as_deref().unwrap_or("-"),
                    r.watch.query
                );
                if let Some(e) = &r.last_error {
                    println!(
                        "    last delivery error: {e} ({} failing; next attempt {})",
                        r.failing,
                        r.next_attempt.as_deref().unwrap_or("-")
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        WatchAction::Remove { name, store } => {
            let mut st = open(&store)?;
            if !st.remove_watch(&name)? {
                bail!("no watch named '{name}'; see `sitrep watch list`");
            }
            eprintln!("removed watch '{name}' and its alerts");
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn alert_json(row: &AlertRow, watch: &str) -> serde_json::Value {
    serde_json::json!({
        "id": row.id,
        "watch": watch,
        "story": row.story,
        "kind": row.kind,
        "created_at": row.created_at,
        "delivered_at": row.delivered_at,
        "attempts": row.attempts,
        "next_attempt": row.next_attempt,
        "last_error": row.last_error,
        "alert": serde_json::from_str::<serde_json::Value>(&row.payload)
            .unwrap_or(serde_json::Value::Null),
    })
}

pub fn alerts(args: AlertsArgs) -> Result<ExitCode> {
    let st = open(&args.store)?;
    let id = args
        .watch
        .as_deref()
        .map(|n| watch_id(&st, n))
        .transpose()?;
    let names: std::collections::HashMap<i64, (String, bool)> = st
        .watches()?
        .into_iter()
        .map(|w| (w.id, (w.name, w.webhook.is_some())))
        .collect();
    let rows = st.alerts(id, args.pending, args.limit)?;
    let name = |r: &AlertRow| names.get(&r.watch_id).cloned().unwrap_or_default();
    if args.json {
        let v: Vec<serde_json::Value> = rows.iter().map(|r| alert_json(r, &name(r).0)).collect();
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(ExitCode::SUCCESS);
    }
    if rows.is_empty() {
        eprintln!("no alerts");
        return Ok(ExitCode::SUCCESS);
    }
    for r in &rows {
        let (watch, hook) = name(r);
        let title = serde_json::from_str::<Alert>(&r.payload)
            .map(|a| format!("{} [{} sources]", alert_title(&a), a.independent_sources))
            .unwrap_or_else(|_| r.kind.clone());
        let state = match (&r.delivered_at, hook) {
            (Some(at), _) => format!("delivered {at}"),
            (None, false) => "no webhook".to_string(),
            (None, true) if r.attempts == 0 => "pending".to_string(),
            (None, true) => format!(
                "pending: {} failed attempts, last error: {}; next attempt {}",
                r.attempts,
                r.last_error.as_deref().unwrap_or("-"),
                r.next_attempt.as_deref().unwrap_or("-")
            ),
        };
        println!(
            "#{:<5} {}  {:<16} story {:<6} {}\n       {}",
            r.id, r.created_at, watch, r.story, title, state
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn digest(args: DigestArgs) -> Result<ExitCode> {
    let st = open(&args.store)?;
    let day = match &args.date {
        Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .with_context(|| format!("--date {d}: expected YYYY-MM-DD"))?,
        None => chrono::Utc::now().date_naive(),
    };
    let d = make_digest(&st, args.watch.as_deref(), day)?;
    let text = if args.json {
        serde_json::to_string_pretty(&d)? + "\n"
    } else {
        render_markdown(&d)
    };
    match &args.out {
        Some(p) => {
            std::fs::write(p, text).with_context(|| format!("cannot write {}", p.display()))?;
            let n: usize = d.watches.iter().map(|w| w.stories.len()).sum();
            eprintln!(
                "wrote the digest of {} ({n} stories) to {}",
                d.day,
                p.display()
            );
        }
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}
