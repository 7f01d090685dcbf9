//! `sitrep eval events ... --json` on the gold sets under the shared folder (skipped when it
//! is missing): the reports have their fields, counts match the files, ratios lie in 0..=1.

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;

fn eval_json(args: &[&str]) -> Value {
    let out = run(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON document")
}

fn jsonl(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn unit(v: &Value, what: &str) -> f64 {
    let x = v
        .as_f64()
        .unwrap_or_else(|| panic!("{what} is not a number: {v}"));
    assert!((0.0..=1.0).contains(&x), "{what} = {x} out of 0..=1");
    x
}

fn count(v: &Value, what: &str) -> u64 {
    v.as_u64()
        .unwrap_or_else(|| panic!("{what} is not a count: {v}"))
}

fn check_prf(p: &Value, what: &str) {
    for k in ["precision", "recall", "f1"] {
        unit(&p[k], &format!("{what}.{k}"));
    }
    for k in ["tp", "fp", "fn"] {
        count(&p[k], &format!("{what}.{k}"));
    }
}

#[test]
fn petr2_json_report() {
    let Some(data) = shared_data() else { return };
    let file = data.join("events/en_petr2_gsr_cameo.jsonl");
    let gold = jsonl(&file);
    let r = eval_json(&[
        "eval",
        "events",
        "petr2",
        "--json",
        "--file",
        file.to_str().unwrap(),
    ]);
    assert_eq!(count(&r["n_sentences"], "n_sentences"), gold.len() as u64);
    assert_eq!(gold.len(), 78);
    let noevents = gold.iter().filter(|g| g["noevents"] == true).count() as u64;
    assert_eq!(
        count(&r["n_noevent_sentences"], "n_noevent_sentences"),
        noevents
    );
    let gold_events: u64 = gold
        .iter()
        .map(|g| g["events"].as_array().unwrap().len() as u64)
        .sum();
    let n_gold = count(&r["n_gold_triples"], "n_gold_triples");
    assert!(
        n_gold > 0 && n_gold <= gold_events,
        "{n_gold} of {gold_events}"
    );
    let n_pred = count(&r["n_pred_triples"], "n_pred_triples");
    count(&r["n_events"], "n_events");
    for k in ["triples", "triples_without_01"] {
        check_prf(&r[k], k);
    }
    let t = &r["triples"];
    assert_eq!(
        t["tp"].as_u64().unwrap() + t["fn"].as_u64().unwrap(),
        n_gold
    );
    assert_eq!(
        t["tp"].as_u64().unwrap() + t["fp"].as_u64().unwrap(),
        n_pred
    );
    unit(&r["noevents_fp_rate"], "noevents_fp_rate");
    assert!(count(&r["noevents_with_events"], "noevents_with_events") <= noevents);
    let roots = r["per_root"].as_array().unwrap();
    assert!(!roots.is_empty());
    let sum = |k: &str| roots.iter().map(|x| x[k].as_u64().unwrap()).sum::<u64>();
    assert_eq!(sum("tp") + sum("fn"), n_gold, "per-root counts add up");
    for row in roots {
        check_prf(row, "per_root");
        assert_eq!(row["root"].as_str().unwrap().len(), 2);
    }
    assert!(r.get("errors").is_none(), "errors only with --verbose");
    let v = eval_json(&[
        "eval",
        "events",
        "petr2",
        "--json",
        "--verbose",
        "--file",
        file.to_str().unwrap(),
    ]);
    let missed = v["errors"].as_array().map_or(0, |e| {
        e.iter()
            .map(|s| s["missed"].as_array().unwrap().len())
            .sum::<usize>()
    });
    assert_eq!(missed as u64, t["fn"].as_u64().unwrap());
    let listed: usize = v["per_root"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            row.get("missed")
                .and_then(Value::as_array)
                .map_or(0, Vec::len)
        })
        .sum();
    assert_eq!(listed, missed, "per-root lists hold the same misses");
    assert!(
        roots.iter().all(|row| row.get("missed").is_none()),
        "lists only with --verbose"
    );
}

#[test]
fn petr_unit_plover_and_plv_json_reports() {
    let Some(data) = shared_data() else { return };
    let ev = data.join("events");

    let file = ev.join("en_petr_unittest_cameo_fictional.jsonl");
    let n = jsonl(&file).len() as u64;
    let r = eval_json(&[
        "eval",
        "events",
        "petr-unit",
        "--json",
        "--file",
        file.to_str().unwrap(),
    ]);
    assert_eq!(count(&r["overall"]["n"], "overall.n"), n);
    unit(&r["overall"]["pass_rate"], "pass_rate");
    unit(&r["overall"]["lenient_rate"], "lenient_rate");
    unit(&r["gold_found_share"], "gold_found_share");
    let groups = r["by_group"].as_array().unwrap();
    let in_groups: u64 = groups.iter().map(|g| g["n"].as_u64().unwrap()).sum();
    assert_eq!(in_groups, n, "every test is in one group");
    assert!(groups.iter().any(|g| g["group"] == "COMPOUND"));

    let file = ev.join("en_plover_gsr_v0.5b1.jsonl");
    let n = jsonl(&file).len() as u64;
    let r = eval_json(&[
        "eval",
        "events",
        "plover",
        "--json",
        "--file",
        file.to_str().unwrap(),
    ]);
    assert_eq!(count(&r["n_records"], "n_records"), n);
    for k in ["accuracy", "coverage", "macro_f1"] {
        unit(&r[k], k);
    }
    unit(&r["actor_codes"]["accuracy"], "actor_codes.accuracy");
    assert_eq!(r["relabelled"]["DEMAND"][0], "REQUEST");
    let support: u64 = r["per_type"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["support"].as_u64().unwrap())
        .sum();
    assert_eq!(support, n);

    let file = ev.join("PLV_train.tsv");
    let r = eval_json(&[
        "eval",
        "events",
        "plv",
        "--json",
        "--file",
        file.to_str().unwrap(),
    ]);
    assert_eq!(count(&r["n_records"], "n_records"), 1050);
    for k in ["accuracy", "coverage", "macro_f1"] {
        unit(&r[k], k);
    }
    let classes: Vec<&str> = r["per_class"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["label"].as_str().unwrap())
        .collect();
    assert!(classes.contains(&"YIELD"), "{classes:?}");
}

#[test]
fn missing_shared_data_names_the_fix() {
    let out = bin()
        .args(["eval", "events", "petr2"])
        .env("SITREP_SHARED", "/nonexistent/shared")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("SITREP_SHARED"), "{err}");
    assert!(err.contains("en_petr2_gsr_cameo.jsonl"), "{err}");
}
