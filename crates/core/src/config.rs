//! Pipeline settings as plain data. Every struct denies unknown fields and has defaults, so a
//! config file only names what it changes. `Pipeline::new` validates once.

use serde::{Deserialize, Serialize};

use crate::Error;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PipelineConfig {
    pub clean: CleanConfig,
    pub language: LanguageConfig,
    pub entities: EntitiesConfig,
    pub dates: DatesConfig,
    pub figures: Toggle,
    pub quotes: Toggle,
    /// Event coding (PLOVER with CAMEO alongside) and claims.
    pub events: EventsConfig,
    /// Copy detection (MinHash LSH), run over the whole input or the store.
    pub dedup: crate::corpus::dedup::DedupConfig,
    /// Story clustering, run over the whole input or the store.
    pub stories: crate::corpus::stories::StoryConfig,
}

impl PipelineConfig {
    pub fn validate(&self) -> Result<(), Error> {
        self.dedup.validate()?;
        if !(0.0..=1.0).contains(&self.events.typer_min_score) {
            return Err(Error::Config(
                "events.typer_min_score must be between 0 and 1".into(),
            ));
        }
        self.stories.validate()?;
        if let Some(d) = &self.dates.assume_published {
            crate::stages::dates::parse_assume_published(d).map_err(Error::Config)?;
        }
        if self.clean.max_bytes == 0 {
            return Err(Error::Config(
                "clean.max_bytes must be greater than 0".into(),
            ));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Toggle {
    pub enabled: bool,
}

impl Default for Toggle {
    fn default() -> Self {
        Toggle { enabled: true }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CleanConfig {
    /// Remove scraper debris lines (photo credits, share prompts, stray headlines).
    pub remove_debris: bool,
    /// Largest clean text kept, in bytes; longer texts are cut at a paragraph boundary and the
    /// cut is recorded in `removed`.
    pub max_bytes: usize,
}

impl Default for CleanConfig {
    fn default() -> Self {
        CleanConfig {
            remove_debris: true,
            max_bytes: 2_000_000,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LanguageConfig {
    pub enabled: bool,
    /// Characters of text sampled for detection.
    pub sample_chars: usize,
}

impl Default for LanguageConfig {
    fn default() -> Self {
        LanguageConfig {
            enabled: true,
            sample_chars: 300,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EntitiesConfig {
    pub enabled: bool,
    /// Run the statistical tagger (people, organisations, places the gazetteer does not know).
    pub tagger: bool,
}

impl Default for EntitiesConfig {
    fn default() -> Self {
        EntitiesConfig {
            enabled: true,
            tagger: true,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatesConfig {
    pub enabled: bool,
    /// Publication date to assume when an article has none (`YYYY-MM-DD`). Off by default: a
    /// missing date stays missing and relative dates stay unresolved.
    pub assume_published: Option<String>,
}

impl Default for DatesConfig {
    fn default() -> Self {
        DatesConfig {
            enabled: true,
            assume_published: None,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EventsConfig {
    pub enabled: bool,
    /// Keep statements of fact ("X said there were 10,000 troops") as claims.
    pub claims: bool,
    /// Let the trained typer (`data/events/typer.bin`, trained on PLV) re-type an event when it
    /// disagrees with the dictionary and its probability is at least `typer_min_score`.
    pub typer: bool,
    pub typer_min_score: f32,
}

impl Default for EventsConfig {
    fn default() -> Self {
        EventsConfig {
            enabled: true,
            claims: true,
            typer: true,
            typer_min_score: 0.5,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_assume_published_is_an_error_naming_the_key() {
        let mut c = PipelineConfig::default();
        c.dates.assume_published = Some("2024-11-02".into());
        assert!(c.validate().is_ok());
        c.dates.assume_published = Some("2 Nov 2024".into());
        let e = c.validate().unwrap_err().to_string();
        assert!(e.contains("dates.assume_published"), "{e}");
        // From a parsed file, too: it deserialises, validation refuses it.
        let c: PipelineConfig =
            serde_json::from_str(r#"{"dates": {"assume_published": "yesterday"}}"#).unwrap();
        assert!(c.validate().is_err());
    }
}
