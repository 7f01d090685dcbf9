//! Story clustering tests on short reports written for these tests (public facts, own words).

use std::sync::OnceLock;

use super::*;
use crate::model::Meta;
use crate::Pipeline;

fn pipeline() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(Pipeline::default)
}

fn art(id: &str, published: Option<&str>, text: &str) -> Article {
    pipeline().annotate(
        text.to_string(),
        Meta {
            id: Some(id.into()),
            published: published.map(Into::into),
            ..Default::default()
        },
    )
}

// The 31 Oct 2024 Hwasong-19 test, reported twice; a January 2024 hypersonic launch (same
// actors and vocabulary, another event); the April 2019 Notre-Dame fire, reported twice.
fn icbm_a() -> Article {
    art(
        "icbm-a",
        Some("2024-10-31"),
        "North Korea test-fired a new solid-fuel intercontinental ballistic missile on Thursday, \
         South Korea's Joint Chiefs of Staff said. The missile flew for about 86 minutes, the \
         longest flight recorded for a North Korean missile, before it fell into the sea west \
         of Japan. Japan's defence ministry said it climbed higher than 7,000 kilometres. \
         Kim Jong Un watched the launch, according to state media.",
    )
}

fn icbm_b() -> Article {
    art(
        "icbm-b",
        Some("2024-11-01"),
        "Pyongyang said on Friday that the Hwasong-19 intercontinental ballistic missile it \
         launched on Thursday was its most powerful yet. Kim Jong Un oversaw the test, KCNA \
         reported. Seoul and Tokyo said the solid-fuel missile stayed in the air for 86 minutes \
         and came down in waters west of Japan, a record flight time.",
    )
}

fn hypersonic() -> Article {
    art(
        "hypersonic-jan",
        Some("2024-01-15"),
        "North Korea fired a solid-fuel intermediate-range ballistic missile with a hypersonic \
         warhead on Sunday, its first launch of the year, South Korea's Joint Chiefs of Staff \
         said. The missile flew about 1,000 kilometres before falling into the sea. KCNA said \
         Kim Jong Un's new weapon had passed its test.",
    )
}

fn notre_dame_a() -> Article {
    art(
        "nd-a",
        Some("2019-04-15"),
        "A fire broke out in the roof of Notre-Dame Cathedral in Paris on Monday evening and \
         brought down its spire. Firefighters battled the flames for hours. President Emmanuel \
         Macron said the cathedral would be rebuilt.",
    )
}

fn notre_dame_b() -> Article {
    art(
        "nd-b",
        Some("2019-04-16"),
        "Paris firefighters saved the main structure and the two bell towers of Notre-Dame, \
         officials said on Tuesday, after a blaze destroyed the cathedral's roof and spire. \
         Macron promised to rebuild Notre-Dame within five years, and donors pledged hundreds \
         of millions of euros.",
    )
}

fn index() -> StoryIndex {
    StoryIndex::new(StoryConfig::default()).unwrap()
}

#[test]
fn same_event_joins_one_story() {
    let mut ix = index();
    let a = ix.add(&icbm_a());
    let b = ix.add(&icbm_b());
    assert_eq!(
        a, b,
        "two reports of the Hwasong-19 test must share a story"
    );
    let s = ix.story(a).unwrap();
    assert_eq!(s.articles, vec!["icbm-a".to_string(), "icbm-b".to_string()]);
    assert_eq!(s.first, NaiveDate::from_ymd_opt(2024, 10, 31));
    assert_eq!(s.last, NaiveDate::from_ymd_opt(2024, 11, 1));
    assert!(
        s.headline.starts_with("North Korea test-fired"),
        "{}",
        s.headline
    );
}

#[test]
fn same_topic_other_event_opens_new_story() {
    let mut ix = index();
    let a = ix.add(&icbm_a());
    let b = ix.add(&icbm_b());
    let c = ix.add(&hypersonic());
    let d = ix.add(&notre_dame_a());
    let e = ix.add(&notre_dame_b());
    assert_eq!(a, b);
    assert_ne!(c, a, "the January launch is another story");
    assert_ne!(d, a);
    assert_ne!(d, c);
    assert_eq!(d, e, "two reports of the Notre-Dame fire share a story");
    assert_eq!(ix.stories().count(), 3);
    // Re-adding a known article changes nothing.
    assert_eq!(ix.add(&icbm_b()), a);
    assert_eq!(ix.len(), 5);
}

#[test]
fn time_is_neutral_without_dates() {
    // Without any date, the two reports still join on content and entities alone.
    let strip = |mut x: Article| {
        x.published = None;
        x.dates.clear();
        x
    };
    let mut ix = index();
    let a = ix.add(&strip(icbm_a()));
    let b = ix.add(&strip(icbm_b()));
    assert_eq!(a, b);
}

