//! Opening, writing and catching up the index.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use sitrep_core::Record;
use sitrep_store::{Store, StoredArticle};
use tantivy::directory::error::LockError;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, TantivyError, Term};

use crate::schema::{build_schema, document, register_analyzers, Fields, SCHEMA_VERSION};
use crate::SearchError;

/// Articles read from the store per batch while catching up.
const BATCH: usize = 1000;
/// Catching up commits every this many articles (a crash loses at most that much work).
const COMMIT_EVERY: usize = 100_000;
/// How long a write waits for another process's writer to finish.
const LOCK_WAIT: Duration = Duration::from_secs(10);

/// What the index's last commit records.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
struct Payload {
    schema: u32,
    /// Storage sequence number of the last article indexed.
    seq: i64,
}

pub(crate) fn ierr(e: impl std::fmt::Display) -> SearchError {
    SearchError::Index(e.to_string())
}

/// The tantivy index of a store directory (`DIR/index`).
///
/// Every method takes `&self`; the index is `Send + Sync`. Writes open tantivy's writer only
/// for their duration (one writer at a time across processes: a write waits up to 10 s for
/// another to finish), so that a server and an ingest in another process can both write.
/// Searches see other processes' commits within about half a second, and this one's at once.
pub struct SearchIndex {
    path: PathBuf,
    pub(crate) index: Index,
    pub(crate) reader: IndexReader,
    pub(crate) fields: Fields,
    write: Mutex<()>,
    notice: Option<String>,
}

