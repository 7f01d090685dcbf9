//! Tests on short reports written for this file (paraphrases of public events, not copies of
//! any article), plus a data-gated check on the shared seed reports.

use super::*;
use crate::model::Meta;

fn run(text: &str) -> Vec<Entity> {
    let stage = Entities::new(&EntitiesConfig::default()).expect("stage builds");
    let mut a = Article::new(text.to_string(), Meta::default());
    stage.process(&mut a);
    a.entities
}

fn find<'a>(es: &'a [Entity], text: &str) -> Option<&'a Entity> {
    es.iter().find(|e| e.text == text)
}

fn has_code(es: &[Entity], code: &str) -> bool {
    es.iter().any(|e| e.code.as_deref() == Some(code))
}

fn check_invariants(text: &str, es: &[Entity]) {
    for w in es.windows(2) {
        assert!(
            w[0].end <= w[1].start,
            "overlap or unsorted: {:?} {:?}",
            w[0],
            w[1]
        );
    }
    for e in es {
        assert!(text.is_char_boundary(e.start) && text.is_char_boundary(e.end));
        assert_eq!(&text[e.start..e.end], e.text);
    }
}

const OTTAWA: &str = "Foreign and defence ministers of Canada and South Korea met in Ottawa on \
Friday for their first 2+2 talks. Canada sent Melanie Joly and Bill Blair, while Seoul was \
represented by Foreign Minister Cho Tae-yul and Defense Minister Kim Yong-hyun. The four \
condemned the DPRK's transfer of arms to Russia; Ottawa and Seoul also voiced concern about \
North Korean soldiers in Russia's Kursk region.";

#[test]
fn ottawa_meeting_people_places_countries() {
    let es = run(OTTAWA);
    check_invariants(OTTAWA, &es);
    let cho = find(&es, "Cho Tae-yul").expect("Cho Tae-yul");
    assert_eq!(cho.kind, EntityKind::Person);
    assert_eq!(cho.role.as_deref(), Some("Foreign Minister"));
    assert_eq!(cho.country.as_deref(), Some("KOR"), "{cho:?}");
    let kim = find(&es, "Kim Yong-hyun").expect("Kim Yong-hyun");
    assert_eq!(kim.role.as_deref(), Some("Defense Minister"));
    assert_eq!(kim.country.as_deref(), Some("KOR"));
    // "Ottawa" after "in" is a place; "Ottawa and Seoul ... voiced" are governments
    let ottawas: Vec<&Entity> = es.iter().filter(|e| e.text == "Ottawa").collect();
    assert_eq!(ottawas.len(), 2, "{es:#?}");
    assert_eq!(ottawas[0].kind, EntityKind::Place);
    assert_eq!(ottawas[0].country.as_deref(), Some("CAN"));
    assert!(ottawas[0].lat.is_some());
    assert_eq!(ottawas[1].kind, EntityKind::Country);
    assert_eq!(ottawas[1].code.as_deref(), Some("CAN"));
    for code in ["CAN", "KOR", "PRK", "RUS"] {
        assert!(has_code(&es, code), "{code}: {es:#?}");
    }
    let dprk = find(&es, "DPRK").unwrap();
    assert_eq!(dprk.code.as_deref(), Some("PRK"));
    assert_eq!(
        find(&es, "North Korean").unwrap().code.as_deref(),
        Some("PRK")
    );
    assert!(es
        .iter()
        .any(|e| e.text.starts_with("Kursk") && e.kind == EntityKind::Place));
    // no person swallowed a title or a country
    for e in es.iter().filter(|e| e.kind == EntityKind::Person) {
        assert!(
            !e.text.contains("Minister") && !e.text.contains("Canada"),
            "{e:?}"
        );
    }
}

