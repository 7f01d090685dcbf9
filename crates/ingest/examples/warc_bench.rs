//! WARC reading throughput: writes a synthetic gzipped WARC (one gzip member per record, as
//! CC-News does) of N records (warcinfo, then request/response pairs with HTML pages, every
//! tenth response an image) to a file outside the repository, then times `Reader` over it
//! (decompression, record parsing, HTML extraction).
//!
//! `cargo run --release -p sitrep-ingest --example warc_bench -- [RESPONSES] [OUT.warc.gz]`
//! Then `sitrep process OUT.warc.gz > /dev/null` times the whole pipeline on the same file.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use sitrep_ingest::{Reader, ReaderConfig};

fn record(kind: &str, uri: &str, n: usize, block: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Date: 2026-03-01T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-{n:012}>\r\nWARC-Target-URI: {uri}\r\nContent-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

fn page(i: usize) -> String {
    let towns = ["Alder", "Birch", "Cedar", "Dunmore", "Elmwood", "Fairholm"];
    let t = towns[i % towns.len()];
    let mut body = String::new();
    for k in 0..8 {
        body.push_str(&format!(
            "<p>Paragraph {k} of report {i}: the council of {t} met on Tuesday to discuss the budget for road repairs, and members voted {} to {} to approve a plan that moves money from the parks fund to fix bridges damaged by winter floods.</p>\n",
            5 + k % 3,
            2 + i % 4
        ));
    }
    format!(
        "<!doctype html><html><head><title>{t} council approves repairs ({i})</title><meta property=\"og:site_name\" content=\"{t} Courier\"><meta property=\"article:published_time\" content=\"2026-02-{:02}T09:00:00Z\"></head><body><nav><a href=\"/\">Home</a><a href=\"/local\">Local</a><a href=\"/sport\">Sport</a></nav><article><h1>{t} council approves repairs</h1>{body}</article><aside><h3>Most read</h3><ul><li><a href=\"/a\">Weather</a></li><li><a href=\"/b\">Traffic</a></li></ul></aside><footer>Copyright {t} Courier</footer></body></html>",
        1 + i % 28
    )
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3000);
    let path = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "/tmp/sitrep-warc-bench.warc.gz".into()),
    );
    let t = Instant::now();
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let mut gz = |bytes: &[u8]| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(bytes).unwrap();
        f.write_all(&e.finish().unwrap()).unwrap();
    };
    gz(&record(
        "warcinfo",
        "urn:bench",
        0,
        b"software: sitrep warc_bench\r\n",
    ));
    let mut records = 1;
    let mut raw_bytes = 0usize;
    for i in 0..n {
        let uri = format!("https://courier{}.example/news/{i}", i % 50);
        let req = format!("GET /news/{i} HTTP/1.1\r\nHost: courier.example\r\n\r\n");
        let rec = record("request", &uri, 2 * i + 1, req.as_bytes());
        raw_bytes += rec.len();
        gz(&rec);
        let resp = if i % 10 == 9 {
            let mut r = b"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\n\r\n".to_vec();
            r.extend(std::iter::repeat_n(0xabu8, 20_000));
            r
        } else {
            let p = page(i);
            format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n{p}", p.len()).into_bytes()
        };
        let rec = record("response", &uri, 2 * i + 2, &resp);
        raw_bytes += rec.len();
        gz(&rec);
        records += 2;
    }
    f.flush().unwrap();
    drop(f);
    let gen_s = t.elapsed().as_secs_f64();
    let file_bytes = std::fs::metadata(&path).unwrap().len();

    let reader = Reader::new(ReaderConfig::default());
    let t = Instant::now();
    let (mut docs, mut errors, mut text) = (0usize, 0usize, 0usize);
    for d in reader.read(std::slice::from_ref(&path)) {
        match d {
            Ok(d) => {
                docs += 1;
                text += d.raw.len();
            }
            Err(_) => errors += 1,
        }
    }
    let s = t.elapsed().as_secs_f64();
    let stats = reader.warc_stats().lock().unwrap().clone();
    assert_eq!(stats.records as usize, records, "{stats:?}");
    println!(
        "{}",
        serde_json::json!({
            "file": path.display().to_string(),
            "records": records,
            "file_mb": file_bytes as f64 / 1e6,
            "uncompressed_mb": raw_bytes as f64 / 1e6,
            "generate_s": gen_s,
            "read_s": s,
            "records_per_s": records as f64 / s,
            "uncompressed_mb_per_s": raw_bytes as f64 / 1e6 / s,
            "docs": docs,
            "errors": errors,
            "text_mb": text as f64 / 1e6,
            "stats": stats,
        })
    );
}
