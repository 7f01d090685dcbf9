//! The document stream: inputs -> `Result<Doc, DocError>`.

use std::collections::VecDeque;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use flate2::read::MultiGzDecoder;
use serde_json::Value;
use sitrep_core::Meta;

use crate::fields::FieldMap;
use crate::warc::{WarcDocs, WarcStats};

/// Reader settings.
#[derive(Debug, Clone)]
pub struct ReaderConfig {
    pub fields: FieldMap,
    /// Largest document accepted, in bytes (a text file, or one JSONL line). Larger ones are
    /// reported as errors and skipped without being held in memory.
    pub max_doc_bytes: usize,
}

impl Default for ReaderConfig {
    fn default() -> Self {
        ReaderConfig {
            fields: FieldMap::default(),
            max_doc_bytes: 8 * 1024 * 1024,
        }
    }
}

/// Where a document came from: a file (or `-`) and, for JSONL, the 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Origin {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{} line {}", self.path, l),
            None => write!(f, "{}", self.path),
        }
    }
}

/// One document ready for the pipeline.
#[derive(Debug, Clone)]
pub struct Doc {
    pub raw: String,
    pub meta: Meta,
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    Io,
    Binary,
    Encoding,
    Empty,
    TooLarge,
    Json,
    NoText,
    /// A WARC record that could not be read.
    Malformed,
}

/// A per-document error. The batch goes on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DocError {
    #[serde(flatten)]
    pub origin: Origin,
    pub kind: ErrorKind,
    pub message: String,
}

impl fmt::Display for DocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.origin, self.message)
    }
}

impl std::error::Error for DocError {}

/// Total size in bytes of the files under `inputs` (for progress bars). Stdin counts as 0.
pub fn input_bytes(inputs: &[PathBuf]) -> u64 {
    let mut total = 0;
    for p in inputs {
        if p.as_os_str() == "-" {
            continue;
        }
        if p.is_dir() {
            for e in walkdir::WalkDir::new(p).into_iter().flatten() {
                if e.file_type().is_file() && !is_hidden(e.path()) {
                    total += e.metadata().map(|m| m.len()).unwrap_or(0);
                }
            }
        } else if let Ok(m) = p.metadata() {
            total += m.len();
        }
    }
    total
}

fn is_hidden(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .map(|n| n.starts_with('.'))
        .unwrap_or(false)
}

/// Reads inputs into documents. See the crate docs for formats.
pub struct Reader {
    config: ReaderConfig,
    progress: Arc<AtomicU64>,
    warc_stats: Arc<Mutex<WarcStats>>,
}

impl Reader {
    pub fn new(config: ReaderConfig) -> Self {
        Reader {
            config,
            progress: Arc::new(AtomicU64::new(0)),
            warc_stats: Arc::default(),
        }
    }

    /// Counts of the WARC records read so far (all WARC inputs together), for the report.
    pub fn warc_stats(&self) -> Arc<Mutex<WarcStats>> {
        self.warc_stats.clone()
    }

    /// Bytes of input files consumed so far (compressed bytes for `.gz`), for progress bars.
    pub fn progress(&self) -> Arc<AtomicU64> {
        self.progress.clone()
    }

    /// Stream the documents of `inputs` in order: inputs as given, directory entries sorted by
    /// path, JSONL lines in file order.
    pub fn read(&self, inputs: &[PathBuf]) -> Docs {
        Docs {
            config: self.config.clone(),
            progress: self.progress.clone(),
            pending: inputs.iter().cloned().collect(),
            current: None,
            warc: None,
            warc_stats: self.warc_stats.clone(),
        }
    }
}

struct JsonlState {
    path: String,
    reader: Box<dyn BufRead>,
    line: usize,
}

/// Iterator over documents; see [`Reader::read`].
pub struct Docs {
    config: ReaderConfig,
    progress: Arc<AtomicU64>,
    pending: VecDeque<PathBuf>,
    current: Option<JsonlState>,
    /// The WARC file being read (see [`crate::warc`]).
    warc: Option<WarcDocs>,
    warc_stats: Arc<Mutex<WarcStats>>,
}

