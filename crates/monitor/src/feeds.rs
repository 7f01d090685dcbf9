//! RSS/Atom subscriptions and the polling cycle.
//!
//! [`parse_feed`] reads RSS 0.9–2.0, Atom and JSON Feed (feed-rs). [`poll_cycle`] runs one
//! polling cycle over the subscribed feeds:
//!
//! 1. the feeds that are due (`next_poll` unset or past) are fetched concurrently, each with
//!    the ETag/Last-Modified it last answered (a 304 is a success with nothing new);
//! 2. a feed that fails (network, HTTP status, refused address, not a feed) keeps its error and
//!    backs off: next poll after `interval * 2^failures`, capped by `max_backoff`;
//! 3. the items a feed lists are recorded once each (keyed by guid/id, else link): an item
//!    listed again is never fetched again;
//! 4. the pages of all pending items (new ones, and ones left pending by an earlier failed
//!    attempt or a crash) are fetched concurrently, decoded and extracted
//!    ([`sitrep_ingest::html`]) into [`FetchedPage`]s. A page that fails is retried in later
//!    cycles and given up after [`PollOptions::max_page_attempts`] attempts.
//!
//! The cycle does not mark items ingested: the caller ingests the pages, then calls
//! `SqliteStore::mark_item_ingested`; a crash in between leaves them pending, and they are
//! fetched again next cycle (ingest is idempotent). SQLite is only touched outside the async
//! part (the connection is not `Sync`).

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::stream::{self, StreamExt};
use serde::Serialize;
use sitrep_store::{FeedItemRow, FeedRow, NewFeedItem, SqliteStore, StoreError};

use crate::fetch::{Conditional, FetchError, Fetched, Fetcher};

/// A page fetched for a new feed item, ready for ingest.
#[derive(Debug, Clone, Serialize)]
pub struct FetchedPage {
    pub feed_id: i64,
    pub item_key: String,
    /// The page's canonical URL when it gives one, else the URL fetched.
    pub url: String,
    /// Outlet: the page's site name, else the URL's host.
    pub source: Option<String>,
    pub title: Option<String>,
    /// Publication date: the page's, else the feed item's.
    pub published: Option<String>,
    pub modified: Option<String>,
    pub text: String,
}

/// What one polling cycle did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PollReport {
    pub feeds_due: usize,
    pub feeds_polled: usize,
    pub not_modified: usize,
    pub feed_errors: usize,
    pub new_items: usize,
    pub pages_fetched: usize,
    pub page_errors: usize,
    /// Items given up in this cycle (after `max_page_attempts` failed attempts).
    #[serde(default)]
    pub pages_given_up: usize,
    /// Per-feed or per-page error messages (URL first).
    pub errors: Vec<String>,
}

/// A parsed feed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ParsedFeed {
    pub title: Option<String>,
    /// Entries in document order (feeds usually list the newest first).
    pub items: Vec<FeedEntry>,
}

/// One entry of a feed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FeedEntry {
    /// guid (RSS) / id (Atom, JSON Feed), else the link.
    pub key: String,
    pub link: Option<String>,
    pub title: Option<String>,
    /// RFC 3339 (published, else updated).
    pub published: Option<String>,
    pub summary: Option<String>,
}

/// Why a document is not a feed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{url}: not an RSS, Atom or JSON feed ({message}); check that the URL is the feed itself, not the site's home page")]
pub struct FeedParseError {
    pub url: String,
    pub message: String,
}

/// Parse RSS 0.9–2.0, Atom or JSON Feed. `url` resolves relative links. Entries with neither an
/// id nor a link are left out (there is nothing to fetch).
pub fn parse_feed(bytes: &[u8], url: &str) -> Result<ParsedFeed, FeedParseError> {
    let parser = feed_rs::parser::Builder::new()
        .base_uri(Some(url))
        // No synthetic ids: an entry without one is keyed by its link.
        .id_generator(|_, _, _| String::new())
        .build();
    let feed = parser.parse(bytes).map_err(|e| FeedParseError {
        url: url.to_string(),
        message: e.to_string(),
    })?;
    let clean = |s: Option<String>| {
        s.map(|s| s.trim().to_string())
            .filter(|s: &String| !s.is_empty())
    };
    let items = feed
        .entries
        .into_iter()
        .filter_map(|e| {
            let link = e
                .links
                .iter()
                .find(|l| matches!(l.rel.as_deref(), None | Some("alternate")))
                .or(e.links.first())
                .map(|l| l.href.trim().to_string())
                .filter(|h| !h.is_empty());
            let key = clean(Some(e.id)).or_else(|| link.clone())?;
            Some(FeedEntry {
                key,
                link,
                title: clean(e.title.map(|t| t.content)),
                published: e.published.or(e.updated).map(sitrep_store::store_time),
                summary: clean(e.summary.map(|t| t.content)),
            })
        })
        .collect();
    Ok(ParsedFeed {
        title: clean(feed.title.map(|t| t.content)),
        items,
    })
}

