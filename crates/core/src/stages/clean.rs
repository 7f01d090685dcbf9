//! Cleaning: remove scraper debris and read the header metadata, keeping an alignment back to
//! the raw text.
//!
//! Cleaning only ever *deletes* raw bytes, so the clean text is a sequence of raw segments and
//! `Article::alignment` maps every clean offset back to the raw input; each deletion is listed in
//! `Article::removed` with the rule that made it. The rules are general, line-level ones:
//!
//! * `dateline`: a leading ` date 2024-11-02 (MENAFN- Outlet)` header. Its date becomes the
//!   publication date (when the input gave none) and its outlet the source.
//! * `outlet-prefix`: a leading `WNAM REPORT:` style prefix (an all-caps name and `REPORT:`).
//! * `photo-credit`: short lines that credit a photo or video ("Photo: Getty Images",
//!   "(AP Photo/Jane Doe)").
//! * `prompt`: short calls to action and page furniture ("Get breaking National news",
//!   "Sign up for ...", "Advertisement", a lone "Comments").
//! * `related-link`: a link to another story pasted into the body: a labelled line ("More:",
//!   "RELATED:", "Read more:", "See also:", a leading "►"), or the `Label:Headline` form with no
//!   space after the colon that some outlets use for inline links ("Flash flooding:Videos show
//!   ...").
//! * `stray-headline`: a headline fragment: a short line (3 to 16 words) with no closing
//!   punctuation, between two lines of prose, that is visibly cut from a ticker (it starts in
//!   lower case, starts with a clipped abbreviation such as "N.,", or ends in a clipped
//!   " - Name" attribution). Section headings ("Inflation pressures build") look alike but
//!   start with a capital and are complete, so they stay.
//! * `control`: control characters and carriage returns; `blank-lines`: runs of more than one
//!   empty line.
//! * `truncated`: text beyond `clean.max_bytes`, cut at a paragraph boundary.

use std::sync::OnceLock;

use chrono::NaiveDate;
use regex::Regex;

use crate::config::CleanConfig;
use crate::model::{Article, Removed};
use crate::pipeline::Stage;

pub struct Clean {
    remove_debris: bool,
    max_bytes: usize,
}

impl Clean {
    pub fn new(config: &CleanConfig) -> Self {
        Clean {
            remove_debris: config.remove_debris,
            max_bytes: config.max_bytes,
        }
    }
}

struct Rules {
    dateline: Regex,
    outlet_prefix: Regex,
    photo: Regex,
    photo_inline: Regex,
    prompt: Regex,
    related: Regex,
    fragment_start: Regex,
    fragment_end: Regex,
}

fn rules() -> &'static Rules {
    static R: OnceLock<Rules> = OnceLock::new();
    R.get_or_init(|| Rules {
        dateline: Regex::new(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s*\(([^)\n]{1,80})\)[ \t]*")
            .expect("valid regex"),
        outlet_prefix: Regex::new(r"^\s*([A-Z][A-Z0-9&.\-]{1,20}(?: [A-Z0-9&.\-]{1,20}){0,3})\s+REPORT:\s*")
            .expect("valid regex"),
        photo: Regex::new(
            r"(?i)^[(\[]?\s*(photo|photos|image|images|picture|photograph|video|graphic|illustration|file photo|pictured)\b\s*(credit|courtesy)?\s*[:|/\-–—]",
        )
        .expect("valid regex"),
        photo_inline: Regex::new(
            r"(?i)(getty images|\bvia getty\b|\bap photo\b|\bafp photo\b|\breuters/|\bshutterstock\b|\bepa-efe\b|\bimagn images\b|/ap\)?$|/afp\)?$)",
        )
        .expect("valid regex"),
        related: Regex::new(
            r#"^(?:[►▶»]\s*\S|(?i:more|related|related stories|read more|read next|see also|also read|also|watch|listen|other [a-z ]{1,25}coverage|more from [^:]{1,40}|latest|live updates)\s*:\s*\S|[^\s:][^:]{0,80}[a-z'"’”)]:[A-Z'"‘“])"#,
        )
        .expect("valid regex"),
        fragment_start: Regex::new(r"^(?:\p{Ll}+[\s,;:/]|[A-Z]{1,3}\.,|…|\.\.\.)").expect("valid regex"),
        fragment_end: Regex::new(r"\s[-–—]\s*\p{Lu}[\w.]*$").expect("valid regex"),
        prompt: Regex::new(
            r"(?i)^(get (the )?(breaking|latest)\b.{0,40}\bnews|sign up\b|subscribe\b|share (this|on|via)\b|follow (us|@)|click here\b|read more\b|read next\b|related( stories| coverage| content| articles?)?\s*:|advertisement\b|continue reading\b|story continues( below)?\b|watch( now| live)?\s*:|download (the|our)\b.{0,30}\bapp|listen to this article\b|comments?$|\d+ comments?$|more from\b|recommended( for you)?$|trending( now)?$|skip to (main )?content|this (article|story) (was|has been) (updated|shared)|copyright\b|all rights reserved|supported by$|opinion$)",
        )
        .expect("valid regex"),
    })
}

fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

fn ends_with_terminal(s: &str) -> bool {
    matches!(
        s.trim_end().chars().last(),
        Some('.' | '!' | '?' | '"' | '”' | '’' | '\'' | ':' | ';' | ')' | '…')
    )
}

fn is_prose(s: &str) -> bool {
    ends_with_terminal(s) && word_count(s) >= 8
}

/// Parse a publication date given by the input: `YYYY-MM-DD` (optionally followed by a time),
/// `YYYY/MM/DD`, or RFC 2822/3339 timestamps.
pub fn parse_published(s: &str) -> Option<NaiveDate> {
    let t = s.trim();
    if t.len() >= 10 {
        let head = &t[..10.min(t.len())];
        for fmt in ["%Y-%m-%d", "%Y/%m/%d"] {
            if let Ok(d) = NaiveDate::parse_from_str(head, fmt) {
                return Some(d);
            }
        }
    }
    if let Ok(dt) = chrono::DateTime::parse_from_rfc2822(t) {
        return Some(dt.date_naive());
    }
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(t) {
        return Some(dt.date_naive());
    }
    None
}

impl Stage for Clean {
    fn name(&self) -> &'static str {
        "clean"
    }

    fn process(&self, article: &mut Article) {
        let raw = article.raw.as_str();
        let r = rules();
        let mut removed: Vec<Removed> = Vec::new();
        let mut start = 0usize;

        // Publication date from the input's metadata first.
        let mut published = article.meta.published.as_deref().and_then(parse_published);
        let mut published_via = published.map(|_| "input".to_string());

        // Header lines: dateline and outlet prefix.
        if let Some(c) = r.dateline.captures(raw) {
            let m = c.get(0).expect("group 0");
            if published.is_none() {
                published = NaiveDate::parse_from_str(&c[1], "%Y-%m-%d").ok();
                if published.is_some() {
                    published_via = Some("dateline".into());
                }
            }
            if article.meta.source.is_none() {
                let outlet = c[2].trim();
                let outlet = outlet.rsplit(['-', '–']).next().unwrap_or(outlet).trim();
                if !outlet.is_empty() {
                    article.meta.source = Some(outlet.to_string());
                }
            }
            removed.push(Removed {
                raw_start: 0,
                raw_end: m.end(),
                rule: "dateline".into(),
            });
            start = m.end();
        }
        if let Some(c) = r.outlet_prefix.captures(&raw[start..]) {
            let m = c.get(0).expect("group 0");
            if article.meta.source.is_none() {
                article.meta.source = Some(c[1].to_string());
            }
            removed.push(Removed {
                raw_start: start,
                raw_end: start + m.end(),
                rule: "outlet-prefix".into(),
            });
            start += m.end();
        }

        // Lines: (raw start, raw end including newline, trimmed content range)
        let mut lines: Vec<(usize, usize)> = Vec::new();
        let mut pos = start;
        while pos < raw.len() {
            let end = raw[pos..]
                .find('\n')
                .map(|i| pos + i + 1)
                .unwrap_or(raw.len());
            lines.push((pos, end));
            pos = end;
        }
        let content = |i: usize| raw[lines[i].0..lines[i].1].trim();
        let mut drop: Vec<Option<&'static str>> = vec![None; lines.len()];
        if self.remove_debris {
            for (i, slot) in drop.iter_mut().enumerate() {
                let s = content(i);
                if s.is_empty() {
                    continue;
                }
                let words = word_count(s);
                if words <= 14
                    && (r.photo.is_match(s)
                        || (r.photo_inline.is_match(s) && !ends_with_terminal_period(s)))
                {
                    *slot = Some("photo-credit");
                } else if words <= 12 && r.prompt.is_match(s) {
                    *slot = Some("prompt");
                } else if words <= 30 && !ends_with_terminal_period(s) && r.related.is_match(s) {
                    *slot = Some("related-link");
                }
            }
            // Stray headlines need their neighbours, so run after the simple rules.
            let nonblank: Vec<usize> = (0..lines.len())
                .filter(|&i| !content(i).is_empty() && drop[i].is_none())
                .collect();
            for (k, &i) in nonblank.iter().enumerate() {
                if k == 0 || k + 1 == nonblank.len() {
                    continue;
                }
                let s = content(i);
                let w = word_count(s);
                let fragment = r.fragment_start.is_match(s) || r.fragment_end.is_match(s);
                if fragment
                    && (3..=16).contains(&w)
                    && s.len() <= 140
                    && !ends_with_terminal(s)
                    && !s.ends_with(',')
                    && is_prose(content(nonblank[k - 1]))
                    && is_prose(content(nonblank[k + 1]))
                {
                    drop[i] = Some("stray-headline");
                }
            }
        }

        // Assemble kept segments, dropping control characters and extra blank lines.
        let mut text = String::with_capacity(raw.len() - start);
        let mut alignment: Vec<(usize, usize, usize)> = Vec::new();
        let push =
            |text: &mut String, alignment: &mut Vec<(usize, usize, usize)>, a: usize, b: usize| {
                if a >= b {
                    return;
                }
                if let Some(last) = alignment.last_mut() {
                    if last.1 + last.2 == a && last.0 + last.2 == text.len() {
                        last.2 += b - a;
                        text.push_str(&raw[a..b]);
                        return;
                    }
                }
                alignment.push((text.len(), a, b - a));
                text.push_str(&raw[a..b]);
            };
        let mut blank_run = 0usize;
        for (i, &(a, b)) in lines.iter().enumerate() {
            if let Some(rule) = drop[i] {
                removed.push(Removed {
                    raw_start: a,
                    raw_end: b,
                    rule: rule.into(),
                });
                continue;
            }
            let is_blank = raw[a..b].trim().is_empty();
            if is_blank {
                blank_run += 1;
                // keep a single blank line between paragraphs; never lead with blanks
                if blank_run > 1 || text.is_empty() {
                    removed.push(Removed {
                        raw_start: a,
                        raw_end: b,
                        rule: "blank-lines".into(),
                    });
                    continue;
                }
            } else {
                blank_run = 0;
            }
            // copy the line, skipping control characters other than \n and \t
            let mut seg_start = a;
            for (off, ch) in raw[a..b].char_indices() {
                let at = a + off;
                if ch.is_control() && ch != '\n' && ch != '\t' {
                    push(&mut text, &mut alignment, seg_start, at);
                    removed.push(Removed {
                        raw_start: at,
                        raw_end: at + ch.len_utf8(),
                        rule: "control".into(),
                    });
                    seg_start = at + ch.len_utf8();
                }
            }
            push(&mut text, &mut alignment, seg_start, b);
        }
        // Trailing whitespace.
        let trimmed = text.trim_end().len();
        cut_at(
            &mut text,
            &mut alignment,
            &mut removed,
            trimmed,
            "blank-lines",
        );
        if text.len() > self.max_bytes {
            let mut cut = self.max_bytes;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            if let Some(p) = text[..cut].rfind("\n\n").filter(|&p| p > 0) {
                cut = p;
            }
            cut_at(&mut text, &mut alignment, &mut removed, cut, "truncated");
        }
        removed.sort_by_key(|r| (r.raw_start, r.raw_end));
        article.text = text;
        article.alignment = alignment;
        article.removed = removed;
        article.published = published;
        article.published_via = published_via;
    }
}

