//! Scorers used by `sitrep eval` and BENCHMARKS.md. Each reads gold data from a path given by
//! the caller (under `../shared/data` or `$SITREP_SHARED/data`) and runs the real pipeline code.

pub mod conll;
pub mod tempeval;
