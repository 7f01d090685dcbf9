//! WARC crawl files (`.warc`, `.warc.gz`, CC-News style): streamed record by record; `response`
//! records with an HTML payload become documents, everything else is counted and skipped.
//!
//! * Records are read one at a time with the `warc` crate's streaming reader: a record that is
//!   skipped is never held in memory, and an HTML response is read up to the document size
//!   limit (a larger one is a `too_large` document error). Gzip files (one gzip member per
//!   record, as Common Crawl writes them) are decompressed on the fly.
//! * A `response` record's payload is an HTTP response: its status line and headers are parsed
//!   (`httparse`); a 2xx whose `Content-Type` is HTML (or, with none, whose body looks like
//!   HTML) is decoded ([`crate::html::decode`]) and extracted ([`crate::html::extract`]) with
//!   the record's `WARC-Target-URI` as the page's URL. A `Content-Encoding: gzip` payload is
//!   decompressed.
//! * Document metadata comes from the page: URL (canonical, else the target URI), outlet (site
//!   name, else host), title, published, modified. `WARC-Date` is the crawl time, not the
//!   publication date, and is not used. The document id is left unset, so the article id is the
//!   content hash: the same page captured in two crawls is stored once.
//! * Malformed records are per-document errors; the reader then looks for the next `WARC/`
//!   line and goes on.
//! * Counts ([`WarcStats`]) are shared with the caller through
//!   [`crate::Reader::warc_stats`] for the end-of-run report.

use std::io::{self, BufRead, Read};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use sitrep_core::Meta;

use crate::reader::{Doc, DocError, ErrorKind, Origin};

/// Counts for one or more WARC files, for the end-of-run report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WarcStats {
    /// WARC files read.
    pub files: u64,
    /// Records read.
    pub records: u64,
    /// HTML responses turned into documents.
    pub html: u64,
    /// Records skipped: not a response (request, metadata, warcinfo...).
    pub skipped_not_response: u64,
    /// Responses skipped: payload not HTML (images, PDF, JSON...).
    pub skipped_not_html: u64,
    /// Responses skipped: HTTP status not 2xx (redirects, errors).
    pub skipped_status: u64,
    /// HTML responses whose extraction found no text (reported as document errors).
    pub no_text: u64,
    /// Malformed records (reported as document errors).
    pub malformed: u64,
    /// HTML responses over the document size limit (reported as document errors).
    pub too_large: u64,
}

impl WarcStats {
    /// Records skipped without an error (not a response, not HTML, not 2xx).
    pub fn skipped(&self) -> u64 {
        self.skipped_not_response + self.skipped_not_html + self.skipped_status
    }

    /// One line for a report: `WARC: N records, M HTML, K skipped, E errors`.
    pub fn summary(&self) -> String {
        format!(
            "WARC: {} records, {} HTML, {} skipped ({} not responses, {} not HTML, {} not 2xx), {} without text, {} malformed, {} too large",
            self.records,
            self.html,
            self.skipped(),
            self.skipped_not_response,
            self.skipped_not_html,
            self.skipped_status,
            self.no_text,
            self.malformed,
            self.too_large
        )
    }
}

/// Whether a file name is a WARC file.
pub fn is_warc_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.ends_with(".warc") || n.ends_with(".warc.gz")
}

/// Documents of one WARC stream; see the module docs.
pub(crate) struct WarcDocs {
    path: String,
    reader: Box<dyn BufRead>,
    stats: Arc<Mutex<WarcStats>>,
    max_doc_bytes: usize,
    record: u64,
    /// Whether the last record's header was read (so its end is known).
    header_ok: bool,
    done: bool,
}

enum Outcome {
    Doc(Box<Doc>),
    Error(DocError),
    Skip,
    End,
}

fn bump(stats: &Mutex<WarcStats>, f: impl FnOnce(&mut WarcStats)) {
    if let Ok(mut s) = stats.lock() {
        f(&mut s)
    }
}

