//! Event coding: who did what to whom, in PLOVER with the CAMEO code alongside, with a status
//! (asserted, denied, hedged, demanded, planned) and evidence spans; and claims (statements of
//! fact with their speakers).
//!
//! How the coder works is in the docs of `coder.rs`.

mod coder;
pub mod lexicon;
pub mod petrdict;
pub mod triggers;
pub mod typer;

use std::sync::Arc;

use crate::config::EventsConfig;
use crate::model::{Article, PloverType};
use crate::pipeline::Stage;
use crate::Error;

pub use lexicon::Lexicon;
pub use triggers::Triggers;

/// Extra actor and agent phrases, beside the pipeline's entities (for example PETRARCH-style
/// dictionaries with fictional countries, as in PETRARCH's unit tests).
#[derive(Debug, Clone, Default)]
pub struct ActorDict {
    /// (lower-case words, code): "arnor" -> "ARN".
    pub actors: Vec<(Vec<String>, String)>,
    /// (lower-case words, sector): "police" -> "COP".
    pub agents: Vec<(Vec<String>, String)>,
}

impl ActorDict {
    pub fn add_actor(&mut self, phrase: &str, code: &str) {
        self.actors.push((lower_words(phrase), code.to_string()));
    }
    pub fn add_agent(&mut self, phrase: &str, sector: &str) {
        self.agents.push((lower_words(phrase), sector.to_string()));
    }
}

fn lower_words(phrase: &str) -> Vec<String> {
    crate::tokenize::words(phrase)
        .into_iter()
        .map(|w| w.to_lowercase())
        .collect()
}

/// The `events` stage.
pub struct Events {
    lexicon: Arc<Lexicon>,
    triggers: Arc<Triggers>,
    extra: ActorDict,
    claims: bool,
    typer: Option<(&'static typer::Typer, f32)>,
}

impl Events {
    pub fn new(config: &EventsConfig) -> Result<Events, Error> {
        Ok(Events {
            lexicon: Arc::new(Lexicon::load()?),
            triggers: Arc::new(Triggers::load()?),
            extra: ActorDict::default(),
            claims: config.claims,
            typer: if config.typer {
                Some((typer::Typer::embedded()?, config.typer_min_score))
            } else {
                None
            },
        })
    }
    /// Add actor and agent phrases beyond the pipeline's entities.
    pub fn with_actors(mut self, dict: ActorDict) -> Events {
        self.extra = dict;
        self
    }
    /// The type and CAMEO code of the event that links a marked source and target (byte spans
    /// into `article.text`), as in the PLV task. `article` must have been through the pipeline.
    pub fn code_pair(
        &self,
        article: &Article,
        source: (usize, usize),
        target: (usize, usize),
    ) -> Option<(PloverType, String)> {
        self.coder().code_pair(article, source, target)
    }

    fn coder(&self) -> coder::Coder<'_> {
        coder::Coder {
            lexicon: &self.lexicon,
            triggers: &self.triggers,
            extra: &self.extra,
            claims: self.claims,
            typer: self.typer,
        }
    }
}

impl Stage for Events {
    fn name(&self) -> &'static str {
        "events"
    }
    fn process(&self, article: &mut Article) {
        self.coder().code(article);
    }
}
#[cfg(test)]
mod tests;