#[test]
fn serde_round_trip_continues_like_one_long_run() {
    let arts = [
        icbm_a(),
        notre_dame_a(),
        hypersonic(),
        icbm_b(),
        notre_dame_b(),
    ];
    let mut long = index();
    let all: Vec<StoryId> = arts.iter().map(|a| long.add(a)).collect();
    for cut in 1..arts.len() {
        let mut first = index();
        let mut got: Vec<StoryId> = arts[..cut].iter().map(|a| first.add(a)).collect();
        let json = serde_json::to_string(&first).unwrap();
        let mut resumed: StoryIndex = serde_json::from_str(&json).unwrap();
        assert_eq!(resumed, first, "state survives serialisation exactly");
        got.extend(arts[cut..].iter().map(|a| resumed.add(a)));
        assert_eq!(got, all, "cut at {cut}");
        assert_eq!(resumed, long);
    }
}

#[test]
fn cannot_link_keeps_apart_and_must_link_pulls_together() {
    // cannot-link recorded before the second report arrives.
    let mut ix = index();
    let a = ix.add(&icbm_a());
    ix.cannot_link("icbm-a", "icbm-b");
    let b = ix.add(&icbm_b());
    assert_ne!(a, b);

    // cannot-link on two articles already together splits the second out.
    let mut ix = index();
    let a = ix.add(&icbm_a());
    assert_eq!(ix.add(&icbm_b()), a);
    ix.cannot_link("icbm-a", "icbm-b");
    assert_ne!(ix.story_of("icbm-b"), Some(a));
    assert_eq!(ix.story(a).unwrap().articles, vec!["icbm-a".to_string()]);

    // must-link before arrival: the January launch is forced into the October story.
    let mut ix = index();
    let a = ix.add(&icbm_a());
    ix.must_link("icbm-a", "hypersonic-jan");
    assert_eq!(ix.add(&hypersonic()), a);

    // must-link after the fact merges two stories into the older one.
    let mut ix = index();
    let a = ix.add(&icbm_a());
    let d = ix.add(&notre_dame_a());
    assert_ne!(a, d);
    ix.must_link("nd-a", "icbm-a");
    assert_eq!(ix.story_of("nd-a"), Some(a));
    assert_eq!(ix.stories().count(), 1);
    // ... and a later report of the fire still finds the merged story.
    assert_eq!(ix.add(&notre_dame_b()), a);
}

#[test]
fn split_article_never_rejoins() {
    let mut ix = index();
    let a = ix.add(&icbm_a());
    assert_eq!(ix.add(&icbm_b()), a);
    let b = ix.split("icbm-b").unwrap();
    assert_ne!(a, b);
    // A merge request through a third article cannot pull it back: a must-link to a member
    // of the old story leaves the split article where it is.
    ix.must_link("icbm-b", "icbm-a");
    assert_ne!(ix.story_of("icbm-b"), ix.story_of("icbm-a"));
    // Other new reports still find the old story.
    let mut again = icbm_a();
    again.id = "icbm-a2".into();
    assert_eq!(ix.add(&again), a);
}

