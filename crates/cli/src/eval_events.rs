//! `sitrep eval events ...`: event coding scored on the gold sets under
//! `<shared>/data/events/`, and the pipeline's speed with the events stage on. The scoring
//! lives in `sitrep_core::eval::events`; this module finds the files, runs it and prints.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use clap::Subcommand;
use serde::Serialize;
use sitrep_core::eval::events::{self as ev, ClassRow, Confusion, Prf};
use sitrep_core::eval::shared_file;
use sitrep_core::events::petrdict::PetrDict;
use sitrep_core::{Article, Pipeline, PipelineConfig};
use sitrep_ingest::{Reader, ReaderConfig};

#[derive(Subcommand, Debug)]
pub enum EventsWhat {
    /// CAMEO triples (source country, target country, CAMEO root) on the PETR2 gold standard
    /// (78 sentences): precision, recall, F1, and the false-positive rate on its `noevents`
    /// sentences.
    Petr2 {
        /// Another file in the same JSONL format (default: en_petr2_gsr_cameo.jsonl).
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
        #[arg(long)]
        json: bool,
        /// Also list each sentence's missed and extra triples.
        #[arg(long, short, alias = "errors")]
        verbose: bool,
        /// Code with the dictionary alone: the trained typer never overrules it.
        #[arg(long)]
        rules_only: bool,
    },
    /// PLOVER type accuracy on the PLOVER gold records (322), with coverage and actor codes.
    Plover {
        /// Another file in the same JSONL format (default: en_plover_gsr_v0.5b1.jsonl).
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
        #[arg(long)]
        json: bool,
        /// Also the confusion matrix and each wrong record.
        #[arg(long, short, alias = "errors")]
        verbose: bool,
        /// Code with the dictionary alone: the trained typer never overrules it.
        #[arg(long)]
        rules_only: bool,
    },
    /// PETRARCH's unit tests with its fictional actor and agent dictionaries: pass rate
    /// overall and by the behaviour tested.
    PetrUnit {
        /// Another file in the same JSONL format (default: en_petr_unittest_cameo_fictional.jsonl).
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
        /// PETRARCH actor dictionary (default: PETR.Validate.actors.txt).
        #[arg(long, value_name = "FILE")]
        actors: Option<PathBuf>,
        /// PETRARCH agent dictionary (default: PETR.Validate.agents.txt).
        #[arg(long, value_name = "FILE")]
        agents: Option<PathBuf>,
        #[arg(long)]
        json: bool,
        /// Also list every failing test with its gold and our triples.
        #[arg(long, short, alias = "errors")]
        verbose: bool,
    },
    /// PLV train (1,050 sentences with marked source and target): the type `code_pair` gives
    /// against the gold PLOVER 2019 label, no training.
    Plv {
        /// Another TSV with the columns sentence_id, marked_sentence and gold_root
        /// (default: PLV_train.tsv).
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
        #[arg(long)]
        json: bool,
        /// Also the per-class table and the confusion matrix.
        #[arg(long, short, alias = "errors")]
        verbose: bool,
    },
    /// Sentences per second of the whole pipeline (events included) on one thread, and of the
    /// events stage alone, over the first N articles of the news corpus.
    Speed {
        /// JSONL news file (default: the realtimeqa corpus under the shared folder).
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
        /// Articles to run.
        #[arg(long, default_value_t = 2000)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
}

fn data_file(given: Option<PathBuf>, rel: &str) -> Result<PathBuf> {
    match given {
        Some(p) if p.exists() => Ok(p),
        Some(p) => bail!("{} not found", p.display()),
        None => shared_file(rel).map_err(|e| anyhow!(e)),
    }
}

fn print_json<T: Serialize>(v: &T) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

fn pipeline() -> Result<Pipeline> {
    pipeline_with(false)
}

fn pipeline_with(rules_only: bool) -> Result<Pipeline> {
    let mut config = PipelineConfig::default();
    config.events.typer = !rules_only;
    Pipeline::new(&config).context("cannot build the pipeline")
}

pub fn run(what: EventsWhat) -> Result<ExitCode> {
    match what {
        EventsWhat::Petr2 {
            file,
            json,
            verbose,
            rules_only,
        } => {
            let path = data_file(file, ev::PETR2_FILE)?;
            let mut rep =
                ev::run_petr2(&path, &pipeline_with(rules_only)?).map_err(|e| anyhow!(e))?;
            if !verbose {
                rep.errors.clear();
                for row in &mut rep.per_root {
                    row.missed.clear();
                    row.extra.clear();
                }
            }
            if json {
                print_json(&rep)?;
            } else {
                print!("{}", petr2_table(&rep, verbose));
            }
        }
        EventsWhat::Plover {
            file,
            json,
            verbose,
            rules_only,
        } => {
            let path = data_file(file, ev::PLOVER_FILE)?;
            let mut rep =
                ev::run_plover(&path, &pipeline_with(rules_only)?).map_err(|e| anyhow!(e))?;
            if !verbose {
                rep.errors.clear();
            }
            if json {
                print_json(&rep)?;
            } else {
                print!("{}", plover_table(&rep, verbose));
            }
        }
        EventsWhat::PetrUnit {
            file,
            actors,
            agents,
            json,
            verbose,
        } => {
            let path = data_file(file, ev::PETR_UNIT_FILE)?;
            let actors = data_file(actors, ev::PETR_ACTORS_FILE)?;
            let agents = data_file(agents, ev::PETR_AGENTS_FILE)?;
            let read = |p: &Path| {
                std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))
            };
            let dict =
                PetrDict::parse(&read(&actors)?, &read(&agents)?).map_err(|e| anyhow!("{e}"))?;
            let codes = match shared_file(ev::CAMEO_CODES_FILE) {
                Ok(p) => ev::parse_cameo_codes(&read(&p)?),
                Err(_) => Default::default(),
            };
            let mut rep = ev::run_petr_unit(&path, &dict, &codes).map_err(|e| anyhow!(e))?;
            rep.actors = actors.display().to_string();
            rep.agents = agents.display().to_string();
            if !verbose {
                rep.results.clear();
            }
            if json {
                print_json(&rep)?;
            } else {
                print!("{}", petr_unit_table(&rep, verbose));
            }
        }
        EventsWhat::Plv {
            file,
            json,
            verbose,
        } => {
            let path = data_file(file, ev::PLV_FILE)?;
            let mut rep = ev::run_plv(&path, &pipeline()?).map_err(|e| anyhow!(e))?;
            if !verbose {
                rep.errors.clear();
            }
            if json {
                print_json(&rep)?;
            } else {
                print!("{}", plv_table(&rep, verbose));
            }
        }
        EventsWhat::Speed { file, limit, json } => {
            let path = data_file(file, ev::NEWS_FILE)?;
            let rep = speed(&path, limit)?;
            if json {
                print_json(&rep)?;
            } else {
                print!("{}", speed_table(&rep));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn prf_line(name: &str, p: &Prf) -> String {
    format!(
        "{name:<34} P {:.3}  R {:.3}  F1 {:.3}  (tp {}, fp {}, fn {})\n",
        p.precision, p.recall, p.f1, p.tp, p.fp, p.fn_
    )
}

fn petr2_table(r: &ev::Petr2Report, verbose: bool) -> String {
    let mut out = format!(
        "PETR2 GSR: {} sentences ({} noevents), {} gold triples, {} of ours from {} events, {:.1}s\n",
        r.n_sentences,
        r.n_noevent_sentences,
        r.n_gold_triples,
        r.n_pred_triples,
        r.n_events,
        r.seconds
    );
    out += &prf_line("(source, target, root)", &r.triples);
    out += &prf_line("the same without root 01", &r.triples_without_01);
    out += &format!(
        "noevents sentences with an event: {} of {} ({:.3})\n",
        r.noevents_with_events, r.n_noevent_sentences, r.noevents_fp_rate
    );
    if !r.events_by_status.is_empty() {
        let s: Vec<String> = r
            .events_by_status
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        out += &format!("our events by status: {}\n", s.join(", "));
    }
    if verbose {
        out +=
            "\nby CAMEO root, with the triples missed and the extra ones (sentence id: triple):\n";
        for row in &r.per_root {
            let p = &row.prf;
            out += &format!(
                "root {}  tp {}  fp {}  fn {}  P {:.2}  R {:.2}  F1 {:.2}\n",
                row.root, p.tp, p.fp, p.fn_, p.precision, p.recall, p.f1
            );
            for m in &row.missed {
                out += &format!("    missed  {m}\n");
            }
            for x in &row.extra {
                out += &format!("    extra   {x}\n");
            }
        }
    }
    out
}

fn class_table(rows: &[ClassRow]) -> String {
    let mut out = format!(
        "{:<10} {:>5} {:>5} {:>5} {:>6} {:>6} {:>6}\n",
        "class", "gold", "ours", "right", "P", "R", "F1"
    );
    for r in rows {
        out += &format!(
            "{:<10} {:>5} {:>5} {:>5} {:>6.3} {:>6.3} {:>6.3}\n",
            r.label, r.support, r.predicted, r.correct, r.precision, r.recall, r.f1
        );
    }
    out
}

fn confusion_block(c: &Confusion) -> String {
    format!(
        "\nconfusion (rows gold, columns ours; NONE = no event):\n{}",
        c.table()
    )
}

fn plover_table(r: &ev::PloverReport, verbose: bool) -> String {
    let mut out = format!(
        "PLOVER gold records: {} records, {:.1}s\n",
        r.n_records, r.seconds
    );
    for (old, (new, n)) in &r.relabelled {
        out += &format!("  gold {old} scored as {new} ({n} records)\n");
    }
    out += &format!(
        "type accuracy {:.3} ({} of {}; no event = wrong), macro-F1 {:.3}\n",
        r.accuracy, r.correct, r.n_records, r.macro_f1
    );
    out += &format!(
        "coverage {:.3} ({} records with an event; accuracy on those {:.3}); trigger matched the gold words in {}\n",
        r.coverage, r.covered, r.accuracy_covered, r.trigger_matched
    );
    for (name, a) in [("actor", &r.actor_codes), ("recipient", &r.recipient_codes)] {
        out += &format!(
            "{name} codes found: {} of {} gold codes ({:.3}) in {} records\n",
            a.found, a.gold_codes, a.accuracy, a.records
        );
    }
    if verbose {
        out.push('\n');
        out += &class_table(&r.per_type);
        out += &confusion_block(&r.confusion);
        out += "\nwrong records (id: gold / ours [all our types]):\n";
        for e in &r.errors {
            out += &format!("{}: {} / {} [{}]\n", e.id, e.gold, e.ours, e.all.join(" "));
        }
    }
    out
}

fn petr_unit_table(r: &ev::PetrUnitReport, verbose: bool) -> String {
    let mut out = format!(
        "PETRARCH unit tests: {} records, {:.1}s\n",
        r.overall.n, r.seconds
    );
    out += &format!(
        "exact pass {} ({:.3}); lenient (CAMEO root) {} ({:.3}); gold triples found {} of {} ({:.3})\n",
        r.overall.pass,
        r.overall.pass_rate,
        r.overall.lenient,
        r.overall.lenient_rate,
        r.gold_found,
        r.n_gold_triples,
        r.gold_found_share
    );
    out += &format!(
        "records whose gold codes are all real CAMEO codes: {}, exact pass {} ({:.3})\n\n",
        r.real_codes.n, r.real_codes.pass, r.real_codes.pass_rate
    );
    out += &format!(
        "{:<9} {:>4} {:>5} {:>6} {:>8}  tests\n",
        "group", "n", "pass", "rate", "lenient"
    );
    for g in &r.by_group {
        out += &format!(
            "{:<9} {:>4} {:>5} {:>6.3} {:>8}  {}\n",
            g.group, g.counts.n, g.counts.pass, g.counts.pass_rate, g.counts.lenient, g.about
        );
    }
    if verbose {
        out += "\nfailing tests (id [group]: gold | ours):\n";
        for t in r.results.iter().filter(|t| !t.pass) {
            out += &format!(
                "{} [{}{}]: {} | {}\n",
                t.id,
                t.group,
                if t.real_codes { "" } else { ", fictional code" },
                t.gold.join(", "),
                t.ours.join(", ")
            );
        }
    }
    out
}

fn plv_table(r: &ev::PlvReport, verbose: bool) -> String {
    let mut out = format!(
        "PLV train: {} sentences ({} without a marked source, {} without a target), {:.1}s\n",
        r.n_records, r.missing_source, r.missing_target, r.seconds
    );
    out += &format!(
        "accuracy {:.3} ({} of {}; no type = wrong), macro-F1 {:.3} over {} gold classes, coverage {:.3}\n",
        r.accuracy,
        r.correct,
        r.n_records,
        r.macro_f1,
        r.per_class.len(),
        r.coverage
    );
    out += "(our CONCEDE and RETREAT are scored as PLV's YIELD)\n";
    if verbose {
        out.push('\n');
        out += &class_table(&r.per_class);
        out += &confusion_block(&r.confusion);
    }
    out
}

/// One stage's time in the speed run.
#[derive(Debug, Serialize)]
pub struct StageTime {
    pub name: String,
    pub seconds: f64,
    pub share: f64,
    pub sentences_per_s: f64,
}

#[derive(Debug, Serialize)]
pub struct SpeedReport {
    pub data: String,
    pub threads: usize,
    pub n_articles: usize,
    pub n_sentences: usize,
    pub bytes: usize,
    /// Reading and decoding the input (not in the rates).
    pub read_seconds: f64,
    /// All stages, summed over articles.
    pub seconds: f64,
    pub sentences_per_s: f64,
    pub articles_per_s: f64,
    pub mb_per_s: f64,
    pub stages: Vec<StageTime>,
    /// The events stage alone (absent when the pipeline has none).
    pub events_stage: Option<StageTime>,
    pub n_events: usize,
    pub n_claims: usize,
}

/// Read the first `limit` articles of `path`, then run the default pipeline over them on this
/// thread, timing each stage.
pub fn speed(path: &Path, limit: usize) -> Result<SpeedReport> {
    let t_read = Instant::now();
    let reader = Reader::new(ReaderConfig::default());
    let docs: Vec<_> = reader
        .read(&[path.to_path_buf()])
        .filter_map(|d| d.ok())
        .take(limit)
        .collect();
    let read_seconds = t_read.elapsed().as_secs_f64();
    if docs.is_empty() {
        bail!("no articles read from {}", path.display());
    }
    let pipeline = pipeline()?;
    let names = pipeline.stage_names();
    let mut timings = vec![Duration::ZERO; names.len()];
    let (mut n_sent, mut bytes, mut n_events, mut n_claims) = (0, 0, 0, 0);
    let n_articles = docs.len();
    for d in docs {
        bytes += d.raw.len();
        let mut a = Article::new(d.raw, d.meta);
        pipeline.run_timed(&mut a, &mut timings);
        n_sent += a.sentences.len();
        n_events += a.events.len();
        n_claims += a.claims.len();
    }
    let total: f64 = timings.iter().map(Duration::as_secs_f64).sum();
    let rate = |n: usize, s: f64| if s > 0.0 { n as f64 / s } else { 0.0 };
    let stages: Vec<StageTime> = names
        .iter()
        .zip(&timings)
        .map(|(n, t)| StageTime {
            name: n.to_string(),
            seconds: t.as_secs_f64(),
            share: if total > 0.0 {
                t.as_secs_f64() / total
            } else {
                0.0
            },
            sentences_per_s: rate(n_sent, t.as_secs_f64()),
        })
        .collect();
    let events_stage = stages
        .iter()
        .find(|s| s.name == "events")
        .map(|s| StageTime {
            name: s.name.clone(),
            seconds: s.seconds,
            share: s.share,
            sentences_per_s: s.sentences_per_s,
        });
    Ok(SpeedReport {
        data: path.display().to_string(),
        threads: 1,
        n_articles,
        n_sentences: n_sent,
        bytes,
        read_seconds,
        seconds: total,
        sentences_per_s: rate(n_sent, total),
        articles_per_s: rate(n_articles, total),
        mb_per_s: if total > 0.0 {
            bytes as f64 / 1e6 / total
        } else {
            0.0
        },
        stages,
        events_stage,
        n_events,
        n_claims,
    })
}

fn speed_table(r: &SpeedReport) -> String {
    let mut out = format!(
        "{} articles, {} sentences, {:.1} MB from {}; one thread (read {:.1}s, not counted)\n",
        r.n_articles,
        r.n_sentences,
        r.bytes as f64 / 1e6,
        r.data,
        r.read_seconds
    );
    out += &format!(
        "{:<10} {:>9} {:>7} {:>12}\n",
        "stage", "s", "share", "sentences/s"
    );
    for s in &r.stages {
        out += &format!(
            "{:<10} {:>9.3} {:>6.1}% {:>12.0}\n",
            s.name,
            s.seconds,
            100.0 * s.share,
            s.sentences_per_s
        );
    }
    out += &format!(
        "{:<10} {:>9.3} {:>6.1}% {:>12.0}   ({:.1} articles/s, {:.2} MB/s)\n",
        "total", r.seconds, 100.0, r.sentences_per_s, r.articles_per_s, r.mb_per_s
    );
    out += &format!("events: {}, claims: {}\n", r.n_events, r.n_claims);
    if r.events_stage.is_none() {
        out += "(the pipeline has no events stage)\n";
    }
    out
}
