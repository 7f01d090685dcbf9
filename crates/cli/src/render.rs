//! Plain-text rendering for people at a terminal. `--json` bypasses all of this.

use std::fmt::Write;

use sitrep_core::corpus::corroboration::Corroboration;
use sitrep_core::model::{Claim, EntityKind, Event, EventStatus, Participant};
use sitrep_core::Record;
use sitrep_store::{ArticleSummary, ClaimRow, EntityCount, EventRow, StoryMember, StorySummary};

fn trunc(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

pub fn articles(list: &[ArticleSummary], total: usize, offset: usize) -> String {
    let mut out = String::new();
    // ids are shown whole: people copy them into `sitrep show`
    let w = list
        .iter()
        .map(|a| a.id.chars().count())
        .max()
        .unwrap_or(2)
        .max(2);
    let _ = writeln!(
        out,
        "{:<w$}  {:<10}  {:<18}  {:>5}  TITLE",
        "ID", "PUBLISHED", "SOURCE", "ENTS"
    );
    for a in list {
        let title = a.title.clone().unwrap_or_else(|| "(no title)".into());
        let _ = writeln!(
            out,
            "{:<w$}  {:<10}  {:<18}  {:>5}  {}",
            a.id,
            a.published.as_deref().unwrap_or("-"),
            trunc(a.source.as_deref().unwrap_or("-"), 18),
            a.entities,
            trunc(&title, 70)
        );
    }
    let _ = writeln!(
        out,
        "{} of {} articles (from {}); use --offset/--limit to page, `sitrep show ID` to read one",
        list.len(),
        total,
        offset + 1
    );
    out
}

pub fn stories(list: &[StorySummary], total: usize, offset: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:>6}  {:<10}  {:<10}  {:>5}  {:>6}  {:>7}  HEADLINE",
        "STORY", "FIRST", "LAST", "ARTS", "COPIES", "SOURCES"
    );
    for s in list {
        let _ = writeln!(
            out,
            "{:>6}  {:<10}  {:<10}  {:>5}  {:>6}  {:>7}  {}",
            s.id,
            s.first.as_deref().unwrap_or("-"),
            s.last.as_deref().unwrap_or("-"),
            s.articles,
            s.copies,
            s.sources,
            trunc(&s.headline, 70)
        );
    }
    let _ = writeln!(
        out,
        "{} of {} stories (from {}); SOURCES counts distinct outlets, copies collapsed; `sitrep story ID` shows one",
        list.len(),
        total,
        offset + 1
    );
    out
}

fn num(v: f64) -> String {
    sitrep_core::corpus::corroboration::display_value(v)
}

pub fn story(s: &StorySummary, members: &[StoryMember], k: &Corroboration) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Story {}: {}", s.id, s.headline);
    let _ = writeln!(
        out,
        "{} to {}; {} articles, {} copies, {} independent sources",
        s.first.as_deref().unwrap_or("?"),
        s.last.as_deref().unwrap_or("?"),
        s.articles,
        s.copies,
        s.sources
    );
    let _ = writeln!(out, "\nArticles:");
    for m in members {
        let a = &m.article;
        let copy = match &m.duplicate_of {
            Some(o) => format!("  [copy of {o}]"),
            None => String::new(),
        };
        let _ = writeln!(
            out,
            "  {}  {:<10}  {:<18}  {}{copy}",
            a.id,
            a.published.as_deref().unwrap_or("-"),
            trunc(a.source.as_deref().unwrap_or("-"), 18),
            trunc(a.title.as_deref().unwrap_or("(no title)"), 60)
        );
    }
    let _ = writeln!(out, "\nIndependent sources:");
    for src in &k.sources {
        let _ = writeln!(out, "  {:<24} {} articles", src.source, src.articles.len());
    }
    let shared: Vec<_> = k
        .entities
        .iter()
        .filter(|e| e.articles > 1)
        .take(15)
        .collect();
    if !shared.is_empty() {
        let _ = writeln!(out, "\nShared entities (articles, sources):");
        for e in shared {
            let _ = writeln!(
                out,
                "  {:<12} {:<28} {:>3} {:>3}",
                e.kind,
                trunc(&e.name, 28),
                e.articles,
                e.sources.len()
            );
        }
    }
    if !k.figures.is_empty() {
        let _ = writeln!(out, "\nFigures (value: sources):");
        for g in k.figures.iter().take(15) {
            let vals: Vec<String> = g
                .values
                .iter()
                .map(|v| format!("{} ({})", num(v.value), v.sources.join(", ")))
                .collect();
            let _ = writeln!(out, "  {}: {}", g.unit, vals.join("; "));
            for (a, b) in &g.disagreements {
                let _ = writeln!(
                    out,
                    "    DISAGREEMENT: {} vs {} {}",
                    num(*a),
                    num(*b),
                    g.unit
                );
            }
        }
    }
    let quoted: Vec<_> = k.quotes.iter().take(10).collect();
    if !quoted.is_empty() {
        let _ = writeln!(out, "\nQuotes (sources):");
        for q in quoted {
            let _ = writeln!(
                out,
                "  {}: \"{}\" ({})",
                q.speaker.as_deref().unwrap_or("?"),
                trunc(&q.text, 80),
                q.sources.join(", ")
            );
        }
    }
    out
}

