//! Mapping of JSON field names onto article metadata.

use serde_json::{Map, Value};
use sitrep_core::Meta;

/// Which JSON field feeds which article field. Each list is tried in order; the first field
/// present with a usable value wins. [`FieldMap::default`] knows the common names; override one
/// with [`FieldMap::set`] (the CLI's `--field published=url_date`).
#[derive(Debug, Clone)]
pub struct FieldMap {
    pub text: Vec<String>,
    pub id: Vec<String>,
    pub url: Vec<String>,
    pub source: Vec<String>,
    pub published: Vec<String>,
    pub title: Vec<String>,
    pub modified: Vec<String>,
}

fn v(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

impl Default for FieldMap {
    fn default() -> Self {
        FieldMap {
            text: v(&["text", "body", "content", "maintext", "article", "story"]),
            id: v(&["id", "doc_id", "uuid", "guid"]),
            url: v(&["url", "link", "canonical_url"]),
            source: v(&[
                "source",
                "source_domain",
                "outlet",
                "domain",
                "publisher",
                "site",
            ]),
            published: v(&[
                "published",
                "published_at",
                "publish_date",
                "date_publish",
                "pubdate",
                "date",
                "url_date",
            ]),
            title: v(&["title", "headline"]),
            modified: v(&["modified", "date_modified", "updated", "updated_at"]),
        }
    }
}

impl FieldMap {
    /// Set the JSON field for one article field: `target` is one of text, id, url, source,
    /// published, title.
    pub fn set(&mut self, target: &str, json_field: &str) -> Result<(), String> {
        let slot = match target {
            "text" => &mut self.text,
            "id" => &mut self.id,
            "url" => &mut self.url,
            "source" => &mut self.source,
            "published" => &mut self.published,
            "title" => &mut self.title,
            "modified" => &mut self.modified,
            other => {
                return Err(format!(
                    "unknown article field '{other}' in --field; use one of text, id, url, source, published, title, modified"
                ))
            }
        };
        *slot = vec![json_field.to_string()];
        Ok(())
    }

    /// Parse `target=json_field`.
    pub fn set_pair(&mut self, pair: &str) -> Result<(), String> {
        let (t, f) = pair.split_once('=').ok_or_else(|| {
            format!("--field takes TARGET=JSON_FIELD (e.g. published=url_date), got '{pair}'")
        })?;
        self.set(t.trim(), f.trim())
    }

    /// Extract (text, meta) from one JSON object. `None` text means no text field was found.
    pub fn extract(&self, obj: &Map<String, Value>) -> (Option<String>, Meta) {
        let text = first_string(obj, &self.text);
        let meta = Meta {
            id: first_string(obj, &self.id),
            url: first_string(obj, &self.url),
            source: first_string(obj, &self.source),
            published: first_string(obj, &self.published),
            title: first_string(obj, &self.title),
            path: None,
            modified: first_string(obj, &self.modified),
        };
        (text, meta)
    }
}

fn first_string(obj: &Map<String, Value>, names: &[String]) -> Option<String> {
    for n in names {
        match obj.get(n) {
            Some(Value::String(s)) if !s.trim().is_empty() => return Some(s.clone()),
            Some(Value::Number(x)) => return Some(x.to_string()),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_detects_realtimeqa_names() {
        let obj: Map<String, Value> = serde_json::from_str(
            r#"{"url":"u","source_domain":"cnn.com","url_date":"2024-10-25","title":"t","text":"x"}"#,
        )
        .unwrap();
        let (text, meta) = FieldMap::default().extract(&obj);
        assert_eq!(text.as_deref(), Some("x"));
        assert_eq!(meta.source.as_deref(), Some("cnn.com"));
        assert_eq!(meta.published.as_deref(), Some("2024-10-25"));
    }

    #[test]
    fn override_wins() {
        let mut m = FieldMap::default();
        m.set_pair("published=seen").unwrap();
        let obj: Map<String, Value> =
            serde_json::from_str(r#"{"date":"2020-01-01","seen":"2021-02-02","text":"x"}"#)
                .unwrap();
        assert_eq!(m.extract(&obj).1.published.as_deref(), Some("2021-02-02"));
        assert!(m.set_pair("nonsense").is_err());
        assert!(m.set_pair("body=x").is_err());
    }
}
