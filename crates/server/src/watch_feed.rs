//! `GET /watches/{name}/atom.xml`: a watch's alerts as an Atom feed (`sitrep-monitor`'s
//! [`atom_feed`]), newest first, the latest [`FEED_ENTRIES`]. Links point back at this
//! server (the request's `Host`). An unknown watch answers 404 in plain text.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sitrep_monitor::atom::atom_feed;
use sitrep_monitor::watch::Alert;

use crate::{ApiError, AppState};

/// Alerts in a feed.
pub const FEED_ENTRIES: usize = 100;

pub fn router() -> Router<AppState> {
    Router::new().route("/watches/{name}/atom.xml", get(feed))
}

async fn feed(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost")
        .to_string();
    let base = format!("http://{host}");
    let wanted = name.clone();
    let out = state
        .read(move |store, _| {
            let Some(w) = store.watch(&wanted)? else {
                return Ok(None);
            };
            let alerts: Vec<Alert> = store
                .alerts(Some(w.id), false, FEED_ENTRIES)?
                .iter()
                .filter_map(|r| serde_json::from_str(&r.payload).ok())
                .collect();
            Ok::<_, ApiError>(Some(atom_feed(&w, &alerts, &base)))
        })
        .await;
    match out {
        Ok(Some(xml)) => (
            [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
            xml,
        )
            .into_response(),
        Ok(None) => (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("no watch named '{name}'; `sitrep watch list` shows the watches\n"),
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}
