//! Web pages: main-text extraction and page metadata.
//!
//! [`extract`] works in four steps:
//!
//! 1. **Parse** the page once with `dom_query` and read its metadata (see [`meta`] for the
//!    precedence of JSON-LD, Open Graph, `<meta>`, `<time>` and `<link rel=canonical>`).
//! 2. **Pre-clean** the DOM: drop elements that are boilerplate by tag (`nav`, `aside`,
//!    `form`, `button`, ...), by ARIA role (`navigation`, `complementary`, `dialog`, ...),
//!    by hidden state, and by class/id words (`share`, `related`, `comment`, `cookie`,
//!    `newsletter`, `promo`, ...), unless the element holds most of the page's text.
//! 3. **Readability**: `dom_smoothie` picks the main block, in `TextMode::Formatted` so that
//!    paragraphs come out separated by blank lines.
//! 4. **Debris and fallback**: lines that are page furniture ("Share this article",
//!    "Advertisement", "Photo: ...", copyright lines, ...) are dropped; when the main block is
//!    short compared with the page's paragraph text (or Readability found nothing), the text
//!    of the page's paragraphs, or JSON-LD `articleBody`, is used instead.
//!
//! [`decode`] turns page bytes into text (BOM, HTTP charset, `<meta charset>`, else UTF-8,
//! with `encoding_rs`). [`eval`] scores the extractor with trafilatura's metric.

pub mod eval;
mod meta;

use dom_query::{Document, NodeRef};
use encoding_rs::Encoding;
use serde::Serialize;

/// What a page says about itself (JSON-LD, Open Graph, `<meta>`, `<time>`, `<link rel=canonical>`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PageMeta {
    pub title: Option<String>,
    /// Outlet name (`og:site_name`, JSON-LD `publisher.name`).
    pub site_name: Option<String>,
    /// `<link rel="canonical">`, `og:url`, JSON-LD `url`; absolute.
    pub canonical_url: Option<String>,
    /// Publication date/time as found (`datePublished`, `article:published_time`, `<time>`).
    pub published: Option<String>,
    /// Last modification date/time as found (`dateModified`, `article:modified_time`); never
    /// used as `published`.
    pub modified: Option<String>,
    pub lang: Option<String>,
    pub author: Option<String>,
}

impl PageMeta {
    /// The outlet: the site name, else the canonical URL's host (without `www.`).
    pub fn source(&self) -> Option<String> {
        self.site_name
            .clone()
            .or_else(|| self.canonical_url.as_deref().and_then(meta::host))
    }
}

/// A page's main text and metadata.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Extracted {
    /// Main text: paragraphs separated by blank lines, no markup.
    pub text: String,
    pub meta: PageMeta,
}

/// Why a page gave no text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HtmlError {
    #[error("no main text found in the page")]
    NoText,
    #[error("could not parse the page: {0}")]
    Parse(String),
}

/// Extract the main text and metadata of `html`. `url` (absolute) is the page's address when
/// known; it resolves relative links and is the fallback canonical URL.
pub fn extract(html: &str, url: Option<&str>) -> Result<Extracted, HtmlError> {
    extract_with(html, url, &Options::default())
}

/// Which of the steps beyond plain Readability run (all by default); for ablations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    pub pre_clean: bool,
    pub debris: bool,
    pub fallback: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            pre_clean: true,
            debris: true,
            fallback: true,
        }
    }
}

impl Options {
    /// Read `SITREP_HTML_OFF=pre_clean,debris,fallback` (for experiments and ablations).
    pub fn from_env() -> Options {
        let off = std::env::var("SITREP_HTML_OFF").unwrap_or_default();
        Options {
            pre_clean: !off.contains("pre_clean"),
            debris: !off.contains("debris"),
            fallback: !off.contains("fallback"),
        }
    }
}

/// [`extract`] with some steps switched off.
pub fn extract_with(html: &str, url: Option<&str>, opts: &Options) -> Result<Extracted, HtmlError> {
    let url = url.filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    let doc = Document::from(html);
    let ld = meta::json_ld(&doc);
    let meta = meta::read(&doc, url, &ld);

    if opts.pre_clean {
        pre_clean(&doc);
    }
    let paragraphs = if opts.fallback {
        paragraph_text(&doc)
    } else {
        String::new()
    };

    let cfg = dom_smoothie::Config {
        text_mode: dom_smoothie::TextMode::Formatted,
        ..Default::default()
    };
    let main = dom_smoothie::Readability::with_document(doc, url, Some(cfg))
        .ok()
        .and_then(|mut r| r.parse().ok())
        .map(|a| clean_text(&a.text_content, opts.debris))
        .unwrap_or_default();

    let text = if opts.fallback {
        choose(main, paragraphs, ld.body.as_deref())
    } else {
        main
    };
    // a word or two ("Home", "Loading...") is no article
    if text.chars().filter(|c| !c.is_whitespace()).count() < MIN_TEXT_CHARS {
        return Err(HtmlError::NoText);
    }
    Ok(Extracted { text, meta })
}

