//! The two kinds of stage and the [`Pipeline`] that runs them.
//!
//! A [`Stage`] is a pure function of one article: it reads what earlier stages wrote and adds its
//! own annotations. It must not panic on any input, must keep every span inside `article.text`
//! and on char boundaries, and must be idempotent (running it twice gives the same result).
//! Stages are `Send + Sync`, so the same `Pipeline` value runs under rayon.
//!
//! Stages that need other articles (near-duplicates, stories) are a different trait and live
//! outside this module: they act as barriers over a batch or a store.

use crate::config::PipelineConfig;
use crate::model::{Article, Meta};
use crate::stages;
use crate::Error;

/// A per-article stage. Implementers write [`Stage::process`]; the pipeline calls it once per
/// article, in pipeline order, possibly from many threads at once.
pub trait Stage: Send + Sync {
    /// Short stable name, used in timings, errors and config (`clean`, `dates`, ...).
    fn name(&self) -> &'static str;
    /// Add this stage's annotations to `article`. Never panics on input.
    fn process(&self, article: &mut Article);
}

/// The ordered list of per-article stages. Build it once with [`Pipeline::new`] (or
/// [`Pipeline::default`]) and share it.
pub struct Pipeline {
    stages: Vec<Box<dyn Stage>>,
}

impl Pipeline {
    /// Validate `config` and build the stages it enables, in their fixed order:
    /// clean, language, sentences, entities, dates, figures, quotes, events.
    pub fn new(config: &PipelineConfig) -> Result<Pipeline, Error> {
        config.validate()?;
        let mut s: Vec<Box<dyn Stage>> = Vec::new();
        s.push(Box::new(stages::clean::Clean::new(&config.clean)));
        if config.language.enabled {
            s.push(Box::new(stages::language::Language::new(&config.language)?));
        }
        s.push(Box::new(stages::sentences::Sentences::new()));
        if config.entities.enabled {
            s.push(Box::new(stages::entities::Entities::new(&config.entities)?));
        }
        if config.dates.enabled {
            s.push(Box::new(stages::dates::Dates::new(&config.dates)));
        }
        if config.figures.enabled {
            s.push(Box::new(stages::figures::Figures::new()));
        }
        if config.quotes.enabled {
            s.push(Box::new(stages::quotes::Quotes::new()));
        }
        if config.events.enabled {
            s.push(Box::new(crate::events::Events::new(&config.events)?));
        }
        Ok(Pipeline { stages: s })
    }

    /// Names of the stages in order.
    pub fn stage_names(&self) -> Vec<&'static str> {
        self.stages.iter().map(|s| s.name()).collect()
    }

    /// Run every stage over one article.
    pub fn run(&self, article: &mut Article) {
        for stage in &self.stages {
            stage.process(article);
        }
    }

    /// Run every stage and add the time each took to `timings` (same order as
    /// [`Pipeline::stage_names`]); used by `sitrep bench`-style measurements.
    pub fn run_timed(&self, article: &mut Article, timings: &mut [std::time::Duration]) {
        for (stage, t) in self.stages.iter().zip(timings.iter_mut()) {
            let start = std::time::Instant::now();
            stage.process(article);
            *t += start.elapsed();
        }
    }

    /// Convenience: build an article from raw text and metadata and run the pipeline over it.
    pub fn annotate(&self, raw: String, meta: Meta) -> Article {
        let mut a = Article::new(raw, meta);
        self.run(&mut a);
        a
    }
}

impl Default for Pipeline {
    fn default() -> Self {
        Pipeline::new(&PipelineConfig::default()).expect("default config is valid")
    }
}