impl SearchIndex {
    /// Open (creating when missing) the index of the store in `dir`. An index built by another
    /// schema version is wiped (see [`SearchIndex::notice`]); the next
    /// [`SearchIndex::catch_up`] rebuilds it from the store.
    pub fn open(dir: &Path) -> Result<SearchIndex, SearchError> {
        let path = dir.join("index");
        let (schema, fields) = build_schema();
        let mut notice = None;
        if path.join("meta.json").exists() {
            let why = match Index::open_in_dir(&path) {
                Err(e) => Some(format!("it could not be read ({e})")),
                Ok(index) => {
                    let docs: u32 = index
                        .searchable_segment_metas()
                        .map(|m| m.iter().map(|s| s.num_docs()).sum())
                        .unwrap_or(1);
                    match read_payload(&index) {
                        _ if index.schema() != schema => {
                            Some("its schema differs from this sitrep's".to_string())
                        }
                        Ok(Some(p)) if p.schema != SCHEMA_VERSION => Some(format!(
                            "it has schema version {}, this sitrep uses {SCHEMA_VERSION}",
                            p.schema
                        )),
                        Ok(Some(_)) => None,
                        Ok(None) if docs == 0 => None,
                        Ok(None) => Some("it records no schema version".to_string()),
                        Err(e) => Some(format!("its commit record is unreadable ({e})")),
                    }
                }
            };
            if let Some(why) = why {
                std::fs::remove_dir_all(&path).map_err(|e| {
                    ierr(format!(
                        "cannot remove the outdated search index {}: {e}; remove it by hand",
                        path.display()
                    ))
                })?;
                notice = Some(format!(
                    "the search index at {} was wiped because {why}; it is rebuilt from the store",
                    path.display()
                ));
            }
        }
        std::fs::create_dir_all(&path).map_err(|e| {
            ierr(format!(
                "cannot create the search index at {}: {e}",
                path.display()
            ))
        })?;
        let index = if path.join("meta.json").exists() {
            Index::open_in_dir(&path).map_err(ierr)?
        } else {
            match Index::create_in_dir(&path, schema.clone()) {
                Ok(i) => i,
                // another process created it meanwhile
                Err(_) if path.join("meta.json").exists() => {
                    Index::open_in_dir(&path).map_err(ierr)?
                }
                Err(e) => return Err(ierr(e)),
            }
        };
        register_analyzers(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()
            .map_err(ierr)?;
        Ok(SearchIndex {
            path,
            index,
            reader,
            fields,
            write: Mutex::new(()),
            notice,
        })
    }

    /// Why `open` wiped an outdated index, if it did.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// The index directory (`DIR/index`).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Storage sequence number of the last article indexed (0 for none).
    pub fn indexed_seq(&self) -> Result<i64, SearchError> {
        Ok(read_payload(&self.index)?.map(|p| p.seq).unwrap_or(0))
    }

    /// Documents in the index (as of the last reload).
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Words of a field (`text`, `title`, `entity`...) whose document frequency is within
    /// `lo..=hi` (for benchmarks and diagnostics).
    pub fn vocabulary(&self, field: &str, lo: u64, hi: u64) -> Result<Vec<String>, SearchError> {
        let f = self
            .index
            .schema()
            .get_field(field)
            .map_err(|_| ierr(format!("no field '{field}' in the index")))?;
        let searcher = self.reader.searcher();
        let mut df: std::collections::HashMap<Vec<u8>, u64> = Default::default();
        for seg in searcher.segment_readers() {
            let inv = seg.inverted_index(f).map_err(ierr)?;
            let mut st = inv.terms().stream().map_err(ierr)?;
            while st.advance() {
                *df.entry(st.key().to_vec()).or_default() += st.value().doc_freq as u64;
            }
        }
        Ok(df
            .into_iter()
            .filter(|(_, n)| (lo..=hi).contains(n))
            .filter_map(|(k, _)| String::from_utf8(k).ok())
            .collect())
    }

    /// Index what the store holds beyond what the index covers (by storage sequence). Returns
    /// how many articles were indexed.
    pub fn catch_up(&self, store: &dyn Store) -> Result<usize, SearchError> {
        self.catch_up_with(store, &mut |_, _| {})
    }

    /// [`SearchIndex::catch_up`], calling `progress(done, total)` after each batch.
    pub fn catch_up_with(
        &self,
        store: &dyn Store,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<usize, SearchError> {
        if store.max_seq()? <= self.indexed_seq()? {
            // Another handle (another process, or the CLI's ingest inside `serve`) may have
            // indexed the rows: see its commit now rather than after the reload delay.
            self.reader.reload().map_err(ierr)?;
            return Ok(0);
        }
        self.fill(store, false, progress)
    }

    /// Wipe the index and index every stored article again. Returns how many were indexed.
    pub fn rebuild(
        &self,
        store: &dyn Store,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<usize, SearchError> {
        self.fill(store, true, progress)
    }

    /// Index (or re-index, replacing by id) these stored articles and commit.
    pub fn index_articles(&self, rows: &[StoredArticle]) -> Result<(), SearchError> {
        if rows.is_empty() {
            return Ok(());
        }
        let records: Vec<&Record> = rows.iter().map(|r| &r.record).collect();
        let _guard = self.write.lock().unwrap_or_else(|p| p.into_inner());
        let w = self.writer()?;
        let seq = self.indexed_seq()?;
        for r in records {
            w.delete_term(Term::from_field_text(self.fields.id, &r.id));
            w.add_document(document(&self.fields, r)).map_err(ierr)?;
        }
        self.commit(w, seq)
    }

    fn fill(
        &self,
        store: &dyn Store,
        from_scratch: bool,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<usize, SearchError> {
        let _guard = self.write.lock().unwrap_or_else(|p| p.into_inner());
        let mut w = self.writer()?;
        // Read under the lock: another process may have caught up meanwhile.
        let start = if from_scratch {
            w.delete_all_documents().map_err(ierr)?;
            0
        } else {
            self.indexed_seq()?
        };
        let max = store.max_seq()?;
        if max <= start && !from_scratch {
            return Ok(0);
        }
        let total = (max - start).max(0) as u64;
        // Articles already in the index (re-indexed by `index_articles` ahead of the sequence,
        // or indexed by a crashed run) are replaced, not doubled.
        let replace = !from_scratch && self.total_docs()? > 0;
        let mut seq = start;
        let mut done = 0usize;
        let mut since_commit = 0usize;
        loop {
            let batch = store.records_after(seq, BATCH)?;
            if batch.is_empty() {
                break;
            }
            let docs: Vec<(i64, String, TantivyDocument)> = batch
                .iter()
                .map(|(s, r)| (*s, r.id.clone(), document(&self.fields, r)))
                .collect();
            for (s, id, d) in docs {
                if replace {
                    w.delete_term(Term::from_field_text(self.fields.id, &id));
                }
                w.add_document(d).map_err(ierr)?;
                seq = s;
                done += 1;
                since_commit += 1;
            }
            progress(done as u64, total.max(done as u64));
            if since_commit >= COMMIT_EVERY {
                commit_payload(&mut w, seq)?;
                since_commit = 0;
            }
        }
        self.commit(w, seq)?;
        Ok(done)
    }

    fn total_docs(&self) -> Result<u64, SearchError> {
        Ok(self
            .index
            .searchable_segment_metas()
            .map_err(ierr)?
            .iter()
            .map(|m| m.num_docs() as u64)
            .sum())
    }

    fn commit(&self, mut w: IndexWriter, seq: i64) -> Result<(), SearchError> {
        commit_payload(&mut w, seq)?;
        w.wait_merging_threads().map_err(ierr)?;
        self.reader.reload().map_err(ierr)?;
        Ok(())
    }

    /// The writer, waiting (with backoff) while another process holds it.
    fn writer(&self) -> Result<IndexWriter, SearchError> {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 4);
        let started = Instant::now();
        let mut pause = Duration::from_millis(20);
        loop {
            match self
                .index
                .writer_with_num_threads(threads, threads * 64 * 1024 * 1024)
            {
                Ok(w) => return Ok(w),
                Err(TantivyError::LockFailure(LockError::LockBusy, _))
                    if started.elapsed() < LOCK_WAIT =>
                {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(500));
                }
                Err(TantivyError::LockFailure(LockError::LockBusy, _)) => {
                    return Err(ierr(format!(
                        "the search index at {} is being written by another process (waited {} s); try again when it is done",
                        self.path.display(),
                        LOCK_WAIT.as_secs()
                    )))
                }
                Err(e) => return Err(ierr(e)),
            }
        }
    }
}

fn commit_payload(w: &mut IndexWriter, seq: i64) -> Result<(), SearchError> {
    let payload = serde_json::to_string(&Payload {
        schema: SCHEMA_VERSION,
        seq,
    })
    .map_err(ierr)?;
    let mut c = w.prepare_commit().map_err(ierr)?;
    c.set_payload(&payload);
    c.commit().map_err(ierr)?;
    Ok(())
}

fn read_payload(index: &Index) -> Result<Option<Payload>, SearchError> {
    let metas = index.load_metas().map_err(ierr)?;
    match metas.payload {
        None => Ok(None),
        Some(p) => serde_json::from_str(&p)
            .map(Some)
            .map_err(|e| ierr(format!("unreadable commit payload '{p}': {e}"))),
    }
}
