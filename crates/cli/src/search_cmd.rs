//! `sitrep search` and `sitrep reindex`: full-text search over the store (crate
//! `sitrep-search`, index in `DIR/index`).
//!
//! `search` first catches the index up with the store (articles ingested since), so results
//! are current. Matches in snippets are bold on a terminal and `[[marked]]` otherwise.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sitrep_search::{ArticleHit, SearchError, SearchIndex, SearchOptions, SearchResults};
use sitrep_store::SqliteStore;

use crate::StoreArgs;

fn open(args: &StoreArgs) -> Result<(SqliteStore, SearchIndex)> {
    if !args.store.join("sitrep.db").exists() {
        bail!(
            "no store at {}; run `sitrep ingest INPUT...` first, or point --store (or SITREP_STORE) at one",
            args.store.display()
        );
    }
    let st = SqliteStore::open(&args.store)?;
    let idx = SearchIndex::open(&args.store)?;
    if let Some(n) = idx.notice() {
        eprintln!("note: {n}");
    }
    Ok((st, idx))
}

fn bar(quiet: bool, what: &str) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(8));
    pb.set_style(
        ProgressStyle::with_template(&format!(
            "{what} [{{elapsed_precise}}] [{{wide_bar}}] {{pos}}/{{len}} ({{per_sec}}, eta {{eta}})"
        ))
        .expect("valid template"),
    );
    pb
}

/// `sitrep search QUERY`.
pub fn search(
    store: &StoreArgs,
    query: &str,
    flat: bool,
    limit: usize,
    offset: usize,
    json: bool,
) -> Result<ExitCode> {
    let (st, idx) = open(store)?;
    let pb = bar(false, "indexing new articles");
    idx.catch_up_with(&st, &mut |done, total| {
        pb.set_length(total);
        pb.set_position(done);
    })?;
    pb.finish_and_clear();
    let opts = SearchOptions {
        group: !flat,
        limit: limit.max(1),
        offset,
    };
    let res = match idx.search(&st, query, &opts) {
        Ok(r) => r,
        Err(SearchError::Query { message, at }) => {
            print_query_error(query, &message, at);
            return Ok(ExitCode::from(2));
        }
        Err(e) => return Err(e.into()),
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&res)?);
    } else {
        let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        print!("{}", render(&res, &opts, color));
    }
    Ok(ExitCode::SUCCESS)
}

/// `sitrep reindex`: wipe the index and build it again from the store.
pub fn reindex(store: &StoreArgs, quiet: bool, json: bool) -> Result<ExitCode> {
    let (st, idx) = open(store)?;
    let start = Instant::now();
    let pb = bar(quiet, "indexing");
    let n = idx.rebuild(&st, &mut |done, total| {
        pb.set_length(total);
        pb.set_position(done);
    })?;
    pb.finish_and_clear();
    let seconds = start.elapsed().as_secs_f64();
    if json {
        let v = serde_json::json!({
            "indexed": n,
            "seconds": (seconds * 1000.0).round() / 1000.0,
            "index": idx.path(),
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else if !quiet {
        eprintln!(
            "indexed {n} articles in {seconds:.1} s into {}",
            idx.path().display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn mark(text: &str, spans: &[(usize, usize)], color: bool) -> String {
    let (open, close) = if color {
        ("\x1b[1;33m", "\x1b[0m")
    } else {
        ("[[", "]]")
    };
    let mut out = String::with_capacity(text.len() + spans.len() * 8);
    let mut spans = spans.iter().peekable();
    for (i, c) in text.chars().enumerate() {
        if let Some(&&(s, _)) = spans.peek() {
            if s == i {
                out.push_str(open);
            }
        }
        out.push(if c == '\n' || c == '\r' || c == '\t' {
            ' '
        } else {
            c
        });
        if let Some(&&(_, e)) = spans.peek() {
            if e == i + 1 {
                out.push_str(close);
                spans.next();
            }
        }
    }
    out
}

fn article_line(a: &ArticleHit, color: bool, out: &mut String) {
    use std::fmt::Write;
    let id: String = a.id.chars().take(12).collect();
    let _ = writeln!(
        out,
        "   {id:<12}  {:<18}  {:<10}  {}",
        a.source.as_deref().unwrap_or("-"),
        a.published.as_deref().unwrap_or("-"),
        a.title.as_deref().unwrap_or("(no title)")
    );
    if let Some(s) = &a.snippet {
        let pre = if s.start > 0 { "…" } else { "" };
        let post = if s.text.trim_end().ends_with(['.', '!', '?', '"', '”']) {
            ""
        } else {
            "…"
        };
        let _ = writeln!(
            out,
            "       {pre}{}{post}",
            mark(&s.text, &s.highlights, color)
        );
    }
}

/// The human-readable page.
pub fn render(r: &SearchResults, opts: &SearchOptions, color: bool) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let bold = |s: &str| {
        if color {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    if opts.group {
        for (i, s) in r.stories.iter().enumerate() {
            let story = match s.story {
                Some(id) => format!("story {id}"),
                None => "no story".to_string(),
            };
            let _ = writeln!(
                out,
                "{}. {}  ({story}; {} matching, {} {})",
                opts.offset + i + 1,
                bold(s.headline.as_deref().unwrap_or("(no headline)")),
                s.articles.len() + s.copies.len(),
                s.copies.len(),
                if s.copies.len() == 1 {
                    "copy"
                } else {
                    "copies"
                },
            );
            for a in &s.articles {
                article_line(a, color, &mut out);
            }
            if !s.copies.is_empty() {
                let outlets: Vec<&str> = s
                    .copies
                    .iter()
                    .map(|c| c.source.as_deref().unwrap_or("?"))
                    .collect();
                let _ = writeln!(out, "   + copies: {}", outlets.join(", "));
            }
        }
    } else {
        for (i, a) in r.articles.iter().enumerate() {
            let _ = write!(out, "{}.", opts.offset + i + 1);
            article_line(a, color, &mut out);
        }
    }
    if r.total_articles == 0 {
        let _ = writeln!(out, "no articles match");
        return out;
    }
    let shown = if opts.group {
        r.stories.len()
    } else {
        r.articles.len()
    };
    let unit = if opts.group { "stories" } else { "articles" };
    let page = opts.offset / opts.limit.max(1) + 1;
    let range = format!(
        "{unit} {}-{}",
        opts.offset + usize::from(shown > 0),
        opts.offset + shown
    );
    let mut line = if opts.group {
        // Stories beyond the next page are not counted: "21+" when there are more.
        let seen = opts.offset + shown;
        let stories = if r.more {
            format!("{}+", seen + 1)
        } else {
            seen.to_string()
        };
        format!(
            "{} articles in {stories} stories, page {page} ({range})",
            r.total_articles
        )
    } else {
        format!("{} articles, page {page} ({range})", r.total_articles)
    };
    if r.more {
        let _ = write!(line, "; next page: --offset {}", opts.offset + opts.limit);
    }
    let _ = writeln!(out, "{line}");
    out
}

/// A query that does not parse: the message, the query, and a caret under the spot to fix.
pub(crate) fn print_query_error(query: &str, message: &str, at: usize) {
    eprintln!("error: bad query: {message}");
    eprintln!("  {query}");
    let pad: String = query
        .chars()
        .take(at)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    eprintln!("  {pad}^");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_without_color() {
        assert_eq!(mark("in Kursk now", &[(3, 8)], false), "in [[Kursk]] now");
        assert_eq!(mark("a\nb", &[(0, 1), (2, 3)], false), "[[a]] [[b]]");
    }
}
