//! An Atom feed per watch (`GET /watches/{name}/atom.xml` on `sitrep serve`): one entry per
//! alert, newest first. Entry ids (`urn:sitrep:alert:ID`) never change, so feed readers show
//! each alert once; the feed's id is stable per watch.

use atom_syndication::{Content, Entry, Feed, FixedDateTime, Link, Text};
use sitrep_store::WatchRow;

use crate::watch::{Alert, Reason};

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

fn time(s: &str) -> FixedDateTime {
    chrono::DateTime::parse_from_rfc3339(s).unwrap_or_default()
}

fn link(href: String, rel: &str, mime: Option<&str>) -> Link {
    let mut l = Link::default();
    l.set_href(href);
    l.set_rel(rel);
    l.set_mime_type(mime.map(str::to_string));
    l
}

/// How a reason reads.
pub fn reason_text(r: Reason) -> &'static str {
    match r {
        Reason::NewStory => "new story",
        Reason::NewIndependentSource => "new independent source",
        Reason::NewFigure => "new figure",
        Reason::RevisedFigure => "revised figure",
        Reason::Denial => "denial",
    }
}

/// An alert's title: `New: HEADLINE` or `Update (new independent source): HEADLINE`.
pub fn alert_title(a: &Alert) -> String {
    if a.kind == "new" {
        format!("New: {}", a.headline)
    } else {
        let reasons: Vec<&str> = a.reasons.iter().map(|r| reason_text(*r)).collect();
        format!("Update ({}): {}", reasons.join(", "), a.headline)
    }
}

/// The link to an article with a span marked (the UI's `/articles/{id}?hl=S-E#hl`).
pub fn article_link(base: &str, id: &str, start: usize, end: usize) -> String {
    format!("{base}/articles/{}?hl={start}-{end}#hl", enc(id))
}

fn content(a: &Alert, base: &str) -> String {
    let reasons: Vec<&str> = a.reasons.iter().map(|r| reason_text(*r)).collect();
    let mut h = format!(
        "<p><b>{}</b> — {}</p><p>Independent sources: {} ({})</p>",
        esc(&a.kind),
        esc(&reasons.join(", ")),
        a.independent_sources,
        esc(&a.sources.join(", "))
    );
    if !a.evidence.is_empty() {
        h.push_str("<ul>");
        for e in &a.evidence {
            h.push_str(&format!(
                "<li>“{}” — <a href=\"{}\">{}</a>{}</li>",
                esc(&e.sentence),
                esc(&article_link(base, &e.article_id, e.start, e.end)),
                esc(&e.article_id),
                e.source
                    .as_deref()
                    .map(|s| format!(" ({})", esc(s)))
                    .unwrap_or_default()
            ));
        }
        h.push_str("</ul>");
    }
    h
}

/// The Atom feed of a watch's alerts (give them newest first); `base_url` is where the
/// server answers (`http://localhost:8080`), for links to stories and articles.
pub fn atom_feed(watch: &WatchRow, alerts: &[Alert], base_url: &str) -> String {
    let base = base_url.trim_end_matches('/');
    let mut feed = Feed::default();
    feed.set_id(format!("urn:sitrep:watch:{}", enc(&watch.name)));
    feed.set_title(Text::plain(format!("sitrep watch: {}", watch.name)));
    feed.set_subtitle(Some(Text::plain(watch.query.clone())));
    let updated = alerts
        .iter()
        .map(|a| time(&a.created_at))
        .max()
        .unwrap_or_else(|| time(&watch.created_at));
    feed.set_updated(updated);
    feed.set_links(vec![link(
        format!("{base}/watches/{}/atom.xml", enc(&watch.name)),
        "self",
        Some("application/atom+xml"),
    )]);
    let entries: Vec<Entry> = alerts
        .iter()
        .map(|a| {
            let mut e = Entry::default();
            e.set_id(format!("urn:sitrep:alert:{}", a.id));
            e.set_title(Text::plain(alert_title(a)));
            e.set_updated(time(&a.created_at));
            e.set_links(vec![link(
                format!("{base}/stories/{}", a.story),
                "alternate",
                Some("text/html"),
            )]);
            let mut c = Content::default();
            c.set_content_type(Some("html".to_string()));
            c.set_value(Some(content(a, base)));
            e.set_content(Some(c));
            e
        })
        .collect();
    feed.set_entries(entries);
    feed.to_string()
}
