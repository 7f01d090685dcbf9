//! HTML pages through the real binary: `sitrep process page.html` carries the page's path,
//! title, dates and outlet; a page with no text is a per-document error naming the file.

mod common;

use common::*;

const PAGE: &str = r#"<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Canada and South Korea hold first 2+2 talks | North Ledger</title>
<meta property="og:title" content="Canada and South Korea hold first 2+2 talks | North Ledger">
<meta property="og:site_name" content="North Ledger">
<link rel="canonical" href="https://northledger.example/world/canada-korea-2-2">
<script type="application/ld+json">
{"@context":"https://schema.org","@type":"NewsArticle",
 "headline":"Canada and South Korea hold first 2+2 talks",
 "datePublished":"2024-10-29T14:30:00Z","dateModified":"2024-10-30T09:15:00Z",
 "publisher":{"@type":"Organization","name":"North Ledger"}}
</script>
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article>
<h1>Canada and South Korea hold first 2+2 talks</h1>
<p>Canada and South Korea held their first meeting of foreign and defence ministers on
Tuesday, a format both governments keep for close partners.</p>
<p>Foreign Minister Mélanie Joly and Defence Minister Bill Blair met South Korean Foreign
Minister Cho Tae-yul and Defence Minister Kim Yong-hyun to discuss North Korea's growing
military ties with Russia.</p>
<p>Share this article</p>
<p>The ministers agreed to cooperate on critical minerals and on security in the
Indo-Pacific, and to meet in this format again.</p>
</article>
<footer><p>© 2024 North Ledger. All rights reserved.</p></footer>
</body></html>"#;

#[test]
fn process_html_page_carries_path_title_and_dates() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("korea-2-2.html");
    std::fs::write(&page, PAGE).unwrap();
    let empty = dir.path().join("empty.htm");
    std::fs::write(
        &empty,
        "<html><head><title>Nothing</title></head><body><nav>Home</nav></body></html>",
    )
    .unwrap();
    let out = run(&[
        "process",
        "--quiet",
        page.to_str().unwrap(),
        empty.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "one page fails: partial exit status"
    );
    let recs = records(&out);
    assert_eq!(recs.len(), 1, "{recs:?}");
    let r = &recs[0];
    assert_eq!(r["path"], page.to_str().unwrap());
    assert_eq!(r["title"], "Canada and South Korea hold first 2+2 talks");
    assert_eq!(
        r["published"].as_str().unwrap().get(..10),
        Some("2024-10-29")
    );
    assert_eq!(r["modified"], "2024-10-30T09:15:00Z");
    assert_eq!(
        r["url"],
        "https://northledger.example/world/canada-korea-2-2"
    );
    assert_eq!(r["source"], "North Ledger");
    let text = r["text"].as_str().expect("text field");
    assert!(text.contains("Cho Tae-yul"), "{text}");
    assert!(!text.contains("Share this article"), "{text}");
    assert!(!text.contains("All rights reserved"), "{text}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("empty.htm") && stderr.contains("no article text"),
        "{stderr}"
    );
}

#[test]
fn html_is_sniffed_without_an_extension_and_read_from_gzip() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("saved-page");
    std::fs::write(&plain, format!("\u{feff}\n  {PAGE}")).unwrap();
    let gz = dir.path().join("page.html.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::fast(),
    );
    enc.write_all(PAGE.as_bytes()).unwrap();
    enc.finish().unwrap();
    let out = run(&[
        "process",
        "--quiet",
        plain.to_str().unwrap(),
        gz.to_str().unwrap(),
    ]);
    ok(&out);
    let recs = records(&out);
    assert_eq!(recs.len(), 2);
    for r in &recs {
        assert_eq!(r["title"], "Canada and South Korea hold first 2+2 talks");
        assert!(!r["text"].as_str().unwrap().contains("<p>"));
    }
}