/// Fewer visible characters than this is no text.
const MIN_TEXT_CHARS: usize = 25;

/// Pick between Readability's block, the page's paragraph text and JSON-LD `articleBody`.
fn choose(main: String, paragraphs: String, ld_body: Option<&str>) -> String {
    let len = |s: &str| s.chars().filter(|c| !c.is_whitespace()).count();
    let (m, p) = (len(&main), len(&paragraphs));
    let mut best = main;
    if p > 0 && (m < 200 && p > 2 * m.max(1)) {
        best = paragraphs;
    }
    if let Some(body) = ld_body {
        let body = clean_text(body, true);
        if len(&body) > 3 * len(&best).max(1) && len(&best) < 500 {
            best = body;
        }
    }
    best
}

// ---------------------------------------------------------------------------------------------
// Pre-cleaning

const DROP_TAGS: &[&str] = &[
    "nav",
    "aside",
    "form",
    "button",
    "figure",
    "figcaption",
    "picture",
    "video",
    "audio",
    "object",
    "embed",
    "select",
    "option",
    "textarea",
    "input",
    "label",
    "iframe",
    "svg",
    "canvas",
    "noscript",
    "dialog",
    "menu",
    "template",
    "script",
    "style",
];

const DROP_ROLES: &[&str] = &[
    "navigation",
    "complementary",
    "contentinfo",
    "banner",
    "dialog",
    "alertdialog",
    "menu",
    "menubar",
    "search",
    "tablist",
];

/// Class/id words that mark boilerplate blocks. Matched against the `-`/`_`/space separated
/// parts of class and id values (and camelCase humps), so `article-share-bar` hits `share`
/// while `shared-content` does not.
const DROP_WORDS: &[&str] = &[
    "share",
    "sharing",
    "social",
    "socials",
    "related",
    "comment",
    "comments",
    "cookie",
    "cookies",
    "consent",
    "gdpr",
    "newsletter",
    "subscribe",
    "subscription",
    "promo",
    "advert",
    "advertisement",
    "ad",
    "ads",
    "adslot",
    "sponsor",
    "sponsored",
    "breadcrumb",
    "breadcrumbs",
    "sidebar",
    "popup",
    "modal",
    "outbrain",
    "taboola",
    "recommended",
    "recommendations",
    "more-stories",
    "footer",
    "pagination",
    "tags",
    "tagcloud",
    "masthead",
    "disqus",
    "toolbar",
    "navbar",
    "nav",
    "menu",
    "login",
    "signup",
    "paywall",
];

fn words_of(v: &str) -> impl Iterator<Item = String> + '_ {
    v.split(|c: char| c == '-' || c == '_' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_ascii_lowercase())
}

/// Words that mark a wrapper of the content: an element named with one of them is never
/// dropped by name (`content-sidebar-wrap`, `article-body`), as Readability does.
const KEEP_WORDS: &[&str] = &[
    "article",
    "body",
    "column",
    "content",
    "main",
    "shadow",
    "container",
    "wrap",
    "wrapper",
    "page",
    "post",
    "entry",
    "blog",
    "story",
    "text",
];

fn is_boilerplate_name(n: &NodeRef) -> bool {
    let mut hit = false;
    for attr in ["class", "id"] {
        if let Some(v) = n.attr(attr) {
            for w in words_of(&v) {
                if KEEP_WORDS.contains(&w.as_str()) {
                    return false;
                }
                hit |= DROP_WORDS.contains(&w.as_str());
            }
        }
    }
    hit
}

fn is_hidden(n: &NodeRef) -> bool {
    if n.has_attr("hidden") {
        return true;
    }
    if n.attr("aria-hidden").is_some_and(|v| v.trim() == "true") {
        return true;
    }
    if let Some(style) = n.attr("style") {
        let s: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect();
        if s.contains("display:none") || s.contains("visibility:hidden") {
            return true;
        }
    }
    false
}

