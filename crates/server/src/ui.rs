//! The web UI. SKELETON: the UI helper fills this in.

use axum::routing::get;
use axum::Router;
use maud::{html, Markup};

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(index))
}

async fn index() -> Markup {
    html! { h1 { "sitrep" } }
}
