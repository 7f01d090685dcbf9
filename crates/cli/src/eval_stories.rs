//! `sitrep eval stories`: story clustering scored on ECB+ dev, through the code path of
//! `sitrep process` (reader, pipeline, copy detection and the online story index, default
//! settings, file order). Gold is the `subtopic` field; the topic label is not used by the
//! method, only by the "whole topic as one story" reference line.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use serde::Serialize;
use sitrep_core::corpus::stories::metrics::{score, Scores};
use sitrep_core::PipelineConfig;

use crate::PipelineArgs;

#[derive(Debug, Serialize)]
pub struct Report {
    pub data: String,
    pub n_docs: usize,
    pub n_gold_stories: usize,
    pub n_predicted_stories: usize,
    /// Articles `process` marked as copies.
    pub copies: usize,
    pub sitrep: Scores,
    /// Reference: every topic as one story (uses the topic label).
    pub whole_topic: Scores,
    pub seconds: f64,
}

/// Run `process` over `path` and score its `story` field against `subtopic`.
pub fn run(path: &Path) -> Result<Report> {
    let mut gold: HashMap<String, (String, String)> = HashMap::new();
    let f = std::fs::File::open(path).with_context(|| {
        format!(
            "cannot open {}; set SITREP_SHARED to the folder holding data/clustering",
            path.display()
        )
    })?;
    for (n, line) in BufReader::new(f).lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&line)
            .with_context(|| format!("{}:{}: not JSON", path.display(), n + 1))?;
        let field = |k: &str| {
            v.get(k).map(|x| match x {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
        };
        let (Some(id), Some(sub), Some(topic)) =
            (field("doc_id"), field("subtopic"), field("topic"))
        else {
            bail!(
                "{}:{}: needs doc_id, topic and subtopic fields",
                path.display(),
                n + 1
            );
        };
        gold.insert(id, (topic, sub));
    }
    let args = PipelineArgs {
        inputs: vec![PathBuf::from(path)],
        fields: Vec::new(),
        config: None,
        assume_date: None,
        max_doc_bytes: 8 * 1024 * 1024,
        batch: 256,
        threads: None,
        quiet: true,
        errors: None,
    };
    let t0 = Instant::now();
    let mut ids = Vec::new();
    let mut pred = Vec::new();
    let mut copies = 0;
    let summary = crate::commands::process_linked(&args, &PipelineConfig::default(), &mut |rec| {
        copies += usize::from(rec.duplicate_of.is_some());
        ids.push(rec.id);
        pred.push(rec.story.unwrap_or(u32::MAX));
        Ok(())
    })?;
    if summary.failed > 0 {
        bail!("{} documents failed to process", summary.failed);
    }
    let mut g_sub = Vec::with_capacity(ids.len());
    let mut g_topic = Vec::with_capacity(ids.len());
    for id in &ids {
        let (t, s) = gold
            .get(id)
            .with_context(|| format!("processed article {id} has no gold label"))?;
        g_topic.push(t.as_str());
        g_sub.push(s.as_str());
    }
    Ok(Report {
        data: path.display().to_string(),
        n_docs: ids.len(),
        n_gold_stories: g_sub.iter().collect::<std::collections::HashSet<_>>().len(),
        n_predicted_stories: pred.iter().collect::<std::collections::HashSet<_>>().len(),
        copies,
        sitrep: score(&g_sub, &pred),
        whole_topic: score(&g_sub, &g_topic),
        seconds: t0.elapsed().as_secs_f64(),
    })
}

pub fn table(r: &Report) -> String {
    let row = |name: &str, s: &Scores| {
        format!(
            "{name:<22} {:>7.4} {:>7.4} {:>7.4} {:>9.4} {:>7.4} {:>8}\n",
            s.bcubed.p, s.bcubed.r, s.bcubed.f1, s.pairwise.f1, s.ari, s.n_clusters
        )
    };
    let mut out = format!(
        "Story clustering on {} ({} documents, {} gold stories, {} copies found, {:.1}s)\n",
        r.data, r.n_docs, r.n_gold_stories, r.copies, r.seconds
    );
    out += &format!(
        "{:<22} {:>7} {:>7} {:>7} {:>9} {:>7} {:>8}\n",
        "", "B3 P", "B3 R", "B3 F1", "pair F1", "ARI", "stories"
    );
    out += &row("sitrep (process)", &r.sitrep);
    out += &row("whole topic as story", &r.whole_topic);
    out
}
