//! WARC crawl files (`.warc`, `.warc.gz`, CC-News style): streamed record by record; `response`
//! records with an HTML payload become documents, everything else is counted and skipped.

use serde::Serialize;

/// Counts for one or more WARC files, for the end-of-run report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WarcStats {
    /// Records read.
    pub records: u64,
    /// HTML responses turned into documents.
    pub html: u64,
    /// Records skipped: not a response (request, metadata, warcinfo...).
    pub skipped_not_response: u64,
    /// Responses skipped: payload not HTML (images, PDF, JSON...).
    pub skipped_not_html: u64,
    /// HTML responses whose extraction found no text (reported as document errors).
    pub no_text: u64,
    /// Malformed records (reported as document errors).
    pub malformed: u64,
}

/// Whether a file name is a WARC file.
pub fn is_warc_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.ends_with(".warc") || n.ends_with(".warc.gz")
}
