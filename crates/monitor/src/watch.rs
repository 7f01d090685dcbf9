//! Watches: named saved queries, evaluated per story. An alert fires once per story; a later
//! material development in the same story (a new independent source, a new or revised figure,
//! a denial) fires an update. Alerts are stored before anything is delivered.

use serde::{Deserialize, Serialize};

/// Why an alert fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The first matching article(s) of a story.
    NewStory,
    /// The story gained an independent source (a new outlet; copies never count).
    NewIndependentSource,
    /// A figure not seen before in the story.
    NewFigure,
    /// A figure for the same thing with a different value (e.g. troops 10,000 -> 12,000).
    RevisedFigure,
    /// A denial (an event or claim with status `denied`) new to the story.
    Denial,
}

/// A sentence that triggered an alert, with its provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub article_id: String,
    pub source: Option<String>,
    pub url: Option<String>,
    /// The sentence as it stands in the article's clean text.
    pub sentence: String,
    /// Character offsets of the sentence in the article's clean text.
    pub start: usize,
    pub end: usize,
}

/// An alert as stored (`alerts.payload`), POSTed to webhooks and shown in Atom feeds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// The stored alert's id (unique per store; webhook receivers can de-duplicate on it).
    pub id: i64,
    pub watch: String,
    /// `new` (first alert for the story) or `update`.
    pub kind: String,
    pub reasons: Vec<Reason>,
    pub story: u32,
    pub headline: String,
    /// Independent sources of the story when the alert fired.
    pub independent_sources: usize,
    /// Their outlets.
    pub sources: Vec<String>,
    /// The triggering sentences (new articles' matching sentences, new figures, denials).
    pub evidence: Vec<Evidence>,
    /// RFC 3339 UTC.
    pub created_at: String,
}
