//! # sitrep-core
//!
//! The pure, synchronous heart of sitrep: it turns one news report into an annotated
//! [`Article`](model::Article) whose entities, dates, figures and quotes are spans into the
//! report's clean text. No disk, no network, no threads of its own.
//!
//! ```
//! use sitrep_core::{Pipeline, model::Meta};
//!
//! let pipeline = Pipeline::default();
//! let raw = "Foreign Minister Melanie Joly of Canada met her counterpart in Seoul on Friday.";
//! let meta = Meta { published: Some("2024-11-02".into()), ..Default::default() };
//! let article = pipeline.annotate(raw.to_string(), meta);
//! let record = article.to_record();
//! assert!(record.entities.iter().any(|e| e.code.as_deref() == Some("CAN")));
//! // Every item is a span: record.text[start..end] (in characters) is the mention.
//! ```

pub mod config;
pub mod corpus;
pub mod eval;
pub mod events;
pub mod gazetteer;
pub mod model;
pub mod ner;
pub mod pipeline;
pub mod stages;
pub mod tokenize;

pub use config::PipelineConfig;
pub use model::{Article, Meta, Record};
pub use pipeline::{Pipeline, Stage};

/// Errors from building a pipeline. Per-article stages never fail; they annotate less.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid config: {0}")]
    Config(String),
    #[error("language detector: {0}")]
    Language(String),
    #[error("model {name}: {message}")]
    Model { name: String, message: String },
    #[error("corrupt persisted data: {0}")]
    Corrupt(String),
}