#[test]
fn names_of_country_and_appositive() {
    let t = "A statement was issued by Melanie Joly and Bill Blair of Canada, and Cho Tae-yul \
             and Kim Yong-hyun of S. Korea. Later the Minister of Foreign Affairs of Canada, \
             Melanie Joly, urged pressure on Pyongyang and Moscow. Joly spoke again.";
    let es = run(t);
    check_invariants(t, &es);
    for (n, c) in [
        ("Bill Blair", "CAN"),
        ("Cho Tae-yul", "KOR"),
        ("Kim Yong-hyun", "KOR"),
    ] {
        let p = find(&es, n).unwrap_or_else(|| panic!("{n}: {es:#?}"));
        assert_eq!(p.kind, EntityKind::Person);
        assert_eq!(p.country.as_deref(), Some(c), "{p:?}");
    }
    let joly: Vec<&Entity> = es.iter().filter(|e| e.text.contains("Joly")).collect();
    assert_eq!(joly.len(), 3, "{es:#?}");
    assert!(
        joly.iter().all(|e| e.country.as_deref() == Some("CAN")),
        "{joly:#?}"
    );
    assert!(joly
        .iter()
        .any(|e| e.role.as_deref() == Some("Minister of Foreign Affairs")));
    assert_eq!(joly[2].name.as_deref(), Some("Melanie Joly"));
    assert_eq!(find(&es, "S. Korea").unwrap().code.as_deref(), Some("KOR"));
    let pyong = find(&es, "Pyongyang").unwrap();
    assert_eq!(
        (pyong.kind, pyong.code.as_deref()),
        (EntityKind::Country, Some("PRK"))
    );
    assert_eq!(find(&es, "Moscow").unwrap().code.as_deref(), Some("RUS"));
}

#[test]
fn kirby_weapons_and_zaporizhzhia() {
    let t = "A missile fired from a North Korean launcher hit a field in the Zaporizhzhia \
             region on 30 December, National Security Council spokesperson John Kirby said. \
             Days later the North tested a Hwasong-19 ICBM and shipped KN-23 ballistic \
             missiles and artillery shells, Kirby added. The U.S. and the U.K. objected.";
    let es = run(t);
    check_invariants(t, &es);
    let kirby = find(&es, "John Kirby").expect("John Kirby");
    assert_eq!(kirby.role.as_deref(), Some("spokesperson"));
    assert_eq!(kirby.country.as_deref(), Some("USA"));
    let later = find(&es, "Kirby").expect("Kirby");
    assert_eq!(later.name.as_deref(), Some("John Kirby"));
    assert_eq!(later.role.as_deref(), Some("spokesperson"));
    let nsc = find(&es, "National Security Council").unwrap();
    assert_eq!(nsc.kind, EntityKind::Organization);
    assert!(es
        .iter()
        .any(|e| e.text.starts_with("Zaporizhzhia") && e.kind == EntityKind::Place));
    for w in [
        "Hwasong-19",
        "ICBM",
        "KN-23",
        "ballistic missiles",
        "artillery shells",
    ] {
        let e = find(&es, w).unwrap_or_else(|| panic!("{w}: {es:#?}"));
        assert_eq!(e.kind, EntityKind::Weapon, "{e:?}");
    }
    assert_eq!(find(&es, "U.S.").unwrap().code.as_deref(), Some("USA"));
    assert_eq!(find(&es, "U.K.").unwrap().code.as_deref(), Some("GBR"));
}

