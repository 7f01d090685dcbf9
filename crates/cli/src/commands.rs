//! One function per command.

use std::collections::HashSet;
use std::io::{BufWriter, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use sitrep_core::corpus::link::CorpusIndex;
use sitrep_core::model::{EventStatus, PloverType};
use sitrep_core::{PipelineConfig, Record};
use sitrep_store::{
    ArticleQuery, ClaimQuery, EntityQuery, EventQuery, SqliteStore, Store, StoryQuery,
};

use crate::batch::{drive, load_config, pipeline_config, Summary};
use crate::link::Linker;
use crate::{render, Cli, Command, EvalWhat, PipelineArgs, StoreArgs, StoryAction};

/// Exit status when some documents failed but the batch finished.
const PARTIAL: u8 = 3;

pub const DEFAULT_CONFIG: &str = include_str!("default_config.toml");

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Process { pipeline, compact } => {
            let config = pipeline_config(&pipeline)?;
            let stdout = std::io::stdout();
            let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
            let summary = process_linked(&pipeline, &config, &mut |mut rec| {
                if compact {
                    rec.removed.clear();
                    rec.sentences.clear();
                }
                serde_json::to_writer(&mut out, &rec)?;
                out.write_all(b"\n")?;
                Ok(())
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
            let out = crate::ingest::ingest(&pipeline, &store.store)?;
            if json {
                println!("{}", serde_json::to_string(&out.to_json(&store.store))?);
            } else if !pipeline.quiet {
                if let Some(why) = &out.relinked.rebuilt {
                    eprintln!(
                        "note: re-linked the {} stored articles into copies and stories: {why}",
                        out.relinked.replayed
                    );
                }
                eprintln!(
                    "{} into {}; {} copies, {} stories touched, {} in the store",
                    summary_line("ingested", &out.summary),
                    store.store.display(),
                    out.copies,
                    out.stories_touched,
                    out.stories_total
                );
            }
            Ok(exit(&out.summary))
        }
        Command::Serve {
            inputs,
            store,
            addr,
            token,
            max_body_mib,
            max_page,
            timeout,
            config,
            assume_date,
            quiet,
        } => {
            if let Some(t) = &token {
                crate::serve::check_token(t)?;
            }
            if !inputs.is_empty() {
                let pipeline = PipelineArgs {
                    inputs,
                    fields: Vec::new(),
                    config: config.clone(),
                    assume_date: assume_date.clone(),
                    max_doc_bytes: 8 * 1024 * 1024,
                    batch: 256,
                    threads: None,
                    quiet,
                    errors: None,
                };
                let out = crate::ingest::ingest(&pipeline, &store.store)?;
                if !quiet {
                    eprintln!(
                        "{} into {}; {} copies, {} stories in the store",
                        summary_line("ingested", &out.summary),
                        store.store.display(),
                        out.copies,
                        out.stories_total
                    );
                }
            } else {
                open_existing(&store)?;
            }
            // Fail on a bad config before serving, not on the first POST.
            crate::batch::load_config(config.as_deref(), assume_date.as_deref())?;
            let mut cfg = sitrep_server::ServerConfig::new(store.store.clone());
            cfg.max_body_bytes = max_body_mib.max(1) * 1024 * 1024;
            cfg.max_page = max_page.max(1);
            cfg.timeout_s = timeout.max(1);
            if token.is_some() {
                cfg.writes = Some(crate::serve::writes(
                    &store.store,
                    config,
                    assume_date,
                    8 * 1024 * 1024,
                ));
            }
            cfg.token = token;
            crate::serve::run(addr, cfg)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Reannotate {
            store,
            config,
            assume_date,
            batch,
            threads,
            quiet,
            json,
        } => {
            let config = load_config(config.as_deref(), assume_date.as_deref())?;
            let mut st = open_existing(&store)?;
            let report =
                crate::reannotate::run(&mut st, &store.store, &config, batch, threads, quiet)?;
            let events = st.events(&EventQuery {
                limit: 1,
                ..Default::default()
            })?;
            let claims = st.claims(&ClaimQuery {
                limit: 1,
                ..Default::default()
            })?;
            if json {
                let mut v = serde_json::to_value(&report)?;
                v["store"] = serde_json::json!(store.store.display().to_string());
                v["events"] = serde_json::json!(events.1);
                v["claims"] = serde_json::json!(claims.1);
                println!("{}", serde_json::to_string(&v)?);
            } else if !quiet {
                eprintln!(
                    "re-annotated {} articles in {}, failed {} ({:.1}s); the store now holds {} events and {} claims",
                    report.reannotated,
                    store.store.display(),
                    report.failed.len(),
                    report.seconds,
                    events.1,
                    claims.1
                );
            }
            Ok(if report.failed.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(PARTIAL)
            })
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
                ..Default::default()
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
            let full = resolve_article(&st, &store, &id)?;
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
        Command::Stories {
            store,
            min_articles,
            since,
            by_sources,
            limit,
            offset,
            json,
        } => {
            if let Some(d) = &since {
                chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .with_context(|| format!("--since takes YYYY-MM-DD, got '{d}'"))?;
            }
            let st = open_existing(&store)?;
            let (list, total) = st.stories(&StoryQuery {
                order: if by_sources {
                    sitrep_store::StoryOrder::Sources
                } else {
                    sitrep_store::StoryOrder::Newest
                },
                min_articles,
                since,
                limit,
                offset,
            })?;
            if json {
                write_jsonl(&list)?;
            } else {
                print!("{}", render::stories(&list, total, offset));
                let unfiltered = StoryQuery {
                    limit: 1,
                    ..Default::default()
                };
                if total == 0 && st.stories(&unfiltered)?.1 == 0 && st.stats()?.articles > 0 {
                    eprintln!(
                        "note: the store's articles are not linked into stories yet (stored by an \
                         older sitrep); run `sitrep ingest` on any input, even one already stored, \
                         to link them"
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Story {
            id,
            store,
            json,
            action,
        } => story(id, store, json, action),
        Command::Events {
            store,
            actor,
            recipient,
            kind,
            status,
            since,
            until,
            story,
            article,
            limit,
            offset,
            json,
        } => {
            let q = EventQuery {
                actor: actor.map(|c| code("--actor", &c)).transpose()?,
                recipient: recipient.map(|c| code("--recipient", &c)).transpose()?,
                kind: kind.map(|t| plover_type(&t)).transpose()?,
                status: status.map(|s| event_status(&s)).transpose()?,
                since: since.map(|d| day("--since", d)).transpose()?,
                until: until.map(|d| day("--until", d)).transpose()?,
                story,
                article: None,
                limit,
                offset,
                ..Default::default()
            };
            let st = open_existing(&store)?;
            let q = EventQuery {
                article: article
                    .map(|a| resolve_article(&st, &store, &a))
                    .transpose()?,
                ..q
            };
            let (list, total) = st.events(&q)?;
            if json {
                write_jsonl(&list)?;
            } else {
                print!("{}", render::events(&list, total, offset));
                if total == 0 && st.events(&EventQuery::default())?.1 == 0 {
                    no_items_note(&st, "events")?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Claims {
            store,
            speaker,
            status,
            since,
            until,
            story,
            article,
            limit,
            offset,
            json,
        } => {
            let q = ClaimQuery {
                speaker: speaker.map(|c| code("--speaker", &c)).transpose()?,
                status: status.map(|s| event_status(&s)).transpose()?,
                since: since.map(|d| day("--since", d)).transpose()?,
                until: until.map(|d| day("--until", d)).transpose()?,
                story,
                article: None,
                limit,
                offset,
                ..Default::default()
            };
            let st = open_existing(&store)?;
            let q = ClaimQuery {
                article: article
                    .map(|a| resolve_article(&st, &store, &a))
                    .transpose()?,
                ..q
            };
            let (list, total) = st.claims(&q)?;
            if json {
                write_jsonl(&list)?;
            } else {
                print!("{}", render::claims(&list, total, offset));
                if total == 0 && st.claims(&ClaimQuery::default())?.1 == 0 {
                    no_items_note(&st, "claims")?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Config => {
            print!("{DEFAULT_CONFIG}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval { what } => crate::commands::eval(what),
        Command::Search {
            query,
            store,
            flat,
            limit,
            offset,
            json,
        } => crate::search_cmd::search(&store, &query, flat, limit, offset, json),
        Command::Reindex { store, quiet, json } => crate::search_cmd::reindex(&store, quiet, json),
        Command::Feed { action } => crate::feed_cmd::run(action),
        Command::Watch {
            action: Some(action),
            ..
        } => crate::watch_cmd::manage(action),
        Command::Watch { action: None, run } => crate::monitor_cmd::run(run),
        Command::Alerts(args) => crate::watch_cmd::alerts(args),
        Command::Digest(args) => crate::watch_cmd::digest(args),
    }
}

/// An actor or speaker code: letters and digits, upper-cased.
fn code(flag: &str, c: &str) -> Result<String> {
    let c = c.trim();
    if c.is_empty() || !c.chars().all(|ch| ch.is_ascii_alphanumeric()) {
        bail!("{flag} takes an actor code such as PRK, PRKMIL or IGOUNO (letters and digits), got '{c}'");
    }
    Ok(c.to_ascii_uppercase())
}

fn plover_type(t: &str) -> Result<PloverType> {
    PloverType::parse(t).with_context(|| {
        let all: Vec<&str> = PloverType::ALL.iter().map(|t| t.as_str()).collect();
        format!(
            "unknown --type '{t}'; the PLOVER types are {}",
            all.join(", ")
        )
    })
}

fn event_status(s: &str) -> Result<EventStatus> {
    EventStatus::parse(s).with_context(|| {
        format!("unknown --status '{s}'; use asserted, denied, hedged, demanded or planned")
    })
}

fn day(flag: &str, d: String) -> Result<String> {
    chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
        .with_context(|| format!("{flag} takes YYYY-MM-DD, got '{d}'"))?;
    Ok(d)
}

/// Why a store lists no events or claims at all, when it has articles.
fn no_items_note(st: &SqliteStore, what: &str) -> Result<()> {
    if st.stats()?.articles > 0 {
        eprintln!(
            "note: no {what} in this store; if its articles were stored before sitrep coded \
             events, `sitrep reannotate` annotates them again (`sitrep ingest` skips articles \
             already stored)"
        );
    }
    Ok(())
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

pub fn exit(summary: &Summary) -> ExitCode {
    if summary.failed > 0 {
        ExitCode::from(PARTIAL)
    } else {
        ExitCode::SUCCESS
    }
}

pub fn summary_line(verb: &str, s: &Summary) -> String {
    let line = format!(
        "{verb} {}, already present {}, failed {} ({:.1} articles/s, {:.2} MB/s, {:.1}s)",
        s.written,
        s.already_present,
        s.failed,
        s.articles_per_s(),
        s.mb_per_s(),
        s.seconds
    );
    match &s.warc {
        Some(w) => format!("{line}\n{}", w.summary()),
        None => line,
    }
}

/// Annotate and link the whole input in memory (copies and stories over everything given,
/// in input order), handing each record to `emit`.
pub fn process_linked(
    args: &PipelineArgs,
    config: &PipelineConfig,
    emit: &mut dyn FnMut(Record) -> Result<()>,
) -> Result<Summary> {
    let mut index = CorpusIndex::new(&config.dedup, &config.stories)?;
    let preparer = index.clone();
    drive(
        args,
        config,
        &mut |_| Ok(HashSet::new()),
        &|a| preparer.prepare(a),
        &mut |arts| {
            for (a, (sig, p)) in arts {
                let l = index.add(&a.id, sig, p);
                let mut rec = a.to_record();
                rec.duplicate_of = l.duplicate_of;
                rec.story = Some(l.story);
                emit(rec)?;
            }
            Ok(0)
        },
    )
}

/// Resolve an article id or unique prefix.
fn resolve_article(st: &SqliteStore, store: &StoreArgs, id: &str) -> Result<String> {
    let ids = st.ids_with_prefix(id, 6)?;
    Ok(match ids.len() {
        0 => bail!(
            "no article with id '{id}' in {}; `sitrep articles` lists ids",
            store.store.display()
        ),
        1 => ids[0].clone(),
        _ if ids.iter().any(|i| i == id) => id.to_string(),
        _ => bail!(
            "id prefix '{id}' is ambiguous ({}...); type more characters",
            ids.join(", ")
        ),
    })
}

fn story(
    id: Option<String>,
    store: StoreArgs,
    json: bool,
    action: Option<StoryAction>,
) -> Result<ExitCode> {
    match action {
        Some(StoryAction::Merge { into, from, json }) => {
            let mut st = open_existing(&store)?;
            let (mut linker, _) = Linker::open(&mut st, &store.store, None, false)?;
            let s = linker.merge(&mut st, into, from)?;
            report_decision(&st, s, "merged into", json)
        }
        Some(StoryAction::Split {
            story,
            articles,
            json,
        }) => {
            let mut st = open_existing(&store)?;
            let ids = articles
                .iter()
                .map(|a| resolve_article(&st, &store, a))
                .collect::<Result<Vec<_>>>()?;
            let (mut linker, _) = Linker::open(&mut st, &store.store, None, false)?;
            let s = linker.split(&mut st, story, ids)?;
            report_decision(&st, s, "split out as", json)
        }
        None => {
            let Some(id) = id else {
                bail!("name a story: `sitrep story ID` (ids from `sitrep stories`), or `sitrep story merge|split ...`");
            };
            let st = open_existing(&store)?;
            // A number is a story id when such a story exists (article ids may be numbers too).
            let sid = match id.parse::<u32>() {
                Ok(n) if st.story(n)?.is_some() => n,
                _ => {
                    let full = match resolve_article(&st, &store, &id) {
                        Ok(full) => full,
                        Err(_) if id.parse::<u32>().is_ok() => bail!(
                            "no story {id} in {}; `sitrep stories` lists them",
                            store.store.display()
                        ),
                        Err(e) => return Err(e),
                    };
                    st.story_of(&full)?.with_context(|| {
                        format!("article {full} is in no story yet; run `sitrep ingest` again to link it")
                    })?
                }
            };
            let Some((summary, members)) = st.story(sid)? else {
                bail!(
                    "no story {sid} in {}; `sitrep stories` lists them",
                    store.store.display()
                );
            };
            let mut records = Vec::with_capacity(members.len());
            for m in &members {
                if let Some(a) = st.get(&m.article.id)? {
                    records.push(a.record);
                }
            }
            let k = sitrep_core::corpus::corroboration::corroborate(&records);
            if json {
                let v = serde_json::json!({
                    "story": summary,
                    "articles": members,
                    "corroboration": k,
                });
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                print!("{}", render::story(&summary, &members, &k));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn report_decision(st: &SqliteStore, s: u32, what: &str, json: bool) -> Result<ExitCode> {
    let (summary, members) = st
        .story(s)?
        .with_context(|| format!("story {s} vanished"))?;
    if json {
        let v = serde_json::json!({"story": summary, "articles": members});
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        println!(
            "{what} story {s}: {} articles, {} independent sources: {}",
            summary.articles, summary.sources, summary.headline
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn open_store(args: &StoreArgs) -> Result<SqliteStore> {
    Ok(SqliteStore::open(&args.store)?)
}

pub(crate) fn open_existing(args: &StoreArgs) -> Result<SqliteStore> {
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
        EvalWhat::Events { what } => crate::eval_events::run(what),
        EvalWhat::Html(args) => crate::eval_html::run(args),
        EvalWhat::Stories { file, json } => {
            let data = sitrep_core::eval::tempeval::shared_data_dir();
            let path = file.unwrap_or_else(|| data.join("clustering/ecbplus_dev.jsonl"));
            let report = crate::eval_stories::run(&path)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", crate::eval_stories::table(&report));
            }
            Ok(ExitCode::SUCCESS)
        }
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

    /// `sitrep config` shows every setting (only unset optional ones may be commented out).
    #[test]
    fn default_config_file_lists_every_setting() {
        let file: toml::Table = toml::from_str(DEFAULT_CONFIG).unwrap();
        let defaults = serde_json::to_value(sitrep_core::PipelineConfig::default()).unwrap();
        for (section, fields) in defaults.as_object().unwrap() {
            let listed = file
                .get(section)
                .and_then(|t| t.as_table())
                .unwrap_or_else(|| panic!("section [{section}] missing from default_config.toml"));
            for (name, value) in fields.as_object().unwrap() {
                if !value.is_null() {
                    assert!(
                        listed.contains_key(name),
                        "[{section}] {name} missing from default_config.toml"
                    );
                }
            }
        }
    }

    #[test]
    fn unknown_setting_is_an_error() {
        assert!(
            toml::from_str::<sitrep_core::PipelineConfig>("[clean]\nremove_debri = false\n")
                .is_err()
        );
    }
}