pub fn entities(list: &[EntityCount]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<12}  {:<8}  {:>8}  {:>8}  NAME",
        "KIND", "CODE", "MENTIONS", "ARTICLES"
    );
    for e in list {
        let mut extra = String::new();
        if let Some(r) = &e.role {
            extra.push_str(&format!("  ({r}"));
            if let Some(c) = &e.country {
                extra.push_str(&format!(", {c}"));
            }
            extra.push(')');
        }
        let _ = writeln!(
            out,
            "{:<12}  {:<8}  {:>8}  {:>8}  {}{}",
            e.kind,
            trunc(e.code.as_deref().unwrap_or("-"), 8),
            e.mentions,
            e.articles,
            e.name,
            extra
        );
    }
    out
}

fn color_of(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Person => "\x1b[1;36m",
        EntityKind::Country => "\x1b[1;33m",
        EntityKind::Organization => "\x1b[1;35m",
        EntityKind::Place => "\x1b[1;32m",
        EntityKind::Weapon => "\x1b[1;31m",
        EntityKind::Other => "\x1b[1m",
    }
}

/// Participants by code (else country, else the words in quotes), joined by `+`; `-` for none.
fn who(ps: &[Participant]) -> String {
    if ps.is_empty() {
        return "-".into();
    }
    ps.iter().map(one).collect::<Vec<_>>().join("+")
}

fn one(p: &Participant) -> String {
    match (&p.code, &p.country) {
        (Some(c), _) | (None, Some(c)) => c.clone(),
        (None, None) => format!("\"{}\"", trunc(&p.text, 30)),
    }
}

/// `ACTORS TYPE RECIPIENTS (status)  cameo C  “trigger”`; the status only when not asserted.
fn event_head(e: &Event) -> String {
    let mut h = format!("{} {}", who(&e.actor), e.kind.as_str());
    if !e.recipient.is_empty() {
        h.push(' ');
        h.push_str(&who(&e.recipient));
    }
    if e.status != EventStatus::Asserted {
        let _ = write!(h, " ({})", e.status.as_str());
    }
    let _ = write!(h, "  cameo {}  “{}”", e.cameo, trunc(&e.trigger.text, 40));
    h
}

/// `SPEAKER cue: “proposition” (status)`.
fn claim_head(c: &Claim) -> String {
    let speaker = match &c.speaker {
        Some(p) => match &p.code {
            Some(code) => format!("{} ({code})", trunc(&p.text, 40)),
            None => trunc(&p.text, 40),
        },
        None => "(unattributed)".into(),
    };
    let mut h = format!(
        "{speaker} {}: “{}”",
        c.cue.as_deref().unwrap_or("says"),
        trunc(&one_line(&c.text), 120)
    );
    if c.status != EventStatus::Asserted {
        let _ = write!(h, " ({})", c.status.as_str());
    }
    h
}

/// Whitespace runs (line breaks included) as one space, trimmed.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The date column of a listing: the item's own date, else `published X`, else `undated`.
fn when(own: Option<&str>, published: Option<&str>) -> String {
    match (own, published) {
        (Some(d), _) => d.to_string(),
        (None, Some(p)) => format!("published {p}"),
        (None, None) => "undated".into(),
    }
}

/// Events, two lines each: date, who did what to whom, CAMEO code, trigger and article; then
/// the sentence that is the evidence.
pub fn events(list: &[EventRow], total: usize, offset: usize) -> String {
    let mut out = String::new();
    for r in list {
        let e = &r.event;
        let own = e.date.as_ref().and_then(|d| d.value.as_deref());
        let _ = writeln!(
            out,
            "{:<20}  {}  [article {}]",
            when(own, r.published.as_deref()),
            event_head(e),
            r.article
        );
        let _ = writeln!(out, "{:<20}  {}", "", trunc(&one_line(&r.sentence), 200));
    }
    let _ = writeln!(
        out,
        "{} of {} events (from {}); use --offset/--limit to page, `sitrep show ID` to read an article",
        list.len(),
        total,
        offset + 1
    );
    out
}

/// Claims, two lines each: date, speaker, cue, proposition and article; then the sentence.
pub fn claims(list: &[ClaimRow], total: usize, offset: usize) -> String {
    let mut out = String::new();
    for r in list {
        let c = &r.claim;
        let own = c.date.as_ref().and_then(|d| d.value.as_deref());
        let _ = writeln!(
            out,
            "{:<20}  {}  [article {}]",
            when(own, r.published.as_deref()),
            claim_head(c),
            r.article
        );
        let _ = writeln!(out, "{:<20}  {}", "", trunc(&one_line(&r.sentence), 200));
    }
    let _ = writeln!(
        out,
        "{} of {} claims (from {}); use --offset/--limit to page, `sitrep show ID` to read an article",
        list.len(),
        total,
        offset + 1
    );
    out
}

