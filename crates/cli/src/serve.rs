//! `sitrep serve`: the web UI and the JSON API over a store directory, and the writes the API
//! may make (ingest, story merge and split), which go through the same code as the commands.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use sitrep_server::{AppState, ServerConfig, WriteError, Writes};
use sitrep_store::{SqliteStore, Store, StoryQuery};

use crate::link::{Linker, LockBusy};
use crate::PipelineArgs;

/// Writes made through the API, with the pipeline settings `serve` was started with.
pub struct CliWrites {
    pub dir: PathBuf,
    pub config: Option<PathBuf>,
    pub assume_date: Option<String>,
    pub max_doc_bytes: usize,
}

fn classify(e: anyhow::Error) -> WriteError {
    match e.downcast_ref::<LockBusy>() {
        Some(b) => WriteError::Busy(b.0.clone()),
        None => WriteError::Internal(e),
    }
}

fn open(dir: &Path) -> Result<SqliteStore, WriteError> {
    SqliteStore::open(dir).map_err(|e| WriteError::Internal(e.into()))
}

impl Writes for CliWrites {
    fn ingest(&self, jsonl: &[u8]) -> Result<serde_json::Value, WriteError> {
        // The body goes through the same reader as `sitrep ingest FILE.jsonl`: field detection,
        // per-document errors and size limits are the same.
        let tmp = tempfile::Builder::new()
            .prefix("upload-")
            .suffix(".jsonl")
            .tempfile_in(&self.dir)
            .map_err(|e| WriteError::Internal(e.into()))?;
        std::fs::write(tmp.path(), jsonl).map_err(|e| WriteError::Internal(e.into()))?;
        let args = PipelineArgs {
            inputs: vec![tmp.path().to_path_buf()],
            fields: Vec::new(),
            config: self.config.clone(),
            assume_date: self.assume_date.clone(),
            max_doc_bytes: self.max_doc_bytes,
            batch: 256,
            threads: None,
            quiet: true,
            errors: None,
        };
        let out = crate::ingest::ingest(&args, &self.dir).map_err(classify)?;
        let mut v = out.to_json(&self.dir);
        // The temporary file's name means nothing to the client.
        if let Some(errors) = v.get_mut("errors").and_then(|e| e.as_array_mut()) {
            for e in errors {
                if let Some(o) = e.as_object_mut() {
                    o.remove("path");
                }
            }
        }
        Ok(v)
    }

    fn merge(&self, into: u32, from: u32) -> Result<u32, WriteError> {
        let mut st = open(&self.dir)?;
        for s in [into, from] {
            if st
                .story(s)
                .map_err(|e| WriteError::Internal(e.into()))?
                .is_none()
            {
                return Err(WriteError::NotFound(format!(
                    "no story {s}; GET /api/v1/stories lists them"
                )));
            }
        }
        if into == from {
            return Err(WriteError::BadRequest(
                "a story cannot be merged with itself; give two different stories".into(),
            ));
        }
        let (mut linker, _) = Linker::open(&mut st, &self.dir, None, true).map_err(classify)?;
        let kept = linker.merge(&mut st, into, from).map_err(classify)?;
        // Articles that an earlier split set apart from the other story stay where they are
        // (decisions are replayed in order). Say so rather than answer a silent no-op.
        let gone = into.max(from);
        let left = st
            .story(gone)
            .map_err(|e| WriteError::Internal(e.into()))?
            .map_or(0, |(s, _)| s.articles);
        if left > 0 && gone != kept {
            return Err(WriteError::BadRequest(format!(
                "{left} article(s) of story {gone} stayed apart from story {kept}: an earlier split \
                 decision keeps them apart (GET /api/v1/stories/{gone} lists them)"
            )));
        }
        Ok(kept)
    }

    fn split(&self, story: u32, articles: Vec<String>) -> Result<u32, WriteError> {
        let mut st = open(&self.dir)?;
        let Some((_, members)) = st
            .story(story)
            .map_err(|e| WriteError::Internal(e.into()))?
        else {
            return Err(WriteError::NotFound(format!(
                "no story {story}; GET /api/v1/stories lists them"
            )));
        };
        if articles.is_empty() {
            return Err(WriteError::BadRequest(
                "name at least one article to split out in \"articles\"".into(),
            ));
        }
        for a in &articles {
            if !members.iter().any(|m| &m.article.id == a) {
                return Err(WriteError::BadRequest(format!(
                    "article {a} is not in story {story}; GET /api/v1/stories/{story} lists its articles"
                )));
            }
        }
        if articles.len() >= members.len() {
            return Err(WriteError::BadRequest(format!(
                "splitting out every article of story {story} would leave it empty; name only the articles to move"
            )));
        }
        let (mut linker, _) = Linker::open(&mut st, &self.dir, None, true).map_err(classify)?;
        linker.split(&mut st, story, articles).map_err(classify)
    }
}

/// Start the server (blocking until Ctrl-C).
pub fn run(addr: SocketAddr, config: ServerConfig) -> Result<()> {
    let dir = config.dir.clone();
    let writes = config.token.is_some();
    let st = SqliteStore::open(&dir)?;
    // Opening the server catches the search index up with the store; say so when that is
    // more than a moment's work (a store ingested by an older sitrep, say).
    let behind = st.max_seq()? - sitrep_search::SearchIndex::open(&dir)?.indexed_seq()?;
    if behind > 1000 {
        eprintln!("sitrep: indexing up to {behind} stored articles for search before serving…");
    }
    let state = AppState::new(config)
        .with_context(|| format!("cannot open the store at {}", dir.display()))?;
    let articles = st.stats()?.articles;
    let stories = st
        .stories(&StoryQuery {
            limit: 1,
            ..Default::default()
        })?
        .1;
    let listener = std::net::TcpListener::bind(addr).with_context(|| {
        format!("cannot listen on {addr}; pick another address with --addr HOST:PORT")
    })?;
    listener.set_nonblocking(true)?;
    let bound = listener.local_addr()?;
    let host = if bound.ip().is_unspecified() {
        format!("127.0.0.1:{}", bound.port())
    } else {
        bound.to_string()
    };
    eprintln!(
        "sitrep: serving {articles} articles in {stories} stories from {} at http://{host}/ \
         (API: http://{host}/api/v1/, OpenAPI: http://{host}/api/v1/openapi.json; writes {}). \
         Ctrl-C stops.",
        dir.display(),
        if writes {
            "need the token"
        } else {
            "disabled: start with --token or SITREP_TOKEN to allow them"
        }
    );
    if !bound.ip().is_loopback() {
        eprintln!(
            "warning: {bound} is reachable from other machines and reads need no token; \
             use a loopback address (127.0.0.1) unless you mean it"
        );
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the server's runtime")?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        sitrep_server::serve_on(listener, state).await
    })
}

/// Whether a token is acceptable: long enough not to be guessed.
pub fn check_token(t: &str) -> Result<()> {
    if t.trim().len() < 8 {
        anyhow::bail!(
            "the write token must be at least 8 characters; pick a longer --token / SITREP_TOKEN"
        );
    }
    Ok(())
}

pub fn writes(
    dir: &Path,
    config: Option<PathBuf>,
    assume_date: Option<String>,
    max_doc_bytes: usize,
) -> Arc<dyn Writes> {
    Arc::new(CliWrites {
        dir: dir.to_path_buf(),
        config,
        assume_date,
        max_doc_bytes,
    })
}
