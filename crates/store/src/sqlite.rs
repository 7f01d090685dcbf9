//! The embedded SQLite backend.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use sitrep_core::model::{Entity, EntityKind};
use sitrep_core::Record;

use crate::{
    ArticleQuery, ArticleSummary, Decision, EntityCount, EntityQuery, LinkRow, LoggedDecision,
    PutOutcome, Relink, Stats, Store, StoreError, StoredArticle, StoryHead, StoryMember,
    StoryQuery, StorySummary,
};

const SCHEMA_VERSION: i64 = 2;

const SCHEMA_V1: &str = "
CREATE TABLE IF NOT EXISTS articles (
    id          TEXT PRIMARY KEY,
    source      TEXT,
    url         TEXT,
    path        TEXT,
    published   TEXT,
    title       TEXT,
    lang        TEXT,
    text        TEXT NOT NULL,
    raw         TEXT NOT NULL,
    record      TEXT NOT NULL,
    n_entities  INTEGER NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published DESC, id);
CREATE INDEX IF NOT EXISTS articles_source ON articles(source);
CREATE TABLE IF NOT EXISTS entities (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start      INTEGER NOT NULL,
    \"end\"    INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    code       TEXT,
    name       TEXT,
    text       TEXT NOT NULL,
    role       TEXT,
    country    TEXT,
    lat        REAL,
    lon        REAL,
    via        TEXT NOT NULL,
    key        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS entities_key ON entities(key, kind);
CREATE INDEX IF NOT EXISTS entities_article ON entities(article_id, start);
";

/// Version 2: copies and stories (issue 4). Articles gain their links; stories and analyst
/// decisions get tables. Articles stored by version 1 have no link features (`link` NULL):
/// `sitrep` re-annotates them from `raw` the first time it links the store.
const SCHEMA_V2: &str = "
ALTER TABLE articles ADD COLUMN duplicate_of TEXT;
ALTER TABLE articles ADD COLUMN story INTEGER;
ALTER TABLE articles ADD COLUMN link BLOB;
CREATE INDEX IF NOT EXISTS articles_story ON articles(story);
CREATE TABLE IF NOT EXISTS stories (
    id       INTEGER PRIMARY KEY,
    headline TEXT NOT NULL,
    first    TEXT,
    last     TEXT,
    articles INTEGER NOT NULL,
    copies   INTEGER NOT NULL,
    sources  INTEGER NOT NULL,
    -- latest publication date of a member: what `sitrep stories` sorts by (a story whose
    -- members have none sorts after the others, by `last`, which then comes from its texts)
    latest_published TEXT
);
CREATE INDEX IF NOT EXISTS stories_recent ON stories(latest_published DESC, last DESC, id);
CREATE TABLE IF NOT EXISTS decisions (
    id        INTEGER PRIMARY KEY,
    after_seq INTEGER NOT NULL,
    decision  TEXT NOT NULL,
    at        TEXT NOT NULL
);
";

/// A store directory holding `sitrep.db`.
pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
}