#[test]
fn title_modifiers_give_country() {
    let t = "Canadian Prime Minister Justin Trudeau met Ukraine's Foreign Minister Dmytro \
             Kuleba. Representing Japan were Defense Minister Minoru Kihara and others.";
    let es = run(t);
    let tr = find(&es, "Justin Trudeau").expect("Trudeau");
    assert_eq!(
        (tr.role.as_deref(), tr.country.as_deref()),
        (Some("Prime Minister"), Some("CAN"))
    );
    let ku = find(&es, "Dmytro Kuleba").expect("Kuleba");
    assert_eq!(ku.country.as_deref(), Some("UKR"));
    let ki = find(&es, "Minoru Kihara").expect("Kihara");
    assert_eq!(ki.country.as_deref(), Some("JPN"));
    // a clause after the comma is no appositive title
    let t = "Representing Japan were Foreign Minister Yoko Kamikawa and Defense Minister Minoru \
             Kihara, while Australia was represented by Foreign Minister Penny Wong.";
    let es = run(t);
    let ki = find(&es, "Minoru Kihara").unwrap_or_else(|| panic!("{es:#?}"));
    assert_eq!(
        (ki.role.as_deref(), ki.country.as_deref()),
        (Some("Defense Minister"), Some("JPN"))
    );
    let wo = find(&es, "Penny Wong").expect("Wong");
    assert_eq!(wo.country.as_deref(), Some("AUS"));
}

#[test]
fn ambiguous_city_words_are_not_places() {
    let t = "Of course the mobile app was nice. Reading the report, Police said the Split was \
             a Bath of Male pride. Hillary Clinton spoke. The Houston Rockets won in Houston.";
    let es = run(t);
    check_invariants(t, &es);
    for w in [
        "Of", "mobile", "nice", "Reading", "Police", "Split", "Bath", "Male", "Clinton",
    ] {
        assert!(
            !es.iter()
                .any(|e| e.text == w && e.kind == EntityKind::Place),
            "{w} taken as a place: {es:#?}"
        );
    }
    let houstons: Vec<&Entity> = es.iter().filter(|e| e.text == "Houston").collect();
    assert_eq!(houstons.len(), 1, "{es:#?}");
    assert_eq!(houstons[0].country.as_deref(), Some("USA"));
}

#[test]
fn city_comma_country_and_big_cities() {
    let t = "Protests spread from Lviv to Kharkiv. A plant near Reading, England closed. \
             Officials in Mumbai and Sao Paulo agreed.";
    let es = run(t);
    let r = find(&es, "Reading").expect("Reading, England");
    assert_eq!(r.country.as_deref(), Some("GBR"));
    assert!(find(&es, "Mumbai").is_some_and(|e| e.kind == EntityKind::Place));
    assert!(find(&es, "Kharkiv").is_some_and(|e| e.kind == EntityKind::Place));
}

#[test]
fn tagger_spans_are_merged_and_enriched() {
    let g = Gazetteer::embedded();
    let t = "Defense Minister Minoru Kihara visited Freetown-on-Sea with Acme Widgets staff.";
    let at = |s: &str| {
        let i = t.find(s).unwrap();
        (i, i + s.len())
    };
    let (ps, pe) = at("Minister Minoru Kihara");
    let (ls, le) = at("Freetown-on-Sea");
    let (os, oe) = at("Acme Widgets");
    let ner = [
        NerHit {
            start: ps,
            end: pe,
            kind: NerType::Per,
        },
        NerHit {
            start: ls,
            end: le,
            kind: NerType::Loc,
        },
        NerHit {
            start: os,
            end: oe,
            kind: NerType::Org,
        },
    ];
    let es = extract(g, t, &ner);
    check_invariants(t, &es);
    let k = find(&es, "Minoru Kihara").expect("trimmed person");
    assert_eq!(k.role.as_deref(), Some("Defense Minister"));
    assert_eq!(
        find(&es, "Freetown-on-Sea").unwrap().kind,
        EntityKind::Place
    );
    let o = find(&es, "Acme Widgets").unwrap();
    assert_eq!(
        (o.kind, o.via.as_str()),
        (EntityKind::Organization, "tagger")
    );
}