/// Whether bytes look like HTML (for responses without a Content-Type).
fn sniff_html(body: &[u8]) -> bool {
    let head = &body[..body.len().min(1024)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let t = head.trim_start_matches('\u{feff}').trim_start();
    t.starts_with("<!doctype html") || t.starts_with("<html") || head.contains("<html")
}

fn is_html_type(ct: &str) -> bool {
    let ct = ct.to_ascii_lowercase();
    ct.starts_with("text/html") || ct.starts_with("application/xhtml")
}

/// An HTTP response in a WARC payload: status, Content-Type, Content-Encoding, body offset.
struct HttpHead {
    status: u16,
    content_type: Option<String>,
    content_encoding: Option<String>,
    body_at: usize,
}

fn parse_http(payload: &[u8]) -> Option<HttpHead> {
    let mut headers = [httparse::EMPTY_HEADER; 128];
    let mut resp = httparse::Response::new(&mut headers);
    let body_at = match resp.parse(payload) {
        Ok(httparse::Status::Complete(n)) => n,
        _ => return None,
    };
    let get = |name: &str| {
        resp.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).trim().to_string())
    };
    Some(HttpHead {
        status: resp.code?,
        content_type: get("content-type"),
        content_encoding: get("content-encoding"),
        body_at,
    })
}

impl WarcDocs {
    pub(crate) fn new(
        path: String,
        reader: Box<dyn BufRead>,
        stats: Arc<Mutex<WarcStats>>,
        max_doc_bytes: usize,
    ) -> Self {
        bump(&stats, |s| s.files += 1);
        WarcDocs {
            path,
            reader,
            stats,
            max_doc_bytes,
            record: 0,
            header_ok: false,
            done: false,
        }
    }

