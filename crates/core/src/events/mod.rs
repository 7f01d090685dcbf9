//! Event coding: who did what to whom, in PLOVER with the CAMEO code alongside, with a status
//! (asserted, denied, hedged, demanded, planned) and evidence spans; and claims (statements of
//! fact with their speakers).
//!
//! (Skeleton: the coder is being written; the API below is the contract.)

pub mod lexicon;
pub mod typer;

use std::sync::Arc;

use crate::config::EventsConfig;
use crate::model::{Article, PloverType};
use crate::pipeline::Stage;
use crate::Error;

pub use lexicon::Lexicon;

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
    #[allow(dead_code)]
    lexicon: Arc<Lexicon>,
    #[allow(dead_code)]
    extra: ActorDict,
    #[allow(dead_code)]
    claims: bool,
}

impl Events {
    pub fn new(config: &EventsConfig) -> Result<Events, Error> {
        Ok(Events {
            lexicon: Arc::new(Lexicon::load()?),
            extra: ActorDict::default(),
            claims: config.claims,
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
        _article: &Article,
        _source: (usize, usize),
        _target: (usize, usize),
    ) -> Option<(PloverType, String)> {
        None
    }
}

impl Stage for Events {
    fn name(&self) -> &'static str {
        "events"
    }
    fn process(&self, article: &mut Article) {
        article.events.clear();
        article.claims.clear();
    }
}