/// Remove boilerplate elements from `doc` (see the module docs). An element that holds more
/// than a third of the body's text is kept whatever its name says (a `class="has-sidebar"`
/// wrapper around the whole article).
fn pre_clean(doc: &Document) {
    doc.select("script, style, noscript, template").remove();
    let body_len = doc
        .select("body")
        .iter()
        .next()
        .map(|b| b.text().len())
        .unwrap_or(0)
        .max(1);
    let mut doomed: Vec<NodeRef> = Vec::new();
    let root = doc.root();
    for n in root.descendants_it() {
        if !n.is_element() {
            continue;
        }
        let Some(name) = n.node_name() else { continue };
        let name = name.to_ascii_lowercase();
        if matches!(name.as_str(), "html" | "body" | "main" | "article" | "head") {
            continue;
        }
        let by_tag = if name == "header" || name == "footer" {
            // page-level header/footer; ones inside an article carry bylines and dates
            !has_ancestor(&n, &["article", "main"])
        } else {
            DROP_TAGS.contains(&name.as_str())
        };
        let by_role = || {
            n.attr("role")
                .is_some_and(|r| DROP_ROLES.contains(&r.trim().to_ascii_lowercase().as_str()))
        };
        let by_name = || is_boilerplate_name(&n) || is_hidden(&n);
        if (by_tag || by_role() || by_name()) && n.text().len() * 3 < body_len {
            doomed.push(n);
        }
    }
    // link lists: related articles, tag clouds, "previous/next" blocks
    for n in doc.select("ul, ol, dl, table, p").nodes() {
        let text_len = visible_len(n);
        if text_len == 0 || text_len > 3000 {
            continue;
        }
        if link_len(n) * 10 >= text_len * 6 {
            doomed.push(*n);
        }
    }
    for n in doomed {
        n.remove_from_parent();
    }
}

fn link_len(n: &NodeRef) -> usize {
    n.descendants_it()
        .filter(|d| d.node_name().is_some_and(|nm| nm.eq_ignore_ascii_case("a")))
        .map(|a| visible_len(&a))
        .sum()
}

fn visible_len(n: &NodeRef) -> usize {
    n.text().chars().filter(|c| !c.is_whitespace()).count()
}

fn has_ancestor(n: &NodeRef, names: &[&str]) -> bool {
    let mut cur = n.parent();
    while let Some(p) = cur {
        if let Some(name) = p.node_name() {
            if names.contains(&name.to_ascii_lowercase().as_str()) {
                return true;
            }
        }
        cur = p.parent();
    }
    false
}

/// Text of the page's paragraphs (`<p>`, `<blockquote>`, `<pre>`, headings inside the body),
/// the fallback when Readability's block is too short.
fn paragraph_text(doc: &Document) -> String {
    let mut out = Vec::new();
    for p in doc.select("body p, body blockquote, body pre").iter() {
        if has_ancestor_node(&p, &["p", "blockquote", "pre"]) {
            continue;
        }
        let t = p.text();
        let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
        if t.chars().count() >= 25 && !is_debris(&t) {
            out.push(t);
        }
    }
    out.join("\n\n")
}

fn has_ancestor_node(s: &dom_query::Selection, names: &[&str]) -> bool {
    s.nodes().first().is_some_and(|n| has_ancestor(n, names))
}

// ---------------------------------------------------------------------------------------------
// Debris

/// Normalise the extracted text (blank-line paragraphs, single spaces) and drop debris lines.
fn clean_text(text: &str, debris: bool) -> String {
    let mut paras: Vec<String> = Vec::new();
    for para in text.split("\n\n") {
        let lines: Vec<String> = para
            .lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|l| !(l.is_empty() || (debris && is_debris(l))))
            .collect();
        if !lines.is_empty() {
            paras.push(lines.join("\n"));
        }
    }
    paras.join("\n\n")
}

const DEBRIS_EXACT: &[&str] = &[
    "advertisement",
    "anzeige",
    "publicité",
    "werbung",
    "read more",
    "read more:",
    "more",
    "share",
    "share this",
    "share this article",
    "share this story",
    "share on facebook",
    "share on twitter",
    "tweet",
    "email",
    "print",
    "comments",
    "related",
    "related articles",
    "related stories",
    "related content",
    "recommended",
    "you may also like",
    "you might also like",
    "most read",
    "most popular",
    "sign up",
    "subscribe",
    "log in",
    "skip to content",
    "skip to main content",
    "back to top",
    "close",
    "menu",
    "loading...",
    "loading",
    "artikel teilen",
    "teilen",
    "mehr zum thema",
    "lesen sie auch",
    "weiterlesen",
    "partager",
    "lire aussi",
    "reklama",
    "inhaltsverzeichnis",
    "table of contents",
    "kontakt",
    "contact",
    "anuncio",
    "publicidad",
    "pubblicità",
    "zurück",
    "kommentieren",
    "previous article",
    "next article",
    "weitere informationen",
];