#[test]
fn idempotent_and_no_panic_on_odd_input() {
    let stage = Entities::new(&EntitiesConfig::default()).unwrap();
    let odd = [
        "",
        " ",
        "\u{0}\u{feff}Ottawa\u{200b}Seoul",
        "Ünïcödé Россия 북한 🇰🇵 KN-\u{301}23 Hwasong-١٩",
        "Minister",
        "Foreign Minister",
        "of Canada,",
        "Representing Canada were",
        "’s 's ' - U.S",
        "A. B. C. D. E. F. G.",
        "in in in in Ottawa, , , Canada",
        "Kirby Kirby Kirby",
        "e\u{301}Seoul\u{301} Pyongyang’s",
    ];
    for t in odd {
        let mut a = Article::new(t.to_string(), Meta::default());
        stage.process(&mut a);
        check_invariants(t, &a.entities);
        let first = a.entities.clone();
        stage.process(&mut a);
        assert_eq!(first, a.entities, "idempotent on {t:?}");
    }
    let mut a = Article::new(OTTAWA.to_string(), Meta::default());
    stage.process(&mut a);
    let first = a.entities.clone();
    stage.process(&mut a);
    assert_eq!(first, a.entities);
}

/// The three seed reports from the shared folder (`$SITREP_SHARED/data/seeds` or
/// `../shared/data/seeds`); skipped with a note when absent.
#[test]
fn seeds_from_shared_data() {
    let base = std::env::var("SITREP_SHARED")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
        });
    let dir = base.join("data/seeds");
    let Ok(rd) = std::fs::read_dir(&dir) else {
        eprintln!("note: {} absent; seed check skipped", dir.display());
        return;
    };
    let mut files: Vec<_> = rd.filter_map(Result::ok).map(|e| e.path()).collect();
    files.sort();
    let mut all = Vec::new();
    for f in &files {
        let Ok(t) = std::fs::read_to_string(f) else {
            continue;
        };
        let es = run(&t);
        check_invariants(&t, &es);
        if std::env::var_os("SITREP_PRINT").is_some() {
            for e in &es {
                let extra = [&e.code, &e.role, &e.country]
                    .iter()
                    .filter_map(|x| x.as_deref())
                    .collect::<Vec<_>>()
                    .join(" ");
                eprintln!(
                    "{:?} {} {} [{}]",
                    f.file_name(),
                    e.kind.as_str(),
                    e.text,
                    extra
                );
            }
        }
        all.extend(es);
    }
    if all.is_empty() {
        eprintln!("note: no seed reports in {}; skipped", dir.display());
        return;
    }
    let person = |n: &str| {
        all.iter()
            .find(|e| e.text == n && e.kind == EntityKind::Person)
    };
    for (n, c) in [
        ("Melanie Joly", Some("CAN")),
        ("Bill Blair", Some("CAN")),
        ("Cho Tae-yul", Some("KOR")),
        ("Kim Yong-hyun", Some("KOR")),
        ("John Kirby", None),
    ] {
        let p = person(n).unwrap_or_else(|| panic!("person {n}"));
        if c.is_some() {
            assert_eq!(p.country.as_deref(), c, "{p:?}");
        }
    }
    for code in [
        "PRK", "RUS", "UKR", "KOR", "CAN", "USA", "GBR", "DEU", "NZL", "AUS",
    ] {
        assert!(has_code(&all, code), "{code}");
    }
    assert!(all
        .iter()
        .any(|e| e.text == "Hwasong-19" && e.kind == EntityKind::Weapon));
    for p in ["Ottawa", "Kursk", "Zaporizhzhia"] {
        assert!(
            all.iter()
                .any(|e| e.text.starts_with(p) && e.kind == EntityKind::Place),
            "place {p}"
        );
    }
}

