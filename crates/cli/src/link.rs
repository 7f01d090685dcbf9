//! The persisted corpus index of a store: copies and stories for `ingest`, `stories`, `story`.
//!
//! The store (SQLite) is the system of record: every article row keeps its `duplicate_of`,
//! its `story` and its linking features (`link`), committed in the same transaction as the
//! article; analyst decisions (merge, split) are logged in order in `decisions`. The index
//! itself ([`CorpusIndex`]) lives in memory and is saved as a snapshot, `corpus.idx` in the
//! store directory, at the end of each run (and every [`SNAPSHOT_EVERY`] articles), written to
//! a temporary file and renamed, so a crash leaves the previous snapshot whole.
//!
//! Opening replays whatever the snapshot does not cover: articles with a higher storage
//! sequence number and later decisions, in the order they were committed. Linking is
//! deterministic, so the replay gives the assignments already stored and the state one long
//! run would have (tested by killing an ingest). Without a snapshot, or when the `[dedup]` or
//! `[stories]` settings changed, the whole store is replayed from its stored features and the
//! stored links are corrected. One writer at a time: a lock file (`corpus.lock`) is held while
//! the index is open.

use std::collections::{BTreeSet, HashSet};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};
use sitrep_core::corpus::dedup::Signature;
use sitrep_core::corpus::link::{CorpusIndex, Prepared};
use sitrep_core::corpus::stories::StoryId;
use sitrep_core::{Article, Pipeline, PipelineConfig};
use sitrep_store::{Decision, Relink, SqliteStore, Store, StoredArticle, StoryHead, StoryQuery};

/// Save a snapshot after this many newly linked articles (and at the end of every run).
pub const SNAPSHOT_EVERY: usize = 20_000;
const MAGIC: &[u8] = b"sitrep corpus index v1\n";
const SNAPSHOT: &str = "corpus.idx";
const SETTINGS: &str = "corpus-settings.json";

/// The `[dedup]` and `[stories]` settings the store was last linked with.
#[derive(Serialize, Deserialize)]
struct Settings {
    dedup: sitrep_core::corpus::dedup::DedupConfig,
    stories: sitrep_core::corpus::stories::StoryConfig,
}

/// Write a file whole or not at all: temporary file, fsync, rename.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    let mut f = File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}

#[derive(Serialize, Deserialize)]
struct Snapshot {
    /// Articles with a storage sequence number up to this are in the index.
    seq: i64,
    /// Decisions up to this id are applied.
    decision: i64,
    index: CorpusIndex,
}

/// Take the store's write lock (`corpus.lock`), held until the file is dropped: one writer at a
/// time.
pub fn lock(dir: &Path) -> Result<File> {
    let lock_path = dir.join("corpus.lock");
    let lock = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .with_context(|| format!("cannot open {}", lock_path.display()))?;
    if lock.try_lock().is_err() {
        return Err(LockBusy(format!(
            "another sitrep process is writing to {} (it holds {}); wait for it to finish",
            dir.display(),
            lock_path.display()
        ))
        .into());
    }
    Ok(lock)
}

/// The store's write lock is held by another process (so that callers can tell it apart).
#[derive(Debug)]
pub struct LockBusy(pub String);

impl std::fmt::Display for LockBusy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LockBusy {}

/// A store's corpus index, open for linking (holds the store's write lock).
pub struct Linker {
    index: CorpusIndex,
    dir: PathBuf,
    seq: i64,
    decision: i64,
    since_snapshot: usize,
    _lock: File,
}

/// What opening found and did.
#[derive(Debug, Default, Clone, Serialize)]
pub struct OpenReport {
    /// Articles replayed into the index (not covered by the snapshot).
    pub replayed: usize,
    /// Stored links corrected by the replay (0 unless settings changed or a bug was fixed).
    pub corrected: usize,
    /// Why the whole store was re-linked, if it was.
    pub rebuilt: Option<String>,
}