struct Counting<R> {
    inner: R,
    counter: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

fn err(path: &str, line: Option<usize>, kind: ErrorKind, message: String) -> DocError {
    DocError {
        origin: Origin {
            path: path.to_string(),
            line,
        },
        kind,
        message,
    }
}

fn strip_gz(name: &str) -> &str {
    name.strip_suffix(".gz").unwrap_or(name)
}

fn is_jsonl_name(name: &str) -> bool {
    let n = strip_gz(name).to_ascii_lowercase();
    n.ends_with(".jsonl") || n.ends_with(".ndjson") || n.ends_with(".json")
}

/// Read one line of at most `max` bytes into `buf` (without the newline). Returns the number of
/// bytes the line had (which may exceed `max`: then `buf` holds only the first `max` bytes) or
/// `None` at end of input.
fn read_line_bounded(
    r: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> io::Result<Option<usize>> {
    buf.clear();
    let mut total = 0usize;
    let mut any = false;
    loop {
        let (done, used) = {
            let chunk = match r.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                return Ok(if any { Some(total) } else { None });
            }
            any = true;
            match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => {
                    let room = max.saturating_sub(buf.len());
                    buf.extend_from_slice(&chunk[..i.min(room)]);
                    total += i;
                    (true, i + 1)
                }
                None => {
                    let room = max.saturating_sub(buf.len());
                    buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
                    total += chunk.len();
                    (false, chunk.len())
                }
            }
        };
        r.consume(used);
        if done {
            if buf.last() == Some(&b'\r') {
                buf.pop();
            }
            return Ok(Some(total));
        }
    }
}

fn decode(bytes: Vec<u8>, path: &str, line: Option<usize>) -> Result<String, DocError> {
    let probe = &bytes[..bytes.len().min(8192)];
    if probe.contains(&0) {
        return Err(err(
            path,
            line,
            ErrorKind::Binary,
            "looks like a binary file (NUL bytes); sitrep reads UTF-8 text, JSONL or .gz of those"
                .into(),
        ));
    }
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                s.drain(..3);
            }
            Ok(s)
        }
        Err(e) => Err(err(
            path,
            line,
            ErrorKind::Encoding,
            format!(
                "invalid UTF-8 at byte {}; re-encode it as UTF-8 (for example `iconv -f WINDOWS-1252 -t UTF-8`)",
                e.utf8_error().valid_up_to()
            ),
        )),
    }
}

impl Docs {
    fn open(&self, path: &Path) -> io::Result<Box<dyn BufRead>> {
        let file = File::open(path)?;
        let counted = Counting {
            inner: file,
            counter: self.progress.clone(),
        };
        let mut br = BufReader::with_capacity(1 << 16, counted);
        let gz = br
            .fill_buf()
            .map(|b| b.starts_with(&[0x1f, 0x8b]))
            .unwrap_or(false);
        if gz {
            Ok(Box::new(BufReader::with_capacity(
                1 << 16,
                MultiGzDecoder::new(br),
            )))
        } else {
            Ok(Box::new(br))
        }
    }

