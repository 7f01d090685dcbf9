//! The stage contract, checked for every stage over every fixture (the example corpus written
//! for this repository, plus adversarial strings): no panic, every span inside the clean text
//! and on char boundaries, the mention text equal to its slice, entities sorted and disjoint,
//! and idempotence (running the pipeline again over the same article changes nothing).

use std::path::PathBuf;

use sitrep_core::{Article, Meta, Pipeline};

fn fixtures() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/corpus");
    let mut out = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for p in paths {
        let s = std::fs::read_to_string(&p).unwrap();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".jsonl") {
            for (i, line) in s.lines().enumerate() {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                out.push((
                    format!("{name}:{i}"),
                    v["text"].as_str().unwrap().to_string(),
                ));
            }
        } else {
            out.push((name, s));
        }
    }
    let nasty = [
        "",
        " ",
        "\n\n\n",
        "“",
        "\"unclosed quote that never ends and keeps going",
        "Mr. U.S. Gen. p.m. N. ... ??? !!! …",
        "10,000 of 8,000 of them millions of",
        "한국 외교부는 2024년 11월 2일 발표했다. North Korea 北朝鮮",
        "Ё\u{301}\u{200d}\u{feff}Kursk\u{0}Seoul\u{7}",
        "on Thursday the following day last week Dec. 30, 2023 in May 2023 Jan. 2",
        "Photo: Getty Images",
        "Comments",
        "🇺🇦 Zaporizhzhia 🚀 Hwasong-19 KN-23 “x”",
        "a\r\nb\r\n\r\nc",
        "It ended there.\n\nContributing: Jane Roe, USA TODAY Network-Florida",
    ];
    for (i, s) in nasty.iter().enumerate() {
        out.push((format!("nasty-{i}"), s.to_string()));
    }
    out.push((
        "long".into(),
        "Seoul said Moscow sent 10,000 troops. ".repeat(3000),
    ));
    out
}

fn check(name: &str, a: &Article) {
    let t = &a.text;
    let ok = |s: usize, e: usize, what: &str| {
        assert!(
            s <= e && e <= t.len(),
            "{name}: {what} span {s}..{e} out of bounds"
        );
        assert!(
            t.is_char_boundary(s) && t.is_char_boundary(e),
            "{name}: {what} not on char boundary"
        );
    };
    for s in &a.sentences {
        ok(s.start, s.end, "sentence");
    }
    let mut last = 0;
    for e in &a.entities {
        ok(e.start, e.end, "entity");
        assert_eq!(&t[e.start..e.end], e.text, "{name}: entity text");
        assert!(e.start >= last, "{name}: entities unsorted or overlapping");
        last = e.end;
    }
    for d in &a.dates {
        ok(d.start, d.end, "date");
        assert_eq!(&t[d.start..d.end], d.text, "{name}: date text");
    }
    for f in &a.figures {
        ok(f.start, f.end, "figure");
        assert_eq!(&t[f.start..f.end], f.text, "{name}: figure text");
    }
    for q in &a.quotes {
        ok(q.start, q.end, "quote");
        assert_eq!(&t[q.start..q.end], q.text, "{name}: quote text");
        if let (Some(s), Some(e)) = (q.speaker_start, q.speaker_end) {
            ok(s, e, "speaker");
        }
    }
    for &(c, r, l) in &a.alignment {
        assert_eq!(&t[c..c + l], &a.raw[r..r + l], "{name}: alignment");
    }
    // the record's character offsets slice the same text
    let rec = a.to_record();
    let chars: Vec<char> = rec.text.chars().collect();
    for e in &rec.entities {
        let s: String = chars[e.start..e.end].iter().collect();
        assert_eq!(s, e.text, "{name}: char offsets");
    }
}

#[test]
fn every_stage_keeps_the_contract_on_every_fixture() {
    let pipeline = Pipeline::default();
    for (name, raw) in fixtures() {
        let meta = Meta {
            published: Some("2024-11-02".into()),
            ..Default::default()
        };
        let mut a = Article::new(raw.clone(), meta.clone());
        pipeline.run(&mut a);
        check(&name, &a);
        // idempotent: a second run over the same article gives the same record
        let first = a.to_record();
        pipeline.run(&mut a);
        assert_eq!(first, a.to_record(), "{name}: pipeline is not idempotent");
        // and without a publication date nothing is invented
        let b = pipeline.annotate(raw, Meta::default());
        check(&name, &b);
        assert!(b.published.is_none() || b.published_via.as_deref() == Some("dateline"));
        if b.published.is_none() {
            for d in &b.dates {
                assert!(
                    !d.relative || d.value.is_none(),
                    "{name}: relative date {} resolved without a date",
                    d.text
                );
            }
        }
    }
}

/// Pseudo-random documents built from news-like pieces (names, numbers, dates, quotes, odd
/// Unicode, line breaks): no stage may panic or break the span contract on any of them.
#[test]
fn random_documents_keep_the_contract() {
    const PIECES: &[&str] = &[
        "North Korea",
        "Kim Jong Un",
        "said",
        "“",
        "”",
        "\"",
        "'",
        "’s",
        "10,000",
        "8,000 of them",
        "millions of",
        "Dec. 30, 2023",
        "on Thursday",
        "the following day",
        "U.S.",
        "Gen.",
        "Mr.",
        "Hwasong-19",
        "KN-23",
        "Kursk region",
        "Ottawa",
        "Seoul",
        "Pyongyang",
        "Moscow",
        ".",
        ",",
        ":",
        ";",
        "?",
        "!",
        "…",
        "—",
        "-",
        "(",
        ")",
        "\n",
        "\n\n",
        " ",
        "  ",
        "\t",
        "é",
        "한국",
        "Україна",
        "🇺🇦",
        "\u{200b}",
        "\u{301}",
        "$1.5 billion",
        "40%",
        "Photo: X Images",
        "Foreign Minister",
        "Melanie Joly",
        "of Canada",
        "according to",
        "the statement reads",
        "2024",
        "May",
        "March",
        "last week",
        "in May 2023",
        "Jan. 2",
        "a",
        "the",
        "and",
        "of",
    ];
    let pipeline = Pipeline::default();
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for n in 0..1000 {
        let len = (next() % 120) as usize;
        let mut raw = String::new();
        for _ in 0..len {
            raw.push_str(PIECES[(next() % PIECES.len() as u64) as usize]);
            if next() % 3 > 0 {
                raw.push(' ');
            }
        }
        let published = if n % 2 == 0 {
            Some("2024-11-02".to_string())
        } else {
            None
        };
        let mut a = Article::new(
            raw,
            Meta {
                published,
                ..Default::default()
            },
        );
        pipeline.run(&mut a);
        check(&format!("random-{n}"), &a);
        let first = a.to_record();
        pipeline.run(&mut a);
        assert_eq!(first, a.to_record(), "random-{n}: not idempotent");
    }
}
