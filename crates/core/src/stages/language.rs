//! Language identification with lingua, restricted to the languages sitrep expects in news
//! streams (English first; Russian, Ukrainian and Korean for the flagship topic; the large
//! European languages; Chinese, Japanese, Arabic). Restricting the set keeps memory small and
//! makes short texts more reliable. Detection reads the first `language.sample_chars`
//! characters. The result is an ISO 639-1 code in `Article::lang`, or `None` when lingua is not
//! confident (empty text, digits only).

use std::sync::OnceLock;

use lingua::{Language as L, LanguageDetector, LanguageDetectorBuilder};

use crate::config::LanguageConfig;
use crate::model::Article;
use crate::pipeline::Stage;

const LANGUAGES: [L; 13] = [
    L::English,
    L::French,
    L::German,
    L::Spanish,
    L::Russian,
    L::Ukrainian,
    L::Korean,
    L::Italian,
    L::Portuguese,
    L::Dutch,
    L::Chinese,
    L::Japanese,
    L::Arabic,
];

fn detector() -> &'static LanguageDetector {
    static D: OnceLock<LanguageDetector> = OnceLock::new();
    D.get_or_init(|| {
        LanguageDetectorBuilder::from_languages(&LANGUAGES)
            .with_minimum_relative_distance(0.1)
            .build()
    })
}

pub struct Language {
    sample_chars: usize,
}

impl Language {
    pub fn new(config: &LanguageConfig) -> Result<Self, crate::Error> {
        if config.sample_chars < 20 {
            return Err(crate::Error::Config(
                "language.sample_chars must be at least 20 for a useful guess".into(),
            ));
        }
        Ok(Language {
            sample_chars: config.sample_chars,
        })
    }

    /// Detect the language of a piece of text (ISO 639-1), or `None` when unsure.
    pub fn detect(&self, text: &str) -> Option<String> {
        let end = text
            .char_indices()
            .nth(self.sample_chars)
            .map(|(i, _)| i)
            .unwrap_or(text.len());
        let sample = &text[..end];
        if !sample.chars().any(|c| c.is_alphabetic()) {
            return None;
        }
        detector()
            .detect_language_of(sample)
            .map(|l| l.iso_code_639_1().to_string())
    }
}

impl Stage for Language {
    fn name(&self) -> &'static str {
        "language"
    }
    fn process(&self, article: &mut Article) {
        article.lang = self.detect(&article.text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_short_texts() {
        let l = Language::new(&LanguageConfig::default()).unwrap();
        assert_eq!(
            l.detect("North Korea sent troops to Russia.").as_deref(),
            Some("en")
        );
        assert_eq!(
            l.detect("Північна Корея надіслала війська до Росії.")
                .as_deref(),
            Some("uk")
        );
        assert_eq!(
            l.detect("Северная Корея отправила войска в Россию.")
                .as_deref(),
            Some("ru")
        );
        assert_eq!(
            l.detect("북한이 러시아에 군대를 보냈다.").as_deref(),
            Some("ko")
        );
        assert_eq!(l.detect("12 345 678").as_deref(), None);
        assert_eq!(l.detect("").as_deref(), None);
    }
}