/// Settings of one polling cycle.
#[derive(Debug, Clone)]
pub struct PollOptions {
    /// Regular time between two polls of a feed.
    pub interval: Duration,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Longest backoff after repeated failures.
    pub max_backoff: Duration,
    /// The cycle's time (injectable for tests).
    pub now: DateTime<Utc>,
    /// Entries taken from one feed per poll (the first ones listed).
    pub max_items_per_feed: usize,
    /// Fetch and extract the pages of pending items (false: only poll the feeds).
    pub fetch_pages: bool,
    /// A page is given up after this many failed attempts.
    pub max_page_attempts: i64,
    /// Pages fetched per cycle at most (the rest wait for the next cycle).
    pub max_pages: usize,
}

impl Default for PollOptions {
    fn default() -> Self {
        PollOptions {
            interval: Duration::from_secs(900),
            concurrency: 32,
            max_backoff: Duration::from_secs(24 * 3600),
            now: Utc::now(),
            max_items_per_feed: 200,
            fetch_pages: true,
            max_page_attempts: 3,
            max_pages: 2000,
        }
    }
}

/// When a feed that has now failed `failures` times in a row is polled again:
/// `interval * 2^failures`, capped by `max_backoff`, plus a spread of up to 10% keyed on the
/// feed id (deterministic) so that feeds failing together do not come back together.
pub fn backoff(opts: &PollOptions, feed_id: i64, failures: i64) -> Duration {
    let exp = failures.clamp(0, 30) as u32;
    let base = opts
        .interval
        .checked_mul(1u32 << exp.min(20))
        .unwrap_or(opts.max_backoff)
        .min(opts.max_backoff);
    let spread = base.mul_f64((feed_id.rem_euclid(11)) as f64 / 100.0);
    base + spread
}

fn after(now: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    now + chrono::Duration::from_std(d).unwrap_or(chrono::Duration::days(365))
}

