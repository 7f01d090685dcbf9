//! Page metadata: JSON-LD, Open Graph and other `<meta>` tags, `<time datetime>`,
//! `<link rel=canonical>`, `<html lang>`.
//!
//! Precedence (first found wins):
//! * title: `og:title`, JSON-LD `headline`, `twitter:title`, the first `<h1>`, `<title>`; a
//!   trailing site name (` | Site`, ` - Site`, ...) is stripped;
//! * site name: `og:site_name`, JSON-LD `publisher.name`, `application-name`;
//! * canonical URL: `<link rel=canonical>`, `og:url`, JSON-LD `url`/`mainEntityOfPage`, the
//!   page's own URL; resolved against the page URL;
//! * published: JSON-LD `datePublished`, `article:published_time`, other date `<meta>` names
//!   (`date`, `pubdate`, `publish-date`, `dc.date`, ...), `itemprop=datePublished`,
//!   `<time datetime>` (one marked `pubdate` first);
//! * modified: JSON-LD `dateModified`, `article:modified_time`, `og:updated_time`,
//!   `itemprop=dateModified`, other modification `<meta>` names. Never used as published.

use dom_query::Document;
use serde_json::Value;

use super::PageMeta;

/// What JSON-LD says about the page's article.
#[derive(Debug, Default, Clone)]
pub(crate) struct JsonLd {
    pub headline: Option<String>,
    pub published: Option<String>,
    pub modified: Option<String>,
    pub publisher: Option<String>,
    pub url: Option<String>,
    pub author: Option<String>,
    pub body: Option<String>,
}

const ARTICLE_TYPES: &[&str] = &[
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "blogposting",
    "liveblogposting",
    "socialmediaposting",
    "scholarlyarticle",
    "techarticle",
    "report",
];

fn str_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => clean(s),
        Value::Array(a) => a.iter().find_map(str_of),
        Value::Object(o) => o.get("name").and_then(str_of),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn clean(s: &str) -> Option<String> {
    let t = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!t.is_empty()).then_some(t)
}

fn types(o: &serde_json::Map<String, Value>) -> Vec<String> {
    match o.get("@type") {
        Some(Value::String(s)) => vec![s.to_ascii_lowercase()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(|s| s.to_ascii_lowercase()))
            .collect(),
        _ => Vec::new(),
    }
}

fn authors(v: &Value) -> Option<String> {
    let names: Vec<String> = match v {
        Value::Array(a) => a.iter().filter_map(str_of).collect(),
        other => str_of(other).into_iter().collect(),
    };
    let names: Vec<String> = names.into_iter().filter(|n| !n.contains("://")).collect();
    (!names.is_empty()).then(|| names.join(", "))
}

fn collect_objects<'a>(v: &'a Value, out: &mut Vec<&'a serde_json::Map<String, Value>>) {
    match v {
        Value::Array(a) => a.iter().for_each(|x| collect_objects(x, out)),
        Value::Object(o) => {
            out.push(o);
            if let Some(g) = o.get("@graph") {
                collect_objects(g, out);
            }
        }
        _ => {}
    }
}

