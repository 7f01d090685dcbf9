//! Pages written for these tests (own words, about the first Canada–South Korea "2+2" meeting
//! of foreign and defence ministers in October 2024).

use super::*;

const STORY: &str = "<p>Canada and South Korea held their first meeting of foreign and defence \
ministers on Tuesday, a format both governments reserve for close partners.</p>\
<p>Foreign Minister Mélanie Joly and Defence Minister Bill Blair received their counterparts \
Cho Tae-yul and Kim Yong-hyun, and the four discussed North Korea's deepening military ties \
with Russia.</p>\
<p>The ministers agreed to work more closely on supply chains for critical minerals and on \
security in the Indo-Pacific, and said they would meet in this format again.</p>";

fn page(head: &str, body: &str) -> String {
    format!("<!DOCTYPE html><html lang=\"en-CA\"><head>{head}</head><body>{body}</body></html>")
}

#[test]
fn json_ld_and_open_graph_metadata_keep_published_and_modified_apart() {
    let head = r#"<title>Canada and Korea hold first 2+2 talks | North Ledger</title>
<meta property="og:title" content="Canada and Korea hold first 2+2 talks | North Ledger">
<meta property="og:site_name" content="North Ledger">
<meta property="og:url" content="https://northledger.example/world/canada-korea-2-2">
<meta property="article:published_time" content="2024-10-29T15:00:00Z">
<link rel="canonical" href="https://northledger.example/world/canada-korea-2-2?ref=canon">
<script type="application/ld+json">
{"@context":"https://schema.org","@graph":[
 {"@type":"WebPage","name":"ignored page name","datePublished":"2000-01-01"},
 {"@type":"NewsArticle","headline":"Canada and Korea hold first 2+2 talks",
  "datePublished":"2024-10-29T14:30:00-04:00","dateModified":"2024-10-30T09:15:00-04:00",
  "publisher":{"@type":"Organization","name":"North Ledger News"},
  "author":[{"@type":"Person","name":"A. Writer"},{"@type":"Person","name":"B. Editor"}]}]}
</script>"#;
    let html = page(
        head,
        &format!("<article><h1>Canada and Korea hold first 2+2 talks</h1>{STORY}</article>"),
    );
    let x = extract(&html, Some("https://northledger.example/x")).unwrap();
    let m = &x.meta;
    assert_eq!(
        m.title.as_deref(),
        Some("Canada and Korea hold first 2+2 talks")
    );
    assert_eq!(m.site_name.as_deref(), Some("North Ledger"));
    assert_eq!(
        m.canonical_url.as_deref(),
        Some("https://northledger.example/world/canada-korea-2-2?ref=canon")
    );
    // JSON-LD wins over article:published_time; the WebPage's date is not the article's
    assert_eq!(m.published.as_deref(), Some("2024-10-29T14:30:00-04:00"));
    assert_eq!(m.modified.as_deref(), Some("2024-10-30T09:15:00-04:00"));
    assert_eq!(m.author.as_deref(), Some("A. Writer, B. Editor"));
    assert_eq!(m.lang.as_deref(), Some("en-CA"));
    assert_eq!(m.source().as_deref(), Some("North Ledger"));
    // the title is metadata, not text; paragraphs are separated by blank lines
    assert!(!x.text.contains("hold first 2+2 talks"), "{}", x.text);
    let paras: Vec<&str> = x.text.split("\n\n").collect();
    assert_eq!(paras.len(), 3, "{:?}", x.text);
    assert!(paras[2].starts_with("The ministers agreed"));
}

#[test]
fn only_modified_is_never_published() {
    let head = r#"<meta property="article:modified_time" content="2024-10-31">
<meta property="og:site_name" content="North Ledger">"#;
    let x = extract(&page(head, &format!("<article>{STORY}</article>")), None).unwrap();
    assert_eq!(x.meta.published, None);
    assert_eq!(x.meta.modified.as_deref(), Some("2024-10-31"));
    // without og:title or JSON-LD the <h1>, then <title>, gives the title; no URL: source is the
    // site name
    assert_eq!(x.meta.source().as_deref(), Some("North Ledger"));
}

#[test]
fn time_element_and_host_as_source() {
    let head = r#"<title>Ministers meet - ledger.example</title>
<link rel="canonical" href="https://www.ledger.example/a/1">"#;
    let body = format!(
        "<article><h1>Ministers meet</h1><time datetime=\"2024-10-29\" pubdate>Oct 29</time>{STORY}</article>"
    );
    let x = extract(&page(head, &body), None).unwrap();
    assert_eq!(x.meta.published.as_deref(), Some("2024-10-29"));
    assert_eq!(x.meta.title.as_deref(), Some("Ministers meet"));
    assert_eq!(x.meta.source().as_deref(), Some("ledger.example"));
}

