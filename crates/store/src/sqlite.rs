//! The embedded SQLite backend.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use sitrep_core::model::{Claim, DateMention, Entity, EntityKind, Event, Participant};
use sitrep_core::Record;

use crate::HitRow;
use crate::{
    ArticleQuery, ArticleSummary, ClaimQuery, ClaimRow, Decision, EntityCount, EntityQuery,
    EventQuery, EventRow, LinkRow, LoggedDecision, PutOutcome, Relink, Stats, Store, StoreError,
    StoredArticle, StoryHead, StoryMember, StoryQuery, StorySummary, TimelineDay, TimelineQuery,
};

const SCHEMA_VERSION: i64 = 4;

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

/// Version 3: events and claims. They leave the stored JSON record for tables of their own (the
/// full item as JSON, plus the columns that listings filter on); `get` puts them back. Upgrading
/// moves whatever a version-2 record holds into the tables ([`move_events_out`]); articles
/// annotated before the events stage existed simply have none.
const SCHEMA_V3: &str = "
CREATE TABLE IF NOT EXISTS events (
    id             INTEGER PRIMARY KEY,
    article_id     TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx            INTEGER NOT NULL,
    type           TEXT NOT NULL,
    cameo          TEXT NOT NULL,
    status         TEXT NOT NULL,
    -- the event's own date value as written (2024-11-01, 2024-W44, 2024-11, 2024), if any
    date           TEXT,
    -- the article's publication date
    published      TEXT,
    -- the days the event can fall on (YYYY-MM-DD, inclusive): those of its own date, else the
    -- publication date; NULL when it has neither. What --since/--until and the order use.
    first          TEXT,
    last           TEXT,
    -- actor and recipient codes, space-separated (for reading; filters use event_participants)
    actors         TEXT NOT NULL,
    recipients     TEXT NOT NULL,
    place          TEXT,
    trigger_text   TEXT NOT NULL,
    sentence_start INTEGER NOT NULL,
    sentence_end   INTEGER NOT NULL,
    -- the whole event (sitrep_core::model::Event), character offsets
    event          TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS events_article ON events(article_id, idx);
CREATE INDEX IF NOT EXISTS events_recent ON events(last DESC, first DESC);
CREATE INDEX IF NOT EXISTS events_type ON events(type, last DESC);
CREATE INDEX IF NOT EXISTS events_status ON events(status, last DESC);
CREATE TABLE IF NOT EXISTS event_participants (
    event   INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    role    TEXT NOT NULL, -- actor or recipient
    code    TEXT,
    country TEXT
);
CREATE INDEX IF NOT EXISTS event_participants_code ON event_participants(code, role);
CREATE INDEX IF NOT EXISTS event_participants_country ON event_participants(country, role);
CREATE INDEX IF NOT EXISTS event_participants_event ON event_participants(event);
CREATE TABLE IF NOT EXISTS claims (
    id              INTEGER PRIMARY KEY,
    article_id      TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx             INTEGER NOT NULL,
    status          TEXT NOT NULL,
    speaker         TEXT,
    speaker_code    TEXT,
    speaker_country TEXT,
    cue             TEXT,
    text            TEXT NOT NULL,
    date            TEXT,
    published       TEXT,
    first           TEXT,
    last            TEXT,
    sentence_start  INTEGER NOT NULL,
    sentence_end    INTEGER NOT NULL,
    claim           TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS claims_article ON claims(article_id, idx);
CREATE INDEX IF NOT EXISTS claims_recent ON claims(last DESC, first DESC);
CREATE INDEX IF NOT EXISTS claims_speaker_code ON claims(speaker_code);
CREATE INDEX IF NOT EXISTS claims_speaker_country ON claims(speaker_country);
";

/// Monitoring (v4): feeds and their items, watches (saved queries), what each watch has seen
/// of each story, and the alerts queue (stored first, delivered and retried after).
const SCHEMA_V4: &str = "
CREATE TABLE IF NOT EXISTS feeds (
    id            INTEGER PRIMARY KEY,
    url           TEXT NOT NULL UNIQUE,
    title         TEXT,
    added_at      TEXT NOT NULL,
    etag          TEXT,
    last_modified TEXT,
    last_polled   TEXT,
    last_success  TEXT,
    last_error    TEXT,
    last_error_at TEXT,
    failures      INTEGER NOT NULL DEFAULT 0,
    next_poll     TEXT,
    items_seen    INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS feed_items (
    feed_id    INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    item_key   TEXT NOT NULL,
    link       TEXT,
    title      TEXT,
    published  TEXT,
    seen_at    TEXT NOT NULL,
    status     TEXT NOT NULL,
    article_id TEXT,
    error      TEXT,
    attempts   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (feed_id, item_key)
);
CREATE INDEX IF NOT EXISTS feed_items_status ON feed_items(status);
CREATE TABLE IF NOT EXISTS watches (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    query      TEXT NOT NULL,
    webhook    TEXT,
    created_at TEXT NOT NULL,
    last_seq   INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS watch_stories (
    watch_id INTEGER NOT NULL REFERENCES watches(id) ON DELETE CASCADE,
    story    INTEGER NOT NULL,
    state    TEXT NOT NULL,
    PRIMARY KEY (watch_id, story)
);
CREATE TABLE IF NOT EXISTS alerts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    watch_id     INTEGER NOT NULL REFERENCES watches(id) ON DELETE CASCADE,
    story        INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    payload      TEXT NOT NULL,
    delivered_at TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_attempt TEXT,
    last_error   TEXT
);
CREATE INDEX IF NOT EXISTS alerts_watch ON alerts(watch_id, id);
CREATE INDEX IF NOT EXISTS alerts_pending ON alerts(delivered_at, next_attempt);
";

/// A store directory holding `sitrep.db`.
pub struct SqliteStore {
    pub(crate) conn: Connection,
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
            if version < 2 {
                tx.execute_batch(SCHEMA_V2)?;
            }
            if version < 3 {
                tx.execute_batch(SCHEMA_V3)?;
                move_events_out(&tx)?;
            }
            if version < 4 {
                tx.execute_batch(SCHEMA_V4)?;
            }
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

    /// An article's events or claims: `sql` selects their JSON by article id, in order.
    fn article_items<T: serde::de::DeserializeOwned>(
        &self,
        sql: &str,
        id: &str,
    ) -> Result<Vec<T>, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows = stmt.query_map([id], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for json in rows {
            out.push(serde_json::from_str(&json?).map_err(|e| json_err(id, e))?);
        }
        Ok(out)
    }

    /// A page of event or claim rows: `table` is `events` or `claims`, `item` the column
    /// holding the JSON, `wh`/`args` the filters on `t` (the table) and `a` (the article).
    fn listing<T: serde::de::DeserializeOwned>(
        &self,
        table: &str,
        item: &str,
        wh: &[String],
        args: &[rusqlite::types::Value],
        limit: usize,
        offset: usize,
    ) -> Result<(Vec<ListedItem<T>>, usize), StoreError> {
        let where_sql = if wh.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", wh.join(" AND "))
        };
        let from = format!("FROM {table} t JOIN articles a ON a.id = t.article_id {where_sql}");
        let total: i64 = self.conn.query_row(
            &format!("SELECT count(*) {from}"),
            params_from_iter(args.iter()),
            |r| r.get(0),
        )?;
        // Newest first: DESC puts the undated (NULL) last. Within a day, later-stored articles
        // first, and an article's items in their order.
        let sql = format!(
            "SELECT t.article_id, a.story, a.published, t.idx,
                    substr(a.text, t.sentence_start + 1, t.sentence_end - t.sentence_start),
                    t.{item}
             {from}
             ORDER BY t.last DESC, t.first DESC, a.rowid DESC, t.idx
             LIMIT {} OFFSET {offset}",
            sql_limit(limit)
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(params_from_iter(args.iter()))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let article: String = r.get(0)?;
            let json: String = r.get(5)?;
            let item = serde_json::from_str(&json).map_err(|e| json_err(&article, e))?;
            out.push(ListedItem {
                article,
                story: r.get(1)?,
                published: r.get(2)?,
                idx: r.get::<_, i64>(3)? as usize,
                sentence: r.get(4)?,
                item,
            });
        }
        Ok((out, total as usize))
    }

    /// Open in-memory (tests).
    pub fn in_memory() -> Result<Self, StoreError> {
        let conn = Connection::open_in_memory()?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.execute_batch(SCHEMA_V1)?;
        conn.execute_batch(SCHEMA_V2)?;
        conn.execute_batch(SCHEMA_V3)?;
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
        o.remove("events");
        o.remove("claims");
    }
    serde_json::to_string(&v)
}

/// The inclusive days (`YYYY-MM-DD`) a date value covers: a day (`2024-11-01`), an ISO week
/// (`2024-W44`), a month (`2024-11`), a year (`2024`) or a decade (`199X`). `None` for anything
/// else.
fn days_of(value: &str) -> Option<(String, String)> {
    use chrono::{Datelike, Duration, NaiveDate};
    let fmt = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let year = |s: &str| -> Option<i32> {
        (s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
    };
    if let Some(day) = value
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    {
        return Some((fmt(day), fmt(day)));
    }
    let (y, rest) = (value.get(..4)?, value.get(4..)?);
    if rest.is_empty() {
        if let Some(y) = year(y) {
            let a = NaiveDate::from_ymd_opt(y, 1, 1)?;
            return Some((fmt(a), fmt(a.with_month(12)?.with_day(31)?)));
        }
        // a decade: 199X
        let d = y.strip_suffix('X').and_then(|d| {
            (d.len() == 3 && d.bytes().all(|b| b.is_ascii_digit()))
                .then(|| d.parse::<i32>().ok())?
        })?;
        let a = NaiveDate::from_ymd_opt(d * 10, 1, 1)?;
        return Some((fmt(a), fmt(NaiveDate::from_ymd_opt(d * 10 + 9, 12, 31)?)));
    }
    let y = year(y)?;
    if let Some(w) = rest.strip_prefix("-W") {
        let w: u32 = w.parse().ok()?;
        let a = NaiveDate::from_isoywd_opt(y, w, chrono::Weekday::Mon)?;
        return Some((fmt(a), fmt(a + Duration::days(6))));
    }
    let m: u32 = rest
        .strip_prefix('-')
        .filter(|m| m.len() == 2)?
        .parse()
        .ok()?;
    let a = NaiveDate::from_ymd_opt(y, m, 1)?;
    let next = if m == 12 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)?
    };
    Some((fmt(a), fmt(next - Duration::days(1))))
}

/// The days an event or claim falls on: its own date's when that has a value, else the
/// publication date's.
fn days_or_published(
    date: Option<&DateMention>,
    published: Option<&str>,
) -> (Option<String>, Option<String>) {
    match date
        .and_then(|d| d.value.as_deref())
        .and_then(days_of)
        .or_else(|| published.and_then(days_of))
    {
        Some((a, b)) => (Some(a), Some(b)),
        None => (None, None),
    }
}

/// The codes of participants that have one, space-separated.
fn codes(ps: &[Participant]) -> String {
    ps.iter()
        .filter_map(|p| p.code.as_deref())
        .collect::<Vec<_>>()
        .join(" ")
}

fn json_err(id: &str, e: serde_json::Error) -> StoreError {
    StoreError::Record {
        id: id.to_string(),
        source: e,
    }
}

/// Write the event and claim rows of one article (whose old rows, if any, are gone).
fn put_events(
    tx: &rusqlite::Transaction,
    id: &str,
    published: Option<&str>,
    events: &[Event],
    claims: &[Claim],
) -> Result<(), StoreError> {
    let mut ev = tx.prepare_cached(
        "INSERT INTO events (article_id, idx, type, cameo, status, date, published, first, last,
             actors, recipients, place, trigger_text, sentence_start, sentence_end, event)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )?;
    let mut part = tx.prepare_cached(
        "INSERT INTO event_participants (event, role, code, country) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (i, e) in events.iter().enumerate() {
        let json = serde_json::to_string(e).map_err(|err| json_err(id, err))?;
        let (first, last) = days_or_published(e.date.as_ref(), published);
        ev.execute(params![
            id,
            i as i64,
            e.kind.as_str(),
            e.cameo,
            e.status.as_str(),
            e.date.as_ref().and_then(|d| d.value.as_deref()),
            published,
            first,
            last,
            codes(&e.actor),
            codes(&e.recipient),
            e.place.as_ref().and_then(|p| p.code.as_deref()),
            e.trigger.text,
            e.sentence.start as i64,
            e.sentence.end as i64,
            json
        ])?;
        let rowid = tx.last_insert_rowid();
        for (role, ps) in [("actor", &e.actor), ("recipient", &e.recipient)] {
            for p in ps
                .iter()
                .filter(|p| p.code.is_some() || p.country.is_some())
            {
                part.execute(params![rowid, role, p.code, p.country])?;
            }
        }
    }
    let mut cl = tx.prepare_cached(
        "INSERT INTO claims (article_id, idx, status, speaker, speaker_code, speaker_country, cue,
             text, date, published, first, last, sentence_start, sentence_end, claim)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?;
    for (i, c) in claims.iter().enumerate() {
        let json = serde_json::to_string(c).map_err(|err| json_err(id, err))?;
        let (first, last) = days_or_published(c.date.as_ref(), published);
        let sp = c.speaker.as_ref();
        cl.execute(params![
            id,
            i as i64,
            c.status.as_str(),
            sp.map(|p| p.text.as_str()),
            sp.and_then(|p| p.code.as_deref()),
            sp.and_then(|p| p.country.as_deref()),
            c.cue,
            c.text,
            c.date.as_ref().and_then(|d| d.value.as_deref()),
            published,
            first,
            last,
            c.sentence.start as i64,
            c.sentence.end as i64,
            json
        ])?;
    }
    Ok(())
}

