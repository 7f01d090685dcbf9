//! sitrep-ingest