impl Linker {
    /// Open the index of the store in `dir`, replaying what the snapshot misses. With a
    /// `config` (ingest), an index built with other `[dedup]`/`[stories]` settings is rebuilt,
    /// and the settings are kept in `corpus-settings.json`; without one (merge, split), the
    /// settings kept there are used (the defaults when there are none).
    pub fn open(
        store: &mut SqliteStore,
        dir: &Path,
        config: Option<&PipelineConfig>,
        quiet: bool,
    ) -> Result<(Linker, OpenReport)> {
        let lock = lock(dir)?;
        // The settings of the last ingest are kept beside the index, so that merge and split
        // (which take no --config) rebuild, when they must, the way that ingest would.
        let settings_path = dir.join(SETTINGS);
        let saved;
        let (config, strict) = match config {
            Some(c) => {
                let s = Settings {
                    dedup: c.dedup.clone(),
                    stories: c.stories.clone(),
                };
                write_atomic(&settings_path, serde_json::to_string_pretty(&s)?.as_bytes())?;
                (c, true)
            }
            None => {
                let mut c = PipelineConfig::default();
                let strict = match std::fs::read_to_string(&settings_path) {
                    Ok(text) => {
                        let s: Settings = serde_json::from_str(&text).with_context(|| {
                            format!(
                                "cannot read {}; delete it to use the defaults",
                                settings_path.display()
                            )
                        })?;
                        c.dedup = s.dedup;
                        c.stories = s.stories;
                        true
                    }
                    Err(_) => false,
                };
                saved = c;
                (&saved, strict)
            }
        };
        let mut report = OpenReport::default();
        let fresh = || CorpusIndex::new(&config.dedup, &config.stories);
        let (index, seq, decision) = match read_snapshot(&dir.join(SNAPSHOT)) {
            Ok(Some(s)) if !strict || s.index.same_settings(&config.dedup, &config.stories) => {
                (s.index, s.seq, s.decision)
            }
            Ok(Some(_)) => {
                report.rebuilt = Some("the [dedup] or [stories] settings changed".into());
                (fresh()?, 0, 0)
            }
            Ok(None) => (fresh()?, 0, 0),
            Err(e) => {
                report.rebuilt = Some(format!("the snapshot could not be read ({e:#})"));
                (fresh()?, 0, 0)
            }
        };
        let mut linker = Linker {
            index,
            dir: dir.to_path_buf(),
            seq,
            decision,
            since_snapshot: 0,
            _lock: lock,
        };
        let pipeline = Pipeline::new(config)?;
        linker.catch_up(store, &pipeline, quiet, &mut report)?;
        if report.replayed > 0 || report.rebuilt.is_some() {
            linker.save()?;
        }
        Ok((linker, report))
    }

    pub fn index(&self) -> &CorpusIndex {
        &self.index
    }

    /// Replay stored articles and decisions the index has not seen, in commit order, and
    /// correct stored links that differ.
    fn catch_up(
        &mut self,
        store: &mut SqliteStore,
        pipeline: &Pipeline,
        quiet: bool,
        report: &mut OpenReport,
    ) -> Result<()> {
        let max = store.max_seq()?;
        let decisions = store.decisions(self.decision)?;
        if max <= self.seq && decisions.is_empty() {
            return Ok(());
        }
        let full = self.seq == 0;
        let pb = if quiet || max - self.seq < 2_000 {
            ProgressBar::hidden()
        } else {
            let pb = ProgressBar::new((max - self.seq) as u64);
            pb.set_style(
                ProgressStyle::with_template(
                    "linking stored articles [{elapsed_precise}] [{wide_bar}] {pos}/{len} ({per_sec}, eta {eta})",
                )
                .expect("valid template"),
            );
            pb
        };
        let mut pending = decisions.into_iter().peekable();
        let mut touched_articles: BTreeSet<String> = BTreeSet::new();
        let mut touched_stories: BTreeSet<StoryId> = BTreeSet::new();
        let mut corrected = 0usize;
        let mut replayed = 0usize;
        let mut moves: Vec<Relink> = Vec::new();
        // Features computed now for articles stored without them, written back below.
        let mut fresh_links: std::collections::HashMap<String, Vec<u8>> = Default::default();
        let start = self.seq;
        let index = &mut self.index;
        let mut last_seq = start;
        let mut last_decision = self.decision;
        let mut failure: Option<anyhow::Error> = None;
        {
            let st: &SqliteStore = store;
            let mut apply_until = |seq: i64,
                                   index: &mut CorpusIndex,
                                   touched_a: &mut BTreeSet<String>,
                                   touched_s: &mut BTreeSet<StoryId>,
                                   last_decision: &mut i64| {
                while let Some(d) = pending.next_if(|d| d.after_seq < seq) {
                    for s in apply(index, &d.decision) {
                        touched_s.insert(s);
                        if let Some(story) = index.stories.story(s) {
                            touched_a.extend(story.articles.iter().cloned());
                        }
                    }
                    *last_decision = d.id;
                }
            };
            st.link_rows(start, &mut |row| {
                if failure.is_some() {
                    return Ok(());
                }
                apply_until(
                    row.seq,
                    index,
                    &mut touched_articles,
                    &mut touched_stories,
                    &mut last_decision,
                );
                let prepared = match row.link.as_deref().map(Prepared::from_bytes) {
                    Some(Ok(p)) => p,
                    // Stored before linking existed (or unreadable): annotate again from raw.
                    _ => match reannotate(st, pipeline, index, &row.id) {
                        Ok(p) => {
                            fresh_links.insert(row.id.clone(), p.to_bytes());
                            p
                        }
                        Err(e) => {
                            failure = Some(e);
                            return Ok(());
                        }
                    },
                };
                let sig = index.dedup.signature(&row.text);
                let l = index.add(&row.id, sig, prepared);
                if row.story != Some(l.story) || row.duplicate_of != l.duplicate_of {
                    corrected += 1;
                    touched_articles.insert(row.id.clone());
                    if let Some(s) = row.story {
                        touched_stories.insert(s);
                    }
                }
                if fresh_links.contains_key(&row.id) {
                    touched_articles.insert(row.id.clone()); // its features get written back
                }
                touched_stories.insert(l.story);
                replayed += 1;
                last_seq = row.seq;
                pb.inc(1);
                Ok(())
            })?;
            apply_until(
                i64::MAX,
                index,
                &mut touched_articles,
                &mut touched_stories,
                &mut last_decision,
            );
        }
        pb.finish_and_clear();
        if let Some(e) = failure {
            return Err(e);
        }
        for id in &touched_articles {
            if let Some(s) = self.index.stories.story_of(id) {
                moves.push(self.relink_of(id, s, fresh_links.remove(id)));
            }
        }
        if full {
            // Story ids of an earlier build that this one does not use are deleted.
            let (old, _) = store.stories(&StoryQuery::default())?;
            touched_stories.extend(old.iter().map(|s| s.id));
        }
        let heads = self.heads(&touched_stories);
        store.relink(&moves, &heads, None)?;
        self.seq = last_seq.max(self.seq);
        self.decision = last_decision;
        report.replayed += replayed;
        report.corrected += corrected;
        Ok(())
    }

