//! One function per command.

use std::collections::HashSet;
use std::io::{BufWriter, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use sitrep_store::{ArticleQuery, EntityQuery, SqliteStore, Store, StoredArticle};

use crate::batch::{drive, Summary};
use crate::{render, Cli, Command, EvalWhat, StoreArgs};

/// Exit status when some documents failed but the batch finished.
const PARTIAL: u8 = 3;

pub const DEFAULT_CONFIG: &str = include_str!("default_config.toml");

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Process { pipeline, compact } => {
            let stdout = std::io::stdout();
            let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
            let summary = drive(&pipeline, &mut |_| Ok(HashSet::new()), &mut |arts| {
                for a in arts {
                    let mut rec = a.to_record();
                    if compact {
                        rec.removed.clear();
                        rec.sentences.clear();
                    }
                    serde_json::to_writer(&mut out, &rec)?;
                    out.write_all(b"\n")?;
                }
                Ok(0)
            })?;
            out.flush()?;
            if !pipeline.quiet {
                eprintln!("{}", summary_line("processed", &summary));
            }
            Ok(exit(&summary))
        }
        Command::Ingest {
            pipeline,
            store,
            json,
        } => {
            let mut st = open_store(&store)?;
            // A second connection answers "already stored?" from the processing thread
            // (WAL lets it read while the first one writes).
            let reader = open_store(&store)?;
            let summary = drive(
                &pipeline,
                &mut move |ids| Ok(reader.existing(ids)?),
                &mut |arts| {
                    let batch: Vec<StoredArticle> =
                        arts.iter().map(StoredArticle::from_article).collect();
                    let outcome = st.put_batch(&batch)?;
                    Ok(outcome.already_present)
                },
            )?;
            if json {
                let mut v = serde_json::to_value(&summary)?;
                v["store"] = serde_json::json!(store.store.display().to_string());
                v["articles_per_s"] = serde_json::json!(summary.articles_per_s());
                println!("{}", serde_json::to_string(&v)?);
            } else if !pipeline.quiet {
                eprintln!(
                    "{} into {}",
                    summary_line("ingested", &summary),
                    store.store.display()
                );
            }
            Ok(exit(&summary))
        }
        Command::Articles {
            store,
            source,
            entity,
            since,
            until,
            limit,
            offset,
            json,
        } => {
            let st = open_existing(&store)?;
            let q = ArticleQuery {
                source,
                entity,
                since,
                until,
                limit,
                offset,
            };
            let (list, total) = st.articles(&q)?;
            if json {
                write_jsonl(&list)?;
            } else {
                print!("{}", render::articles(&list, total, offset));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Show {
            id,
            store,
            json,
            raw,
        } => {
            let st = open_existing(&store)?;
            let ids = st.ids_with_prefix(&id, 6)?;
            let full = match ids.len() {
                0 => bail!(
                    "no article with id '{id}' in {}; `sitrep articles` lists ids",
                    store.store.display()
                ),
                1 => ids[0].clone(),
                _ if ids.contains(&id) => id.clone(),
                _ => bail!(
                    "id prefix '{id}' is ambiguous ({}...); type more characters",
                    ids.join(", ")
                ),
            };
            let a = st.get(&full)?.context("article vanished while reading")?;
            if json {
                println!("{}", serde_json::to_string_pretty(&a.record)?);
            } else if raw {
                print!("{}", a.raw);
            } else {
                let color =
                    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
                print!("{}", render::article(&a.record, color));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Entities {
            store,
            kind,
            limit,
            json,
        } => {
            if let Some(k) = &kind {
                if sitrep_core::model::EntityKind::parse(k).is_none() {
                    bail!("unknown --kind '{k}'; use person, country, organization, place, weapon or other");
                }
            }
            let st = open_existing(&store)?;
            let list = st.entities(&EntityQuery { kind, limit })?;
            if json {
                write_jsonl(&list)?;
            } else {
                print!("{}", render::entities(&list));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Config => {
            print!("{DEFAULT_CONFIG}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval { what } => crate::commands::eval(what),
    }
}

/// One JSON object per line on stdout.
fn write_jsonl<T: serde::Serialize>(items: &[T]) -> Result<()> {
    let mut out = BufWriter::new(std::io::stdout().lock());
    for item in items {
        serde_json::to_writer(&mut out, item)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

fn exit(summary: &Summary) -> ExitCode {
    if summary.failed > 0 {
        ExitCode::from(PARTIAL)
    } else {
        ExitCode::SUCCESS
    }
}

fn summary_line(verb: &str, s: &Summary) -> String {
    format!(
        "{verb} {}, already present {}, failed {} ({:.1} articles/s, {:.2} MB/s, {:.1}s)",
        s.written,
        s.already_present,
        s.failed,
        s.articles_per_s(),
        s.mb_per_s(),
        s.seconds
    )
}

fn open_store(args: &StoreArgs) -> Result<SqliteStore> {
    Ok(SqliteStore::open(&args.store)?)
}

fn open_existing(args: &StoreArgs) -> Result<SqliteStore> {
    if !args.store.join("sitrep.db").exists() {
        bail!(
            "no store at {}; run `sitrep ingest INPUT...` first, or point --store (or SITREP_STORE) at one",
            args.store.display()
        );
    }
    open_store(args)
}

pub fn eval(what: EvalWhat) -> Result<ExitCode> {
    match what {
        EvalWhat::Dates { json } => {
            let data = sitrep_core::eval::tempeval::shared_data_dir();
            let report = sitrep_core::eval::tempeval::run(&data).map_err(anyhow::Error::msg)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", sitrep_core::eval::tempeval::table(&report));
            }
            Ok(ExitCode::SUCCESS)
        }
        EvalWhat::Ner { json } => {
            use sitrep_core::eval::conll;
            let path = conll::split_path("valid").map_err(|e| anyhow::anyhow!("{e}"))?;
            let sentences = conll::read(&path).map_err(|e| anyhow::anyhow!("{e}"))?;
            let tagger = sitrep_core::ner::Tagger::embedded()?;
            let scores = conll::evaluate(tagger, &sentences);
            if json {
                let row = |c: conll::Counts| {
                    serde_json::json!({"precision": c.precision(), "recall": c.recall(), "f1": c.f1(),
                        "tp": c.tp, "fp": c.fp, "fn": c.fn_})
                };
                let mut v = serde_json::json!({
                    "data": path.display().to_string(),
                    "micro_per_loc_org": row(scores.micro_plo()),
                    "micro_all": row(scores.micro_all()),
                });
                for k in sitrep_core::ner::NerType::ALL {
                    v[k.as_str()] = row(scores.of(k));
                }
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                print!("CoNLL-2003 valid ({})\n{}", path.display(), scores.table());
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_file_matches_defaults() {
        let parsed: sitrep_core::PipelineConfig = toml::from_str(DEFAULT_CONFIG).unwrap();
        let a = serde_json::to_value(parsed).unwrap();
        let b = serde_json::to_value(sitrep_core::PipelineConfig::default()).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn unknown_setting_is_an_error() {
        assert!(
            toml::from_str::<sitrep_core::PipelineConfig>("[clean]\nremove_debri = false\n")
                .is_err()
        );
    }
}