    fn text_file(&self, path: &Path) -> Result<Doc, DocError> {
        let p = path.display().to_string();
        let max = self.config.max_doc_bytes;
        let mut r = self
            .open(path)
            .map_err(|e| err(&p, None, ErrorKind::Io, format!("cannot read: {e}")))?;
        let mut bytes = Vec::new();
        (&mut r)
            .take(max as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| err(&p, None, ErrorKind::Io, format!("cannot read: {e}")))?;
        if bytes.len() > max {
            return Err(err(
                &p,
                None,
                ErrorKind::TooLarge,
                format!("document is larger than the {max}-byte limit; split it or raise --max-doc-bytes"),
            ));
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if crate::html::is_html_name(name) || crate::html::sniff_html(&bytes) {
            return html_doc(&bytes, p);
        }
        let raw = decode(bytes, &p, None)?;
        if raw.trim().is_empty() {
            return Err(err(
                &p,
                None,
                ErrorKind::Empty,
                "empty document (no text)".into(),
            ));
        }
        let meta = Meta {
            path: Some(p.clone()),
            ..Default::default()
        };
        Ok(Doc {
            raw,
            meta,
            origin: Origin {
                path: p,
                line: None,
            },
        })
    }

    fn jsonl_line(
        &self,
        path: &str,
        line: usize,
        total: usize,
        buf: Vec<u8>,
    ) -> Option<Result<Doc, DocError>> {
        let max = self.config.max_doc_bytes;
        if total > max {
            return Some(Err(err(
                path,
                Some(line),
                ErrorKind::TooLarge,
                format!("line is {total} bytes, over the {max}-byte limit; split the document or raise --max-doc-bytes"),
            )));
        }
        let s = match decode(buf, path, Some(line)) {
            Ok(s) => s,
            Err(e) => return Some(Err(e)),
        };
        if s.trim().is_empty() {
            return None; // blank lines separate nothing in JSONL; skip them quietly
        }
        let value: Value = match serde_json::from_str(&s) {
            Ok(v) => v,
            Err(e) => {
                return Some(Err(err(
                    path,
                    Some(line),
                    ErrorKind::Json,
                    format!("malformed JSON ({e}); each line must be one JSON object"),
                )))
            }
        };
        let Value::Object(obj) = value else {
            return Some(Err(err(
                path,
                Some(line),
                ErrorKind::Json,
                "line is JSON but not an object".into(),
            )));
        };
        let (text, mut meta) = self.config.fields.extract(&obj);
        let Some(text) = text else {
            return Some(Err(err(
                path,
                Some(line),
                ErrorKind::NoText,
                format!(
                    "no text field (looked for {}); name yours with --field text=NAME",
                    self.config.fields.text.join(", ")
                ),
            )));
        };
        if path != "-" {
            meta.path = Some(path.to_string());
        }
        Some(Ok(Doc {
            raw: text,
            meta,
            origin: Origin {
                path: path.to_string(),
                line: Some(line),
            },
        }))
    }
}

/// One HTML page as a document: the extracted main text as `raw`, the page's metadata in `meta`
/// (title, source = site name else the canonical URL's host, url = canonical, published,
/// modified) and the file's path.
fn html_doc(bytes: &[u8], p: String) -> Result<Doc, DocError> {
    let html = crate::html::decode(bytes, None);
    let x = crate::html::extract(&html, None).map_err(|e| {
        err(
            &p,
            None,
            ErrorKind::NoText,
            format!(
                "HTML page with no article text ({e}): tried the main block (Readability), the \
                 page's paragraphs and JSON-LD articleBody; if the text is loaded by scripts, \
                 save the rendered page instead"
            ),
        )
    })?;
    let meta = Meta {
        url: x.meta.canonical_url.clone(),
        source: x.meta.source(),
        published: x.meta.published.clone(),
        modified: x.meta.modified.clone(),
        title: x.meta.title.clone(),
        path: Some(p.clone()),
        ..Default::default()
    };
    Ok(Doc {
        raw: x.text,
        meta,
        origin: Origin {
            path: p,
            line: None,
        },
    })
}

impl Iterator for Docs {
    type Item = Result<Doc, DocError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(w) = self.warc.as_mut() {
                match w.next() {
                    Some(item) => return Some(item),
                    None => self.warc = None,
                }
            }
            if let Some(state) = self.current.as_mut() {
                let mut buf = Vec::new();
                match read_line_bounded(state.reader.as_mut(), &mut buf, self.config.max_doc_bytes)
                {
                    Ok(Some(total)) => {
                        state.line += 1;
                        let (path, line) = (state.path.clone(), state.line);
                        if let Some(item) = self.jsonl_line(&path, line, total, buf) {
                            return Some(item);
                        }
                        continue;
                    }
                    Ok(None) => {
                        self.current = None;
                        continue;
                    }
                    Err(e) => {
                        let s = self.current.take().expect("state present");
                        return Some(Err(err(
                            &s.path,
                            Some(s.line + 1),
                            ErrorKind::Io,
                            format!("read failed, rest of file skipped: {e}"),
                        )));
                    }
                }
            }
            let path = self.pending.pop_front()?;
            if path.as_os_str() == "-" {
                self.current = Some(JsonlState {
                    path: "-".into(),
                    reader: Box::new(BufReader::new(io::stdin())),
                    line: 0,
                });
                continue;
            }
            if path.is_dir() {
                let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&path)
                    .sort_by_file_name()
                    .into_iter()
                    .filter_entry(|e| e.depth() == 0 || !is_hidden(e.path()))
                    .filter_map(|e| e.ok())
                    .filter(|e| e.file_type().is_file())
                    .map(|e| e.into_path())
                    .collect();
                files.sort();
                for f in files.into_iter().rev() {
                    self.pending.push_front(f);
                }
                continue;
            }
            let p = path.display().to_string();
            if !path.exists() {
                return Some(Err(err(
                    &p,
                    None,
                    ErrorKind::Io,
                    "no such file or directory".into(),
                )));
            }
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let (warc, jsonl) = (crate::warc::is_warc_name(name), is_jsonl_name(name));
            if warc || jsonl {
                let reader = match self.open(&path) {
                    Ok(r) => r,
                    Err(e) => {
                        return Some(Err(err(
                            &p,
                            None,
                            ErrorKind::Io,
                            format!("cannot open: {e}"),
                        )))
                    }
                };
                if warc {
                    self.warc = Some(WarcDocs::new(
                        p,
                        reader,
                        self.warc_stats.clone(),
                        self.config.max_doc_bytes,
                    ));
                } else {
                    self.current = Some(JsonlState {
                        path: p,
                        reader,
                        line: 0,
                    });
                }
                continue;
            }
            return Some(self.text_file(&path));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn read_all(inputs: &[PathBuf], max: usize) -> Vec<Result<Doc, DocError>> {
        let r = Reader::new(ReaderConfig {
            max_doc_bytes: max,
            ..Default::default()
        });
        r.read(inputs).collect()
    }

