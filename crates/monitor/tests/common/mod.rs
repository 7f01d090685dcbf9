//! A store fed by the real pipeline and linker (copies and stories), with a search index, and
//! short reports written for these tests.

#![allow(dead_code)]

use std::collections::BTreeSet;

use sitrep_core::corpus::link::CorpusIndex;
use sitrep_core::{Meta, Pipeline};
use sitrep_search::SearchIndex;
use sitrep_store::{SqliteStore, Store, StoredArticle, StoryHead};

/// (id, outlet, published, text).
pub type Report = (&'static str, &'static str, &'static str, &'static str);

/// The wire report.
pub const WIRE: Report = (
    "wire",
    "wire.example",
    "2024-10-18",
    "North Korea has sent about 10,000 troops to Russia, South Korea's National Intelligence \
     Service said on Friday. The soldiers were taken by ship from the North Korean port of \
     Chongjin to Vladivostok and are training at Russian bases before deployment near Kursk. \
     Seoul called the deployment a grave security threat.",
);

/// The wire report republished verbatim by another outlet.
pub const COPY: Report = ("copy", "daily.example", WIRE.2, WIRE.3);

/// Another outlet's own report of the same event, in other words (no "North Korea").
pub const OTHER: Report = (
    "herald",
    "herald.example",
    "2024-10-18",
    "Pyongyang has shipped thousands of soldiers to Russia to support Moscow's war, the South \
     Korean intelligence service said on Friday. The troops from Chongjin landed in \
     Vladivostok and are training at Russian bases before they are sent to Kursk, according \
     to the National Intelligence Service in Seoul.",
);

/// An unrelated story.
pub const UNRELATED: Report = (
    "fire",
    "coast.example",
    "2024-10-18",
    "Fire crews fought a wildfire near Malibu, California, on Friday as strong winds pushed \
     the flames toward the coast. Thousands of residents left their homes and several houses \
     burned.",
);

/// A denial from a new outlet.
pub const DENIAL: Report = (
    "denial",
    "kremlin-watch.example",
    "2024-10-19",
    "Russia denied on Saturday that North Korean troops had attacked Ukrainian positions near \
     Kursk. The Kremlin dismissed the report by South Korea's National Intelligence Service \
     about the soldiers from Chongjin training at Russian bases.",
);

/// A revised figure, from the wire's own outlet.
pub const REVISED: Report = (
    "revised",
    "wire.example",
    "2024-10-23",
    "North Korea has now sent about 12,000 troops to Russia, South Korea's National \
     Intelligence Service said on Wednesday, raising its estimate. The soldiers from Chongjin \
     are training at Russian bases before deployment near Kursk, Seoul said.",
);

/// A store directory with its search index and the linker that `sitrep ingest` would use.
pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub store: SqliteStore,
    pub search: SearchIndex,
    pub corpus: CorpusIndex,
    pub pipeline: Pipeline,
}

impl Fixture {
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let search = SearchIndex::open(dir.path()).unwrap();
        Fixture {
            dir,
            store,
            search,
            corpus: CorpusIndex::new(&Default::default(), &Default::default()).unwrap(),
            pipeline: Pipeline::default(),
        }
    }

    /// Annotate, link and store reports (as `sitrep ingest` does), then index them.
    pub fn ingest(&mut self, reports: &[Report]) {
        let mut batch = Vec::new();
        let mut touched = BTreeSet::new();
        for (id, source, published, text) in reports {
            let a = self.pipeline.annotate(
                (*text).into(),
                Meta {
                    id: Some((*id).into()),
                    source: Some((*source).into()),
                    url: Some(format!("https://{source}/{id}")),
                    published: Some((*published).into()),
                    title: None,
                    ..Default::default()
                },
            );
            let linked = self.corpus.link(&a);
            let mut row = StoredArticle::from_article(&a);
            row.record.story = Some(linked.story);
            row.record.duplicate_of = linked.duplicate_of;
            touched.insert(linked.story);
            batch.push(row);
        }
        let fmt = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
        let heads: Vec<StoryHead> = touched
            .iter()
            .map(|&s| {
                let st = self.corpus.stories.story(s).unwrap();
                StoryHead {
                    id: s,
                    headline: st.headline.clone(),
                    first: fmt(st.first),
                    last: fmt(st.last),
                }
            })
            .collect();
        self.store.put_linked(&batch, &heads).unwrap();
        self.search.catch_up(&self.store).unwrap();
    }

    /// The story and `duplicate_of` of a stored article.
    pub fn links(&self, id: &str) -> (u32, Option<String>) {
        let r = self.store.get(id).unwrap().unwrap().record;
        (r.story.unwrap(), r.duplicate_of)
    }
}