/// Write the entity, event and claim rows of one article (which has none yet).
fn put_items(tx: &rusqlite::Transaction, r: &Record) -> Result<(), StoreError> {
    let mut ent = tx.prepare_cached(
        "INSERT INTO entities (article_id, start, \"end\", kind, code, name, text, role, country, lat, lon, via, key)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?;
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
    put_events(tx, &r.id, r.published.as_deref(), &r.events, &r.claims)
}

/// Delete the entity, event and claim rows of one article.
fn delete_rows(tx: &rusqlite::Transaction, id: &str) -> Result<(), StoreError> {
    tx.prepare_cached(
        "DELETE FROM event_participants
         WHERE event IN (SELECT id FROM events WHERE article_id = ?1)",
    )?
    .execute([id])?;
    for sql in [
        "DELETE FROM events WHERE article_id = ?1",
        "DELETE FROM claims WHERE article_id = ?1",
        "DELETE FROM entities WHERE article_id = ?1",
    ] {
        tx.prepare_cached(sql)?.execute([id])?;
    }
    Ok(())
}

/// Schema 2 to 3: move the events and claims a stored record holds into their tables, and take
/// them out of the record (records written before the events stage existed hold none, and get
/// no rows: re-annotating gives them events).
fn move_events_out(tx: &rusqlite::Transaction) -> Result<(), StoreError> {
    let rows: Vec<(String, Option<String>, String)> = {
        let mut stmt = tx.prepare(
            "SELECT id, published, record FROM articles
             WHERE instr(record, '\"events\":') > 0 OR instr(record, '\"claims\":') > 0",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    let mut up = tx.prepare("UPDATE articles SET record = ?2 WHERE id = ?1")?;
    for (id, published, json) in rows {
        let mut v: serde_json::Value = serde_json::from_str(&json).map_err(|e| json_err(&id, e))?;
        let (events, claims) = match v.as_object_mut() {
            Some(o) => (o.remove("events"), o.remove("claims")),
            None => (None, None),
        };
        let events: Vec<Event> = match events {
            Some(x) => serde_json::from_value(x).map_err(|e| json_err(&id, e))?,
            None => Vec::new(),
        };
        let claims: Vec<Claim> = match claims {
            Some(x) => serde_json::from_value(x).map_err(|e| json_err(&id, e))?,
            None => Vec::new(),
        };
        put_events(tx, &id, published.as_deref(), &events, &claims)?;
        up.execute(params![
            id,
            serde_json::to_string(&v).map_err(|e| json_err(&id, e))?
        ])?;
    }
    Ok(())
}

/// A row of an event or claim listing.
struct ListedItem<T> {
    article: String,
    story: Option<u32>,
    published: Option<String>,
    idx: usize,
    sentence: String,
    item: T,
}

/// The filters shared by event and claim listings, on `t` (the item) and `a` (the article).
fn common_filters(
    wh: &mut Vec<String>,
    args: &mut Vec<rusqlite::types::Value>,
    since: &Option<String>,
    until: &Option<String>,
    story: Option<u32>,
    article: &Option<String>,
    as_of_seq: Option<i64>,
) {
    if let Some(seq) = as_of_seq {
        wh.push("a.rowid <= ?".into());
        args.push(seq.into());
    }
    if let Some(d) = since {
        wh.push("t.last >= ?".into());
        args.push(d.clone().into());
    }
    if let Some(d) = until {
        wh.push("t.first <= ?".into());
        args.push(d.clone().into());
    }
    if let Some(s) = story {
        wh.push("a.story = ?".into());
        args.push(i64::from(s).into());
    }
    if let Some(id) = article {
        wh.push("t.article_id = ?".into());
        args.push(id.clone().into());
    }
}

/// A GLOB pattern matching codes that start with `code` (upper-cased, wildcards escaped).
fn code_prefix(code: &str) -> String {
    let mut p = String::with_capacity(code.len() + 1);
    for c in code.trim().to_ascii_uppercase().chars() {
        match c {
            '*' | '?' | '[' | ']' => {
                p.push('[');
                p.push(c);
                p.push(']');
            }
            _ => p.push(c),
        }
    }
    p.push('*');
    p
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
            for a in batch {
                let r = &a.record;
                // The clean text has its own column; the JSON record leaves it out.
                let json = record_json(r).map_err(|e| json_err(&r.id, e))?;
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
                put_items(&tx, r)?;
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
        let newest =
            "latest_published IS NULL, latest_published DESC, last IS NULL, last DESC, id DESC";
        let order = match q.order {
            crate::StoryOrder::Newest => newest.to_string(),
            crate::StoryOrder::Sources => format!("sources DESC, articles DESC, {newest}"),
        };
        let sql = format!(
            "SELECT id, headline, first, last, articles, copies, sources FROM stories
             WHERE {where_sql}
             ORDER BY {order}
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

    fn replace_annotations(&mut self, batch: &[StoredArticle]) -> Result<usize, StoreError> {
        let tx = self.conn.transaction()?;
        let mut n = 0;
        {
            let mut up = tx.prepare_cached(
                "UPDATE articles SET source = ?2, url = ?3, path = ?4, published = ?5, title = ?6,
                     lang = ?7, text = ?8, raw = ?9, record = ?10, n_entities = ?11,
                     link = coalesce(?12, link)
                 WHERE id = ?1",
            )?;
            // A changed publication date changes what `sitrep stories` sorts by.
            let mut latest = tx.prepare_cached(
                "UPDATE stories SET latest_published =
                     (SELECT max(published) FROM articles WHERE story = stories.id)
                 WHERE id = (SELECT story FROM articles WHERE id = ?1)",
            )?;
            for a in batch {
                let r = &a.record;
                let json = record_json(r).map_err(|e| json_err(&r.id, e))?;
                let found = up.execute(params![
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
                    a.link
                ])?;
                if found == 0 {
                    continue;
                }
                n += 1;
                delete_rows(&tx, &r.id)?;
                put_items(&tx, r)?;
                latest.execute([&r.id])?;
            }
        }
        tx.commit()?;
        Ok(n)
    }

    fn events(&self, q: &EventQuery) -> Result<(Vec<EventRow>, usize), StoreError> {
        let mut wh: Vec<String> = Vec::new();
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        for (role, code) in [("actor", &q.actor), ("recipient", &q.recipient)] {
            if let Some(c) = code {
                wh.push(format!(
                    "t.id IN (SELECT event FROM event_participants
                              WHERE role = '{role}' AND (code GLOB ? OR country = ?))"
                ));
                args.push(code_prefix(c).into());
                args.push(c.trim().to_ascii_uppercase().into());
            }
        }
        if let Some(k) = q.kind {
            wh.push("t.type = ?".into());
            args.push(k.as_str().to_string().into());
        }
        if let Some(s) = q.status {
            wh.push("t.status = ?".into());
            args.push(s.as_str().to_string().into());
        }
        if let Some(p) = &q.party {
            let mut any = Vec::new();
            if let Some(c) = &p.code {
                any.push(
                    "t.id IN (SELECT event FROM event_participants WHERE code GLOB ? OR country = ?)"
                        .to_string(),
                );
                args.push(code_prefix(c).into());
                args.push(c.trim().to_ascii_uppercase().into());
            }
            if let Some(text) = &p.text {
                for role in ["actor", "recipient"] {
                    any.push(format!(
                        "EXISTS (SELECT 1 FROM json_each(t.event, '$.{role}') j
                                 WHERE lower(json_extract(j.value, '$.text')) = lower(?))"
                    ));
                    args.push(text.trim().to_string().into());
                }
            }
            if any.is_empty() {
                wh.push("0".into());
            } else {
                wh.push(format!("({})", any.join(" OR ")));
            }
        }
        common_filters(
            &mut wh,
            &mut args,
            &q.since,
            &q.until,
            q.story,
            &q.article,
            q.as_of_seq,
        );
        let (rows, total) = self.listing("events", "event", &wh, &args, q.limit, q.offset)?;
        let rows = rows
            .into_iter()
            .map(|x| EventRow {
                article: x.article,
                story: x.story,
                published: x.published,
                idx: x.idx,
                sentence: x.sentence,
                event: x.item,
            })
            .collect();
        Ok((rows, total))
    }

    fn claims(&self, q: &ClaimQuery) -> Result<(Vec<ClaimRow>, usize), StoreError> {
        let mut wh: Vec<String> = Vec::new();
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        if let Some(c) = &q.speaker {
            wh.push("(t.speaker_code GLOB ? OR t.speaker_country = ?)".into());
            args.push(code_prefix(c).into());
            args.push(c.trim().to_ascii_uppercase().into());
        }
        if let Some(s) = q.status {
            wh.push("t.status = ?".into());
            args.push(s.as_str().to_string().into());
        }
        common_filters(
            &mut wh,
            &mut args,
            &q.since,
            &q.until,
            q.story,
            &q.article,
            q.as_of_seq,
        );
        let (rows, total) = self.listing("claims", "claim", &wh, &args, q.limit, q.offset)?;
        let rows = rows
            .into_iter()
            .map(|x| ClaimRow {
                article: x.article,
                story: x.story,
                published: x.published,
                idx: x.idx,
                sentence: x.sentence,
                claim: x.item,
            })
            .collect();
        Ok((rows, total))
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
                record.events = self.article_items(
                    "SELECT event FROM events WHERE article_id = ?1 ORDER BY idx",
                    id,
                )?;
                record.claims = self.article_items(
                    "SELECT claim FROM claims WHERE article_id = ?1 ORDER BY idx",
                    id,
                )?;
                record.duplicate_of = duplicate_of;
                record.story = story;
                Ok(Some(StoredArticle { record, raw, link }))
            }
        }
    }

    fn articles(&self, q: &ArticleQuery) -> Result<(Vec<ArticleSummary>, usize), StoreError> {
        let mut wh: Vec<&str> = Vec::new();
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        if let Some(seq) = q.as_of_seq {
            wh.push("a.rowid <= ?");
            args.push(seq.into());
        }
        if let Some(s) = &q.source {
            wh.push("a.source = ?");
            args.push(s.clone().into());
        }
        if let Some(s) = &q.since {
            wh.push("a.published >= ?");
            args.push(s.clone().into());
        }
        if let Some(s) = &q.until {
            wh.push("a.published <= ?");
            args.push(s.clone().into());
        }
        if let Some(e) = &q.entity {
            wh.push("a.id IN (SELECT article_id FROM entities WHERE key IN (?, lower(?)))");
            args.push(e.clone().into());
            args.push(e.clone().into());
        }
        let where_sql = if wh.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", wh.join(" AND "))
        };
        // Rows hold whole texts, so counting over the table reads one page per article;
        // without a filter that another index serves, count over the publication index.
        let count_from = if q.source.is_none() && q.entity.is_none() {
            "articles a INDEXED BY articles_published"
        } else {
            "articles a"
        };
        let total: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM {count_from} {where_sql}"),
            params_from_iter(args.iter()),
            |r| r.get(0),
        )?;
        let limit = sql_limit(q.limit);
        // SQLite sorts NULL below every value, so undated articles come last in DESC order;
        // this ORDER BY is the index `articles_published` as it stands, which spares a scan
        // and sort of the whole table (rows hold whole texts) for every page.
        let sql = format!(
            "SELECT a.id, a.published, a.source, a.title, a.url, a.lang, length(a.text), a.n_entities
             FROM articles a {where_sql}
             ORDER BY a.published DESC, a.id LIMIT {limit} OFFSET {}",
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

    // API (issue 6)
    fn timeline(&self, q: &TimelineQuery) -> Result<Vec<TimelineDay>, StoreError> {
        let mut wh: Vec<&str> = Vec::new();
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        if let Some(s) = &q.since {
            wh.push("a.published >= ?");
            args.push(s.clone().into());
        }
        if let Some(s) = &q.until {
            // A published value may carry a time after the date; compare the date.
            wh.push("substr(a.published, 1, 10) <= ?");
            args.push(s.clone().into());
        }
        if let Some(s) = q.story {
            wh.push("a.story = ?");
            args.push(i64::from(s).into());
        }
        if let Some(e) = &q.entity {
            wh.push("a.id IN (SELECT article_id FROM entities WHERE key IN (?, lower(?)))");
            args.push(e.clone().into());
            args.push(e.clone().into());
        }
        if let Some(k) = q.kind {
            wh.push("a.id IN (SELECT article_id FROM events WHERE type = ?)");
            args.push(k.as_str().to_string().into());
        }
        let where_sql = if wh.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", wh.join(" AND "))
        };
        let sql = format!(
            "SELECT substr(a.published, 1, 10) AS day, count(*),
                    sum(a.duplicate_of IS NULL), count(DISTINCT a.story)
             FROM articles a {where_sql}
             GROUP BY day ORDER BY day IS NULL, day"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(args.iter()), |r| {
            Ok(TimelineDay {
                day: r.get(0)?,
                articles: r.get::<_, i64>(1)? as usize,
                originals: r.get::<_, i64>(2)? as usize,
                stories: r.get::<_, i64>(3)? as usize,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    // Search (issue 6)
    fn records_after(&self, after: i64, limit: usize) -> Result<Vec<(i64, Record)>, StoreError> {
        type Row = (i64, String, String, String, Option<String>, Option<u32>);
        let rows: Vec<Row> = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT rowid, id, record, text, duplicate_of, story FROM articles
                 WHERE rowid > ?1 ORDER BY rowid LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![after, sql_limit(limit)], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?;
            rows.collect::<Result<_, _>>()?
        };
        let mut out = Vec::with_capacity(rows.len());
        for (seq, id, json, text, duplicate_of, story) in rows {
            let mut record: Record = serde_json::from_str(&json).map_err(|e| json_err(&id, e))?;
            record.text = text;
            record.entities = self.article_entities(&id)?;
            record.events = self.article_items(
                "SELECT event FROM events WHERE article_id = ?1 ORDER BY idx",
                &id,
            )?;
            record.claims = self.article_items(
                "SELECT claim FROM claims WHERE article_id = ?1 ORDER BY idx",
                &id,
            )?;
            record.duplicate_of = duplicate_of;
            record.story = story;
            out.push((seq, record));
        }
        Ok(out)
    }

    fn hit_rows(&self, ids: &[String], text: bool) -> Result<Vec<HitRow>, StoreError> {
        /// Only the sentences of a stored record (serde skips the rest).
        #[derive(serde::Deserialize)]
        struct Sentences {
            #[serde(default)]
            sentences: Vec<sitrep_core::model::Sentence>,
        }
        let mut out = Vec::with_capacity(ids.len());
        let cols = if text { "text, record" } else { "NULL, NULL" };
        for chunk in ids.chunks(500) {
            let marks = vec!["?"; chunk.len()].join(",");
            let sql = format!(
                "SELECT id, story, duplicate_of, title, source, published, url, {cols}
                 FROM articles WHERE id IN ({marks})"
            );
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let mut rows = stmt.query(params_from_iter(chunk.iter()))?;
            while let Some(r) = rows.next()? {
                let id: String = r.get(0)?;
                let sentences = match r.get::<_, Option<String>>(8)? {
                    Some(json) => {
                        serde_json::from_str::<Sentences>(&json)
                            .map_err(|e| json_err(&id, e))?
                            .sentences
                    }
                    None => Vec::new(),
                };
                out.push(HitRow {
                    story: r.get(1)?,
                    duplicate_of: r.get(2)?,
                    title: r.get(3)?,
                    source: r.get(4)?,
                    published: r.get(5)?,
                    url: r.get(6)?,
                    text: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
                    sentences,
                    id,
                });
            }
        }
        Ok(out)
    }

    fn story_headlines(&self, ids: &[u32]) -> Result<Vec<(u32, String)>, StoreError> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let marks = vec!["?"; chunk.len()].join(",");
            let sql = format!("SELECT id, headline FROM stories WHERE id IN ({marks})");
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(params_from_iter(chunk.iter()), |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
            for r in rows {
                out.push(r?);
            }
        }
        Ok(out)
    }

    fn story_member_ids(&self, stories: &[u32]) -> Result<Vec<(u32, String)>, StoreError> {
        let mut out = Vec::new();
        for chunk in stories.chunks(500) {
            let marks = vec!["?"; chunk.len()].join(",");
            let sql = format!(
                "SELECT story, id FROM articles WHERE story IN ({marks}) ORDER BY story, rowid"
            );
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(params_from_iter(chunk.iter()), |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
            for r in rows {
                out.push(r?);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Decision, Relink, StoryHead, StoryQuery};
    use sitrep_core::model::{
        Entity, EntityKind, EventStatus, Mention, PloverType, Precision, Sentence,
    };
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

    /// Ordered by sources: the story with more independent outlets first, whatever its date;
    /// a copy adds no source.
    #[test]
    fn stories_by_sources() {
        let mut s = SqliteStore::in_memory().unwrap();
        let mut one = linked("one outlet", Some("a.example"), 0, None);
        one.record.published = Some("2024-12-01".into());
        let one_copy = linked(
            "one outlet copy",
            Some("b.example"),
            0,
            Some(&one.record.id),
        );
        let two_a = linked("two outlets first", Some("a.example"), 1, None);
        let two_b = linked("two outlets second", Some("c.example"), 1, None);
        s.put_linked(
            &[one, one_copy, two_a, two_b],
            &[head(0, "one"), head(1, "two")],
        )
        .unwrap();
        let q = StoryQuery {
            order: crate::StoryOrder::Sources,
            ..Default::default()
        };
        let ids: Vec<u32> = s.stories(&q).unwrap().0.iter().map(|x| x.id).collect();
        assert_eq!(ids, vec![1, 0]);
        let ids: Vec<u32> = s
            .stories(&StoryQuery::default())
            .unwrap()
            .0
            .iter()
            .map(|x| x.id)
            .collect();
        assert_eq!(ids, vec![0, 1]);
    }

    fn part(text: &str, what: &str, code: Option<&str>, country: Option<&str>) -> Participant {
        let start = text.find(what).unwrap();
        Participant {
            start,
            end: start + what.len(),
            text: what.into(),
            code: code.map(str::to_string),
            country: country.map(str::to_string),
            sector: None,
        }
    }

    fn sentence_of(text: &str, what: &str) -> Sentence {
        let start = text.find(what).unwrap();
        Sentence {
            start,
            end: start + what.len(),
        }
    }

    fn date(value: &str, precision: Precision) -> DateMention {
        DateMention {
            start: 0,
            end: 1,
            text: value.into(),
            value: Some(value.into()),
            precision,
            relative: false,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn event(
        text: &str,
        sentence: &str,
        kind: PloverType,
        actor: Vec<Participant>,
        recipient: Vec<Participant>,
        status: EventStatus,
        when: Option<DateMention>,
        trigger: &str,
    ) -> Event {
        let t = text.find(trigger).unwrap();
        Event {
            kind,
            mode: None,
            context: None,
            cameo: "010".into(),
            actor,
            recipient,
            status,
            date: when,
            place: None,
            trigger: Mention {
                start: t,
                end: t + trigger.len(),
                text: trigger.into(),
            },
            sentence: sentence_of(text, sentence),
            said_by: None,
        }
    }

    fn claim(text: &str, sentence: &str, speaker: Participant, when: Option<DateMention>) -> Claim {
        let s = sentence_of(text, sentence);
        Claim {
            speaker: Some(speaker),
            cue: Some("said".into()),
            start: s.start,
            end: s.end,
            text: sentence.into(),
            figures: Vec::new(),
            date: when,
            status: EventStatus::Asserted,
            sentence: s,
        }
    }

    /// Two articles in two stories. A (published 2024-11-02, story 0): PRKGOV ACCUSE USA on
    /// 2024-10-31; PRKMIL THREATEN KOR, planned, undated (so its day is the publication date).
    /// B (no publication date, story 1): CANGOV CONSULT KORGOV in 2024-11; a Canadian (country
    /// only, no code) REQUEST RUS, demanded, undated (so no day at all). Texts are ASCII, so byte
    /// offsets are character offsets.
    fn two_articles() -> (StoredArticle, StoredArticle) {
        let ta = "North Korea accused Washington. Pyongyang's army will strike Seoul. The US said it saw this.";
        let mut a = art(ta, Some("2024-11-02"), &[]);
        a.record.story = Some(0);
        a.record.events = vec![
            event(
                ta,
                "North Korea accused Washington.",
                PloverType::Accuse,
                vec![part(ta, "North Korea", Some("PRKGOV"), Some("PRK"))],
                vec![part(ta, "Washington", Some("USA"), Some("USA"))],
                EventStatus::Asserted,
                Some(date("2024-10-31", Precision::Day)),
                "accused",
            ),
            event(
                ta,
                "Pyongyang's army will strike Seoul.",
                PloverType::Threaten,
                vec![part(ta, "Pyongyang's army", Some("PRKMIL"), Some("PRK"))],
                vec![part(ta, "Seoul", Some("KOR"), Some("KOR"))],
                EventStatus::Planned,
                None,
                "will strike",
            ),
        ];
        a.record.claims = vec![claim(
            ta,
            "The US said it saw this.",
            part(ta, "The US", Some("USA"), Some("USA")),
            None,
        )];
        let tb = "Ottawa consulted Seoul officials. A Canadian envoy called on Moscow to leave. Ottawa said so that week.";
        let mut b = art(tb, None, &[]);
        b.record.story = Some(1);
        b.record.events = vec![
            event(
                tb,
                "Ottawa consulted Seoul officials.",
                PloverType::Consult,
                vec![part(tb, "Ottawa", Some("CANGOV"), Some("CAN"))],
                vec![part(tb, "Seoul officials", Some("KORGOV"), Some("KOR"))],
                EventStatus::Asserted,
                Some(date("2024-11", Precision::Month)),
                "consulted",
            ),
            event(
                tb,
                "A Canadian envoy called on Moscow to leave.",
                PloverType::Request,
                vec![part(tb, "A Canadian envoy", None, Some("CAN"))],
                vec![part(tb, "Moscow", Some("RUS"), Some("RUS"))],
                EventStatus::Demanded,
                None,
                "called on",
            ),
        ];
        b.record.claims = vec![claim(
            tb,
            "Ottawa said so that week.",
            part(tb, "Ottawa said", Some("CANGOV"), Some("CAN")),
            Some(date("2024-W44", Precision::Week)),
        )];
        (a, b)
    }

    /// (article, idx) of each listed event, in order.
    fn listed(s: &SqliteStore, q: EventQuery) -> Vec<(String, usize)> {
        let (rows, total) = s.events(&q).unwrap();
        if q.limit == 0 && q.offset == 0 {
            assert_eq!(total, rows.len());
        }
        rows.into_iter().map(|r| (r.article, r.idx)).collect()
    }

    #[test]
    fn event_filters_return_exactly_their_subset() {
        let mut s = SqliteStore::in_memory().unwrap();
        let (a, b) = two_articles();
        let (ia, ib) = (a.record.id.clone(), b.record.id.clone());
        s.put_linked(&[a.clone(), b.clone()], &[head(0, "A"), head(1, "B")])
            .unwrap();
        let ev = |id: &str, i: usize| (id.to_string(), i);
        let (a0, a1, b0, b1) = (ev(&ia, 0), ev(&ia, 1), ev(&ib, 0), ev(&ib, 1));
        // newest first by day: B.0 (2024-11, up to the 30th), A.1 (published 11-02), A.0
        // (10-31), B.1 (no day) last
        assert_eq!(
            listed(&s, EventQuery::default()),
            vec![b0.clone(), a1.clone(), a0.clone(), b1.clone()]
        );
        let q = |f: fn(&mut EventQuery)| {
            let mut q = EventQuery::default();
            f(&mut q);
            listed(&s, q)
        };
        assert_eq!(
            q(|q| q.actor = Some("PRK".into())),
            vec![a1.clone(), a0.clone()]
        );
        assert_eq!(q(|q| q.actor = Some("PRKMIL".into())), vec![a1.clone()]);
        // a code prefix, or the country of an actor without a code
        assert_eq!(
            q(|q| q.actor = Some("CAN".into())),
            vec![b0.clone(), b1.clone()]
        );
        assert_eq!(
            q(|q| q.actor = Some("can".into())),
            vec![b0.clone(), b1.clone()]
        );
        assert!(
            q(|q| q.actor = Some("KOR".into())).is_empty(),
            "KOR only receives"
        );
        assert!(
            q(|q| q.actor = Some("P*".into())).is_empty(),
            "no wildcards"
        );
        assert_eq!(
            q(|q| q.recipient = Some("KOR".into())),
            vec![b0.clone(), a1.clone()]
        );
        assert_eq!(q(|q| q.recipient = Some("RUS".into())), vec![b1.clone()]);
        assert_eq!(q(|q| q.kind = Some(PloverType::Accuse)), vec![a0.clone()]);
        assert!(q(|q| q.kind = Some(PloverType::Assault)).is_empty());
        assert_eq!(
            q(|q| q.status = Some(EventStatus::Demanded)),
            vec![b1.clone()]
        );
        assert_eq!(
            q(|q| q.status = Some(EventStatus::Asserted)),
            vec![b0.clone(), a0.clone()]
        );
        // the event's own date, else publication; a month matches when any of its days does
        assert_eq!(
            q(|q| q.since = Some("2024-11-01".into())),
            vec![b0.clone(), a1.clone()]
        );
        assert_eq!(q(|q| q.since = Some("2024-11-03".into())), vec![b0.clone()]);
        assert_eq!(
            q(|q| q.until = Some("2024-11-01".into())),
            vec![b0.clone(), a0.clone()]
        );
        assert_eq!(
            q(|q| q.until = Some("2024-10-30".into())),
            Vec::<(String, usize)>::new()
        );
        assert_eq!(
            q(|q| {
                q.since = Some("2024-11-02".into());
                q.until = Some("2024-11-02".into());
            }),
            vec![b0.clone(), a1.clone()]
        );
        assert_eq!(q(|q| q.story = Some(1)), vec![b0.clone(), b1.clone()]);
        assert_eq!(q(|q| q.story = Some(0)), vec![a1.clone(), a0.clone()]);
        let mut by_article = EventQuery {
            article: Some(ia.clone()),
            ..Default::default()
        };
        assert_eq!(listed(&s, by_article.clone()), vec![a1.clone(), a0.clone()]);
        by_article.status = Some(EventStatus::Planned);
        assert_eq!(listed(&s, by_article), vec![a1.clone()]);
        assert_eq!(
            q(|q| {
                q.actor = Some("PRK".into());
                q.recipient = Some("USA".into());
            }),
            vec![a0.clone()]
        );
        // paging
        let (page, total) = s
            .events(&EventQuery {
                limit: 2,
                offset: 1,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(total, 4);
        let page: Vec<_> = page.into_iter().map(|r| (r.article, r.idx)).collect();
        assert_eq!(page, vec![a1.clone(), a0.clone()]);
        // a row carries the whole event, its article's story and date, and the sentence
        let (rows, _) = s
            .events(&EventQuery {
                kind: Some(PloverType::Accuse),
                ..Default::default()
            })
            .unwrap();
        let r = &rows[0];
        assert_eq!(r.event, a.record.events[0]);
        assert_eq!(
            (r.story, r.published.as_deref()),
            (Some(0), Some("2024-11-02"))
        );
        assert_eq!(r.sentence, "North Korea accused Washington.");
        // the record comes back whole, events and claims included
        assert_eq!(s.get(&ia).unwrap().unwrap().record, a.record);
        assert_eq!(s.get(&ib).unwrap().unwrap().record, b.record);
        // stored once: the JSON record leaves events and claims to their tables
        let json: String = s
            .conn
            .query_row("SELECT record FROM articles WHERE id = ?1", [&ia], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(
            !json.contains("events") && !json.contains("claims"),
            "{json}"
        );
    }

    #[test]
    fn claim_filters_return_exactly_their_subset() {
        let mut s = SqliteStore::in_memory().unwrap();
        let (a, b) = two_articles();
        let (ia, ib) = (a.record.id.clone(), b.record.id.clone());
        s.put_linked(&[a.clone(), b.clone()], &[head(0, "A"), head(1, "B")])
            .unwrap();
        let q = |f: fn(&mut ClaimQuery)| {
            let mut q = ClaimQuery::default();
            f(&mut q);
            let (rows, total) = s.claims(&q).unwrap();
            assert_eq!(total, rows.len());
            rows.into_iter().map(|r| r.article).collect::<Vec<_>>()
        };
        // B's claim is dated 2024-W44 (up to 2024-11-03), A's falls back to 2024-11-02
        assert_eq!(q(|_| {}), vec![ib.clone(), ia.clone()]);
        assert_eq!(q(|q| q.speaker = Some("CAN".into())), vec![ib.clone()]);
        assert_eq!(q(|q| q.speaker = Some("USA".into())), vec![ia.clone()]);
        assert!(q(|q| q.speaker = Some("RUS".into())).is_empty());
        assert_eq!(q(|q| q.since = Some("2024-11-03".into())), vec![ib.clone()]);
        assert_eq!(
            q(|q| q.until = Some("2024-10-27".into())),
            Vec::<String>::new()
        );
        assert_eq!(q(|q| q.story = Some(0)), vec![ia.clone()]);
        assert_eq!(
            q(|q| q.status = Some(EventStatus::Hedged)),
            Vec::<String>::new()
        );
        let (rows, _) = s
            .claims(&ClaimQuery {
                article: Some(ib.clone()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].claim, b.record.claims[0]);
        assert_eq!(rows[0].sentence, "Ottawa said so that week.");
    }

    #[test]
    fn re_putting_an_article_replaces_its_rows() {
        let mut s = SqliteStore::in_memory().unwrap();
        let (mut a, b) = two_articles();
        a.link = Some(vec![7, 7]);
        let ia = a.record.id.clone();
        s.put_linked(&[a.clone(), b.clone()], &[head(0, "A"), head(1, "B")])
            .unwrap();
        let count = |s: &SqliteStore, sql: &str| -> i64 {
            s.conn.query_row(sql, [], |r| r.get(0)).unwrap()
        };
        assert_eq!(count(&s, "SELECT count(*) FROM event_participants"), 8);
        // annotated again: one new event, no claim
        let mut again = a.clone();
        let ta = again.record.text.clone();
        again.record.events = vec![event(
            &ta,
            "The US said it saw this.",
            PloverType::Consult,
            vec![part(&ta, "The US", Some("USAGOV"), Some("USA"))],
            vec![],
            EventStatus::Hedged,
            None,
            "said",
        )];
        again.record.claims.clear();
        again.record.story = None; // links are not the annotation's to change
        again.link = None;
        assert_eq!(s.replace_annotations(&[again.clone()]).unwrap(), 1);
        let of_a = EventQuery {
            article: Some(ia.clone()),
            ..Default::default()
        };
        let (rows, _) = s.events(&of_a).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].event, again.record.events[0]);
        assert_eq!(rows[0].story, Some(0), "the story stays");
        assert!(listed(
            &s,
            EventQuery {
                actor: Some("PRK".into()),
                ..Default::default()
            }
        )
        .is_empty());
        assert_eq!(
            listed(
                &s,
                EventQuery {
                    actor: Some("USA".into()),
                    ..Default::default()
                }
            ),
            vec![(ia.clone(), 0)]
        );
        assert_eq!(count(&s, "SELECT count(*) FROM event_participants"), 5);
        assert_eq!(count(&s, "SELECT count(*) FROM claims"), 1);
        let got = s.get(&ia).unwrap().unwrap();
        assert_eq!(got.record.events, again.record.events);
        assert!(got.record.claims.is_empty());
        assert_eq!(got.link, a.link, "the linking features stay");
        // an ordinary put of a stored id changes nothing; an unknown id is not replaced
        assert_eq!(s.put_batch(&[a.clone()]).unwrap().already_present, 1);
        assert_eq!(s.events(&of_a).unwrap().1, 1);
        let stranger = art("never stored", None, &[]);
        assert_eq!(s.replace_annotations(&[stranger]).unwrap(), 0);
        assert_eq!(s.stats().unwrap().articles, 2);
    }

    /// A version-2 store is upgraded in place: its articles stay, the new tables exist, and
    /// events and claims a stored record held move into them (out of the record).
    #[test]
    fn upgrade_from_v2_moves_events_into_tables() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = two_articles();
        let (ia, ib) = (a.record.id.clone(), b.record.id.clone());
        {
            let c = Connection::open(dir.path().join("sitrep.db")).unwrap();
            c.execute_batch(SCHEMA_V1).unwrap();
            c.execute_batch(SCHEMA_V2).unwrap();
            c.pragma_update(None, "user_version", 2).unwrap();
            // A as version 2 stored it once the model had events (inside the record); B as
            // stored before the model had them (no such fields).
            let v2_json = |r: &Record, keep_events: bool| {
                let mut v = serde_json::to_value(r).unwrap();
                let o = v.as_object_mut().unwrap();
                for k in ["text", "entities", "duplicate_of", "story"] {
                    o.remove(k);
                }
                if !keep_events {
                    o.remove("events");
                    o.remove("claims");
                }
                serde_json::to_string(&v).unwrap()
            };
            for (x, keep) in [(&a, true), (&b, false)] {
                let r = &x.record;
                c.execute(
                    "INSERT INTO articles (id, published, text, raw, record, n_entities,
                         ingested_at, story)
                     VALUES (?1, ?2, ?3, ?4, ?5, 0, 'then', ?6)",
                    params![r.id, r.published, r.text, x.raw, v2_json(r, keep), r.story],
                )
                .unwrap();
            }
        }
        let s = SqliteStore::open(dir.path()).unwrap();
        let version: i64 = s
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        assert_eq!(s.stats().unwrap().articles, 2);
        let (rows, total) = s.events(&EventQuery::default()).unwrap();
        assert_eq!(total, 2, "A's two events, none for B");
        assert!(rows.iter().all(|r| r.article == ia));
        assert_eq!(s.claims(&ClaimQuery::default()).unwrap().1, 1);
        assert_eq!(
            listed(
                &s,
                EventQuery {
                    actor: Some("PRK".into()),
                    since: Some("2024-11-01".into()),
                    ..Default::default()
                }
            ),
            vec![(ia.clone(), 1)]
        );
        assert_eq!(s.get(&ia).unwrap().unwrap().record.events, a.record.events);
        let got_b = s.get(&ib).unwrap().unwrap().record;
        assert!(got_b.events.is_empty() && got_b.claims.is_empty());
        assert_eq!(got_b.text, b.record.text);
        let json: String = s
            .conn
            .query_row("SELECT record FROM articles WHERE id = ?1", [&ia], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(!json.contains("\"events\""), "{json}");
        drop(s);
        // opening again changes nothing
        let s = SqliteStore::open(dir.path()).unwrap();
        assert_eq!(s.events(&EventQuery::default()).unwrap().1, 2);
    }

    #[test]
    fn days_of_date_values() {
        let d = |v: &str| days_of(v).map(|(a, b)| format!("{a}..{b}"));
        assert_eq!(d("2024-11-01").as_deref(), Some("2024-11-01..2024-11-01"));
        assert_eq!(d("2024-W44").as_deref(), Some("2024-10-28..2024-11-03"));
        assert_eq!(d("2024-02").as_deref(), Some("2024-02-01..2024-02-29"));
        assert_eq!(d("2024-12").as_deref(), Some("2024-12-01..2024-12-31"));
        assert_eq!(d("2023").as_deref(), Some("2023-01-01..2023-12-31"));
        assert_eq!(d("199X").as_deref(), Some("1990-01-01..1999-12-31"));
        assert_eq!(d("PAST_REF"), None);
        assert_eq!(d("2024-13"), None);
    }

    /// The search interface: records after a sequence number come in storage order with their
    /// links and items; hit rows, headlines and members answer for the ids asked about only.
    #[test]
    fn search_lookups() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = SqliteStore::open(dir.path()).unwrap();
        let (mut a, mut b) = two_articles();
        a.record.story = Some(1);
        b.record.story = Some(2);
        b.record.duplicate_of = Some(a.record.id.clone());
        b.record.title = Some("The title".into());
        s.put_linked(&[a.clone(), b.clone()], &[head(1, "One"), head(2, "Two")])
            .unwrap();
        let all = s.records_after(0, 10).unwrap();
        assert_eq!(all.len(), 2);
        assert!(all[0].0 < all[1].0);
        assert_eq!(all[0].1, a.record, "the whole record comes back");
        assert_eq!(all[1].1, b.record);
        let after = s.records_after(all[0].0, 10).unwrap();
        assert_eq!(after.len(), 1);
        assert_eq!(after[0].1.id, b.record.id);
        assert_eq!(s.records_after(0, 1).unwrap().len(), 1, "limit");
        assert!(s.records_after(all[1].0, 10).unwrap().is_empty());

        let ids = vec![b.record.id.clone(), "nope".to_string()];
        let rows = s.hit_rows(&ids, false).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].story, Some(2));
        assert_eq!(rows[0].duplicate_of.as_deref(), Some(a.record.id.as_str()));
        assert_eq!(rows[0].title.as_deref(), Some("The title"));
        assert!(rows[0].text.is_empty() && rows[0].sentences.is_empty());
        let rows = s.hit_rows(&ids, true).unwrap();
        assert_eq!(rows[0].text, b.record.text);
        assert_eq!(rows[0].sentences, b.record.sentences);

        let mut h = s.story_headlines(&[2, 1, 99]).unwrap();
        h.sort();
        assert_eq!(h, vec![(1, "One".to_string()), (2, "Two".to_string())]);
        let m = s.story_member_ids(&[2]).unwrap();
        assert_eq!(m, vec![(2, b.record.id.clone())]);
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

    // API (issue 6)

    /// `as_of_seq` leaves out articles stored later, and with them their events and claims, so
    /// that pages of a listing stay put while articles are added.
    #[test]
    fn as_of_seq_leaves_out_later_articles() {
        let mut s = SqliteStore::in_memory().unwrap();
        let (a, b) = two_articles();
        s.put_linked(std::slice::from_ref(&a), &[head(0, "A")])
            .unwrap();
        let seq = s.max_seq().unwrap();
        s.put_linked(std::slice::from_ref(&b), &[head(1, "B")])
            .unwrap();
        assert!(s.max_seq().unwrap() > seq);
        let arts = |as_of_seq| {
            let (list, total) = s
                .articles(&ArticleQuery {
                    as_of_seq,
                    ..Default::default()
                })
                .unwrap();
            assert_eq!(list.len(), total);
            list.into_iter().map(|x| x.id).collect::<Vec<_>>()
        };
        assert_eq!(arts(Some(seq)), vec![a.record.id.clone()]);
        assert_eq!(arts(None).len(), 2);
        let q = EventQuery {
            as_of_seq: Some(seq),
            ..Default::default()
        };
        assert!(listed(&s, q).iter().all(|(id, _)| *id == a.record.id));
        assert_eq!(listed(&s, EventQuery::default()).len(), 4);
        let (claims, total) = s
            .claims(&ClaimQuery {
                as_of_seq: Some(seq),
                ..Default::default()
            })
            .unwrap();
        assert_eq!((claims.len(), total), (1, 1));
        assert_eq!(claims[0].article, a.record.id);
        assert_eq!(s.claims(&ClaimQuery::default()).unwrap().1, 2);
    }

    /// A party matches either role, by code prefix or country, or by the participant's text.
    #[test]
    fn party_matches_actor_or_recipient() {
        let mut s = SqliteStore::in_memory().unwrap();
        let (a, b) = two_articles();
        let (ia, ib) = (a.record.id.clone(), b.record.id.clone());
        s.put_linked(&[a, b], &[head(0, "A"), head(1, "B")])
            .unwrap();
        let party = |code: Option<&str>, text: Option<&str>| {
            let mut v = listed(
                &s,
                EventQuery {
                    party: Some(crate::Party {
                        code: code.map(str::to_string),
                        text: text.map(str::to_string),
                    }),
                    ..Default::default()
                },
            );
            v.sort();
            v
        };
        let mut kor = vec![(ia.clone(), 1), (ib.clone(), 0)];
        kor.sort();
        // KOR is the recipient of A.1 (KOR) and B.0 (KORGOV), never an actor
        assert_eq!(party(Some("KOR"), None), kor);
        // PRK acts in both of A's events
        assert_eq!(
            party(Some("prk"), None),
            vec![(ia.clone(), 0), (ia.clone(), 1)]
        );
        // the Canadian envoy has no code: found by text, or by its country
        assert_eq!(party(None, Some("a canadian ENVOY")), vec![(ib.clone(), 1)]);
        let mut can = vec![(ib.clone(), 0), (ib.clone(), 1)];
        can.sort();
        assert_eq!(party(Some("CAN"), None), can);
        assert_eq!(party(None, None), vec![]);
    }

    /// Per day: every article, the originals (copies left out) and the distinct stories.
    #[test]
    fn timeline_counts_copies_once() {
        let mut s = SqliteStore::in_memory().unwrap();
        let dated = |text: &str, day: Option<&str>, story: u32, dup: Option<&str>| {
            let mut x = linked(text, Some("x.example"), story, dup);
            x.record.published = day.map(str::to_string);
            x
        };
        let a = dated("first report", Some("2024-11-01"), 0, None);
        let a_copy = dated(
            "first report copied",
            Some("2024-11-01"),
            0,
            Some(&a.record.id),
        );
        let b = dated("second story", Some("2024-11-01"), 1, None);
        let c = dated("next day", Some("2024-11-02"), 0, None);
        let u = dated("undated", None, 1, None);
        s.put_linked(&[a, a_copy, b, c, u], &[head(0, "zero"), head(1, "one")])
            .unwrap();
        let day = |d: Option<&str>, articles, originals, stories| TimelineDay {
            day: d.map(str::to_string),
            articles,
            originals,
            stories,
        };
        assert_eq!(
            s.timeline(&TimelineQuery::default()).unwrap(),
            vec![
                day(Some("2024-11-01"), 3, 2, 2),
                day(Some("2024-11-02"), 1, 1, 1),
                day(None, 1, 1, 1),
            ]
        );
        let q = TimelineQuery {
            since: Some("2024-11-02".into()),
            ..Default::default()
        };
        assert_eq!(
            s.timeline(&q).unwrap(),
            vec![day(Some("2024-11-02"), 1, 1, 1)]
        );
        let q = TimelineQuery {
            story: Some(0),
            until: Some("2024-11-01".into()),
            ..Default::default()
        };
        assert_eq!(
            s.timeline(&q).unwrap(),
            vec![day(Some("2024-11-01"), 2, 1, 1)]
        );
    }

    #[test]
    fn timeline_filters_by_entity_and_event_type() {
        let mut s = SqliteStore::in_memory().unwrap();
        let (a, b) = two_articles();
        let c = art("Nothing of note.", Some("2024-11-02"), &["PRK"]);
        s.put_linked(&[a, b, c], &[head(0, "A"), head(1, "B")])
            .unwrap();
        let q = TimelineQuery {
            kind: Some(PloverType::Threaten),
            ..Default::default()
        };
        let days = s.timeline(&q).unwrap();
        assert_eq!(days.len(), 1);
        assert_eq!(
            (days[0].day.as_deref(), days[0].articles),
            (Some("2024-11-02"), 1)
        );
        let q = TimelineQuery {
            entity: Some("PRK".into()),
            ..Default::default()
        };
        let days = s.timeline(&q).unwrap();
        assert_eq!(days.len(), 1);
        // the article in no story counts as an article but adds no story
        assert_eq!((days[0].articles, days[0].stories), (1, 0));
    }
}