/// Fetch for every item with `conc` requests in flight, completing in any order (one slow
/// server holds up no other request); the results come back in `items` order.
fn fetch_all<'a, T, F, Fut>(
    rt: &tokio::runtime::Runtime,
    items: &'a [T],
    conc: usize,
    fetch: F,
) -> Vec<Result<Fetched, FetchError>>
where
    F: Fn(&'a T) -> Fut,
    Fut: std::future::Future<Output = Result<Fetched, FetchError>>,
{
    let done: Vec<(usize, Result<Fetched, FetchError>)> = rt.block_on(
        stream::iter(items.iter().enumerate())
            .map(|(i, it)| {
                let f = fetch(it);
                async move { (i, f.await) }
            })
            .buffer_unordered(conc)
            .collect(),
    );
    let mut out: Vec<Option<Result<Fetched, FetchError>>> = vec![None; items.len()];
    for (i, r) in done {
        out[i] = Some(r);
    }
    out.into_iter()
        .map(|r| r.expect("every item fetched once"))
        .collect()
}

/// Run `f` over `items` on all cores (CPU work: parsing, extraction), keeping the order.
fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(items.len().max(1));
    if threads <= 1 || items.len() < 4 {
        return items.iter().map(&f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|c| {
                let f = &f;
                s.spawn(move || c.iter().map(f).collect::<Vec<R>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker panicked"))
            .collect()
    })
}

enum FeedOutcome {
    NotModified,
    Parsed {
        feed: ParsedFeed,
        etag: Option<String>,
        last_modified: Option<String>,
    },
    Failed(String),
}

/// The host of a URL without `www.`.
fn host_of(url: &str) -> Option<String> {
    let u = url::Url::parse(url).ok()?;
    let h = u.host_str()?;
    Some(h.strip_prefix("www.").unwrap_or(h).to_string())
}

/// Turn a fetched page into a [`FetchedPage`] (decode + extract).
fn page_from(
    item: &FeedItemRow,
    final_url: &str,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<FetchedPage, String> {
    let html = sitrep_ingest::html::decode(body, content_type);
    let ex = sitrep_ingest::html::extract(&html, Some(final_url))
        .map_err(|e| format!("{final_url}: {e}"))?;
    let m = ex.meta;
    let url = m.canonical_url.unwrap_or_else(|| final_url.to_string());
    Ok(FetchedPage {
        feed_id: item.feed_id,
        item_key: item.item_key.clone(),
        source: m.site_name.or_else(|| host_of(&url)),
        url,
        title: m.title.or_else(|| item.title.clone()),
        published: m.published.or_else(|| item.published.clone()),
        modified: m.modified,
        text: ex.text,
    })
}

/// One polling cycle; see the module docs. Fetch failures are recorded in the store and the
/// report; only a store failure is an error.
pub fn poll_cycle(
    store: &SqliteStore,
    fetcher: &Fetcher,
    rt: &tokio::runtime::Runtime,
    opts: &PollOptions,
) -> Result<(PollReport, Vec<FetchedPage>), StoreError> {
    let now = opts.now;
    let conc = opts.concurrency.max(1);
    let mut report = PollReport::default();

    // 1. Due feeds, fetched concurrently (no SQLite inside).
    let due: Vec<FeedRow> = store.due_feeds(now)?;
    report.feeds_due = due.len();
    let fetched = fetch_all(rt, &due, conc, |f| {
        let cond = Conditional {
            etag: f.etag.clone(),
            last_modified: f.last_modified.clone(),
        };
        async move { fetcher.get(&f.url, &cond).await }
    });
    // 2. Parse on all cores.
    let work: Vec<(&FeedRow, Result<Fetched, FetchError>)> = due.iter().zip(fetched).collect();
    let outcomes = par_map(&work, |(_, r)| match r {
        Ok(Fetched::NotModified) => FeedOutcome::NotModified,
        Ok(Fetched::Body {
            final_url,
            etag,
            last_modified,
            body,
            ..
        }) => match parse_feed(body, final_url) {
            Ok(mut feed) => {
                feed.items.truncate(opts.max_items_per_feed);
                FeedOutcome::Parsed {
                    feed,
                    etag: etag.clone(),
                    last_modified: last_modified.clone(),
                }
            }
            Err(e) => FeedOutcome::Failed(e.to_string()),
        },
        Err(e) => FeedOutcome::Failed(e.to_string()),
    });
    // 3. Record outcomes and new items.
    let next_regular = after(now, opts.interval);
    for ((feed, _), outcome) in work.iter().zip(outcomes) {
        match outcome {
            FeedOutcome::NotModified => {
                report.feeds_polled += 1;
                report.not_modified += 1;
                store.record_poll_success(
                    feed.id,
                    feed.etag.as_deref(),
                    feed.last_modified.as_deref(),
                    now,
                    next_regular,
                    None,
                )?;
            }
            FeedOutcome::Parsed {
                feed: parsed,
                etag,
                last_modified,
            } => {
                report.feeds_polled += 1;
                let items: Vec<NewFeedItem> = parsed
                    .items
                    .iter()
                    .map(|e| NewFeedItem {
                        item_key: e.key.clone(),
                        link: e.link.clone(),
                        title: e.title.clone(),
                        published: e.published.clone(),
                    })
                    .collect();
                let new = store.insert_new_items(feed.id, &items, now)?;
                report.new_items += new.len();
                store.record_poll_success(
                    feed.id,
                    etag.as_deref(),
                    last_modified.as_deref(),
                    now,
                    next_regular,
                    parsed.title.as_deref(),
                )?;
            }
            FeedOutcome::Failed(message) => {
                report.feed_errors += 1;
                let next = after(now, backoff(opts, feed.id, feed.failures + 1));
                store.record_poll_error(feed.id, &message, now, next)?;
                report.errors.push(message);
            }
        }
    }
    if !opts.fetch_pages {
        return Ok((report, Vec::new()));
    }

    // 4. Pages of pending items.
    let pending = store.pending_items(opts.max_page_attempts, opts.max_pages)?;
    let got = fetch_all(rt, &pending, conc, |it| async move {
        match it.link.as_deref() {
            Some(link) => fetcher.get(link, &Conditional::default()).await,
            None => Err(FetchError::BadUrl {
                url: format!("item {} (no link)", it.item_key),
            }),
        }
    });
    let work: Vec<(&FeedItemRow, Result<Fetched, FetchError>)> = pending.iter().zip(got).collect();
    let results = par_map(&work, |(it, r)| match r {
        Ok(Fetched::Body {
            final_url,
            content_type,
            body,
            ..
        }) => page_from(it, final_url, content_type.as_deref(), body),
        Ok(Fetched::NotModified) => Err(format!(
            "{}: 304 to an unconditional request",
            it.link.as_deref().unwrap_or("")
        )),
        Err(e) => Err(e.to_string()),
    });
    let mut pages = Vec::new();
    for ((item, _), r) in work.iter().zip(results) {
        match r {
            Ok(p) => {
                report.pages_fetched += 1;
                pages.push(p);
            }
            Err(message) => {
                report.page_errors += 1;
                let give_up = item.attempts + 1 >= opts.max_page_attempts;
                if give_up {
                    report.pages_given_up += 1;
                }
                store.mark_item_failed(item.feed_id, &item.item_key, &message, give_up)?;
                report.errors.push(message);
            }
        }
    }
    Ok((report, pages))
}