const DEBRIS_PREFIX: &[&str] = &[
    "photo:",
    "photo by",
    "photograph:",
    "image:",
    "image source",
    "picture:",
    "credit:",
    "foto:",
    "bild:",
    "getty images",
    "share this",
    "sign up for",
    "subscribe to",
    "click here to",
    "follow us on",
    "read more:",
    "read more at",
    "related:",
    "see also:",
    "all rights reserved",
    "copyright ©",
    "copyright (c)",
    "© copyright",
    // "see also" / "read also" lines in other languages
    "lea también",
    "lea más",
    "lee también",
    "leia também",
    "veja também",
    "lesen sie auch",
    "lesen sie mehr",
    "mehr zum thema",
    "mehr themen",
    "das könnte sie auch interessieren",
    "auch interessant",
    "lire aussi",
    "à lire aussi",
    "voir aussi",
    "leggi anche",
    "czytaj także",
    "czytaj też",
    "zobacz też",
    "zobacz także",
    "mire:",
    "mira:",
    "kategorie:",
    "category:",
    "categories:",
    "von:",
    "release date:",
    "kontakt:",
    "tags:",
    "schlagworte:",
    "schlagwörter:",
    "themen:",
    "topics:",
    "filed under",
    "lea:",
    "ver también",
    "ver más",
    "leer más",
    "más información",
    "weitere beiträge",
    "empfohlene beiträge",
    "beiträge zum thema",
    "ähnliche artikel",
    "verwandte artikel",
    "vorschau auf den nächsten",
    "artículos relacionados",
    "temas relacionados",
    "noticias relacionadas",
    "articles similaires",
    "articles liés",
    "powiązane",
    "previous post",
    "next post",
    // captions and credits
    "fotos:",
    "foto ",
    "fuente:",
    "quelle:",
    "źródło:",
    "bildquelle",
    "bild via",
    "crédit",
    "credits:",
    "autoren:",
    "autor:",
];

/// Photo agencies and stock libraries: a short line naming one (as a whole word) and not
/// ending like a sentence is a photo credit.
const PHOTO_AGENCIES: &[&str] = &[
    "getty images",
    "afp",
    "dpa",
    "reuters",
    "ap photo",
    "imago",
    "shutterstock",
    "istock",
    "istockphoto",
    "picture alliance",
    "picture-alliance",
    "unsplash",
    "epa",
    "keystone",
];

/// Words of share/print/rating buttons (lines under 50 characters only).
const SHORT_BUTTON_WORDS: &[&str] = &[
    "share",
    "teilen",
    "partager",
    "compartir",
    "condividi",
    "udostępnij",
    "drucken",
    "drukuj",
    "imprimir",
    "imprimer",
    "nützlich",
    "helpful",
    "chroniony prawem",
];

/// Words of subscription, newsletter and app prompts (short lines only).
const SUBSCRIBE_WORDS: &[&str] = &[
    "subscribe",
    "subscriber",
    "newsletter",
    "sign up",
    "abonnieren",
    "abonnement",
    "abonnez",
    "suscríbete",
    "suscribirse",
    "subskrypc",
    "download the app",
    "our app",
    "log in",
    "telegram",
    "einloggen",
    "registrieren",
];

