//! `sitrep watch add|list|remove`, `sitrep alerts`, `sitrep digest`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Result};
use clap::{Args, Subcommand};

use crate::StoreArgs;

#[derive(Subcommand, Debug)]
pub enum WatchAction {
    /// Save a watch: NAME and a QUERY in the search query language (see `sitrep search`).
    Add {
        name: String,
        query: String,
        /// POST each alert as JSON to this URL (retried with backoff until delivered).
        #[arg(long, value_name = "URL")]
        webhook: Option<String>,
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        json: bool,
    },
    /// The watches, with their alert counts and undelivered alerts.
    List {
        #[command(flatten)]
        store: StoreArgs,
        #[arg(long)]
        json: bool,
    },
    /// Delete a watch and its alerts.
    Remove {
        name: String,
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Args, Debug)]
pub struct AlertsArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Only this watch's alerts.
    #[arg(long)]
    pub watch: Option<String>,
    /// Only alerts not delivered yet.
    #[arg(long)]
    pub pending: bool,
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct DigestArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Only this watch.
    #[arg(long)]
    pub watch: Option<String>,
    /// The day (UTC), YYYY-MM-DD; default today.
    #[arg(long)]
    pub date: Option<String>,
    /// Write the digest to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[arg(long)]
    pub json: bool,
}

pub fn manage(action: WatchAction) -> Result<ExitCode> {
    let _ = action;
    bail!("sitrep watch: not written yet")
}

pub fn alerts(args: AlertsArgs) -> Result<ExitCode> {
    let _ = args;
    bail!("sitrep alerts: not written yet")
}

pub fn digest(args: DigestArgs) -> Result<ExitCode> {
    let _ = args;
    bail!("sitrep digest: not written yet")
}
