//! The search index end to end: a small store of annotated reports, indexed, then queried.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use sitrep_core::model::{Event, EventStatus, Mention, Participant, PloverType, Sentence};
use sitrep_core::{Meta, Pipeline};
use sitrep_search::{SearchError, SearchIndex, SearchOptions, SearchResults};
use sitrep_store::{SqliteStore, Store, StoredArticle, StoryHead};

fn pipeline() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(Pipeline::default)
}

const A: &str =
    "North Korea sent troops to the Kursk region, officials said. The deployment worried Kyiv.";
const B: &str = "North Korea held a parade on Thursday. Fighting continued in Kursk.";
const C: &str =
    "North Korea tested a new missile. Japan protested loudly. Kursk saw more shelling.";
const E: &str = "Kim Jong Un visited a factory on Oct. 31, 2024. He praised the workers.";

fn article(
    id: &str,
    text: &str,
    title: &str,
    source: &str,
    published: &str,
    story: u32,
    dup: Option<&str>,
) -> StoredArticle {
    let a = pipeline().annotate(
        text.to_string(),
        Meta {
            id: Some(id.to_string()),
            title: Some(title.to_string()),
            source: Some(source.to_string()),
            published: Some(published.to_string()),
            ..Default::default()
        },
    );
    let mut s = StoredArticle::from_article(&a);
    s.record.story = Some(story);
    s.record.duplicate_of = dup.map(str::to_string);
    s
}

fn part(code: &str, country: &str) -> Participant {
    Participant {
        start: 0,
        end: 1,
        text: "x".into(),
        code: Some(code.into()),
        country: Some(country.into()),
        sector: None,
    }
}

/// An event put on an article by hand (the coder's output is not what is tested here).
fn with_event(
    mut s: StoredArticle,
    kind: PloverType,
    actor: Participant,
    recipient: Participant,
) -> StoredArticle {
    s.record.events.push(Event {
        kind,
        mode: None,
        context: None,
        cameo: "190".into(),
        actor: vec![actor],
        recipient: vec![recipient],
        status: EventStatus::Asserted,
        date: None,
        place: None,
        trigger: Mention {
            start: 0,
            end: 1,
            text: "x".into(),
        },
        sentence: Sentence { start: 0, end: 10 },
        said_by: None,
    });
    s
}

fn head(id: u32, headline: &str) -> StoryHead {
    StoryHead {
        id,
        headline: headline.into(),
        first: None,
        last: None,
    }
}

fn fixture() -> Vec<StoredArticle> {
    vec![
        with_event(
            article("a", A, "Troops sent", "cnn.com", "2024-10-15", 1, None),
            PloverType::Mobilize,
            part("PRKMIL", "PRK"),
            part("UKR", "UKR"),
        ),
        article("b", B, "A parade", "bbc.co.uk", "2024-11-20", 2, None),
        article("c", C, "Missile test", "reuters.com", "2023-05-01", 3, None),
        article(
            "d",
            A,
            "Troops sent (copy)",
            "copycat.com",
            "2024-10-16",
            1,
            Some("a"),
        ),
        article("e", E, "Factory visit", "kcna.kp", "2024-11-01", 4, None),
    ]
}

struct Fx {
    _dir: tempfile::TempDir,
    store: SqliteStore,
    index: SearchIndex,
}

fn setup(arts: &[StoredArticle]) -> Fx {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(dir.path()).unwrap();
    store
        .put_linked(
            arts,
            &[
                head(1, "Troops in Kursk"),
                head(2, "Parade"),
                head(3, "Missile"),
                head(4, "Factory"),
            ],
        )
        .unwrap();
    let index = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(index.catch_up(&store).unwrap(), arts.len());
    Fx {
        _dir: dir,
        store,
        index,
    }
}