    /// Link a batch of annotated articles (input order) into stored rows and the heads of the
    /// stories they touched. Call [`Linker::committed`] once the store has them.
    pub fn link_batch(
        &mut self,
        batch: Vec<(Article, (Signature, Prepared))>,
    ) -> (Vec<StoredArticle>, Vec<StoryHead>) {
        let mut touched = BTreeSet::new();
        let rows = batch
            .into_iter()
            .map(|(a, (sig, p))| {
                let link = p.to_bytes();
                let l = self.index.add(&a.id, sig, p);
                touched.insert(l.story);
                let mut row = StoredArticle::from_article(&a);
                row.record.duplicate_of = l.duplicate_of;
                row.record.story = Some(l.story);
                row.link = Some(link);
                row
            })
            .collect();
        (rows, self.heads(&touched))
    }

    /// `n` articles were linked by [`Linker::link_batch`] and sent to the store; true when a
    /// snapshot is due (call [`Linker::snapshot_at`] once the store has committed them).
    pub fn linked(&mut self, n: usize) -> bool {
        self.since_snapshot += n;
        self.since_snapshot >= SNAPSHOT_EVERY
    }

    /// The store has committed everything linked so far, up to sequence number `seq`: save.
    pub fn snapshot_at(&mut self, seq: i64) -> Result<()> {
        self.seq = seq;
        self.save()
    }

    /// Merge stories `into` and `from` (an analyst decision, logged and replayed); the older
    /// one keeps its id.
    pub fn merge(&mut self, store: &mut SqliteStore, into: u32, from: u32) -> Result<StoryId> {
        if into == from {
            bail!("a story cannot be merged with itself");
        }
        let rep = |s: u32| -> Result<String> {
            self.index
                .stories
                .story(s)
                .and_then(|st| st.articles.first().cloned())
                .with_context(|| format!("no story {s}; `sitrep stories` lists them"))
        };
        let d = Decision::Merge {
            into: rep(into)?,
            from: rep(from)?,
        };
        self.decide(store, d)
    }

    /// Move `articles` (all in story `story`) into one new story.
    pub fn split(
        &mut self,
        store: &mut SqliteStore,
        story: u32,
        articles: Vec<String>,
    ) -> Result<StoryId> {
        let members: HashSet<&String> = match self.index.stories.story(story) {
            Some(s) if !s.articles.is_empty() => s.articles.iter().collect(),
            _ => bail!("no story {story}; `sitrep stories` lists them"),
        };
        for a in &articles {
            if !members.contains(a) {
                bail!("article {a} is not in story {story}; `sitrep story {story}` lists its articles");
            }
        }
        if articles.len() == members.len() {
            bail!("splitting out every article of story {story} would leave it empty; name only the articles to move");
        }
        self.decide(store, Decision::Split { articles })
    }