impl SqliteStore {
    /// Open (creating if needed) the store in directory `dir`.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        let open_err = |m: String| StoreError::Open {
            path: dir.display().to_string(),
            message: m,
        };
        std::fs::create_dir_all(dir)
            .map_err(|e| open_err(format!("{e}; check the --store path")))?;
        let path = dir.join("sitrep.db");
        let conn = Connection::open(&path).map_err(|e| open_err(e.to_string()))?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::Schema {
                path: path.display().to_string(),
                found: version,
                expected: SCHEMA_VERSION,
            });
        }
        if version < SCHEMA_VERSION {
            let tx = conn.unchecked_transaction()?;
            if version < 1 {
                tx.execute_batch(SCHEMA_V1)?;
            }
            tx.execute_batch(SCHEMA_V2)?;
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
            tx.commit()?;
        }
        Ok(SqliteStore { conn, path })
    }

    /// Path of the database file.
    pub fn db_path(&self) -> &Path {
        &self.path
    }

    fn article_entities(&self, id: &str) -> Result<Vec<Entity>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT start, \"end\", kind, code, name, text, role, country, lat, lon, via
             FROM entities WHERE article_id = ?1 ORDER BY start, rowid",
        )?;
        let rows = stmt.query_map([id], |r| {
            let kind: String = r.get(2)?;
            Ok(Entity {
                start: r.get::<_, i64>(0)? as usize,
                end: r.get::<_, i64>(1)? as usize,
                kind: EntityKind::parse(&kind).unwrap_or(EntityKind::Other),
                code: r.get(3)?,
                name: r.get(4)?,
                text: r.get(5)?,
                role: r.get(6)?,
                country: r.get(7)?,
                lat: r.get(8)?,
                lon: r.get(9)?,
                via: r.get(10)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// Open in-memory (tests).
    pub fn in_memory() -> Result<Self, StoreError> {
        let conn = Connection::open_in_memory()?;
        conn.execute_batch(SCHEMA_V1)?;
        conn.execute_batch(SCHEMA_V2)?;
        Ok(SqliteStore {
            conn,
            path: PathBuf::from(":memory:"),
        })
    }
}

/// The record as stored: everything but the clean text, the entities and the links, which have
/// their own columns and table (stored once, queryable with plain SQL, links updatable).
fn record_json(r: &Record) -> Result<String, serde_json::Error> {
    let mut v = serde_json::to_value(r)?;
    if let Some(o) = v.as_object_mut() {
        o.remove("text");
        o.remove("entities");
        o.remove("duplicate_of");
        o.remove("story");
    }
    serde_json::to_string(&v)
}

/// `LIMIT` for a page size where 0 means everything.
fn sql_limit(limit: usize) -> i64 {
    if limit == 0 {
        i64::MAX
    } else {
        limit as i64
    }
}

/// An article listing row: `id, published, source, title, url, lang, length(text), n_entities`.
fn article_summary(r: &rusqlite::Row) -> rusqlite::Result<ArticleSummary> {
    Ok(ArticleSummary {
        id: r.get(0)?,
        published: r.get(1)?,
        source: r.get(2)?,
        title: r.get(3)?,
        url: r.get(4)?,
        lang: r.get(5)?,
        chars: r.get::<_, i64>(6)? as usize,
        entities: r.get::<_, i64>(7)? as usize,
    })
}

fn story_summary(r: &rusqlite::Row) -> rusqlite::Result<StorySummary> {
    Ok(StorySummary {
        id: r.get(0)?,
        headline: r.get(1)?,
        first: r.get(2)?,
        last: r.get(3)?,
        articles: r.get::<_, i64>(4)? as usize,
        copies: r.get::<_, i64>(5)? as usize,
        sources: r.get::<_, i64>(6)? as usize,
    })
}

/// Upsert story heads and recount their members; stories left without members are deleted.
fn put_heads(tx: &rusqlite::Transaction, heads: &[StoryHead]) -> Result<(), StoreError> {
    let mut up = tx.prepare_cached(
        "INSERT INTO stories (id, headline, first, last, articles, copies, sources)
         VALUES (?1, ?2, ?3, ?4, 0, 0, 0)
         ON CONFLICT(id) DO UPDATE SET headline = excluded.headline, first = excluded.first,
             last = excluded.last",
    )?;
    let mut count = tx.prepare_cached(
        "UPDATE stories SET
             articles = (SELECT count(*) FROM articles WHERE story = ?1),
             copies = (SELECT count(*) FROM articles WHERE story = ?1 AND duplicate_of IS NOT NULL),
             sources = (SELECT count(DISTINCT source) FROM articles
                        WHERE story = ?1 AND duplicate_of IS NULL)
                     + (SELECT EXISTS(SELECT 1 FROM articles
                        WHERE story = ?1 AND duplicate_of IS NULL AND source IS NULL)),
             latest_published = (SELECT max(published) FROM articles WHERE story = ?1)
         WHERE id = ?1",
    )?;
    let mut gone = tx.prepare_cached("DELETE FROM stories WHERE id = ?1 AND articles = 0")?;
    for h in heads {
        up.execute(params![h.id, h.headline, h.first, h.last])?;
        count.execute([h.id])?;
        gone.execute([h.id])?;
    }
    Ok(())
}

/// What `sitrep entities` groups by: the code, else the canonical name, else the mention, the
/// last two lower-cased ("Donald Trump" named in full and "Donald Trump" found by the tagger
/// are one person).
fn entity_key(code: &Option<String>, name: &Option<String>, text: &str) -> String {
    match code {
        Some(c) => c.clone(),
        None => name.as_deref().unwrap_or(text).to_lowercase(),
    }
}

impl Store for SqliteStore {
    fn existing(&self, ids: &[String]) -> Result<HashSet<String>, StoreError> {
        let mut found = HashSet::new();
        for chunk in ids.chunks(500) {
            let marks = vec!["?"; chunk.len()].join(",");
            let sql = format!("SELECT id FROM articles WHERE id IN ({marks})");
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(params_from_iter(chunk.iter()), |r| r.get::<_, String>(0))?;
            for r in rows {
                found.insert(r?);
            }
        }
        Ok(found)
    }

    fn put_batch(&mut self, batch: &[StoredArticle]) -> Result<PutOutcome, StoreError> {
        self.put_linked(batch, &[])
    }

    fn put_linked(
        &mut self,
        batch: &[StoredArticle],
        stories: &[StoryHead],
    ) -> Result<PutOutcome, StoreError> {
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let tx = self.conn.transaction()?;
        let mut out = PutOutcome::default();
        {
            let mut ins = tx.prepare_cached(
                "INSERT OR IGNORE INTO articles (id, source, url, path, published, title, lang, text, raw, record, n_entities, ingested_at, duplicate_of, story, link)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            )?;
            let mut ent = tx.prepare_cached(
                "INSERT INTO entities (article_id, start, \"end\", kind, code, name, text, role, country, lat, lon, via, key)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?;
            for a in batch {
                let r = &a.record;
                // The clean text has its own column; the JSON record leaves it out.
                let json = record_json(r).map_err(|e| StoreError::Record {
                    id: r.id.clone(),
                    source: e,
                })?;
                let n = ins.execute(params![
                    r.id,
                    r.source,
                    r.url,
                    r.path,
                    r.published,
                    r.title,
                    r.lang,
                    r.text,
                    a.raw,
                    json,
                    r.entities.len() as i64,
                    now,
                    r.duplicate_of,
                    r.story,
                    a.link
                ])?;
                if n == 0 {
                    out.already_present += 1;
                    continue;
                }
                out.inserted += 1;
                for e in &r.entities {
                    ent.execute(params![
                        r.id,
                        e.start as i64,
                        e.end as i64,
                        e.kind.as_str(),
                        e.code,
                        e.name,
                        e.text,
                        e.role,
                        e.country,
                        e.lat,
                        e.lon,
                        e.via,
                        entity_key(&e.code, &e.name, &e.text)
                    ])?;
                }
            }
        }
        put_heads(&tx, stories)?;
        tx.commit()?;
        Ok(out)
    }

    fn relink(
        &mut self,
        moves: &[Relink],
        stories: &[StoryHead],
        decision: Option<&Decision>,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut up = tx.prepare_cached(
                "UPDATE articles SET story = ?2, duplicate_of = ?3, link = coalesce(?4, link)
                 WHERE id = ?1",
            )?;
            for m in moves {
                up.execute(params![m.id, m.story, m.duplicate_of, m.link])?;
            }
        }
        put_heads(&tx, stories)?;
        if let Some(d) = decision {
            let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            let json = serde_json::to_string(d).map_err(|e| StoreError::Record {
                id: "decision".into(),
                source: e,
            })?;
            tx.execute(
                "INSERT INTO decisions (after_seq, decision, at)
                 VALUES ((SELECT coalesce(max(rowid), 0) FROM articles), ?1, ?2)",
                params![json, now],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    fn max_seq(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT coalesce(max(rowid), 0) FROM articles", [], |r| {
                r.get(0)
            })?)
    }

    fn link_rows(
        &self,
        after: i64,
        f: &mut dyn FnMut(LinkRow) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT rowid, id, text, link, duplicate_of, story FROM articles
             WHERE rowid > ?1 ORDER BY rowid",
        )?;
        let mut rows = stmt.query([after])?;
        while let Some(r) = rows.next()? {
            f(LinkRow {
                seq: r.get(0)?,
                id: r.get(1)?,
                text: r.get(2)?,
                link: r.get(3)?,
                duplicate_of: r.get(4)?,
                story: r.get(5)?,
            })?;
        }
        Ok(())
    }

    fn decisions(&self, after: i64) -> Result<Vec<LoggedDecision>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, after_seq, decision FROM decisions WHERE id > ?1 ORDER BY id")?;
        let rows = stmt.query_map([after], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, after_seq, json) = row?;
            let decision = serde_json::from_str(&json).map_err(|e| StoreError::Record {
                id: format!("decision {id}"),
                source: e,
            })?;
            out.push(LoggedDecision {
                id,
                after_seq,
                decision,
            });
        }
        Ok(out)
    }

    fn stories(&self, q: &StoryQuery) -> Result<(Vec<StorySummary>, usize), StoreError> {
        let mut wh = vec!["articles >= ?1"];
        let mut args: Vec<rusqlite::types::Value> = vec![(q.min_articles.max(1) as i64).into()];
        if let Some(s) = &q.since {
            wh.push("last >= ?2");
            args.push(s.clone().into());
        }
        let where_sql = wh.join(" AND ");
        let total: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM stories WHERE {where_sql}"),
            params_from_iter(args.iter()),
            |r| r.get(0),
        )?;
        let limit = sql_limit(q.limit);
        let sql = format!(
            "SELECT id, headline, first, last, articles, copies, sources FROM stories
             WHERE {where_sql}
             ORDER BY latest_published IS NULL, latest_published DESC, last IS NULL, last DESC,
                      id DESC
             LIMIT {limit} OFFSET {}",
            q.offset
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(args.iter()), story_summary)?;
        Ok((rows.collect::<Result<Vec<_>, _>>()?, total as usize))
    }

    fn story(&self, id: u32) -> Result<Option<(StorySummary, Vec<StoryMember>)>, StoreError> {
        let head = self
            .conn
            .query_row(
                "SELECT id, headline, first, last, articles, copies, sources FROM stories
                 WHERE id = ?1",
                [id],
                story_summary,
            )
            .optional()?;
        let Some(head) = head else {
            return Ok(None);
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, published, source, title, url, lang, length(text), n_entities, duplicate_of
             FROM articles WHERE story = ?1 ORDER BY rowid",
        )?;
        let rows = stmt.query_map([id], |r| {
            Ok(StoryMember {
                article: article_summary(r)?,
                duplicate_of: r.get(8)?,
            })
        })?;
        Ok(Some((head, rows.collect::<Result<Vec<_>, _>>()?)))
    }

    fn story_of(&self, article_id: &str) -> Result<Option<u32>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT story FROM articles WHERE id = ?1",
                [article_id],
                |r| r.get::<_, Option<u32>>(0),
            )
            .optional()?
            .flatten())
    }

    fn ids_with_prefix(&self, prefix: &str, limit: usize) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id FROM articles WHERE substr(id, 1, length(?1)) = ?1 ORDER BY id LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![prefix, limit as i64], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    fn get(&self, id: &str) -> Result<Option<StoredArticle>, StoreError> {
        type Row = (
            (String, String, String),
            (Option<String>, Option<u32>, Option<Vec<u8>>),
        );
        let row: Option<Row> = self
            .conn
            .query_row(
                "SELECT record, raw, text, duplicate_of, story, link FROM articles WHERE id = ?1",
                [id],
                |r| {
                    Ok((
                        (r.get(0)?, r.get(1)?, r.get(2)?),
                        (r.get(3)?, r.get(4)?, r.get(5)?),
                    ))
                },
            )
            .optional()?;
        match row {
            None => Ok(None),
            Some(((json, raw, text), (duplicate_of, story, link))) => {
                let mut record: Record =
                    serde_json::from_str(&json).map_err(|e| StoreError::Record {
                        id: id.to_string(),
                        source: e,
                    })?;
                record.text = text;
                record.entities = self.article_entities(id)?;
                record.duplicate_of = duplicate_of;
                record.story = story;
                Ok(Some(StoredArticle { record, raw, link }))
            }
        }
    }

    fn articles(&self, q: &ArticleQuery) -> Result<(Vec<ArticleSummary>, usize), StoreError> {
        let mut wh: Vec<&str> = Vec::new();
        let mut args: Vec<String> = Vec::new();
        if let Some(s) = &q.source {
            wh.push("a.source = ?");
            args.push(s.clone());
        }
        if let Some(s) = &q.since {
            wh.push("a.published >= ?");
            args.push(s.clone());
        }
        if let Some(s) = &q.until {
            wh.push("a.published <= ?");
            args.push(s.clone());
        }
        if let Some(e) = &q.entity {
            wh.push("a.id IN (SELECT article_id FROM entities WHERE key IN (?, lower(?)))");
            args.push(e.clone());
            args.push(e.clone());
        }
        let where_sql = if wh.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", wh.join(" AND "))
        };
        let total: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM articles a {where_sql}"),
            params_from_iter(args.iter()),
            |r| r.get(0),
        )?;
        let limit = sql_limit(q.limit);
        let sql = format!(
            "SELECT a.id, a.published, a.source, a.title, a.url, a.lang, length(a.text), a.n_entities
             FROM articles a {where_sql}
             ORDER BY a.published IS NULL, a.published DESC, a.id LIMIT {limit} OFFSET {}",
            q.offset
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(args.iter()), article_summary)?;
        let list = rows.collect::<Result<Vec<_>, _>>()?;
        Ok((list, total as usize))
    }

    fn entities(&self, q: &EntityQuery) -> Result<Vec<EntityCount>, StoreError> {
        // One pass over the mentions, aggregated here rather than in SQL: the display name,
        // role and country of a group are its most frequent ones (not an arbitrary max()), and
        // rows come in insertion order, so an article's mentions are contiguous and distinct
        // articles are counted without a set.
        #[derive(Default)]
        struct Group {
            code: Option<String>,
            name: Option<String>,
            mentions: usize,
            articles: usize,
            last_article: i64,
            texts: HashMap<String, usize>,
            roles: HashMap<String, usize>,
            countries: HashMap<String, usize>,
        }
        fn most(m: &HashMap<String, usize>) -> Option<String> {
            m.iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(k, _)| k.clone())
        }
        let (filter, args): (&str, Vec<String>) = match &q.kind {
            Some(k) => ("WHERE e.kind = ?1", vec![k.clone()]),
            None => ("", vec![]),
        };
        let sql = format!(
            "SELECT e.kind, e.key, e.code, e.name, e.text, e.role, e.country, a.rowid
             FROM entities e JOIN articles a ON a.id = e.article_id {filter} ORDER BY e.rowid"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(params_from_iter(args.iter()))?;
        let mut groups: HashMap<(String, String), Group> = HashMap::new();
        while let Some(r) = rows.next()? {
            let key: (String, String) = (r.get(0)?, r.get(1)?);
            let g = groups.entry(key).or_default();
            g.mentions += 1;
            let article: i64 = r.get(7)?;
            if g.articles == 0 || g.last_article != article {
                g.articles += 1;
                g.last_article = article;
            }
            if g.code.is_none() {
                g.code = r.get(2)?;
            }
            if g.name.is_none() {
                g.name = r.get(3)?;
            }
            *g.texts.entry(r.get(4)?).or_default() += 1;
            if let Some(role) = r.get::<_, Option<String>>(5)? {
                *g.roles.entry(role).or_default() += 1;
            }
            if let Some(c) = r.get::<_, Option<String>>(6)? {
                *g.countries.entry(c).or_default() += 1;
            }
        }
        let mut out: Vec<EntityCount> = groups
            .into_iter()
            .map(|((kind, _), g)| EntityCount {
                kind,
                code: g.code,
                name: g.name.or_else(|| most(&g.texts)).unwrap_or_default(),
                mentions: g.mentions,
                articles: g.articles,
                role: most(&g.roles),
                country: most(&g.countries),
            })
            .collect();
        out.sort_by(|a, b| {
            b.mentions
                .cmp(&a.mentions)
                .then(a.kind.cmp(&b.kind))
                .then(a.name.cmp(&b.name))
        });
        if q.limit > 0 {
            out.truncate(q.limit);
        }
        Ok(out)
    }

    fn stats(&self) -> Result<Stats, StoreError> {
        let articles: i64 = self
            .conn
            .query_row("SELECT count(*) FROM articles", [], |r| r.get(0))?;
        let entities: i64 = self
            .conn
            .query_row("SELECT count(*) FROM entities", [], |r| r.get(0))?;
        Ok(Stats {
            articles: articles as usize,
            entities: entities as usize,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Decision, Relink, StoryHead, StoryQuery};
    use sitrep_core::model::{Entity, EntityKind};
    use sitrep_core::{Article, Meta};

    fn art(text: &str, published: Option<&str>, codes: &[&str]) -> StoredArticle {
        let mut a = Article::new(text.into(), Meta::default());
        a.published = published.map(|p| chrono::NaiveDate::parse_from_str(p, "%Y-%m-%d").unwrap());
        for c in codes {
            a.entities.push(Entity {
                start: 0,
                end: 1,
                text: c.to_string(),
                kind: EntityKind::Country,
                code: Some(c.to_string()),
                name: None,
                role: None,
                country: None,
                lat: Some(39.03),
                lon: Some(125.75),
                via: "test".into(),
            });
        }
        StoredArticle::from_article(&a)
    }

    #[test]
    fn idempotent_batches_and_queries() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = SqliteStore::open(dir.path()).unwrap();
        let batch = vec![
            art("one", Some("2024-11-01"), &["PRK", "RUS"]),
            art("two", Some("2024-11-03"), &["PRK"]),
            art("three", None, &[]),
        ];
        assert_eq!(
            s.put_batch(&batch).unwrap(),
            PutOutcome {
                inserted: 3,
                already_present: 0
            }
        );
        assert_eq!(
            s.put_batch(&batch).unwrap(),
            PutOutcome {
                inserted: 0,
                already_present: 3
            }
        );
        assert_eq!(
            s.stats().unwrap(),
            Stats {
                articles: 3,
                entities: 3
            }
        );
        let (list, total) = s
            .articles(&ArticleQuery {
                limit: 2,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(total, 3);
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].published.as_deref(), Some("2024-11-03"));
        let (prk, n) = s
            .articles(&ArticleQuery {
                entity: Some("PRK".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!((prk.len(), n), (2, 2));
        let ents = s.entities(&EntityQuery::default()).unwrap();
        assert_eq!(ents[0].code.as_deref(), Some("PRK"));
        assert_eq!((ents[0].mentions, ents[0].articles), (2, 2));
        let ids: Vec<String> = batch.iter().map(|b| b.record.id.clone()).collect();
        assert_eq!(s.existing(&ids).unwrap().len(), 3);
        let got = s.get(&ids[0]).unwrap().unwrap();
        assert_eq!(got, batch[0]);
        assert!(s.get("nope").unwrap().is_none());
        assert_eq!(
            s.ids_with_prefix(&ids[1][..4], 5).unwrap(),
            vec![ids[1].clone()]
        );
        drop(s);
        // reopen: data is still there
        let s2 = SqliteStore::open(dir.path()).unwrap();
        assert_eq!(s2.stats().unwrap().articles, 3);
    }

    #[test]
    fn entity_groups_take_the_most_frequent_role() {
        let person = |text: &str, name: Option<&str>, role: &str| Entity {
            start: 0,
            end: text.len(),
            text: text.to_string(),
            kind: EntityKind::Person,
            code: None,
            name: name.map(str::to_string),
            role: Some(role.to_string()),
            country: Some("USA".into()),
            lat: None,
            lon: None,
            via: "test".into(),
        };
        let mut s = SqliteStore::in_memory().unwrap();
        let mut batch = Vec::new();
        for (i, (name, role)) in [
            (None, "President"),
            (Some("Joe Biden"), "Senator"),
            (None, "President"),
        ]
        .iter()
        .enumerate()
        {
            let mut a = Article::new(format!("article {i}"), Meta::default());
            a.entities.push(person("Joe Biden", *name, role));
            a.entities.push(person("Joe Biden", *name, role));
            batch.push(StoredArticle::from_article(&a));
        }
        s.put_batch(&batch).unwrap();
        let people = s
            .entities(&EntityQuery {
                kind: Some("person".into()),
                limit: 0,
            })
            .unwrap();
        assert_eq!(people.len(), 1, "{people:?}");
        let p = &people[0];
        assert_eq!((p.mentions, p.articles), (6, 3));
        assert_eq!(p.role.as_deref(), Some("President"));
        assert_eq!(p.name, "Joe Biden");
    }

    fn linked(text: &str, source: Option<&str>, story: u32, dup: Option<&str>) -> StoredArticle {
        let mut a = art(text, Some("2024-11-02"), &[]);
        a.record.source = source.map(str::to_string);
        a.record.story = Some(story);
        a.record.duplicate_of = dup.map(str::to_string);
        a.link = Some(vec![1, 2, 3]);
        a
    }

    fn head(id: u32, headline: &str) -> StoryHead {
        StoryHead {
            id,
            headline: headline.into(),
            first: Some("2024-11-01".into()),
            last: Some("2024-11-02".into()),
        }
    }

    /// Story counts: copies never count as sources, two articles of one outlet are one source,
    /// articles without an outlet count together as one; relink moves members and drops
    /// emptied stories; decisions are logged in order with the sequence they follow.
    #[test]
    fn story_counts_relink_and_decisions() {
        let mut s = SqliteStore::in_memory().unwrap();
        let a = linked("wire report", Some("wire.example"), 0, None);
        let a_id = a.record.id.clone();
        let batch = vec![
            a,
            linked(
                "copy of the wire report",
                Some("daily.example"),
                0,
                Some(&a_id),
            ),
            linked("own report", Some("herald.example"), 0, None),
            linked("second own report", Some("herald.example"), 0, None),
            linked("unsourced one", None, 0, None),
            linked("unsourced two", None, 0, None),
            linked("another story", Some("wire.example"), 1, None),
        ];
        s.put_linked(&batch, &[head(0, "Ottawa"), head(1, "Other")])
            .unwrap();
        let (list, total) = s.stories(&StoryQuery::default()).unwrap();
        assert_eq!(total, 2);
        let ottawa = list.iter().find(|x| x.id == 0).unwrap();
        assert_eq!((ottawa.articles, ottawa.copies, ottawa.sources), (6, 1, 3));
        let (_, members) = s.story(0).unwrap().unwrap();
        assert_eq!(members.len(), 6);
        assert_eq!(members[1].duplicate_of.as_deref(), Some(a_id.as_str()));
        assert_eq!(s.get(&a_id).unwrap().unwrap().link, Some(vec![1, 2, 3]));
        // merge story 1 into 0, as a logged decision
        let other = batch[6].record.id.clone();
        let d = Decision::Merge {
            into: a_id.clone(),
            from: other.clone(),
        };
        let moves = [Relink {
            id: other.clone(),
            duplicate_of: None,
            story: 0,
            link: None,
        }];
        s.relink(&moves, &[head(0, "Ottawa"), head(1, "Other")], Some(&d))
            .unwrap();
        assert_eq!(s.story_of(&other).unwrap(), Some(0));
        assert!(s.story(1).unwrap().is_none(), "an emptied story is deleted");
        assert_eq!(s.stories(&StoryQuery::default()).unwrap().1, 1);
        let log = s.decisions(0).unwrap();
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].decision, d);
        assert_eq!(log[0].after_seq, s.max_seq().unwrap());
        assert!(s.decisions(log[0].id).unwrap().is_empty());
        // link rows come back in storage order, features kept
        let mut seen = Vec::new();
        s.link_rows(2, &mut |r| {
            seen.push((r.seq, r.link.is_some()));
            Ok(())
        })
        .unwrap();
        assert_eq!(seen.len(), 5);
        assert!(seen.windows(2).all(|w| w[0].0 < w[1].0) && seen.iter().all(|x| x.1));
    }

    /// `sitrep stories` lists by the latest publication date; a story whose members have none
    /// (its dates come from the texts, possibly future ones) comes after the dated ones.
    #[test]
    fn stories_sort_by_latest_publication() {
        let mut s = SqliteStore::in_memory().unwrap();
        let mut undated = linked("undated", None, 0, None);
        undated.record.published = None;
        let old = linked("old", None, 1, None);
        let mut new = linked("new", None, 2, None);
        new.record.published = Some("2024-12-01".into());
        let mut text_dates = head(0, "undated");
        text_dates.last = Some("2030-01-01".into());
        s.put_linked(
            &[undated, old, new],
            &[text_dates, head(1, "old"), head(2, "new")],
        )
        .unwrap();
        let (list, _) = s.stories(&StoryQuery::default()).unwrap();
        let order: Vec<u32> = list.iter().map(|x| x.id).collect();
        assert_eq!(order, vec![2, 1, 0]);
    }

    #[test]
    fn newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        {
            let c = Connection::open(dir.path().join("sitrep.db")).unwrap();
            c.pragma_update(None, "user_version", 99).unwrap();
        }
        let e = SqliteStore::open(dir.path()).err().unwrap();
        assert!(e.to_string().contains("upgrade sitrep"), "{e}");
    }
}