    /// Skip to the next line starting with `WARC/` (after a malformed record); that line is
    /// put back in front of the stream.
    fn resync(&mut self) {
        let mut line = Vec::new();
        loop {
            line.clear();
            match self.reader.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => {
                    self.done = true;
                    return;
                }
                Ok(_) if line.starts_with(b"WARC/") => {
                    let rest = std::mem::replace(&mut self.reader, Box::new(io::empty()));
                    self.reader = Box::new(io::Cursor::new(line).chain(rest));
                    return;
                }
                Ok(_) => {}
            }
        }
    }

    /// Read one record; the reader is left at the record's trailing `\r\n\r\n`.
    fn read_record(&mut self) -> Outcome {
        let max = self.max_doc_bytes;
        let path = self.path.clone();
        let n = self.record + 1;
        let stats = self.stats.clone();
        self.record = n;
        self.header_ok = false;
        let mut wr = warc::WarcReader::new(&mut self.reader);
        let mut it = wr.stream_records();
        let mut rec = match it.next_item() {
            None => return Outcome::End,
            Some(Err(e)) => {
                bump(&stats, |s| {
                    s.records += 1;
                    s.malformed += 1
                });
                return Outcome::Error(DocError {
                    origin: Origin {
                        path: format!("{path}#record={n}"),
                        line: None,
                    },
                    kind: ErrorKind::Malformed,
                    message: format!("malformed WARC record ({e}); skipped to the next record"),
                });
            }
            Some(Ok(r)) => r,
        };
        self.header_ok = true;
        bump(&stats, |s| s.records += 1);
        let mk_err = |kind, message| DocError {
            origin: Origin {
                path: format!("{path}#record={n}"),
                line: None,
            },
            kind,
            message,
        };
        let drain = |rec: &mut dyn Read| io::copy(rec, &mut io::sink()).map(|_| ());
        if *rec.warc_type() != warc::RecordType::Response {
            bump(&stats, |s| s.skipped_not_response += 1);
            return match drain(&mut rec) {
                Ok(()) => Outcome::Skip,
                Err(e) => Outcome::Error(mk_err(ErrorKind::Io, format!("read failed: {e}"))),
            };
        }
        let target = rec
            .header(warc::WarcHeader::TargetURI)
            .map(|u| u.trim().trim_matches(['<', '>']).to_string());
        if rec.content_length() > max as u64 + 64 * 1024 {
            bump(&stats, |s| s.too_large += 1);
            let _ = drain(&mut rec);
            return Outcome::Error(mk_err(
                ErrorKind::TooLarge,
                format!("response is larger than the {max}-byte limit; raise --max-doc-bytes"),
            ));
        }
        let declared = rec.content_length() as usize;
        let mut payload = Vec::with_capacity(declared);
        if let Err(e) = rec.read_to_end(&mut payload) {
            bump(&stats, |s| s.malformed += 1);
            return Outcome::Error(mk_err(ErrorKind::Io, format!("read failed: {e}")));
        }
        if payload.len() < declared {
            bump(&stats, |s| s.malformed += 1);
            return Outcome::Error(mk_err(
                ErrorKind::Io,
                format!(
                    "record cut short ({} of {declared} bytes): the file is truncated",
                    payload.len()
                ),
            ));
        }
        drop(rec);
        let Some(head) = parse_http(&payload) else {
            bump(&stats, |s| s.malformed += 1);
            return Outcome::Error(mk_err(
                ErrorKind::Malformed,
                "response record without a readable HTTP header; skipped".into(),
            ));
        };
        if !(200..300).contains(&head.status) {
            bump(&stats, |s| s.skipped_status += 1);
            return Outcome::Skip;
        }
        let mut body = payload.split_off(head.body_at);
        if head
            .content_encoding
            .as_deref()
            .is_some_and(|c| c.eq_ignore_ascii_case("gzip") || c.eq_ignore_ascii_case("x-gzip"))
        {
            let mut out = Vec::new();
            let dec = flate2::read::MultiGzDecoder::new(&body[..]);
            if dec.take(max as u64 + 1).read_to_end(&mut out).is_ok() {
                body = out;
            }
        }
        let html = match head.content_type.as_deref() {
            Some(ct) => is_html_type(ct),
            None => sniff_html(&body),
        };
        if !html {
            bump(&stats, |s| s.skipped_not_html += 1);
            return Outcome::Skip;
        }
        if body.len() > max {
            bump(&stats, |s| s.too_large += 1);
            return Outcome::Error(mk_err(
                ErrorKind::TooLarge,
                format!("page is larger than the {max}-byte limit; raise --max-doc-bytes"),
            ));
        }
        let text = crate::html::decode(&body, head.content_type.as_deref());
        let ex = match crate::html::extract(&text, target.as_deref()) {
            Ok(ex) => ex,
            Err(e) => {
                bump(&stats, |s| s.no_text += 1);
                return Outcome::Error(mk_err(
                    ErrorKind::NoText,
                    format!(
                        "{}: {e}",
                        target
                            .as_deref()
                            .unwrap_or("HTML response without a target URI")
                    ),
                ));
            }
        };
        bump(&stats, |s| s.html += 1);
        let m = ex.meta;
        let url = m.canonical_url.or(target);
        let host = url.as_deref().and_then(|u| {
            let rest = u.split_once("://")?.1;
            let host = rest.split(['/', '?', '#', ':']).next()?;
            Some(host.strip_prefix("www.").unwrap_or(host).to_string())
        });
        Outcome::Doc(Box::new(Doc {
            raw: ex.text,
            meta: Meta {
                id: None,
                source: m.site_name.or(host),
                url,
                published: m.published,
                title: m.title,
                path: Some(path.clone()),
                modified: m.modified,
            },
            origin: Origin {
                path: format!("{path}#record={n}"),
                line: None,
            },
        }))
    }

    /// Consume the `\r\n\r\n` that ends a record; resync when it is not there.
    fn end_record(&mut self) {
        let mut crlf = [0u8; 4];
        match self.reader.read_exact(&mut crlf) {
            Ok(()) if &crlf == b"\r\n\r\n" => {}
            Ok(()) => self.resync(),
            Err(_) => self.done = true,
        }
    }
}