/// Throughput and a by-eye dump on a sample of the shared news corpus. Run with
/// `SITREP_SAMPLE=2000 cargo test --release -p sitrep-core --lib entities::tests::corpus_sample
/// -- --ignored --nocapture`; prints articles/s and the most frequent mentions per kind.
#[test]
#[ignore]
fn corpus_sample() {
    use std::io::BufRead;
    let base = std::env::var("SITREP_SHARED")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
        });
    let path = base.join("data/news/realtimeqa_news_articles_2022_2026/articles.jsonl.gz");
    let Ok(f) = std::fs::File::open(&path) else {
        eprintln!("note: {} absent; skipped", path.display());
        return;
    };
    let n: usize = std::env::var("SITREP_SAMPLE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(500);
    let skip: usize = std::env::var("SITREP_SKIP")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut texts = Vec::new();
    for line in std::io::BufReader::new(flate2::read::GzDecoder::new(f))
        .lines()
        .skip(skip)
    {
        let Ok(line) = line else { break };
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        if let Some(t) = v.get("text").and_then(|t| t.as_str()) {
            texts.push(t.to_string());
        }
        if texts.len() >= n {
            break;
        }
    }
    let stage = Entities::new(&EntitiesConfig::default()).unwrap();
    let _ = Gazetteer::embedded();
    let bytes: usize = texts.iter().map(String::len).sum();
    let t0 = std::time::Instant::now();
    let mut counts: std::collections::HashMap<(EntityKind, String, Option<String>), usize> =
        Default::default();
    let mut total = 0;
    for t in &texts {
        let mut a = Article::new(t.clone(), Meta::default());
        stage.process(&mut a);
        total += a.entities.len();
        for e in a.entities {
            let key = match e.kind {
                EntityKind::Person => (e.kind, e.text, e.role),
                _ => (e.kind, e.text, e.code),
            };
            *counts.entry(key).or_default() += 1;
        }
    }
    let dt = t0.elapsed().as_secs_f64();
    eprintln!(
        "{} articles, {:.1} MB, {} entities in {:.2}s: {:.0} articles/s, {:.1} MB/s",
        texts.len(),
        bytes as f64 / 1e6,
        total,
        dt,
        texts.len() as f64 / dt,
        bytes as f64 / 1e6 / dt
    );
    let top: usize = std::env::var("SITREP_TOP")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(40);
    for kind in [
        EntityKind::Place,
        EntityKind::Country,
        EntityKind::Person,
        EntityKind::Organization,
        EntityKind::Weapon,
    ] {
        let mut v: Vec<_> = counts.iter().filter(|(k, _)| k.0 == kind).collect();
        v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let line: Vec<String> = v
            .iter()
            .take(top)
            .map(|(k, c)| format!("{}[{}]={c}", k.1, k.2.as_deref().unwrap_or("-")))
            .collect();
        eprintln!("{}: {}", kind.as_str(), line.join("; "));
    }
}

#[test]
fn known_person_beats_same_named_city() {
    let t = "South African President Nelson Mandela met the queen.\n\nMandela spent 27 years in \
             prison. Later, Mandela said he forgave his jailers.";
    let es = run(t);
    let ms: Vec<&Entity> = es.iter().filter(|e| e.text.contains("Mandela")).collect();
    assert_eq!(ms.len(), 3, "{es:#?}");
    assert!(ms.iter().all(|e| e.kind == EntityKind::Person), "{ms:#?}");
    assert_eq!(ms[1].name.as_deref(), Some("Nelson Mandela"));
    assert_eq!(ms[0].country.as_deref(), Some("ZAF"));
}

/// Regression: a tagger LOC ending the text ("... USA TODAY Network-Florida") made the
/// sentence-start check index one token past the end and panicked (6 articles of the news
/// corpus).
#[test]
fn regression_tagger_place_at_end_of_text() {
    let g = Gazetteer::embedded();
    let t = "Contributing: Jane Roe, Example Network-Floridia";
    let s = t.find("Floridia").unwrap();
    let ner = [NerHit {
        start: s,
        end: t.len(),
        kind: NerType::Loc,
    }];
    let es = extract(g, t, &ner);
    check_invariants(t, &es);
    let pipeline = crate::Pipeline::default();
    let a = pipeline.annotate(t.to_string(), crate::Meta::default());
    check_invariants(&a.text, &a.entities);
}