#[test]
fn debris_and_boilerplate_blocks_are_removed() {
    let body = format!(
        r#"<header><nav><a href="/">Home</a> <a href="/world">World news and analysis</a></nav></header>
<div id="cookie-banner"><p>We use cookies to improve your experience on this website.</p></div>
<main><article>
<h1>Canada and Korea hold first 2+2 talks</h1>
<div class="share-bar"><a>Share on Facebook</a><a>Share on X</a></div>
<figure><img src="a.jpg"><figcaption>Photo: Ledger staff photographer</figcaption></figure>
{STORY}
<p>Advertisement</p>
<p>Share this article</p>
<div class="related-stories"><h3>Related stories</h3><ul><li><a href="/b">Seoul unveils a new plan for its defence industry exports</a></li></ul></div>
</article></main>
<aside><p>Most read: Ottawa weather turns cold as winter approaches early this year</p></aside>
<footer><p>© 2024 North Ledger. All rights reserved.</p><p>Subscribe to our newsletter for daily updates.</p></footer>"#
    );
    let x = extract(&page("", &body), None).unwrap();
    for kept in [
        "held their first meeting of foreign and defence ministers",
        "Cho Tae-yul and Kim Yong-hyun",
        "meet in this format again",
    ] {
        assert!(x.text.contains(kept), "lost {kept:?} in {:?}", x.text);
    }
    for gone in [
        "We use cookies",
        "Share on Facebook",
        "Photo: Ledger staff",
        "Advertisement",
        "Share this article",
        "defence industry exports",
        "Ottawa weather",
        "All rights reserved",
        "Subscribe to our newsletter",
        "World news and analysis",
    ] {
        assert!(!x.text.contains(gone), "kept {gone:?} in {:?}", x.text);
    }
}

#[test]
fn debris_lines() {
    assert!(is_debris("Advertisement"));
    assert!(is_debris("Photo: Getty Images"));
    assert!(is_debris("© 2024 North Ledger"));
    assert!(is_debris("Share this article"));
    assert!(is_debris("Seite teilen"));
    assert!(is_debris("- Anzeige -"));
    assert!(is_debris("AFP / Jane Roe"));
    assert!(is_debris("Lesen Sie auch: Ottawa und Seoul"));
    assert!(!is_debris(
        "Reuters reported that the ministers met in October."
    ));
    assert!(!is_debris("Both sides share concerns"));
    assert!(!is_debris("The ministers shared their views on Russia."));
    assert!(!is_debris(
        "Photographers waited outside the building for hours."
    ));
}

#[test]
fn json_ld_body_replaces_a_teaser() {
    let body_text = "Canada and South Korea held their first meeting of foreign and defence \
ministers in October 2024. The four ministers discussed North Korea's military ties with Russia, \
supply chains for critical minerals and security in the Indo-Pacific. They agreed to meet in the \
same format again and to deepen cooperation between their armed forces.";
    let head = format!(
        r#"<script type="application/ld+json">{{"@type":"NewsArticle","headline":"First 2+2",
"articleBody":"{body_text}"}}</script>"#
    );
    let body = "<div class=\"lede\"><p>Ministers met.</p></div><div><a href=\"/login\">Log in to read the rest</a></div>";
    let x = extract(&page(&head, body), None).unwrap();
    assert!(
        x.text
            .contains("deepen cooperation between their armed forces"),
        "{}",
        x.text
    );
}

#[test]
fn choose_falls_back_to_paragraphs_when_the_main_block_is_short() {
    let paragraphs = STORY.replace("<p>", "").replace("</p>", "\n\n");
    let short = "Ministers met on Tuesday.".to_string();
    let got = choose(short.clone(), paragraphs.clone(), None);
    assert_eq!(got, paragraphs);
    // a main block of normal length stays, even when the page has more paragraph text
    let long = paragraphs.clone();
    let more = format!("{paragraphs}\n\n{paragraphs}\n\n{paragraphs}");
    assert_eq!(choose(long.clone(), more, None), long);
}

#[test]
fn page_without_text_is_an_error() {
    let e = extract(
        &page("<title>Empty</title>", "<nav><a href=\"/\">Home</a></nav>"),
        None,
    );
    assert_eq!(e.unwrap_err(), HtmlError::NoText);
}

#[test]
fn windows_1252_with_meta_charset() {
    let mut bytes =
        b"<html><head><meta charset=\"windows-1252\"><title>x</title></head><body><p>".to_vec();
    // "Mélanie Joly said “yes”" in windows-1252
    bytes.extend_from_slice(b"M\xe9lanie Joly said \x93yes\x94");
    bytes.extend_from_slice(b"</p></body></html>");
    let s = decode(&bytes, None);
    assert!(s.contains("Mélanie Joly said “yes”"), "{s}");
    // the HTTP charset wins over the page's own declaration
    let latin = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"><p>Cho Tae-yul \xe0 Ottawa</p>";
    assert!(decode(latin, Some("text/html; charset=ISO-8859-1")).contains("Cho Tae-yul à Ottawa"));
    // http-equiv declaration is read when no header is given
    let sjis = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=shift_jis\"><p>\x93\xfa\x96\x7b</p>";
    assert!(decode(sjis, None).contains("日本"));
    // BOM first
    let mut bom = vec![0xef, 0xbb, 0xbf];
    bom.extend_from_slice("<meta charset=\"iso-8859-1\"><p>Séoul</p>".as_bytes());
    assert!(decode(&bom, None).contains("Séoul"));
    // undeclared invalid UTF-8 reads as windows-1252 rather than failing
    assert!(decode(b"<p>caf\xe9</p>", None).contains("café"));
}

#[test]
fn sniffing_and_names() {
    assert!(sniff_html(b"\xef\xbb\xbf  \n<!DOCTYPE html><html>"));
    assert!(sniff_html(b"<html lang=\"ko\">"));
    assert!(sniff_html(
        b"<?xml version=\"1.0\"?>\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\">"
    ));
    assert!(!sniff_html(b"Canada and South Korea met. <html> later"));
    assert!(is_html_name("a.HTML") && is_html_name("b.htm.gz") && is_html_name("c.xhtml"));
    assert!(!is_html_name("a.txt"));
}