#[test]
fn config_rejects_unknown_fields_and_bad_values() {
    let e = serde_json::from_str::<StoryConfig>(r#"{"treshold": 0.3}"#);
    assert!(e.is_err(), "unknown field must be rejected");
    let c: StoryConfig = serde_json::from_str(r#"{"threshold": 0.4}"#).unwrap();
    assert_eq!(c.threshold, 0.4);
    assert_eq!(c.w_text, StoryConfig::default().w_text);
    let bad = StoryConfig {
        time_window_days: 0,
        ..Default::default()
    };
    assert!(StoryIndex::new(bad).is_err());
    let bad = StoryConfig {
        max_candidates: 0,
        ..Default::default()
    };
    assert!(StoryIndex::new(bad).is_err());
}

fn shared_data() -> Option<std::path::PathBuf> {
    let d = crate::eval::tempeval::shared_data_dir();
    d.is_dir().then_some(d)
}

#[test]
fn seeds_000_001_share_a_story_004_does_not() {
    let Some(data) = shared_data() else {
        eprintln!("skipped: no shared data ($SITREP_SHARED/data or ../shared/data)");
        return;
    };
    let dir = data.join("seeds");
    let mut files: Vec<_> = match std::fs::read_dir(&dir) {
        Ok(r) => r.filter_map(|e| e.ok()).map(|e| e.path()).collect(),
        Err(_) => {
            eprintln!("skipped: no {}", dir.display());
            return;
        }
    };
    files.sort();
    let mut ix = index();
    let mut by_prefix = std::collections::HashMap::new();
    for f in files {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let prefix = name[..3].to_string();
        let raw = std::fs::read_to_string(&f).unwrap();
        let a = pipeline().annotate(
            raw,
            Meta {
                id: Some(name.clone()),
                ..Default::default()
            },
        );
        eprintln!("{name}: {:?}", ix.explain(&a));
        by_prefix.insert(prefix, ix.add(&a));
    }
    let (s0, s1, s4) = (by_prefix["000"], by_prefix["001"], by_prefix["004"]);
    assert_eq!(s0, s1, "seeds 000 and 001 report the same meeting");
    assert_ne!(s4, s0, "seed 004 is a different event");
}

/// Every article is in exactly one story, and `story_of` agrees with the story lists.
fn assert_partition(ix: &StoryIndex) {
    let mut seen = std::collections::HashMap::new();
    for s in ix.stories() {
        for a in &s.articles {
            assert!(
                seen.insert(a.clone(), s.id).is_none(),
                "{a} is in two stories"
            );
            assert_eq!(ix.story_of(a), Some(s.id), "{a}");
        }
        for (c, _) in &s.copies {
            assert!(s.articles.contains(c), "copy {c} not listed as a member");
        }
    }
    assert_eq!(seen.len(), ix.len());
}

#[test]
fn features_serialise_and_replay_the_same_index() {
    let arts = [icbm_a(), notre_dame_a(), icbm_b()];
    let mut direct = index();
    let mut replay = index();
    for a in &arts {
        let f = features(a, false);
        let json = serde_json::to_string(&f).unwrap();
        let back: Features = serde_json::from_str(&json).unwrap();
        assert_eq!(back, f);
        assert_eq!(
            direct.add(a),
            replay.add_features(&a.id, headline_of(a), back)
        );
    }
    assert_eq!(direct, replay);
}

#[test]
fn copy_joins_its_original_without_changing_any_score() {
    let mut ix = index();
    let a = ix.add(&icbm_a());
    ix.add(&notre_dame_a());
    let probe = icbm_b();
    let before = ix.explain(&probe);
    assert_eq!(ix.add_copy("icbm-a-copy", "icbm-a"), Some(a));
    assert_eq!(ix.explain(&probe), before, "a copy is no new evidence");
    let s = ix.story(a).unwrap();
    assert_eq!(
        s.articles,
        vec!["icbm-a".to_string(), "icbm-a-copy".to_string()]
    );
    assert_eq!(
        s.copies,
        vec![("icbm-a-copy".to_string(), "icbm-a".to_string())]
    );
    // Idempotent, and an unknown original adds nothing.
    assert_eq!(ix.add_copy("icbm-a-copy", "nd-a"), Some(a));
    assert_eq!(ix.add_copy("orphan", "no-such-article"), None);
    assert_eq!(ix.story_of("orphan"), None);
    assert_eq!(ix.len(), 3);
    // The next report still finds the story.
    assert_eq!(ix.add(&probe), a);
    assert_partition(&ix);
}

#[test]
fn merge_moves_the_younger_story_and_later_adds_respect_it() {
    let mut ix = index();
    let a = ix.add(&icbm_a());
    let d = ix.add(&notre_dame_a());
    ix.add_copy("nd-a-copy", "nd-a");
    assert_ne!(a, d);
    assert_eq!(ix.merge(d, a), Some(a), "the older story keeps its id");
    assert_eq!(ix.stories().count(), 1);
    assert_eq!(ix.story_of("nd-a"), Some(a));
    assert_eq!(ix.story_of("nd-a-copy"), Some(a));
    assert!(ix.story(d).unwrap().articles.is_empty());
    assert!(ix.must["icbm-a"].contains("nd-a"));
    // Later reports of either event join the merged story.
    assert_eq!(ix.add(&notre_dame_b()), a);
    assert_eq!(ix.add(&icbm_b()), a);
    assert_eq!(ix.merge(a, 99), None);
    assert_eq!(ix.merge(a, d), None, "an emptied story cannot be merged");
    assert_partition(&ix);
}

#[test]
fn split_out_moves_articles_together_and_never_back() {
    let mut ix = index();
    let a = ix.add(&icbm_a());
    ix.must_link("icbm-a", "nd-a");
    ix.must_link("icbm-a", "nd-b");
    assert_eq!(ix.add(&notre_dame_a()), a);
    assert_eq!(ix.add(&notre_dame_b()), a);
    ix.add_copy("nd-a-copy", "nd-a");
    ix.add_copy("icbm-a-copy", "icbm-a");
    // Not all members of one story, or unknown: nothing happens.
    ix.cannot_link("icbm-a", "hypersonic-jan");
    let other = ix.add(&hypersonic());
    assert_ne!(other, a);
    assert_eq!(ix.split_out(&["nd-a", "hypersonic-jan"]), None);
    assert_eq!(ix.split_out(&["nd-a", "nobody"]), None);
    assert_eq!(ix.split_out(&[]), None);
    assert_eq!(ix.story(a).unwrap().articles.len(), 5);

    let s = ix.split_out(&["nd-a", "nd-b"]).unwrap();
    assert_ne!(s, a);
    assert_eq!(
        ix.story(s).unwrap().articles,
        vec![
            "nd-a".to_string(),
            "nd-b".to_string(),
            "nd-a-copy".to_string()
        ],
        "the copy follows its original"
    );
    assert_eq!(
        ix.story(a).unwrap().articles,
        vec!["icbm-a".to_string(), "icbm-a-copy".to_string()]
    );
    assert_partition(&ix);
    // The earlier must-link cannot pull them back, nor can a merge request by must-link.
    ix.must_link("icbm-a", "nd-a");
    assert_eq!(ix.story_of("nd-a"), Some(s));
    assert_partition(&ix);
    // A later report of the fire joins the split-out story, a missile report the old one.
    let mut nd_c = notre_dame_b();
    nd_c.id = "nd-c".into();
    assert_eq!(ix.add(&nd_c), s);
    assert_eq!(ix.add(&icbm_b()), a);
    // Splitting out a whole story changes nothing.
    assert_eq!(ix.split_out(&["icbm-a", "icbm-a-copy", "icbm-b"]), Some(a));
    assert_partition(&ix);
}

#[test]
fn stories_far_outside_the_time_window_are_not_candidates() {
    let mut ix = index();
    let a = ix.add(&icbm_a());
    // The same text published a year later is another happening (e.g. an anniversary
    // rerun): the old story is not even a candidate.
    let mut later = icbm_b();
    later.published = NaiveDate::from_ymd_opt(2025, 11, 1);
    assert_ne!(ix.add(&later), a);
    let m = ix.admit(&features(&icbm_b(), false));
    match ix.candidates("x", &m) {
        Err(c) => assert!(c.contains(&a)),
        Ok(_) => panic!("no must-link here"),
    }
}

#[test]
fn members_scanned_bounds_the_member_comparison() {
    let mut ix = StoryIndex::new(StoryConfig {
        members_scanned: 1,
        ..Default::default()
    })
    .unwrap();
    let a = ix.add(&icbm_a());
    ix.add_copy("icbm-a-copy", "icbm-a");
    ix.must_link("icbm-a", "nd-a");
    ix.add(&notre_dame_a());
    let s = ix.story(a).unwrap().clone();
    // Copies are skipped; only the first real member is compared with.
    let ids: Vec<&Member> = ix.scanned(&s).collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(ids[0].copy_of, None);
    assert_eq!(ids[0], &ix.members["icbm-a"]);
}

#[test]
fn serde_round_trip_after_copies_merges_and_splits() {
    let ops = |ix: &mut StoryIndex, from: usize, to: usize| {
        for k in from..to {
            match k {
                0 => drop(ix.add(&icbm_a())),
                1 => drop(ix.add(&notre_dame_a())),
                2 => drop(ix.add_copy("c1", "icbm-a")),
                3 => drop(ix.merge(0, 1)),
                4 => drop(ix.split_out(&["nd-a"])),
                5 => drop(ix.add(&icbm_b())),
                6 => drop(ix.add(&notre_dame_b())),
                _ => drop(ix.add(&hypersonic())),
            }
        }
    };
    let mut long = index();
    ops(&mut long, 0, 8);
    for cut in 1..8 {
        let mut first = index();
        ops(&mut first, 0, cut);
        let json = serde_json::to_string(&first).unwrap();
        let mut resumed: StoryIndex = serde_json::from_str(&json).unwrap();
        assert_eq!(resumed, first);
        ops(&mut resumed, cut, 8);
        assert_eq!(resumed, long, "cut at {cut}");
    }
    assert_partition(&long);
}

#[test]
fn max_candidates_keeps_the_stories_with_most_posting_hits() {
    // The same three reports without publication dates (so that no time filter applies):
    // the January launch shares some vocabulary with the Hwasong-19 reports, the October
    // report shares more; with a cap of one candidate, only the October story is scored.
    let undated = |a: Article| {
        let mut a = a;
        a.meta.published = None;
        a.published = None;
        a
    };
    let run = |cap: usize| {
        let mut ix = StoryIndex::new(StoryConfig {
            max_candidates: cap,
            ..Default::default()
        })
        .unwrap();
        let a = ix.add(&undated(icbm_a()));
        let h = ix.add(&undated(hypersonic()));
        let m = ix.admit(&features(&undated(icbm_b()), false));
        match ix.candidates("x", &m) {
            Err(c) => (a, h, c),
            Ok(_) => panic!("no must-link here"),
        }
    };
    let (a, h, all) = run(64);
    assert_eq!(all, vec![a, h]);
    let (_, _, capped) = run(1);
    assert_eq!(capped, vec![a]);
}