/// Whether `w` occurs in `l` as a whole word (or phrase).
fn has_word(l: &str, w: &str) -> bool {
    l.match_indices(w).any(|(i, _)| {
        let before = l[..i].chars().next_back();
        let after = l[i + w.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// Whether a line is page furniture rather than article text.
fn is_debris(line: &str) -> bool {
    let l = line.trim().to_lowercase();
    if l.is_empty() {
        return true;
    }
    if DEBRIS_EXACT.contains(&l.as_str()) {
        return true;
    }
    // "- Anzeige -", "[Advertisement]"
    let bare = l.trim_matches(|c: char| !c.is_alphanumeric());
    if bare != l && DEBRIS_EXACT.contains(&bare) {
        return true;
    }
    // photo credits: "AFP / Jane Doe", "Foto: X/Getty Images"
    let n = l.chars().count();
    if n < 60
        && !l.ends_with(['.', '!', '?', '"', '”', '“', '»', '«'])
        && PHOTO_AGENCIES.iter().any(|a| has_word(&l, a))
    {
        return true;
    }
    let short = n < 120;
    if short && DEBRIS_PREFIX.iter().any(|p| l.starts_with(p)) {
        return true;
    }
    if short && (l.starts_with('©') || l.contains("all rights reserved")) {
        return true;
    }
    // share, print and rating buttons ("Seite teilen", "Share on X", "drukuj")
    if n < 50
        && (l.split_whitespace().count() <= 3 || l.ends_with('?'))
        && !l.ends_with(['.', '!', '"', '”', '“', '»', '«'])
        && SHORT_BUTTON_WORDS.iter().any(|w| has_word(&l, w))
    {
        return true;
    }
    // subscription and app prompts
    if n < 200 && SUBSCRIBE_WORDS.iter().any(|w| l.contains(w)) {
        return true;
    }
    false
}

// ---------------------------------------------------------------------------------------------
// Decoding

/// Decode page bytes to text: BOM, then the HTTP `content_type` charset, then `<meta charset>`
/// (or `http-equiv` content type, or an XML declaration) in the first 4 KiB, else UTF-8; bytes
/// that are not valid UTF-8 and declare nothing are read as windows-1252 (the web's default).
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> String {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return enc
            .decode_without_bom_handling(&bytes[bom_len..])
            .0
            .into_owned();
    }
    let declared = content_type
        .and_then(charset_param)
        .and_then(|l| Encoding::for_label(l.as_bytes()))
        .or_else(|| sniff_meta_charset(&bytes[..bytes.len().min(4096)]));
    // a page that says UTF-16 in its own markup is ASCII-compatible, so it is not UTF-16
    let declared = declared.map(|e| {
        if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE {
            encoding_rs::UTF_8
        } else {
            e
        }
    });
    match declared {
        Some(enc) => enc.decode_without_bom_handling(bytes).0.into_owned(),
        None => match std::str::from_utf8(bytes) {
            Ok(s) => s.to_string(),
            Err(_) => encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
                .into_owned(),
        },
    }
}

/// `charset=` parameter of a content type (`text/html; charset="ISO-8859-1"`).
fn charset_param(ct: &str) -> Option<String> {
    let lower = ct.to_ascii_lowercase();
    let i = lower.find("charset")?;
    let rest = lower[i + 7..].trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let rest = rest.trim_start_matches(['"', '\'']);
    let end = rest
        .find(|c: char| {
            c == '"'
                || c == '\''
                || c == ';'
                || c == ','
                || c.is_whitespace()
                || c == '>'
                || c == '/'
        })
        .unwrap_or(rest.len());
    let v = &rest[..end];
    (!v.is_empty()).then(|| v.to_string())
}

/// Find a charset declared in `<meta charset>`, `<meta http-equiv content>` or
/// `<?xml encoding?>` within `head` (the first bytes of the page).
fn sniff_meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let s = String::from_utf8_lossy(head).to_ascii_lowercase();
    if let Some(rest) = s.strip_prefix("<?xml") {
        if let Some(end) = rest.find("?>") {
            let decl = &rest[..end];
            if let Some(i) = decl.find("encoding") {
                let v = decl[i + 8..].trim_start().strip_prefix('=')?.trim_start();
                let q = v.chars().next()?;
                let v = v[1..].split(q).next()?;
                if let Some(e) = Encoding::for_label(v.as_bytes()) {
                    return Some(e);
                }
            }
        }
    }
    let mut from = 0;
    while let Some(i) = s[from..].find("<meta") {
        let start = from + i;
        let end = s[start..].find('>').map(|e| start + e).unwrap_or(s.len());
        let tag = &s[start..end];
        if let Some(label) = charset_param(tag) {
            if let Some(e) = Encoding::for_label(label.as_bytes()) {
                return Some(e);
            }
        }
        from = end;
    }
    None
}

/// Whether a file name looks like an HTML page (`.html`, `.htm`, `.xhtml`, optionally `.gz`).
pub fn is_html_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    let n = n.strip_suffix(".gz").unwrap_or(&n);
    n.ends_with(".html") || n.ends_with(".htm") || n.ends_with(".xhtml")
}

/// Whether page bytes look like HTML: `<!doctype html` or `<html` first, after a BOM and
/// whitespace (a `<?xml ...?>` declaration before them is allowed).
pub fn sniff_html(bytes: &[u8]) -> bool {
    let b = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let head = &b[..b.len().min(1024)];
    let s = String::from_utf8_lossy(head).to_ascii_lowercase();
    let mut t = s.trim_start();
    if t.starts_with("<?xml") {
        if let Some(e) = t.find("?>") {
            t = t[e + 2..].trim_start();
        }
    }
    while t.starts_with("<!--") {
        match t.find("-->") {
            Some(e) => t = t[e + 3..].trim_start(),
            None => return false,
        }
    }
    t.starts_with("<!doctype html") || t.starts_with("<html")
}

#[cfg(test)]
mod tests;
