//! CoNLL-2003 NER: a reader for the 4-column format and an exact-match entity scorer.
//!
//! The format has one token per line (`WORD POS CHUNK TAG`, space-separated), a blank line
//! between sentences and `-DOCSTART- -X- -X- O` lines between articles. Tags are IOB (IOB2 in
//! the copy sitrep uses; IOB1 reads too). An entity counts as found only when its type and
//! both boundaries match the gold entity exactly (conlleval semantics).
//!
//! ```
//! use sitrep_core::eval::conll::{parse, Scores};
//! use sitrep_core::ner::spans_from_tags;
//! let gold = parse("Kim NNP B-NP B-PER\nvisited VBD B-VP O\nSeoul NNP B-NP B-LOC\n").unwrap();
//! let mut scores = Scores::default();
//! let pred = spans_from_tags(&["B-PER", "O", "B-ORG"]);
//! scores.add(&spans_from_tags(&gold[0].tags), &pred);
//! assert_eq!(scores.micro_plo().f1(), 0.5);
//! ```
//!
//! The data is not part of the repository: [`shared_dir`] finds the folder that holds
//! `data/ner/conll2003/` (`$SITREP_SHARED`, else `../shared` beside the repository root).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::ner::{spans_from_tags, NerSpan, NerType, Tagger};

/// One sentence: its words and their IOB tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub words: Vec<String>,
    pub tags: Vec<String>,
    /// Index of the document (`-DOCSTART-` block) the sentence belongs to.
    pub doc: usize,
}

/// Errors from reading CoNLL data.
#[derive(Debug, thiserror::Error)]
pub enum ConllError {
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    #[error("line {line}: expected `WORD ... TAG`, found {found:?}")]
    Line { line: usize, found: String },
}

impl From<ConllError> for crate::Error {
    fn from(e: ConllError) -> Self {
        crate::Error::Model {
            name: "conll".into(),
            message: e.to_string(),
        }
    }
}

/// Parse CoNLL text into sentences. The last column is the tag; lines with one column are an
/// error (the reader names the line).
pub fn parse(text: &str) -> Result<Vec<Sentence>, ConllError> {
    let mut out = Vec::new();
    let mut cur = Sentence {
        words: Vec::new(),
        tags: Vec::new(),
        doc: 0,
    };
    let mut doc = 0usize;
    let mut seen_doc = false;
    let flush = |cur: &mut Sentence, out: &mut Vec<Sentence>, doc: usize| {
        if !cur.words.is_empty() {
            let mut s = std::mem::replace(
                cur,
                Sentence {
                    words: Vec::new(),
                    tags: Vec::new(),
                    doc,
                },
            );
            s.doc = doc;
            out.push(s);
        }
    };
    for (n, line) in text.lines().enumerate() {
        let mut cols = line.split_whitespace();
        let Some(word) = cols.next() else {
            flush(&mut cur, &mut out, doc);
            continue;
        };
        if word == "-DOCSTART-" {
            flush(&mut cur, &mut out, doc);
            if seen_doc {
                doc += 1;
            }
            seen_doc = true;
            continue;
        }
        let Some(tag) = cols.last() else {
            return Err(ConllError::Line {
                line: n + 1,
                found: line.chars().take(80).collect(),
            });
        };
        cur.words.push(word.to_string());
        cur.tags.push(tag.to_string());
    }
    flush(&mut cur, &mut out, doc);
    Ok(out)
}

/// Read and parse a CoNLL file.
pub fn read(path: &Path) -> Result<Vec<Sentence>, ConllError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConllError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    parse(&text)
}

/// The folder that contains `data/`: `$SITREP_SHARED` when set, else `../shared` beside the
/// repository root.
pub fn shared_dir() -> PathBuf {
    match std::env::var_os("SITREP_SHARED") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    }
}

/// Path of a CoNLL-2003 split (`train`, `valid`) under [`shared_dir`], checked to exist.
pub fn split_path(split: &str) -> Result<PathBuf, ConllError> {
    let p = shared_dir()
        .join("data/ner/conll2003")
        .join(format!("{split}.txt"));
    if p.is_file() {
        Ok(p)
    } else {
        Err(ConllError::Io {
            path: p.display().to_string(),
            message: "CoNLL-2003 file not found; set SITREP_SHARED to the folder that contains \
                      data/ner/conll2003/"
                .into(),
        })
    }
}