    fn decide(&mut self, store: &mut SqliteStore, d: Decision) -> Result<StoryId> {
        let affected = apply(&mut self.index, &d);
        let target = *affected.last().context("the decision changed nothing")?;
        let mut moves = Vec::new();
        for &s in &affected {
            if let Some(st) = self.index.stories.story(s) {
                for id in &st.articles {
                    moves.push(self.relink_of(id, s, None));
                }
            }
        }
        let heads = self.heads(&affected.iter().copied().collect());
        store.relink(&moves, &heads, Some(&d))?;
        if let Some(last) = store.decisions(self.decision)?.last() {
            self.decision = last.id;
        }
        self.save()?;
        Ok(target)
    }

    /// The stored form of an article's current links.
    fn relink_of(&self, id: &str, story: StoryId, link: Option<Vec<u8>>) -> Relink {
        Relink {
            id: id.to_string(),
            duplicate_of: self
                .index
                .dedup
                .duplicate_of(id)
                .flatten()
                .map(str::to_string),
            story,
            link,
        }
    }

    fn heads(&self, stories: &BTreeSet<StoryId>) -> Vec<StoryHead> {
        let fmt = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
        stories
            .iter()
            .map(|&s| match self.index.stories.story(s) {
                Some(st) => StoryHead {
                    id: s,
                    headline: st.headline.clone(),
                    first: fmt(st.first),
                    last: fmt(st.last),
                },
                None => StoryHead {
                    id: s,
                    headline: String::new(),
                    first: None,
                    last: None,
                },
            })
            .collect()
    }

    /// End of a run, everything committed up to `seq`: save the snapshot if anything was
    /// linked since the last one.
    pub fn finish(&mut self, seq: i64) -> Result<()> {
        if self.since_snapshot > 0 {
            self.snapshot_at(seq)?;
        }
        Ok(())
    }

    /// Write the snapshot: temporary file, fsync, rename.
    pub fn save(&mut self) -> Result<()> {
        let snap = SnapshotRef {
            seq: self.seq,
            decision: self.decision,
            index: &self.index,
        };
        let bytes = postcard::to_stdvec(&snap).context("cannot serialise the corpus index")?;
        let mut all = Vec::with_capacity(MAGIC.len() + bytes.len());
        all.extend_from_slice(MAGIC);
        all.extend_from_slice(&bytes);
        write_atomic(&self.dir.join(SNAPSHOT), &all)?;
        self.since_snapshot = 0;
        Ok(())
    }
}

#[derive(Serialize)]
struct SnapshotRef<'a> {
    seq: i64,
    decision: i64,
    index: &'a CorpusIndex,
}

fn read_snapshot(path: &Path) -> Result<Option<Snapshot>> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let Some(body) = bytes.strip_prefix(MAGIC) else {
        bail!("{} is not a sitrep corpus index", path.display());
    };
    Ok(Some(postcard::from_bytes(body)?))
}

/// Apply a decision to the index; returns the stories it touched, the resulting one last.
fn apply(index: &mut CorpusIndex, d: &Decision) -> Vec<StoryId> {
    match d {
        Decision::Merge { into, from } => {
            let (Some(a), Some(b)) = (index.stories.story_of(into), index.stories.story_of(from))
            else {
                return Vec::new();
            };
            if a == b {
                return vec![a];
            }
            match index.stories.merge(a, b) {
                Some(s) => vec![a, b, s],
                None => Vec::new(),
            }
        }
        Decision::Split { articles } => {
            let Some(old) = articles.first().and_then(|a| index.stories.story_of(a)) else {
                return Vec::new();
            };
            let ids: Vec<&str> = articles.iter().map(String::as_str).collect();
            match index.stories.split_out(&ids) {
                Some(s) => vec![old, s],
                None => vec![old],
            }
        }
    }
}

/// Features of an article stored without them: annotate its raw text again.
fn reannotate(
    store: &SqliteStore,
    pipeline: &Pipeline,
    index: &CorpusIndex,
    id: &str,
) -> Result<Prepared> {
    let a = store
        .get(id)?
        .with_context(|| format!("article {id} vanished from the store"))?;
    let mut art = crate::reannotate::article_of(a);
    pipeline.run(&mut art);
    Ok(index.prepare(&art).1)
}
