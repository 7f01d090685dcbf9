//! Serve a store directory read-only, for working on the UI and the API without the CLI:
//!
//! ```sh
//! cargo run -p sitrep -- ingest examples/corpus --store /tmp/uistore
//! cargo run -p sitrep-server --example serve_dir -- /tmp/uistore 127.0.0.1:8080
//! ```
//!
//! `sitrep serve` is the real command (with writes and a token).

use std::net::SocketAddr;
use std::path::PathBuf;

use sitrep_server::{serve, AppState, ServerConfig};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(dir), addr) = (args.next(), args.next()) else {
        anyhow::bail!("usage: serve_dir STORE_DIR [ADDR (default 127.0.0.1:8080)]");
    };
    let addr: SocketAddr = addr.as_deref().unwrap_or("127.0.0.1:8080").parse()?;
    let state = AppState::new(ServerConfig::new(PathBuf::from(dir)))?;
    eprintln!("serving on http://{addr}/ (Ctrl-C stops)");
    serve(addr, state).await
}
