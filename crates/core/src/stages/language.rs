//! Language identification, restricted to the languages sitrep expects in news streams
//! (English first; Russian, Ukrainian and Korean for the flagship topic; the large European
//! languages; Chinese, Japanese, Arabic). Restricting the set keeps memory small and makes short
//! texts more reliable.
//!
//! Two detectors, each where it is good:
//! * whatlang (trigram profiles, microseconds per call) answers first, and its answer is kept
//!   when it is English and whatlang reports it as reliable, as it does for paragraphs of
//!   ordinary prose (English dominates news streams, so this is the fast path);
//! * lingua (n-gram models up to five, much slower but accurate on a few words) decides the
//!   rest: other languages, headlines, short captions, mixed text.
//!
//! whatlang reads the first `language.sample_chars` characters, lingua three times as many (a
//! name-heavy caption at the top must not decide alone). The result is an ISO 639-1
//! code in `Article::lang`, or `None` when neither detector is confident (empty text, digits
//! only).

use std::sync::OnceLock;

use lingua::{Language as L, LanguageDetector, LanguageDetectorBuilder};
use whatlang::Lang as W;

use crate::config::LanguageConfig;
use crate::model::Article;
use crate::pipeline::Stage;

/// The supported languages: lingua's name, whatlang's name, ISO 639-1.
const LANGUAGES: [(L, W, &str); 13] = [
    (L::English, W::Eng, "en"),
    (L::French, W::Fra, "fr"),
    (L::German, W::Deu, "de"),
    (L::Spanish, W::Spa, "es"),
    (L::Russian, W::Rus, "ru"),
    (L::Ukrainian, W::Ukr, "uk"),
    (L::Korean, W::Kor, "ko"),
    (L::Italian, W::Ita, "it"),
    (L::Portuguese, W::Por, "pt"),
    (L::Dutch, W::Nld, "nl"),
    (L::Chinese, W::Cmn, "zh"),
    (L::Japanese, W::Jpn, "ja"),
    (L::Arabic, W::Ara, "ar"),
];

fn lingua() -> &'static LanguageDetector {
    static D: OnceLock<LanguageDetector> = OnceLock::new();
    D.get_or_init(|| {
        let langs: Vec<L> = LANGUAGES.iter().map(|l| l.0).collect();
        LanguageDetectorBuilder::from_languages(&langs)
            .with_minimum_relative_distance(0.1)
            .build()
    })
}

fn whatlang() -> &'static whatlang::Detector {
    static D: OnceLock<whatlang::Detector> = OnceLock::new();
    D.get_or_init(|| whatlang::Detector::with_allowlist(LANGUAGES.iter().map(|l| l.1).collect()))
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
        if let Some(info) = whatlang().detect(sample) {
            // The fast path is taken for English only: on English prose crowded with foreign
            // names ("Dortmund's Norwegian forward Erling Braut Haaland ...") whatlang can call
            // German reliable. Every other answer is checked by lingua.
            if info.is_reliable() && info.lang() == W::Eng {
                return Some("en".to_string());
            }
        }
        // lingua reads more: a name-heavy caption at the top should not decide alone.
        let end = text
            .char_indices()
            .nth(self.sample_chars * 3)
            .map(|(i, _)| i)
            .unwrap_or(text.len());
        let found = lingua().detect_language_of(&text[..end])?;
        LANGUAGES
            .iter()
            .find(|l| l.0 == found)
            .map(|l| l.2.to_string())
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

    fn l() -> Language {
        Language::new(&LanguageConfig::default()).unwrap()
    }

    #[test]
    fn detects_short_texts() {
        let l = l();
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
        assert_eq!(l.detect("Kim meets Putin").as_deref(), Some("en"));
        assert_eq!(l.detect("12 345 678").as_deref(), None);
        assert_eq!(l.detect("").as_deref(), None);
    }

    /// Regression: English crowded with German and Norwegian names was called German by
    /// whatlang alone (one article in the first 2,000 of the news corpus).
    #[test]
    fn english_full_of_foreign_names_is_english() {
        let t = "Marco Reus: Haaland can be one of the best strikers\n\nDortmund's Norwegian forward Erling Braut Haaland celebrates with Dortmund's German forward Marco Reus during the German Cup (DFB Pokal) final, RB Leipzig v BVB Borussia Dortmund, in Berlin on May 13, 2021.\n\nThe two players spoke to reporters after the match and said the team would keep working hard through the summer before the new season starts in August.";
        assert_eq!(l().detect(t).as_deref(), Some("en"));
    }

    #[test]
    fn detects_paragraphs() {
        let l = l();
        let en = "The ministers said both governments were watching closely what Moscow might give Pyongyang in return for the soldiers and the shells it had received over the past year.";
        let de = "Die Minister sagten, beide Regierungen beobachteten genau, was Moskau Pjöngjang im Gegenzug für die Soldaten und die Granaten geben könnte, die es im vergangenen Jahr erhalten hatte.";
        let fr = "Les ministres ont déclaré que les deux gouvernements suivaient de près ce que Moscou pourrait donner à Pyongyang en échange des soldats et des obus reçus au cours de l'année écoulée.";
        assert_eq!(l.detect(en).as_deref(), Some("en"));
        assert_eq!(l.detect(de).as_deref(), Some("de"));
        assert_eq!(l.detect(fr).as_deref(), Some("fr"));
    }
}
