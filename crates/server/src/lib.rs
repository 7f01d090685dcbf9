//! # sitrep-server
//!
//! The HTTP face of a store directory: a JSON API under `/api/v1/` (documented by an OpenAPI
//! document generated from the code, `/api/v1/openapi.json`) and a server-rendered web UI, both
//! served by the `sitrep serve` command from one binary with no other server.
//!
//! Reads go to SQLite through a small pool of connections on blocking threads (WAL lets them
//! read while a writer writes) and to the search index. Writes (ingest, story merge and split)
//! need the token given at start-up and are carried out by the [`Writes`] the CLI provides, so
//! that this crate does not depend on the ingest machinery.

pub mod api;
pub mod ui;
pub mod watch_feed;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde::Serialize;
use sitrep_search::SearchIndex;
use sitrep_store::SqliteStore;

/// Why a write failed, as the [`Writes`] implementation tells it.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The request is wrong (no such story, articles from another story, no article in the
    /// body); the message says what to fix. 400.
    #[error("{0}")]
    BadRequest(String),
    /// A named thing does not exist. 404.
    #[error("{0}")]
    NotFound(String),
    /// Another process holds the store's write lock. 409.
    #[error("{0}")]
    Busy(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Writes to the store, provided by the CLI (which owns ingest and linking). Each call is
/// blocking and runs on a blocking thread; the server runs one write at a time.
pub trait Writes: Send + Sync + 'static {
    /// Ingest the articles of a JSONL body (one JSON object per line, fields as for
    /// `sitrep ingest`), link them into copies and stories, store and index them. Returns the
    /// summary (as `sitrep ingest --json` prints it).
    fn ingest(&self, jsonl: &[u8]) -> Result<serde_json::Value, WriteError>;
    /// Merge story `from` into story `into`; returns the surviving story id.
    fn merge(&self, into: u32, from: u32) -> Result<u32, WriteError>;
    /// Move `articles` (full ids, all in `story`) into a new story; returns its id.
    fn split(&self, story: u32, articles: Vec<String>) -> Result<u32, WriteError>;
}

/// How the server runs.
pub struct ServerConfig {
    /// The store directory.
    pub dir: PathBuf,
    /// Token that writes must present (`Authorization: Bearer TOKEN`). `None`: writes refused.
    pub token: Option<String>,
    /// Largest request body accepted, in bytes (413 above).
    pub max_body_bytes: usize,
    /// Largest page a listing may ask for (400 above, never a silent cap).
    pub max_page: usize,
    /// Seconds a request may take before it is answered 503.
    pub timeout_s: u64,
    pub writes: Option<Arc<dyn Writes>>,
}

impl ServerConfig {
    pub fn new(dir: PathBuf) -> Self {
        ServerConfig {
            dir,
            token: None,
            max_body_bytes: 16 * 1024 * 1024,
            max_page: 500,
            timeout_s: 30,
            writes: None,
        }
    }
}

/// Shared state of all handlers.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    config: ServerConfig,
    pool: Mutex<Vec<SqliteStore>>,
    search: SearchIndex,
    /// One write at a time. Owned by the blocking task that writes, so that a request dropped
    /// mid-write (client gone) does not let the next write start before this one ends.
    write_lock: Arc<tokio::sync::Mutex<()>>,
}

impl AppState {
    /// Open the store and its search index (catching the index up with the store).
    pub fn new(config: ServerConfig) -> anyhow::Result<AppState> {
        let store = SqliteStore::open(&config.dir)?;
        let search = SearchIndex::open(&config.dir)?;
        search.catch_up(&store)?;
        Ok(AppState {
            inner: Arc::new(Inner {
                pool: Mutex::new(vec![store]),
                search,
                write_lock: Arc::new(tokio::sync::Mutex::new(())),
                config,
            }),
        })
    }

    pub fn config(&self) -> &ServerConfig {
        &self.inner.config
    }

    /// Run `f` with a pooled store connection and the search index on a blocking thread.
    pub async fn read<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&SqliteStore, &SearchIndex) -> Result<T, ApiError> + Send + 'static,
    {
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let store = state.inner.pool.lock().expect("pool lock").pop();
            let store = match store {
                Some(s) => s,
                None => SqliteStore::open(&state.inner.config.dir)
                    .map_err(|e| ApiError::internal(e.to_string()))?,
            };
            let out = f(&store, &state.inner.search);
            state.inner.pool.lock().expect("pool lock").push(store);
            out
        })
        .await
        .map_err(|e| ApiError::internal(format!("request task failed: {e}")))?
    }

    /// Run a write (after the token check, which the handler does) one at a time on a
    /// blocking thread, then bring the search index up to date.
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Writes) -> Result<T, WriteError> + Send + 'static,
    {
        let Some(w) = self.inner.config.writes.clone() else {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "this server was started without write support",
            ));
        };
        let guard = self.inner.write_lock.clone().lock_owned().await;
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let _guard = guard;
            let out = f(w.as_ref()).map_err(ApiError::from)?;
            let store = SqliteStore::open(&state.inner.config.dir)
                .map_err(|e| ApiError::internal(e.to_string()))?;
            state
                .inner
                .search
                .catch_up(&store)
                .map_err(|e| ApiError::internal(e.to_string()))?;
            Ok(out)
        })
        .await
        .map_err(|e| ApiError::internal(format!("write task failed: {e}")))?
    }
}

/// An error answered as JSON: `{"error": {"status": 400, "message": "..."}}`. The message
/// says what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
        }
    }
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }
}

impl From<WriteError> for ApiError {
    fn from(e: WriteError) -> Self {
        match e {
            WriteError::BadRequest(m) => ApiError::bad_request(m),
            WriteError::NotFound(m) => ApiError::not_found(m),
            WriteError::Busy(m) => ApiError::new(StatusCode::CONFLICT, m),
            WriteError::Internal(e) => ApiError::internal(format!("{e:#}")),
        }
    }
}

impl From<sitrep_store::StoreError> for ApiError {
    fn from(e: sitrep_store::StoreError) -> Self {
        ApiError::internal(e.to_string())
    }
}

impl From<sitrep_search::SearchError> for ApiError {
    fn from(e: sitrep_search::SearchError) -> Self {
        match e {
            sitrep_search::SearchError::Query { .. } => ApiError::bad_request(e.to_string()),
            other => ApiError::internal(other.to_string()),
        }
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorInner<'a>,
}

#[derive(Serialize)]
struct ErrorInner<'a> {
    status: u16,
    message: &'a str,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorInner {
                status: self.status.as_u16(),
                message: &self.message,
            },
        };
        (self.status, axum::Json(body)).into_response()
    }
}

/// The whole application: the API under `/api/v1` and the UI at `/`.
pub fn router(state: AppState) -> Router {
    let max_body = state.config().max_body_bytes;
    Router::new()
        .nest(api::PREFIX, api::router(&state))
        .merge(ui::router())
        .merge(watch_feed::router())
        .layer(axum::extract::DefaultBodyLimit::max(max_body))
        .with_state(state)
}

/// Serve on `addr` until Ctrl-C.
pub async fn serve(addr: SocketAddr, state: AppState) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        anyhow::anyhow!("cannot listen on {addr}: {e}; pick another with --addr HOST:PORT")
    })?;
    serve_on(listener, state).await
}

/// Serve on a bound listener until Ctrl-C.
pub async fn serve_on(listener: tokio::net::TcpListener, state: AppState) -> anyhow::Result<()> {
    let app = router(state);
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
