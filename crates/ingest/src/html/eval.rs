//! Scoring of main-text extraction with trafilatura's metric.
//!
//! Gold: `{ url: { "file": "<page>.html", "with": [..], "without": [..] } }`. For every page,
//! each `with` snippet found in the extracted text is a true positive (missed: a false
//! negative); each `without` snippet found is a false positive (absent: a true negative).
//! Matching is substring matching after collapsing whitespace runs into one space on both
//! sides, as trafilatura's `tests/eval_common.py` does. Precision, recall and F1 are taken over
//! all snippets of all pages; pages whose file is missing are skipped.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::time::Instant;

use serde::Serialize;

/// One gold page.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldPage {
    pub url: String,
    /// File name of the page (no directories).
    pub file: String,
    pub with: Vec<String>,
    pub without: Vec<String>,
}

/// Parse a gold file's JSON; pages come sorted by file name.
pub fn parse_gold(json: &str) -> Result<Vec<GoldPage>, String> {
    let v: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("gold is not JSON: {e}"))?;
    let obj = v
        .as_object()
        .ok_or("gold must be a JSON object {url: {file, with, without}}")?;
    let strings = |x: Option<&serde_json::Value>| -> Vec<String> {
        x.and_then(|a| a.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut out = Vec::with_capacity(obj.len());
    for (url, item) in obj {
        let Some(file) = item.get("file").and_then(|f| f.as_str()) else {
            return Err(format!("gold entry {url} has no \"file\""));
        };
        out.push(GoldPage {
            url: url.clone(),
            file: base_name(file).to_string(),
            with: strings(item.get("with")),
            without: strings(item.get("without")),
        });
    }
    out.sort_by(|a, b| a.file.cmp(&b.file).then(a.url.cmp(&b.url)));
    Ok(out)
}

fn base_name(p: &str) -> &str {
    p.rsplit('/').next().unwrap_or(p)
}

/// Read the pages: a `.tar.gz`/`.tgz`/`.tar` archive (read directly) or a directory (walked).
/// Returns file name (no directories) -> raw bytes, for `.html`/`.htm` files.
pub fn load_pages(path: &Path) -> Result<HashMap<String, Vec<u8>>, String> {
    let is_page = |n: &str| {
        let n = n.to_ascii_lowercase();
        n.ends_with(".html") || n.ends_with(".htm")
    };
    let mut pages = HashMap::new();
    if path.is_dir() {
        for e in walkdir::WalkDir::new(path).into_iter().flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if e.file_type().is_file() && is_page(&name) {
                let bytes = std::fs::read(e.path())
                    .map_err(|err| format!("cannot read {}: {err}", e.path().display()))?;
                pages.insert(name, bytes);
            }
        }
        return Ok(pages);
    }
    let f = std::fs::File::open(path).map_err(|e| {
        format!(
            "cannot open {}: {e}; pass --pages or set SITREP_SHARED",
            path.display()
        )
    })?;
    let mut head = [0u8; 2];
    let gz = {
        let mut f2 = &f;
        f2.read_exact(&mut head).is_ok() && head == [0x1f, 0x8b]
    };
    let f = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let reader: Box<dyn Read> = if gz {
        Box::new(flate2::read::MultiGzDecoder::new(std::io::BufReader::new(
            f,
        )))
    } else {
        Box::new(std::io::BufReader::new(f))
    };
    let mut ar = tar::Archive::new(reader);
    let entries = ar
        .entries()
        .map_err(|e| format!("{} is not a tar archive: {e}", path.display()))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("{}: bad tar entry: {e}", path.display()))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = entry
            .path()
            .map(|p| base_name(&p.to_string_lossy()).to_string())
            .unwrap_or_default();
        if !is_page(&name) {
            continue;
        }
        let mut bytes = Vec::with_capacity(entry.size() as usize);
        entry
            .read_to_end(&mut bytes)
            .map_err(|e| format!("{}: cannot read {name}: {e}", path.display()))?;
        pages.insert(name, bytes);
    }
    Ok(pages)
}

/// Collapse whitespace runs into one space and trim.
pub fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Counts for one page or a whole set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    #[serde(rename = "fn")]
    pub fn_: usize,
    pub tn: usize,
}

impl Counts {
    pub fn add(&mut self, o: Counts) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
        self.tn += o.tn;
    }
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    pub fn f1(&self) -> f64 {
        ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn_)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// The score of one page's extracted text, with the snippets that went wrong.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PageScore {
    pub counts: Counts,
    /// `with` snippets not found.
    pub missed: Vec<String>,
    /// `without` snippets found.
    pub false_found: Vec<String>,
}

/// Score one extracted text (`None`: the extractor gave nothing) against a gold page.
pub fn score_page(text: Option<&str>, with: &[String], without: &[String]) -> PageScore {
    let t = norm(text.unwrap_or(""));
    let found = |s: &String| {
        let s = norm(s);
        !s.is_empty() && t.contains(&s)
    };
    let missed: Vec<String> = with.iter().filter(|s| !found(s)).cloned().collect();
    let false_found: Vec<String> = without.iter().filter(|s| found(s)).cloned().collect();
    PageScore {
        counts: Counts {
            tp: with.len() - missed.len(),
            fn_: missed.len(),
            fp: false_found.len(),
            tn: without.len() - false_found.len(),
        },
        missed,
        false_found,
    }
}

