//! Per-article stages, one file each: config use, implementation and unit tests together.

pub mod clean;
pub mod dates;
pub mod entities;
pub mod figures;
pub mod language;
pub mod quotes;
pub mod sentences;
