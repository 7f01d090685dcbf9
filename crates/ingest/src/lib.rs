//! # sitrep-ingest
//!
//! Turns inputs (files, directories, `-` for stdin) into a stream of documents, one
//! `Result<Doc, DocError>` at a time, so that one bad document never stops a batch.
//!
//! * `*.jsonl`, `*.ndjson`, `*.json` (one JSON object per line), optionally `.gz`: one article per
//!   line. Field names are mapped by [`FieldMap`], which auto-detects common names
//!   (`source_domain`, `url_date`, `headline`, ...) and can be overridden.
//! * `*.html`, `*.htm`, `*.xhtml` (optionally `.gz`) and any file that starts with
//!   `<!doctype html` or `<html`: one article per page, its main text extracted and its title,
//!   outlet, canonical URL, published and modified dates read from the page ([`html`]).
//! * any other file (`*.txt`, no extension, ...), optionally `.gz`: one article per file.
//! * directories are walked recursively in sorted order; hidden files are skipped.
//! * `-` reads JSONL from stdin.
//!
//! Errors name the file and line and say what to do about it:
//! binary files, invalid UTF-8, empty documents, documents over the size limit, malformed JSON,
//! web pages with no article text.
//!
//! ```
//! use sitrep_ingest::{Reader, ReaderConfig};
//! let dir = tempfile::tempdir().unwrap();
//! std::fs::write(dir.path().join("a.txt"), "Canada and South Korea met in Ottawa.").unwrap();
//! std::fs::write(dir.path().join("b.jsonl"), "{\"id\":\"x1\",\"text\":\"Hello.\"}\nnot json\n").unwrap();
//! let reader = Reader::new(ReaderConfig::default());
//! let docs: Vec<_> = reader.read(&[dir.path().to_path_buf()]).collect();
//! assert_eq!(docs.iter().filter(|d| d.is_ok()).count(), 2);
//! assert_eq!(docs.iter().filter(|d| d.is_err()).count(), 1);
//! ```

mod fields;
pub mod html;
mod reader;
pub mod warc;

pub use fields::FieldMap;
pub use reader::{input_bytes, Doc, DocError, ErrorKind, Origin, Reader, ReaderConfig};