/// One scored page.
#[derive(Debug, Clone, Serialize)]
pub struct PageResult {
    pub file: String,
    pub url: String,
    pub score: PageScore,
    /// Why the extractor gave no text, if it did not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Decode + extraction time.
    pub micros: u64,
}

/// Totals of a run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub pages: usize,
    pub gold_entries: usize,
    pub missing_pages: usize,
    /// Pages where the extractor gave no text (scored as empty).
    pub errors: usize,
    pub counts: Counts,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Mean decode + extraction time per page, milliseconds.
    pub ms_per_page: f64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub per_page: Vec<PageResult>,
}

/// Run `sitrep_ingest::html` (decode + extract, timed) on every gold page found in `pages`.
/// Steps can be switched off with `SITREP_HTML_OFF` (see [`super::Options::from_env`]).
/// `on_page` sees each result as it comes (for progress or verbose output).
pub fn run(
    gold: &[GoldPage],
    pages: &HashMap<String, Vec<u8>>,
    keep_pages: bool,
    mut on_page: impl FnMut(&PageResult),
) -> Report {
    let opts = super::Options::from_env();
    let mut counts = Counts::default();
    let mut total_micros = 0u64;
    let mut scored = 0;
    let mut errors = 0;
    let mut per_page = Vec::new();
    for g in gold {
        let Some(bytes) = pages.get(&g.file) else {
            continue;
        };
        let url = Some(g.url.as_str());
        let t0 = Instant::now();
        let html = super::decode(bytes, None);
        let res = super::extract_with(&html, url, &opts);
        let micros = t0.elapsed().as_micros() as u64;
        total_micros += micros;
        scored += 1;
        let (text, error) = match &res {
            Ok(x) => (Some(x.text.as_str()), None),
            Err(e) => (None, Some(e.to_string())),
        };
        if error.is_some() {
            errors += 1;
        }
        let score = score_page(text, &g.with, &g.without);
        counts.add(score.counts);
        let r = PageResult {
            file: g.file.clone(),
            url: g.url.clone(),
            score,
            error,
            micros,
        };
        on_page(&r);
        if keep_pages {
            per_page.push(r);
        }
    }
    Report {
        pages: scored,
        gold_entries: gold.len(),
        missing_pages: gold.len() - scored,
        errors,
        counts,
        precision: counts.precision(),
        recall: counts.recall(),
        f1: counts.f1(),
        ms_per_page: if scored == 0 {
            0.0
        } else {
            total_micros as f64 / 1000.0 / scored as f64
        },
        per_page,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn trafilatura_metric_on_a_tiny_gold() {
        let gold = parse_gold(
            r#"{
              "https://example.org/b": {"file": "eval/b.html",
                 "with": ["ministers met in Ottawa", "two plus two"], "without": ["Subscribe now"]},
              "https://example.org/a": {"file": "a.html",
                 "with": ["Seoul"], "without": ["Cookie settings", "Share this"]}
            }"#,
        )
        .unwrap();
        assert_eq!(gold[0].file, "a.html");
        assert_eq!(gold[1].file, "b.html");
        // whitespace differences do not matter; case does
        let b = score_page(
            Some("The foreign and defence ministers met\n\nin   Ottawa.\nSubscribe now"),
            &gold[1].with,
            &gold[1].without,
        );
        assert_eq!(
            b.counts,
            Counts {
                tp: 1,
                fn_: 1,
                fp: 1,
                tn: 0
            }
        );
        assert_eq!(b.missed, s(&["two plus two"]));
        assert_eq!(b.false_found, s(&["Subscribe now"]));
        let a = score_page(None, &gold[0].with, &gold[0].without);
        assert_eq!(
            a.counts,
            Counts {
                tp: 0,
                fn_: 1,
                fp: 0,
                tn: 2
            }
        );
        let mut all = a.counts;
        all.add(b.counts);
        assert!((all.precision() - 0.5).abs() < 1e-9);
        assert!((all.recall() - 1.0 / 3.0).abs() < 1e-9);
        assert!((all.f1() - 0.4).abs() < 1e-9);
    }

    #[test]
    fn run_reads_a_directory_and_skips_missing_pages() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(
            d.path().join("p.html"),
            "<html><body><article><h1>Ottawa talks</h1><p>Canada and South Korea held their \
             first foreign and defence ministers' meeting in Ottawa in October 2024, agreeing \
             to deepen cooperation on security, supply chains and critical minerals. The \
             ministers also discussed North Korea's growing military ties with Russia.</p>\
             </article><footer>Subscribe now</footer></body></html>",
        )
        .unwrap();
        let gold = parse_gold(
            r#"{"u1": {"file": "p.html", "with": ["deepen cooperation"], "without": ["Subscribe now"]},
                "u2": {"file": "gone.html", "with": ["x"], "without": ["y"]}}"#,
        )
        .unwrap();
        let pages = load_pages(d.path()).unwrap();
        let rep = run(&gold, &pages, true, |_| {});
        assert_eq!(rep.pages, 1);
        assert_eq!(rep.missing_pages, 1);
        assert_eq!(rep.counts.tp, 1);
        assert_eq!(rep.counts.tn, 1);
        assert_eq!(rep.per_page.len(), 1);
    }
}