/// True positives, false positives and false negatives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    pub fn f1(&self) -> f64 {
        ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn_)
    }
    fn plus(self, o: Counts) -> Counts {
        Counts {
            tp: self.tp + o.tp,
            fp: self.fp + o.fp,
            fn_: self.fn_ + o.fn_,
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Entity-level counts per type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scores {
    /// Indexed by [`NerType::index`].
    pub by_type: [Counts; 4],
}

impl Scores {
    /// Add one sentence's gold and predicted spans (exact match on boundaries and type).
    pub fn add(&mut self, gold: &[NerSpan], pred: &[NerSpan]) {
        for p in pred {
            let c = &mut self.by_type[p.kind.index()];
            if gold.contains(p) {
                c.tp += 1;
            } else {
                c.fp += 1;
            }
        }
        for g in gold.iter().filter(|g| !pred.contains(g)) {
            self.by_type[g.kind.index()].fn_ += 1;
        }
    }

    /// Counts of one type.
    pub fn of(&self, kind: NerType) -> Counts {
        self.by_type[kind.index()]
    }

    /// Pooled counts over `kinds` (micro-average).
    pub fn micro(&self, kinds: &[NerType]) -> Counts {
        kinds
            .iter()
            .fold(Counts::default(), |acc, k| acc.plus(self.of(*k)))
    }

    /// Micro-average over PER, LOC and ORG (the types sitrep uses).
    pub fn micro_plo(&self) -> Counts {
        self.micro(&[NerType::Per, NerType::Loc, NerType::Org])
    }

    /// Micro-average over all four types (the CoNLL headline number).
    pub fn micro_all(&self) -> Counts {
        self.micro(&NerType::ALL)
    }

    /// A plain-text table of P/R/F1 per type and the two micro-averages.
    pub fn table(&self) -> String {
        let mut s = String::from("type         P       R       F1      gold   pred\n");
        let mut row = |name: &str, c: Counts| {
            let _ = writeln!(
                s,
                "{name:<10} {:>6.2}  {:>6.2}  {:>6.2}  {:>6} {:>6}",
                100.0 * c.precision(),
                100.0 * c.recall(),
                100.0 * c.f1(),
                c.tp + c.fn_,
                c.tp + c.fp
            );
        };
        for k in NerType::ALL {
            row(k.as_str(), self.of(k));
        }
        row("micro-PLO", self.micro_plo());
        row("micro-all", self.micro_all());
        s
    }
}

/// Tag every sentence with `tagger` (the real [`Tagger::tag`] path) and score against gold.
pub fn evaluate(tagger: &Tagger, sentences: &[Sentence]) -> Scores {
    let mut scores = Scores::default();
    for s in sentences {
        let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
        scores.add(&spans_from_tags(&s.tags), &tagger.tag(&words));
    }
    scores
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "-DOCSTART- -X- -X- O\n\nAnna NNP B-NP B-PER\nBerg NNP I-NP I-PER\n\
        flew VBD B-VP O\nto TO B-PP O\nOslo NNP B-NP B-LOC\n. . O O\n\n-DOCSTART- -X- -X- O\n\n\
        Acme NNP B-NP B-ORG\nrose VBD B-VP O\n";

    #[test]
    fn reads_sentences_and_documents() {
        let s = parse(SAMPLE).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].words, ["Anna", "Berg", "flew", "to", "Oslo", "."]);
        assert_eq!(s[0].tags[1], "I-PER");
        assert_eq!((s[0].doc, s[1].doc), (0, 1));
        assert!(parse("word\n").is_err());
        assert!(parse("").unwrap().is_empty());
    }

    #[test]
    fn scorer_counts_exact_matches() {
        // Gold: PER(0,2) LOC(4,5) ORG(6,7). Pred: PER(0,1) wrong boundary, LOC(4,5) right,
        // ORG(6,7) right, MISC(8,9) spurious.
        let gold = spans_from_tags(&["B-PER", "I-PER", "O", "O", "B-LOC", "O", "B-ORG", "O", "O"]);
        let pred = spans_from_tags(&["B-PER", "O", "O", "O", "B-LOC", "O", "B-ORG", "O", "B-MISC"]);
        let mut s = Scores::default();
        s.add(&gold, &pred);
        let per = s.of(NerType::Per);
        assert_eq!(
            per,
            Counts {
                tp: 0,
                fp: 1,
                fn_: 1
            }
        );
        let plo = s.micro_plo();
        assert_eq!(
            plo,
            Counts {
                tp: 2,
                fp: 1,
                fn_: 1
            }
        );
        assert!((plo.precision() - 2.0 / 3.0).abs() < 1e-12);
        assert!((plo.recall() - 2.0 / 3.0).abs() < 1e-12);
        assert!((plo.f1() - 2.0 / 3.0).abs() < 1e-12);
        let all = s.micro_all();
        assert_eq!(
            all,
            Counts {
                tp: 2,
                fp: 2,
                fn_: 1
            }
        );
        assert!((all.precision() - 0.5).abs() < 1e-12);
        assert!((all.f1() - 4.0 / 7.0).abs() < 1e-12);
        assert_eq!(Counts::default().f1(), 0.0);
        assert!(s.table().contains("micro-PLO"));
    }

    #[test]
    fn evaluate_runs_the_tagger() {
        let tagger = Tagger::embedded().unwrap();
        let s = parse(SAMPLE).unwrap();
        let scores = evaluate(tagger, &s);
        let all = scores.micro_all();
        assert_eq!(all.tp + all.fn_, 3);
    }
}
