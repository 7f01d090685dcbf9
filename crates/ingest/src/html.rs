//! Web pages: main-text extraction and page metadata.
//!
//! Starts from `dom_smoothie` (a Readability port); see [`extract`].

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
    let url = url.filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    let mut r = dom_smoothie::Readability::new(html, url, None)
        .map_err(|e| HtmlError::Parse(e.to_string()))?;
    let a = r.parse().map_err(|e| HtmlError::Parse(e.to_string()))?;
    let text = a.text_content.trim().to_string();
    if text.is_empty() {
        return Err(HtmlError::NoText);
    }
    let some = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
    Ok(Extracted {
        text,
        meta: PageMeta {
            title: some(Some(a.title)),
            site_name: some(a.site_name),
            canonical_url: url.map(str::to_string),
            published: some(a.published_time),
            modified: some(a.modified_time),
            lang: some(a.lang),
            author: some(a.byline),
        },
    })
}

/// Decode page bytes to text: BOM, then the HTTP `content_type` charset, then `<meta charset>`,
/// else UTF-8 (lossy only when nothing else fits).
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> String {
    let _ = content_type;
    String::from_utf8_lossy(bytes).into_owned()
}

/// Whether a file name or content type looks like HTML.
pub fn is_html_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    let n = n.strip_suffix(".gz").unwrap_or(&n);
    n.ends_with(".html") || n.ends_with(".htm") || n.ends_with(".xhtml")
}