/// The article text with entities and dates marked inline as `[mention|kind CODE]`, followed by
/// the figures, quotes, events and claims with their fields.
pub fn article(r: &Record, color: bool) -> String {
    let (dim, reset) = if color {
        ("\x1b[2m", "\x1b[0m")
    } else {
        ("", "")
    };
    let mut out = String::new();
    let _ = writeln!(out, "id:        {}", r.id);
    let _ = writeln!(out, "title:     {}", r.title.as_deref().unwrap_or("-"));
    let _ = writeln!(
        out,
        "published: {}{}",
        r.published.as_deref().unwrap_or("unknown"),
        r.published_via
            .as_ref()
            .map(|v| format!(" (from {v})"))
            .unwrap_or_default()
    );
    let _ = writeln!(out, "source:    {}", r.source.as_deref().unwrap_or("-"));
    if let Some(u) = &r.url {
        let _ = writeln!(out, "url:       {u}");
    }
    if let Some(p) = &r.path {
        let _ = writeln!(out, "path:      {p}");
    }
    let _ = writeln!(out, "language:  {}", r.lang.as_deref().unwrap_or("-"));
    if !r.removed.is_empty() {
        let rules: Vec<&str> = r.removed.iter().map(|x| x.rule.as_str()).collect();
        let _ = writeln!(
            out,
            "cleaned:   removed {} piece(s): {}",
            rules.len(),
            rules.join(", ")
        );
    }
    let _ = writeln!(out);

    // Inline marks: (start, end, tag, color) in char offsets; skip overlaps.
    let mut marks: Vec<(usize, usize, String, &str)> = Vec::new();
    for e in &r.entities {
        let mut tag = e.kind.as_str().to_string();
        if let Some(c) = &e.code {
            tag.push(' ');
            tag.push_str(c);
        }
        if let Some(role) = &e.role {
            tag.push_str(&format!(", {role}"));
        }
        if let (Some(c), EntityKind::Person) = (&e.country, e.kind) {
            tag.push_str(&format!(", {c}"));
        }
        marks.push((e.start, e.end, tag, color_of(e.kind)));
    }
    for d in &r.dates {
        let tag = format!("date {}", d.value.as_deref().unwrap_or("?"));
        marks.push((d.start, d.end, tag, "\x1b[1;34m"));
    }
    marks.sort_by_key(|m| (m.0, std::cmp::Reverse(m.1)));
    let chars: Vec<char> = r.text.chars().collect();
    let mut pos = 0usize;
    for (s, e, tag, c) in marks {
        if s < pos || e > chars.len() || s >= e {
            continue;
        }
        out.extend(&chars[pos..s]);
        let mention: String = chars[s..e].iter().collect();
        if color {
            let _ = write!(out, "{c}{mention}{reset}{dim}[{tag}]{reset}");
        } else {
            let _ = write!(out, "[{mention}|{tag}]");
        }
        pos = e;
    }
    out.extend(&chars[pos.min(chars.len())..]);
    out.push_str("\n\n");

    if !r.figures.is_empty() {
        let _ = writeln!(out, "FIGURES");
        for f in &r.figures {
            let value = match (f.value, f.vague) {
                (_, true) => "vague".to_string(),
                (Some(v), _) => format!("{v}"),
                (None, _) => "-".to_string(),
            };
            let _ = writeln!(
                out,
                "  {:<32} value={} unit={} subject={}",
                trunc(&f.text, 32),
                value,
                f.unit.as_deref().unwrap_or("-"),
                f.subject.as_deref().unwrap_or("-")
            );
        }
        out.push('\n');
    }
    if !r.quotes.is_empty() {
        let _ = writeln!(out, "QUOTES");
        for q in &r.quotes {
            let _ = writeln!(
                out,
                "  “{}” — {}{}",
                trunc(&q.text, 100),
                q.speaker.as_deref().unwrap_or("(unattributed)"),
                q.cue
                    .as_ref()
                    .map(|c| format!(" ({c})"))
                    .unwrap_or_default()
            );
        }
        out.push('\n');
    }
    if !r.events.is_empty() {
        let _ = writeln!(out, "EVENTS");
        for e in &r.events {
            let date = e
                .date
                .as_ref()
                .and_then(|d| d.value.as_deref())
                .map(|d| format!("  date {d}"))
                .unwrap_or_default();
            let _ = writeln!(out, "  {}{date}", event_head(e));
        }
        out.push('\n');
    }
    if !r.claims.is_empty() {
        let _ = writeln!(out, "CLAIMS");
        for c in &r.claims {
            let date = c
                .date
                .as_ref()
                .and_then(|d| d.value.as_deref())
                .map(|d| format!("  date {d}"))
                .unwrap_or_default();
            let _ = writeln!(out, "  {}{date}", claim_head(c));
        }
        out.push('\n');
    }
    out
}