/// Read every `application/ld+json` block; the first article-typed object gives the fields,
/// a `WebPage`/other object fills what is still missing (never the body).
pub(crate) fn json_ld(doc: &Document) -> JsonLd {
    let mut out = JsonLd::default();
    let mut fallback = JsonLd::default();
    for s in doc.select(r#"script[type="application/ld+json"]"#).iter() {
        let text = s.text();
        let text = text.trim();
        let text = text
            .strip_prefix("<![CDATA[")
            .and_then(|t| t.strip_suffix("]]>"))
            .unwrap_or(text);
        let Ok(v) = serde_json::from_str::<Value>(text) else {
            continue;
        };
        let mut objs = Vec::new();
        collect_objects(&v, &mut objs);
        for o in objs {
            let ty = types(o);
            let is_article = ty.iter().any(|t| ARTICLE_TYPES.contains(&t.as_str()));
            let is_page = ty.iter().any(|t| t.ends_with("webpage"));
            if !is_article && !is_page {
                continue;
            }
            let target = if is_article { &mut out } else { &mut fallback };
            let fill = |slot: &mut Option<String>, v: Option<String>| {
                if slot.is_none() {
                    *slot = v;
                }
            };
            fill(
                &mut target.headline,
                o.get("headline").or(o.get("name")).and_then(str_of),
            );
            fill(
                &mut target.published,
                o.get("datePublished").and_then(str_of),
            );
            fill(&mut target.modified, o.get("dateModified").and_then(str_of));
            fill(&mut target.publisher, o.get("publisher").and_then(str_of));
            fill(
                &mut target.url,
                o.get("url")
                    .and_then(str_of)
                    .or_else(|| match o.get("mainEntityOfPage") {
                        Some(Value::Object(m)) => m.get("@id").and_then(str_of),
                        Some(Value::String(s)) => clean(s),
                        _ => None,
                    })
                    .filter(|u| u.starts_with("http")),
            );
            fill(&mut target.author, o.get("author").and_then(authors));
            if is_article {
                fill(&mut target.body, o.get("articleBody").and_then(str_of));
            }
        }
    }
    out.headline = out.headline.or(fallback.headline);
    out.published = out.published.or(fallback.published);
    out.modified = out.modified.or(fallback.modified);
    out.publisher = out.publisher.or(fallback.publisher);
    out.url = out.url.or(fallback.url);
    out.author = out.author.or(fallback.author);
    out
}

const PUBLISHED_NAMES: &[&str] = &[
    "article:published_time",
    "og:article:published_time",
    "article:published",
    "datepublished",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "publication_date",
    "article.published",
    "article_date_original",
    "cxenseparse:recs:publishtime",
    "dc.date",
    "dc.date.issued",
    "dc.date.created",
    "dcterms.date",
    "dcterms.issued",
    "dcterms.created",
    "parsely-pub-date",
    "sailthru.date",
    "originalpublicationdate",
    "og:published_time",
    "citation_publication_date",
];

const MODIFIED_NAMES: &[&str] = &[
    "article:modified_time",
    "og:article:modified_time",
    "og:updated_time",
    "datemodified",
    "article.updated",
    "last-modified",
    "lastmod",
    "dc.date.modified",
    "dcterms.modified",
];

