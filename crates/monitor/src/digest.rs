//! A daily digest: per watch, the stories it alerted on during one UTC day, with their
//! headline, kind (`new` when the story was first alerted that day, else `update`), reasons,
//! independent sources and evidence sentences. Markdown ([`render_markdown`]) or JSON (the
//! [`Digest`] serialised).

use chrono::NaiveDate;
use serde::Serialize;
use sitrep_store::{SqliteStore, StoreError};

use crate::atom::reason_text;
use crate::watch::{Alert, Evidence, Reason};

/// Most evidence sentences listed per story.
const MAX_EVIDENCE: usize = 8;

/// One story in a watch's digest: its alerts of the day taken together.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DigestStory {
    pub story: u32,
    /// The latest headline.
    pub headline: String,
    /// `new` if the story's first alert came that day, else `update`.
    pub kind: String,
    /// Reasons of the day's alerts, in order, each once.
    pub reasons: Vec<Reason>,
    /// As of the day's last alert.
    pub independent_sources: usize,
    pub sources: Vec<String>,
    pub evidence: Vec<Evidence>,
    /// The alerts taken together.
    pub alerts: Vec<i64>,
}

/// One watch's part of the digest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WatchDigest {
    pub watch: String,
    pub query: String,
    pub stories: Vec<DigestStory>,
}

/// The digest of one day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Digest {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    pub watches: Vec<WatchDigest>,
}

#[derive(Debug, thiserror::Error)]
pub enum DigestError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("no watch named '{0}'; see `sitrep watch list`")]
    NoWatch(String),
    #[error("alert {id} has a malformed payload: {message}")]
    Payload { id: i64, message: String },
}

/// The digest of `day` for one watch or all of them (watches with no alerts that day are
/// listed with no stories).
pub fn digest(
    store: &SqliteStore,
    watch: Option<&str>,
    day: NaiveDate,
) -> Result<Digest, DigestError> {
    let watches = match watch {
        Some(name) => vec![store
            .watch(name)?
            .ok_or_else(|| DigestError::NoWatch(name.to_string()))?],
        None => store.watches()?,
    };
    let from = format!("{}T00:00:00Z", day.format("%Y-%m-%d"));
    let next = day.succ_opt().unwrap_or(day);
    let to = format!("{}T00:00:00Z", next.format("%Y-%m-%d"));
    let mut out = Digest {
        day: day.format("%Y-%m-%d").to_string(),
        watches: Vec::new(),
    };
    for w in watches {
        let mut stories: Vec<DigestStory> = Vec::new();
        for row in store.alerts_between(Some(w.id), &from, &to)? {
            let a: Alert =
                serde_json::from_str(&row.payload).map_err(|e| DigestError::Payload {
                    id: row.id,
                    message: e.to_string(),
                })?;
            let i = match stories.iter().position(|s| s.story == a.story) {
                Some(i) => i,
                None => {
                    stories.push(DigestStory {
                        story: a.story,
                        headline: String::new(),
                        kind: a.kind.clone(),
                        reasons: Vec::new(),
                        independent_sources: 0,
                        sources: Vec::new(),
                        evidence: Vec::new(),
                        alerts: Vec::new(),
                    });
                    stories.len() - 1
                }
            };
            let s = &mut stories[i];
            s.headline = a.headline;
            s.independent_sources = a.independent_sources;
            s.sources = a.sources;
            s.alerts.push(a.id);
            for r in a.reasons {
                if !s.reasons.contains(&r) {
                    s.reasons.push(r);
                }
            }
            for e in a.evidence {
                if s.evidence.len() < MAX_EVIDENCE
                    && !s
                        .evidence
                        .iter()
                        .any(|x| x.article_id == e.article_id && x.start == e.start)
                {
                    s.evidence.push(e);
                }
            }
        }
        out.watches.push(WatchDigest {
            watch: w.name,
            query: w.query,
            stories,
        });
    }
    Ok(out)
}

/// The digest as Markdown.
pub fn render_markdown(d: &Digest) -> String {
    use std::fmt::Write;
    let mut s = format!("# sitrep digest, {}\n", d.day);
    if d.watches.is_empty() {
        s.push_str("\nNo watches. Add one with `sitrep watch add NAME QUERY`.\n");
    }
    for w in &d.watches {
        let _ = write!(s, "\n## {} — `{}`\n\n", w.watch, w.query);
        if w.stories.is_empty() {
            s.push_str("No alerts.\n");
            continue;
        }
        for st in &w.stories {
            let reasons: Vec<&str> = st.reasons.iter().map(|r| reason_text(*r)).collect();
            let _ = writeln!(s, "### {} (story {})\n", st.headline.trim(), st.story);
            let _ = writeln!(
                s,
                "- **{}**: {}\n- independent sources: {} ({})\n- alerts: {}",
                st.kind,
                reasons.join(", "),
                st.independent_sources,
                st.sources.join(", "),
                st.alerts
                    .iter()
                    .map(|a| a.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            for e in &st.evidence {
                let _ = writeln!(
                    s,
                    "  > {} — article `{}`{} [{}..{}]",
                    e.sentence.replace('\n', " "),
                    e.article_id,
                    e.source
                        .as_deref()
                        .map(|x| format!(" ({x})"))
                        .unwrap_or_default(),
                    e.start,
                    e.end
                );
            }
            s.push('\n');
        }
    }
    s
}