    #[test]
    fn bad_inputs_are_per_document_errors() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path();
        std::fs::write(p.join("01_good.txt"), "Seoul and Ottawa agreed.").unwrap();
        std::fs::write(p.join("02_binary.txt"), [0u8, 1, 2, 3, 0, 255]).unwrap();
        std::fs::write(p.join("03_latin1.txt"), [b'c', b'a', b'f', 0xe9, b'.']).unwrap();
        std::fs::write(p.join("04_empty.txt"), "  \n").unwrap();
        let big = "x".repeat(5000);
        std::fs::write(
            p.join("05_mixed.jsonl"),
            format!("{{\"text\":\"one\"}}\n{{broken\n\n{{\"text\":\"{big}\"}}\n[1,2]\n{{\"body\":\"two\",\"id\":\"b2\"}}\n{{\"title\":\"no text\"}}\n"),
        )
        .unwrap();
        std::fs::write(p.join(".hidden.txt"), "skip me").unwrap();
        let out = read_all(&[p.to_path_buf()], 1000);
        let oks: Vec<_> = out.iter().filter_map(|r| r.as_ref().ok()).collect();
        let errs: Vec<_> = out.iter().filter_map(|r| r.as_ref().err()).collect();
        assert_eq!(oks.len(), 3, "{out:?}");
        assert_eq!(oks[2].meta.id.as_deref(), Some("b2"));
        let kinds: Vec<_> = errs.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            vec![
                ErrorKind::Binary,
                ErrorKind::Encoding,
                ErrorKind::Empty,
                ErrorKind::Json,
                ErrorKind::TooLarge,
                ErrorKind::Json,
                ErrorKind::NoText
            ]
        );
        let json_err = errs.iter().find(|e| e.kind == ErrorKind::Json).unwrap();
        assert_eq!(json_err.origin.line, Some(2));
        assert!(json_err.to_string().contains("05_mixed.jsonl line 2"));
        let big_err = errs.iter().find(|e| e.kind == ErrorKind::TooLarge).unwrap();
        assert_eq!(big_err.origin.line, Some(4));
    }

    #[test]
    fn gzip_is_transparent() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("a.jsonl.gz");
        let mut gz =
            flate2::write::GzEncoder::new(File::create(&f).unwrap(), flate2::Compression::fast());
        writeln!(gz, "{{\"text\":\"hello\",\"source_domain\":\"cnn.com\"}}").unwrap();
        writeln!(gz, "{{\"text\":\"again\"}}").unwrap();
        gz.finish().unwrap();
        let out = read_all(&[f], 1000);
        assert_eq!(out.len(), 2);
        let d0 = out[0].as_ref().unwrap();
        assert_eq!(d0.raw, "hello");
        assert_eq!(d0.meta.source.as_deref(), Some("cnn.com"));
        assert_eq!(out[1].as_ref().unwrap().origin.line, Some(2));
    }

    #[test]
    fn huge_line_is_not_held_in_memory() {
        let mut data = Vec::new();
        data.extend(std::iter::repeat_n(b'a', 3_000_000));
        data.extend_from_slice(b"\n{\"text\":\"after\"}\n");
        let mut cur = io::Cursor::new(data);
        let mut buf = Vec::new();
        let n = read_line_bounded(&mut cur, &mut buf, 100).unwrap().unwrap();
        assert_eq!(n, 3_000_000);
        assert_eq!(buf.len(), 100);
        let n2 = read_line_bounded(&mut cur, &mut buf, 100).unwrap().unwrap();
        assert_eq!(n2, 16);
        assert!(read_line_bounded(&mut cur, &mut buf, 100)
            .unwrap()
            .is_none());
    }

    #[test]
    fn missing_file_is_an_error_not_a_panic() {
        let out = read_all(&[PathBuf::from("/definitely/not/here.txt")], 1000);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].as_ref().unwrap_err().kind, ErrorKind::Io);
    }
}