/// Read the metadata of `doc`. `url` is the page's own address (absolute) when known.
pub(crate) fn read(doc: &Document, url: Option<&str>, ld: &JsonLd) -> PageMeta {
    // <meta> tags, first value per key
    let mut metas: Vec<(String, String)> = Vec::new();
    for m in doc.select("meta").iter() {
        let Some(content) = m.attr("content").and_then(|c| clean(&c)) else {
            continue;
        };
        for k in ["property", "name", "itemprop", "http-equiv"] {
            if let Some(key) = m.attr(k) {
                metas.push((key.trim().to_ascii_lowercase(), content.clone()));
            }
        }
    }
    let meta = |key: &str| metas.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let first_of = |keys: &[&str]| keys.iter().find_map(|k| meta(k));

    let site_name = first_of(&["og:site_name"])
        .or_else(|| ld.publisher.clone())
        .or_else(|| first_of(&["application-name", "publisher", "dc.publisher"]));

    let itemprop_date = |prop: &str| {
        doc.select(&format!("[itemprop=\"{prop}\"]"))
            .iter()
            .find_map(|e| {
                e.attr("datetime")
                    .or_else(|| e.attr("content"))
                    .and_then(|d| clean(&d))
            })
    };
    let time_el = || {
        let times = doc.select("time[datetime]");
        times
            .iter()
            .find(|t| t.attr("pubdate").is_some())
            .or_else(|| times.iter().next())
            .and_then(|t| t.attr("datetime").and_then(|d| clean(&d)))
    };
    let published = ld
        .published
        .clone()
        .or_else(|| first_of(PUBLISHED_NAMES))
        .or_else(|| itemprop_date("datePublished"))
        .or_else(time_el);
    let modified = ld
        .modified
        .clone()
        .or_else(|| first_of(MODIFIED_NAMES))
        .or_else(|| itemprop_date("dateModified"));

    let canonical = doc
        .select(r#"link[rel="canonical"]"#)
        .iter()
        .find_map(|l| l.attr("href").and_then(|h| clean(&h)))
        .or_else(|| first_of(&["og:url"]))
        .or_else(|| ld.url.clone())
        .and_then(|c| resolve(url, &c))
        .or_else(|| url.map(str::to_string));

    let lang = doc
        .select("html")
        .iter()
        .find_map(|h| h.attr("lang").or_else(|| h.attr("xml:lang")))
        .and_then(|l| clean(&l))
        .or_else(|| first_of(&["og:locale", "content-language", "language"]));

    let author = ld
        .author
        .clone()
        .or_else(|| first_of(&["author", "dc.creator", "parsely-author", "sailthru.author"]))
        .or_else(|| first_of(&["article:author"]).filter(|a| !a.contains("://")));

    let h1 = || {
        doc.select("h1")
            .iter()
            .find_map(|h| clean(&h.text()))
            .filter(|t| t.chars().count() <= 300)
    };
    let html_title = || {
        doc.select("title")
            .iter()
            .next()
            .and_then(|t| clean(&t.text()))
    };
    let title = first_of(&["og:title"])
        .or_else(|| ld.headline.clone())
        .or_else(|| first_of(&["twitter:title"]))
        .or_else(h1)
        .or_else(html_title)
        .map(|t| strip_site_name(&t, site_name.as_deref(), canonical.as_deref()));

    PageMeta {
        title,
        site_name,
        canonical_url: canonical,
        published,
        modified,
        lang,
        author,
    }
}

fn resolve(base: Option<&str>, href: &str) -> Option<String> {
    if let Ok(u) = url::Url::parse(href) {
        return matches!(u.scheme(), "http" | "https").then(|| u.to_string());
    }
    let base = url::Url::parse(base?).ok()?;
    base.join(href).ok().map(|u| u.to_string())
}

/// Host of a URL without `www.`.
pub(crate) fn host(u: &str) -> Option<String> {
    let h = url::Url::parse(u).ok()?.host_str()?.to_ascii_lowercase();
    Some(h.strip_prefix("www.").unwrap_or(&h).to_string())
}

const SEPARATORS: &[&str] = &[
    " | ", " - ", " – ", " — ", " :: ", " · ", " • ", " / ", " « ", " » ",
];

/// Remove a trailing (or leading) ` | Site Name` when it names the site (its name or host).
pub(crate) fn strip_site_name(title: &str, site: Option<&str>, canonical: Option<&str>) -> String {
    let squash = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    let mut names: Vec<String> = Vec::new();
    if let Some(s) = site {
        names.push(squash(s));
    }
    if let Some(h) = canonical.and_then(host) {
        let label = h.split('.').next().unwrap_or("").to_string();
        names.push(squash(&h));
        names.push(squash(&label));
    }
    names.retain(|n| n.len() >= 2);
    let names_site = |part: &str| {
        let p = squash(part);
        !p.is_empty()
            && names
                .iter()
                .any(|n| p == *n || (p.len() >= 4 && (n.contains(&p) || p.contains(n.as_str()))))
    };
    let mut t = title.trim().to_string();
    for _ in 0..2 {
        let mut changed = false;
        for sep in SEPARATORS {
            if let Some(i) = t.rfind(sep) {
                let (head, tail) = (&t[..i], &t[i + sep.len()..]);
                if !head.trim().is_empty() && names_site(tail) {
                    t = head.trim().to_string();
                    changed = true;
                    break;
                }
            }
            if let Some(i) = t.find(sep) {
                let (head, tail) = (&t[..i], &t[i + sep.len()..]);
                if !tail.trim().is_empty() && names_site(head) {
                    t = tail.trim().to_string();
                    changed = true;
                    break;
                }
            }
        }
        if !changed {
            break;
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_name_suffix_is_stripped_only_when_it_names_the_site() {
        assert_eq!(
            strip_site_name(
                "Canada, Korea hold 2+2 talks | The Daily Note",
                Some("The Daily Note"),
                None
            ),
            "Canada, Korea hold 2+2 talks"
        );
        assert_eq!(
            strip_site_name(
                "Ottawa talks - dailynote.ca",
                None,
                Some("https://www.dailynote.ca/x")
            ),
            "Ottawa talks"
        );
        // a dash inside the headline stays
        assert_eq!(
            strip_site_name("Seoul - Ottawa ties deepen", Some("Daily Note"), None),
            "Seoul - Ottawa ties deepen"
        );
    }
}