impl Iterator for WarcDocs {
    type Item = Result<Doc, DocError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.done {
                return None;
            }
            let out = self.read_record();
            if matches!(out, Outcome::End) {
                self.done = true;
                return None;
            }
            if self.header_ok {
                self.end_record();
            } else {
                // Header unreadable: the record's end is unknown.
                self.resync();
            }
            match out {
                Outcome::Doc(d) => return Some(Ok(*d)),
                Outcome::Error(e) => return Some(Err(e)),
                Outcome::Skip | Outcome::End => continue,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const PAGE: &str = r#"<!doctype html><html><head><title>Bridge opens to traffic</title>
<meta property="og:site_name" content="River Gazette">
<meta property="article:published_time" content="2026-02-20T07:00:00Z">
<link rel="canonical" href="https://gazette.example/2026/bridge-opens">
</head><body><header><a href="/">River Gazette</a></header><article>
<p>A new road bridge across the river opened to traffic on Friday morning, two months later than
planned, after inspectors signed off the final load tests on Thursday evening.</p>
<p>The regional transport office said the bridge would cut the drive between the two towns on
either bank from forty minutes to about ten, and would carry buses from next week.</p>
<p>Work on the crossing began three years ago and was delayed by flooding in the first winter,
when the temporary piers had to be rebuilt further from the main channel.</p>
</article><footer>Contact the newsroom.</footer></body></html>"#;

    fn record(kind: &str, uri: &str, extra: &str, block: &[u8]) -> Vec<u8> {
        let mut r = Vec::new();
        write!(
            r,
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Date: 2026-02-21T03:04:05Z\r\nWARC-Record-ID: <urn:uuid:{}>\r\nWARC-Target-URI: {uri}\r\n{extra}Content-Length: {}\r\n\r\n",
            blake3_like(uri, kind),
            block.len()
        )
        .unwrap();
        r.extend_from_slice(block);
        r.extend_from_slice(b"\r\n\r\n");
        r
    }

    fn blake3_like(a: &str, b: &str) -> String {
        // A stable fake UUID from the inputs (ids only need to differ).
        let mut h: u64 = 1469598103934665603;
        for c in a.bytes().chain(b.bytes()) {
            h = (h ^ c as u64).wrapping_mul(1099511628211);
        }
        format!(
            "{:08x}-0000-4000-8000-{:012x}",
            h as u32,
            h >> 16 & 0xffff_ffff_ffff
        )
    }

    fn http(ct: Option<&str>, status: &str, body: &[u8]) -> Vec<u8> {
        let mut r = format!("HTTP/1.1 {status}\r\nServer: test\r\n").into_bytes();
        if let Some(ct) = ct {
            r.extend_from_slice(format!("Content-Type: {ct}\r\n").as_bytes());
        }
        r.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
        r.extend_from_slice(body);
        r
    }

    fn gz(bytes: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    fn sample() -> Vec<Vec<u8>> {
        let url = "https://gazette.example/2026/bridge-opens?utm=x";
        vec![
            record(
                "warcinfo",
                "urn:x",
                "Content-Type: application/warc-fields\r\n",
                b"software: hand-written test\r\n",
            ),
            record(
                "request",
                url,
                "Content-Type: application/http; msgtype=request\r\n",
                b"GET /2026/bridge-opens HTTP/1.1\r\nHost: gazette.example\r\n\r\n",
            ),
            record(
                "response",
                url,
                "Content-Type: application/http; msgtype=response\r\n",
                &http(Some("text/html; charset=UTF-8"), "200 OK", PAGE.as_bytes()),
            ),
            record(
                "response",
                "https://gazette.example/photo.jpg",
                "",
                &http(
                    Some("image/jpeg"),
                    "200 OK",
                    &[0xff, 0xd8, 0xff, 0xe0, 0, 1, 2],
                ),
            ),
            record(
                "response",
                "https://gazette.example/empty",
                "",
                &http(Some("text/html"), "200 OK", b"<html><body></body></html>"),
            ),
            record(
                "response",
                "https://gazette.example/moved",
                "",
                &http(None, "301 Moved Permanently", b""),
            ),
            // No Content-Type: sniffed.
            record(
                "response",
                "https://gazette.example/sniffed",
                "",
                &http(
                    None,
                    "200 OK",
                    PAGE.replace("Bridge opens", "Sniffed").as_bytes(),
                ),
            ),
        ]
    }

    fn read(bytes: Vec<u8>, name: &str) -> (Vec<Result<Doc, DocError>>, WarcStats) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        let r = crate::Reader::new(crate::ReaderConfig::default());
        let docs: Vec<_> = r.read(&[p]).collect();
        let stats = r.warc_stats().lock().unwrap().clone();
        (docs, stats)
    }

    fn check(docs: &[Result<Doc, DocError>], stats: &WarcStats) {
        let oks: Vec<&Doc> = docs.iter().filter_map(|d| d.as_ref().ok()).collect();
        let errs: Vec<&DocError> = docs.iter().filter_map(|d| d.as_ref().err()).collect();
        assert_eq!(oks.len(), 2, "{docs:?}");
        let d = oks[0];
        assert!(
            d.raw.contains("new road bridge across the river"),
            "{}",
            d.raw
        );
        assert!(!d.raw.contains("Contact the newsroom"));
        // The canonical URL when the extractor reads it, else the target URI.
        assert!(d
            .meta
            .url
            .as_deref()
            .unwrap()
            .starts_with("https://gazette.example/2026/bridge-opens"));
        assert_eq!(d.meta.source.as_deref(), Some("River Gazette"));
        assert!(d
            .meta
            .published
            .as_deref()
            .unwrap()
            .starts_with("2026-02-20"));
        assert_eq!(d.meta.id, None);
        assert!(d.origin.path.ends_with("#record=3"), "{}", d.origin.path);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].kind, ErrorKind::NoText);
        assert_eq!(
            *stats,
            WarcStats {
                files: 1,
                records: 7,
                html: 2,
                skipped_not_response: 2,
                skipped_not_html: 1,
                skipped_status: 1,
                no_text: 1,
                malformed: 0,
                too_large: 0,
            }
        );
    }

    #[test]
    fn plain_and_gzipped_per_record() {
        let recs = sample();
        let (docs, stats) = read(recs.concat(), "crawl.warc");
        check(&docs, &stats);
        let gzipped: Vec<u8> = recs.iter().flat_map(|r| gz(r)).collect();
        let (docs, stats) = read(gzipped, "crawl.warc.gz");
        check(&docs, &stats);
        assert!(stats
            .summary()
            .starts_with("WARC: 7 records, 2 HTML, 4 skipped"));
    }

    #[test]
    fn many_gzip_members_across_buffer_boundaries() {
        // Enough records that skipped ones end at arbitrary points of the 64 KiB buffers.
        let recs: Vec<Vec<u8>> = (0..60).flat_map(|_| sample()).collect();
        let gzipped: Vec<u8> = recs.iter().flat_map(|r| gz(r)).collect();
        let (docs, stats) = read(gzipped, "many.warc.gz");
        assert_eq!(stats.records, 420, "{stats:?}");
        assert_eq!(stats.html, 120);
        assert_eq!(stats.malformed, 0);
        assert_eq!(docs.iter().filter(|d| d.is_ok()).count(), 120);
        let (_, plain) = read(recs.concat(), "many.warc");
        assert_eq!(plain, stats);
        // A tiny buffer: no record start is ever whole in one buffer.
        let tiny = Arc::new(Mutex::new(WarcStats::default()));
        let r = io::BufReader::with_capacity(3, io::Cursor::new(recs.concat()));
        let docs: Vec<_> =
            WarcDocs::new("tiny.warc".into(), Box::new(r), tiny.clone(), 1 << 20).collect();
        assert_eq!(docs.iter().filter(|d| d.is_ok()).count(), 120);
        assert_eq!(*tiny.lock().unwrap(), stats);
    }

    #[test]
    fn malformed_record_is_an_error_and_the_stream_goes_on() {
        let mut recs = sample();
        // A record whose header block is garbage, then the rest.
        recs.insert(
            2,
            b"WARC/1.0\r\nthis is not a header\r\n\r\nbody\r\n\r\n".to_vec(),
        );
        let (docs, stats) = read(recs.concat(), "bad.warc");
        assert_eq!(stats.malformed, 1, "{stats:?}");
        assert!(docs
            .iter()
            .any(|d| matches!(d, Err(e) if e.kind == ErrorKind::Malformed)));
        assert_eq!(stats.html, 2);
        assert_eq!(docs.iter().filter(|d| d.is_ok()).count(), 2);
        // A file cut in the middle of a record.
        let mut cut = sample().concat();
        cut.truncate(cut.len() - 40);
        let (docs, stats) = read(cut, "cut.warc");
        assert_eq!(stats.html, 1, "{stats:?}");
        assert!(docs.iter().any(|d| d.is_err()));
    }
}
