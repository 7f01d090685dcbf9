//! The JSON API under `/api/v1/`. SKELETON: the API helper fills this in.

use axum::routing::get;
use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/health", get(|| async { "ok" }))
}