fn ends_with_terminal_period(s: &str) -> bool {
    s.trim_end().ends_with('.') && word_count(s) > 10
}

/// Cut the clean text at byte `at`, recording each raw piece that goes as removed by `rule`.
fn cut_at(
    text: &mut String,
    alignment: &mut Vec<(usize, usize, usize)>,
    removed: &mut Vec<Removed>,
    at: usize,
    rule: &str,
) {
    if at >= text.len() {
        return;
    }
    for seg in alignment.iter_mut() {
        let (c, r, l) = *seg;
        if c + l <= at {
            continue;
        }
        let keep = at.saturating_sub(c);
        removed.push(Removed {
            raw_start: r + keep,
            raw_end: r + l,
            rule: rule.into(),
        });
        seg.2 = keep;
    }
    alignment.retain(|seg| seg.2 > 0);
    text.truncate(at);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Meta;

    fn clean(raw: &str) -> Article {
        let mut a = Article::new(raw.to_string(), Meta::default());
        Clean::new(&CleanConfig::default()).process(&mut a);
        a
    }

    // A report written for these tests, with the kinds of debris scrapers leave behind.
    const REPORT: &str = " date 2024-11-02 (MENAFN- Example Wire) Ministers from Canada and South Korea met in Ottawa on Friday and issued a joint statement.\n\nThe statement criticised the deployment of troops from North Korea to Russia in strong terms.\n\nwhy drones now decide the war on the front - analyst\n\nBoth governments said they would keep watching what Moscow gives Pyongyang in return for the troops.\n\nGet breaking World news\n\nPhoto: Getty Images\n\n\n\nComments\n";

    #[test]
    fn removes_debris_and_reads_dateline() {
        let a = clean(REPORT);
        assert_eq!(a.published, NaiveDate::from_ymd_opt(2024, 11, 2));
        assert_eq!(a.published_via.as_deref(), Some("dateline"));
        assert_eq!(a.meta.source.as_deref(), Some("Example Wire"));
        assert!(a.text.starts_with("Ministers from Canada"));
        assert!(!a.text.contains("analyst"), "{}", a.text);
        assert!(!a.text.contains("Get breaking"));
        assert!(!a.text.contains("Getty"));
        assert!(!a.text.contains("Comments"));
        assert!(a.text.ends_with("for the troops."));
        let rules: Vec<_> = a.removed.iter().map(|r| r.rule.as_str()).collect();
        for r in ["dateline", "stray-headline", "prompt", "photo-credit"] {
            assert!(rules.contains(&r), "{rules:?}");
        }
    }

    #[test]
    fn alignment_maps_clean_to_raw() {
        let a = clean(REPORT);
        for needle in ["Ottawa", "Moscow gives Pyongyang", "North Korea"] {
            let c = a.text.find(needle).unwrap();
            let r = a.raw_offset(c);
            assert_eq!(&a.raw[r..r + needle.len()], needle);
        }
        // every aligned segment is identical in raw and clean
        for &(c, r, l) in &a.alignment {
            assert_eq!(&a.text[c..c + l], &a.raw[r..r + l]);
        }
        let total: usize = a.alignment.iter().map(|s| s.2).sum();
        assert_eq!(total, a.text.len());
    }

    #[test]
    fn outlet_prefix_and_input_date() {
        let mut a = Article::new(
            "WNAM REPORT: Seoul and Ottawa agreed to hold talks every year.".into(),
            Meta {
                published: Some("2024-11-03T08:00:00Z".into()),
                ..Default::default()
            },
        );
        Clean::new(&CleanConfig::default()).process(&mut a);
        assert_eq!(a.text, "Seoul and Ottawa agreed to hold talks every year.");
        assert_eq!(a.meta.source.as_deref(), Some("WNAM"));
        assert_eq!(a.published, NaiveDate::from_ymd_opt(2024, 11, 3));
        assert_eq!(a.published_via.as_deref(), Some("input"));
    }

    #[test]
    fn related_links_go_and_section_headings_stay() {
        let prose = "This is an ordinary sentence of reporting that ends with a full stop.";
        let raw = format!(
            "{prose}\n\nPrices keep rising\n\n{prose}\n\nMore:Drone strikes hit two ports overnight, officials say\n\n{prose}\n\nFlash flooding:Videos show streets under water\n\n{prose}\n\n1. Gun laws\n\n{prose}\n\nOur rating: False\n\n{prose}\n\n► Ministers meet again in Seoul\n\n{prose}"
        );
        let a = clean(&raw);
        assert!(
            a.text.contains("Prices keep rising"),
            "a section heading was removed"
        );
        assert!(a.text.contains("1. Gun laws"));
        assert!(a.text.contains("Our rating: False"));
        assert!(!a.text.contains("Drone strikes hit"));
        assert!(!a.text.contains("Videos show streets"));
        assert!(!a.text.contains("Ministers meet again"));
        assert_eq!(
            a.removed
                .iter()
                .filter(|r| r.rule == "related-link")
                .count(),
            3
        );
    }

    #[test]
    fn missing_date_stays_missing() {
        let a = clean("Canada said nothing new on Thursday.");
        assert_eq!(a.published, None);
    }

    #[test]
    fn keeps_prose_and_lists() {
        let raw = "A long first sentence that is clearly prose about the meeting today.\n\nKey points\n\n- one\n- two\n\nAnother line of real prose that ends with a full stop here.";
        let a = clean(raw);
        assert!(a.text.contains("- one"));
        assert!(a.text.contains("Key points"));
    }

    #[test]
    fn idempotent_and_control_chars() {
        let raw = "Hello\u{0}world \r\nsecond line of text.\u{7}";
        let a = clean(raw);
        assert_eq!(a.text, "Helloworld \nsecond line of text.");
        let mut b = a.clone();
        Clean::new(&CleanConfig::default()).process(&mut b);
        assert_eq!(a.text, b.text);
    }

    #[test]
    fn truncates_at_paragraph() {
        let raw = format!("{}\n\n{}", "a ".repeat(50), "b ".repeat(100));
        let mut a = Article::new(raw, Meta::default());
        Clean::new(&CleanConfig {
            remove_debris: true,
            max_bytes: 120,
        })
        .process(&mut a);
        assert!(a.text.len() <= 120);
        assert!(a.removed.iter().any(|r| r.rule == "truncated"));
    }
}