fn flat(fx: &Fx, q: &str) -> BTreeSet<String> {
    let opts = SearchOptions {
        group: false,
        limit: 100,
        offset: 0,
    };
    let r = fx
        .index
        .search(&fx.store, q, &opts)
        .unwrap_or_else(|e| panic!("{q}: {e}"));
    assert_eq!(r.total_articles, r.articles.len(), "{q}");
    r.articles.iter().map(|a| a.id.clone()).collect()
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

#[test]
fn near_sentences_and_words() {
    let fx = setup(&fixture());
    // A (and its copy D) have both in one sentence; B in adjacent ones; C two apart.
    assert_eq!(flat(&fx, "\"North Korea\" NEAR/1s Kursk"), set(&["a", "d"]));
    assert_eq!(
        flat(&fx, "Kursk NEAR/1s \"North Korea\""),
        set(&["a", "d"]),
        "either order"
    );
    assert_eq!(
        flat(&fx, "\"North Korea\" NEAR/2s Kursk"),
        set(&["a", "b", "d"])
    );
    assert_eq!(
        flat(&fx, "\"North Korea\" NEAR/3s Kursk"),
        set(&["a", "b", "c", "d"])
    );
    assert_eq!(
        flat(&fx, "\"North Korea\" AND Kursk"),
        set(&["a", "b", "c", "d"])
    );
    // "troops to the Kursk": three words apart
    assert_eq!(flat(&fx, "troops NEAR/3 Kursk"), set(&["a", "d"]));
    assert_eq!(
        flat(&fx, "Kursk NEAR/3 troops"),
        set(&["a", "d"]),
        "either order"
    );
    assert!(flat(&fx, "troops NEAR/2 Kursk").is_empty());
    assert_eq!(
        flat(&fx, "\"sent troops\" NEAR/1 korea"),
        set(&["a", "d"]),
        "phrase operand"
    );
    assert!(
        flat(&fx, "\"troops sent\" NEAR/5 korea").is_empty(),
        "phrase order counts"
    );
    assert!(
        flat(&fx, "korea NEAR/1s korea").is_empty(),
        "one occurrence is not two"
    );
    // the snippet of a NEAR hit is the matching sentence, both marked
    let r = fx
        .index
        .search(
            &fx.store,
            "\"North Korea\" NEAR/1s Kursk",
            &SearchOptions::default(),
        )
        .unwrap();
    let a = &r.stories[0].articles[0];
    let sn = a.snippet.as_ref().unwrap();
    assert!(
        sn.text.contains("North Korea") && sn.text.contains("Kursk"),
        "{sn:?}"
    );
    let marked: Vec<String> = sn
        .highlights
        .iter()
        .map(|&(s, e)| sn.text.chars().skip(s).take(e - s).collect())
        .collect();
    assert_eq!(marked, vec!["North", "Korea", "Kursk"]);
    let text_chars: Vec<char> = A.chars().collect();
    let at: String = text_chars[sn.start..sn.start + sn.text.chars().count()]
        .iter()
        .collect();
    assert_eq!(
        at, sn.text,
        "start is the snippet's offset in the clean text"
    );
}

#[test]
fn fields() {
    let fx = setup(&fixture());
    assert_eq!(flat(&fx, "entity:PRK"), set(&["a", "b", "c", "d"]));
    assert_eq!(flat(&fx, "entity:\"Kim Jong Un\""), set(&["e"]));
    assert_eq!(
        flat(&fx, "entity:\"kim  jong un\""),
        set(&["e"]),
        "case and spaces"
    );
    assert_eq!(flat(&fx, "actor:PRK"), set(&["a"]), "a prefix finds PRKMIL");
    assert_eq!(flat(&fx, "actor:PRKMIL"), set(&["a"]));
    assert!(flat(&fx, "actor:PRKGOV").is_empty());
    assert!(
        flat(&fx, "actor:UKR").is_empty(),
        "the recipient is not an actor"
    );
    assert_eq!(flat(&fx, "recipient:UKR"), set(&["a"]));
    assert_eq!(flat(&fx, "type:MOBILIZE"), set(&["a"]));
    assert_eq!(
        flat(&fx, "type:mobilize status:asserted cameo:190"),
        set(&["a"])
    );
    assert!(flat(&fx, "type:ASSAULT").is_empty());
    assert_eq!(flat(&fx, "source:cnn.com"), set(&["a"]));
    assert_eq!(
        flat(&fx, "source:CNN.com OR outlet:bbc.co.uk"),
        set(&["a", "b"])
    );
    assert_eq!(flat(&fx, "source:(cnn.com OR bbc.co.uk)"), set(&["a", "b"]));
    assert_eq!(flat(&fx, "lang:en"), set(&["a", "b", "c", "d", "e"]));
    assert_eq!(flat(&fx, "id:c"), set(&["c"]));
    assert_eq!(flat(&fx, "title:parade"), set(&["b"]));
    assert!(flat(&fx, "text:sent").contains("a"));
    assert!(
        !flat(&fx, "title:korea").contains("a"),
        "title: is the title only"
    );
    // publication dates
    assert_eq!(
        flat(&fx, "published:[2024-10-01 TO 2024-11-30]"),
        set(&["a", "b", "d", "e"])
    );
    assert_eq!(flat(&fx, "published:2024-10"), set(&["a", "d"]), "a month");
    assert_eq!(flat(&fx, "published:2024-10-15"), set(&["a"]), "a day");
    assert_eq!(
        flat(&fx, "published:{2024-10-15 TO 2024-11-20}"),
        set(&["d", "e"])
    );
    assert_eq!(flat(&fx, "published:[* TO 2023]"), set(&["c"]));
    assert_eq!(flat(&fx, "published:[2024-11 TO *]"), set(&["b", "e"]));
    assert!(flat(&fx, "published:[2025-01-01 TO 2024-01-01]").is_empty());
    // dates in the text
    assert_eq!(flat(&fx, "date:2024-10-31"), set(&["e"]));
    assert_eq!(flat(&fx, "date:[2024-10-01 TO 2024-10-31]"), set(&["e"]));
    // B's "on Thursday" resolves against its publication day (2024-11-20)
    assert_eq!(flat(&fx, "date:2024-11"), set(&["b"]));
    // story filter
    assert_eq!(flat(&fx, "story:1"), set(&["a", "d"]));
    assert_eq!(flat(&fx, "korea story:2"), set(&["b"]));
    // boolean
    assert_eq!(flat(&fx, "Kursk -troops"), set(&["b", "c"]));
    assert_eq!(flat(&fx, "Kursk NOT (troops OR parade)"), set(&["c"]));
    assert_eq!(flat(&fx, "NOT korea"), set(&["e"]));
    assert_eq!(flat(&fx, "parade OR missile"), set(&["b", "c"]));
}

#[test]
fn fuzzy_and_prefix() {
    let fx = setup(&fixture());
    assert!(flat(&fx, "Kurks").is_empty());
    assert_eq!(
        flat(&fx, "Kurks~1"),
        set(&["a", "b", "c", "d"]),
        "a transposition"
    );
    assert_eq!(flat(&fx, "Kirsk~1"), set(&["a", "b", "c", "d"]));
    assert!(flat(&fx, "Kirks~1").is_empty());
    assert_eq!(flat(&fx, "Kirks~2"), set(&["a", "b", "c", "d"]));
    assert_eq!(flat(&fx, "missil*"), set(&["c"]));
    assert_eq!(flat(&fx, "prot*"), set(&["c"]));
    assert_eq!(flat(&fx, "source:reut*"), set(&["c"]));
    assert_eq!(
        flat(&fx, "source:bbc.co*"),
        set(&["b"]),
        "meta characters are literal"
    );
    assert_eq!(flat(&fx, "entity:kim*"), set(&["e"]), "a keyword prefix");
    let r = fx
        .index
        .search(&fx.store, "missil*", &SearchOptions::default())
        .unwrap();
    let sn = r.stories[0].articles[0].snippet.clone().unwrap();
    assert_eq!(sn.highlights.len(), 1, "{sn:?}");
    let (s, e) = sn.highlights[0];
    assert_eq!(
        sn.text.chars().skip(s).take(e - s).collect::<String>(),
        "missile"
    );
}

#[test]
fn grouped_by_story_with_copies_and_pages() {
    let fx = setup(&fixture());
    let r = fx
        .index
        .search(&fx.store, "Kursk", &SearchOptions::default())
        .unwrap();
    assert_eq!(r.total_articles, 4);
    let stories: Vec<Option<u32>> = r.stories.iter().map(|s| s.story).collect();
    assert_eq!(stories.len(), 3, "{stories:?}");
    assert!(!r.more);
    let s1 = r.stories.iter().find(|s| s.story == Some(1)).unwrap();
    assert_eq!(s1.headline.as_deref(), Some("Troops in Kursk"));
    assert_eq!(s1.articles.len(), 1);
    assert_eq!(s1.articles[0].id, "a");
    assert!(s1.articles[0].snippet.is_some());
    assert_eq!(s1.copies.len(), 1);
    assert_eq!(s1.copies[0].id, "d");
    assert_eq!(s1.copies[0].duplicate_of.as_deref(), Some("a"));
    assert!((s1.score - s1.articles[0].score.max(s1.copies[0].score)).abs() < 1e-6);
    for w in r.stories.windows(2) {
        assert!(w[0].score >= w[1].score, "stories by their best article");
    }
    // pages of one story
    let page = |offset| {
        fx.index
            .search(
                &fx.store,
                "Kursk",
                &SearchOptions {
                    group: true,
                    limit: 1,
                    offset,
                },
            )
            .unwrap()
    };
    let mut seen = Vec::new();
    for offset in 0..3 {
        let p: SearchResults = page(offset);
        assert_eq!(p.stories.len(), 1);
        assert_eq!(p.more, offset < 2, "offset {offset}");
        assert_eq!(p.total_articles, 4);
        seen.push(p.stories[0].story);
    }
    assert_eq!(seen, stories, "pages walk the same ranking");
    assert!(page(3).stories.is_empty());
    // flat pages
    let r = fx
        .index
        .search(
            &fx.store,
            "Kursk",
            &SearchOptions {
                group: false,
                limit: 3,
                offset: 0,
            },
        )
        .unwrap();
    assert_eq!(r.articles.len(), 3);
    assert!(r.more && r.stories.is_empty());
}

#[test]
fn catch_up_is_idempotent_and_heals() {
    let arts = fixture();
    let fx = setup(&arts[..3]);
    assert_eq!(fx.index.num_docs(), 3);
    assert_eq!(fx.index.catch_up(&fx.store).unwrap(), 0);
    assert_eq!(fx.index.num_docs(), 3, "twice is once");
    // rows committed to the store but never indexed (a crash in between) are picked up
    let mut store = SqliteStore::open(fx._dir.path()).unwrap();
    store.put_linked(&arts[3..], &[]).unwrap();
    let again = SearchIndex::open(fx._dir.path()).unwrap();
    assert_eq!(again.catch_up(&store).unwrap(), 2);
    assert_eq!(again.num_docs(), 5);
    assert_eq!(again.indexed_seq().unwrap(), store.max_seq().unwrap());
    assert_eq!(
        flat(&fx, "factory").len(),
        0,
        "the first handle reloads within a second"
    );
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert_eq!(
        flat(&fx, "factory"),
        set(&["e"]),
        "another handle's commit is seen"
    );
}

#[test]
fn index_articles_replaces() {
    let mut arts = fixture();
    let fx = setup(&arts);
    let mut a = arts.remove(0);
    a.record.text = a.record.text.replace("Kursk", "Belgorod");
    fx.index.index_articles(&[a.clone()]).unwrap();
    assert_eq!(fx.index.num_docs(), 5, "replaced, not added");
    assert_eq!(flat(&fx, "Belgorod"), set(&["a"]));
    assert_eq!(flat(&fx, "\"North Korea\" NEAR/1s Kursk"), set(&["d"]));
    // catching up afterwards does not double it either
    fx.index.catch_up(&fx.store).unwrap();
    assert_eq!(fx.index.num_docs(), 5);
    // a full rebuild goes back to what the store holds
    assert_eq!(fx.index.rebuild(&fx.store, &mut |_, _| {}).unwrap(), 5);
    assert_eq!(fx.index.num_docs(), 5);
    assert!(flat(&fx, "Belgorod").is_empty());
}

#[test]
fn schema_version_mismatch_rebuilds() {
    let fx = setup(&fixture());
    let path = fx.index.path().to_path_buf();
    drop(fx.index);
    {
        let index = tantivy::Index::open_in_dir(&path).unwrap();
        let mut w: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
        let mut c = w.prepare_commit().unwrap();
        c.set_payload(r#"{"schema":999,"seq":3}"#);
        c.commit().unwrap();
    }
    let index = SearchIndex::open(fx._dir.path()).unwrap();
    let notice = index.notice().expect("a notice");
    assert!(notice.contains("schema version 999"), "{notice}");
    assert_eq!(index.num_docs(), 0);
    assert_eq!(index.catch_up(&fx.store).unwrap(), 5);
    assert_eq!(index.num_docs(), 5);
    assert!(SearchIndex::open(fx._dir.path())
        .unwrap()
        .notice()
        .is_none());
}

#[test]
fn bad_queries_are_query_errors() {
    let fx = setup(&fixture()[..1]);
    for (q, at) in [("(kursk", 0), ("entiy:PRK", 0), ("kursk~3", 5), ("", 0)] {
        match fx.index.search(&fx.store, q, &SearchOptions::default()) {
            Err(SearchError::Query { at: got, .. }) => assert_eq!(got, at, "{q}"),
            other => panic!("{q}: {other:?}"),
        }
    }
    assert!(fx
        .index
        .search(&fx.store, "&", &SearchOptions::default())
        .is_err());
}

#[test]
fn unlinked_articles_are_their_own_group() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(dir.path()).unwrap();
    let mut a = article("x", A, "Alone", "cnn.com", "2024-10-15", 0, None);
    a.record.story = None;
    store.put_batch(&[a]).unwrap();
    let index = SearchIndex::open(dir.path()).unwrap();
    index.catch_up(&store).unwrap();
    let r = index
        .search(&store, "kursk", &SearchOptions::default())
        .unwrap();
    assert_eq!(r.stories.len(), 1);
    assert_eq!(r.stories[0].story, None);
    assert_eq!(r.stories[0].headline.as_deref(), Some("Alone"));
    assert_eq!(r.stories[0].articles[0].id, "x");
}
