//! Scorers used by `sitrep eval` and BENCHMARKS.md. Each reads gold data from a path given by
//! the caller (under `../shared/data` or `$SITREP_SHARED/data`) and runs the real pipeline code.

pub mod conll;
pub mod events;
pub mod tempeval;

use std::path::PathBuf;

/// A file or folder under the shared data folder ([`tempeval::shared_data_dir`]:
/// `$SITREP_SHARED/data`, else `../shared/data`), checked to exist; the error says how to
/// point sitrep at the folder.
pub fn shared_file(rel: &str) -> Result<PathBuf, String> {
    let p = tempeval::shared_data_dir().join(rel);
    if p.exists() {
        Ok(p)
    } else {
        Err(format!(
            "{} not found: set SITREP_SHARED to the shared folder that holds data/{rel} \
             (e.g. `export SITREP_SHARED=/path/to/shared`), or run from a directory that has \
             it at ../shared",
            p.display()
        ))
    }
}
