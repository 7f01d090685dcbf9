//! `sitrep feed add|list|remove`: RSS/Atom subscriptions and their health.
//!
//! The private-address permission is not stored with a feed: it belongs to the command that
//! fetches. `feed add --allow-private` lets the check fetch reach a private, loopback or
//! link-local address; `sitrep watch` then polls such a feed only when it too is run with
//! `--allow-private` (otherwise the poll fails with a "refused" error in `feed list`).

use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use chrono::{DateTime, Utc};
use clap::Subcommand;
use sitrep_monitor::feeds::parse_feed;
use sitrep_monitor::fetch::{check_url, Conditional, FetchConfig, FetchError, Fetched, Fetcher};
use sitrep_store::{FeedRow, SqliteStore};

use crate::StoreArgs;

#[derive(Subcommand, Debug)]
pub enum FeedAction {
    /// Subscribe to an RSS or Atom feed (fetched once now to check it, unless --no-check).
    Add {
        url: String,
        #[command(flatten)]
        store: StoreArgs,
        /// Allow a feed on a private, loopback or link-local address (`sitrep watch` must then
        /// be run with --allow-private too).
        #[arg(long)]
        allow_private: bool,
        /// Do not fetch the feed now.
        #[arg(long)]
        no_check: bool,
        #[arg(long)]
        json: bool,
    },
    /// The feeds with their health: last success, last error, items per day, next poll.
    List {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        json: bool,
    },
    /// Unsubscribe (by URL or id). Articles already ingested stay.
    Remove {
        feed: String,
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(action: FeedAction) -> Result<ExitCode> {
    match action {
        FeedAction::Add {
            url,
            store,
            allow_private,
            no_check,
            json,
        } => add(&url, &store, allow_private, no_check, json),
        FeedAction::List { store, json } => list(&store, json),
        FeedAction::Remove { feed, store, json } => remove(&feed, &store, json),
    }
}

/// Fetch a feed once and parse it: its title and item count.
fn check_feed(url: &str, allow_private: bool) -> Result<(Option<String>, usize)> {
    let fetcher = Fetcher::new(FetchConfig {
        allow_private,
        ..Default::default()
    })?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let got = rt.block_on(fetcher.get(url, &Conditional::default()));
    let (final_url, body) = match got {
        Ok(Fetched::Body {
            final_url, body, ..
        }) => (final_url, body),
        Ok(Fetched::NotModified) => bail!("{url}: answered 304 to an unconditional request"),
        Err(e @ FetchError::Private { .. }) => bail!("{e}"),
        Err(e) => bail!("{e}; to subscribe anyway, add --no-check"),
    };
    let feed = parse_feed(&body, &final_url)?;
    Ok((feed.title, feed.items.len()))
}

fn add(
    url: &str,
    store: &StoreArgs,
    allow_private: bool,
    no_check: bool,
    json: bool,
) -> Result<ExitCode> {
    let parsed = check_url(url, allow_private).map_err(|e| match e {
        FetchError::BadUrl { .. } => anyhow::anyhow!(
            "{url}: not an http(s) URL; give the feed's full address, e.g. https://example.org/feed.xml"
        ),
        e => anyhow::anyhow!("{e}"),
    })?;
    let url = parsed.as_str();
    let (title, items) = if no_check {
        (None, None)
    } else {
        let (t, n) = check_feed(url, allow_private)?;
        (t, Some(n))
    };
    let st = SqliteStore::open(&store.store)?;
    let (row, added) = st.add_feed(url, title.as_deref(), Utc::now())?;
    if json {
        println!(
            "{}",
            serde_json::json!({"feed": row, "added": added, "items_listed": items})
        );
    } else {
        let name = row.title.as_deref().unwrap_or("(untitled)");
        if added {
            match items {
                Some(n) => println!(
                    "subscribed #{} {name} <{}>: {n} items listed",
                    row.id, row.url
                ),
                None => println!("subscribed #{} <{}> (not checked)", row.id, row.url),
            }
        } else {
            println!("already subscribed: #{} {name} <{}>", row.id, row.url);
        }
        if allow_private {
            eprintln!(
                "note: run `sitrep watch --allow-private` to poll feeds on private addresses"
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// "3m ago", "2h ago", "5d ago"; "in 4m" for the future.
fn age(t: Option<&str>, now: DateTime<Utc>) -> String {
    let Some(t) = t.and_then(|t| DateTime::parse_from_rfc3339(t).ok()) else {
        return "-".into();
    };
    let secs = (now - t.with_timezone(&Utc)).num_seconds();
    let (future, s) = (secs < 0, secs.unsigned_abs());
    let d = if s < 60 {
        format!("{s}s")
    } else if s < 3600 {
        format!("{}m", s / 60)
    } else if s < 86400 {
        format!("{}h", s / 3600)
    } else {
        format!("{}d", s / 86400)
    };
    if future {
        format!("in {d}")
    } else {
        format!("{d} ago")
    }
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut c: String = s.chars().take(n.saturating_sub(1)).collect();
        c.push('…');
        c
    }
}

fn list(store: &StoreArgs, json: bool) -> Result<ExitCode> {
    let st = SqliteStore::open(&store.store)?;
    let now = Utc::now();
    let feeds: Vec<FeedRow> = st.feeds()?;
    let mut rows = Vec::new();
    for f in &feeds {
        let per_day = st.items_per_day(f.id, 7, now)?;
        rows.push((f, per_day));
    }
    if json {
        let out: Vec<_> = rows
            .iter()
            .map(|(f, d)| {
                let mut v = serde_json::to_value(f).expect("serializable");
                v["items_per_day"] = serde_json::json!((d * 100.0).round() / 100.0);
                v
            })
            .collect();
        println!("{}", serde_json::Value::Array(out));
        return Ok(ExitCode::SUCCESS);
    }
    if feeds.is_empty() {
        println!(
            "no feeds in {}; add one with `sitrep feed add URL`",
            store.store.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:>4}  {:<40}  {:<10}  {:>5}  {:>9}  {:<10}  last error",
        "id", "feed", "success", "fails", "items/day", "next poll"
    );
    for (f, per_day) in rows {
        let name = match &f.title {
            Some(t) => format!("{t} <{}>", f.url),
            None => f.url.clone(),
        };
        let err = match (&f.last_error, &f.last_error_at) {
            (Some(e), at) if f.failures > 0 || at.is_some() => {
                format!("{} ({})", clip(e, 70), age(at.as_deref(), now))
            }
            _ => "-".into(),
        };
        println!(
            "{:>4}  {:<40}  {:<10}  {:>5}  {:>9.1}  {:<10}  {}",
            f.id,
            clip(&name, 40),
            age(f.last_success.as_deref(), now),
            f.failures,
            per_day,
            match &f.next_poll {
                Some(_) => age(f.next_poll.as_deref(), now),
                None => "now".into(),
            },
            err
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn remove(feed: &str, store: &StoreArgs, json: bool) -> Result<ExitCode> {
    let st = SqliteStore::open(&store.store)?;
    let removed = st
        .remove_feed(feed)
        .with_context(|| format!("cannot remove feed {feed}"))?;
    let Some(row) = removed else {
        bail!(
            "no feed '{feed}' in {}; `sitrep feed list` shows ids and URLs",
            store.store.display()
        );
    };
    if json {
        println!("{}", serde_json::json!({"removed": row}));
    } else {
        println!("removed #{} <{}>", row.id, row.url);
    }
    Ok(ExitCode::SUCCESS)
}
