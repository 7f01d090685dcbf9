//! `A NEAR/N B` and `A NEAR/Ns B`: a tantivy query over term positions.
//!
//! Each operand is a phrase of one or more words (consecutive positions). A document matches
//! when some occurrence of A and some occurrence of B (distinct, non-overlapping) are close
//! enough, in either order:
//! - words: the gap between them is at most N positions (adjacent words: 1);
//! - sentences: their sentences (`position >> 16`, see `schema::pretokenize`) are at most
//!   N-1 apart (`NEAR/1s`: the same sentence).
//!
//! Scoring: the sum of the BM25 scores of the distinct words of both operands.

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

use crate::query::NearUnit;
use crate::schema::SENTENCE_SHIFT;

#[derive(Debug, Clone)]
pub struct NearQuery {
    field: Field,
    a: Vec<Term>,
    b: Vec<Term>,
    n: u32,
    unit: NearUnit,
}

impl NearQuery {
    /// `a` and `b`: the words of each operand, in order, all of `field`.
    pub fn new(field: Field, a: Vec<Term>, b: Vec<Term>, n: u32, unit: NearUnit) -> Self {
        assert!(!a.is_empty() && !b.is_empty(), "NEAR operands have words");
        NearQuery {
            field,
            a,
            b,
            n,
            unit,
        }
    }

    /// Distinct words of both operands, and for each operand the index of each of its words in
    /// that list.
    fn distinct(&self) -> (Vec<Term>, Vec<usize>, Vec<usize>) {
        let mut terms: Vec<Term> = Vec::new();
        let idx = |t: &Term, terms: &mut Vec<Term>| match terms.iter().position(|x| x == t) {
            Some(i) => i,
            None => {
                terms.push(t.clone());
                terms.len() - 1
            }
        };
        let a = self.a.iter().map(|t| idx(t, &mut terms)).collect();
        let b = self.b.iter().map(|t| idx(t, &mut terms)).collect();
        (terms, a, b)
    }
}

impl Query for NearQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let (terms, a, b) = self.distinct();
        let bm25 = match scoring {
            EnableScoring::Enabled {
                statistics_provider,
                ..
            } => {
                let mut v = Vec::with_capacity(terms.len());
                for t in &terms {
                    v.push(Bm25Weight::for_terms(
                        statistics_provider,
                        std::slice::from_ref(t),
                    )?);
                }
                Some(v)
            }
            EnableScoring::Disabled { .. } => None,
        };
        Ok(Box::new(NearWeight {
            field: self.field,
            terms,
            a,
            b,
            n: self.n,
            unit: self.unit,
            bm25,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for t in self.a.iter().chain(&self.b) {
            visitor(t, true);
        }
    }
}

struct NearWeight {
    field: Field,
    terms: Vec<Term>,
    a: Vec<usize>,
    b: Vec<usize>,
    n: u32,
    unit: NearUnit,
    bm25: Option<Vec<Bm25Weight>>,
}

impl NearWeight {
    fn near_scorer(
        &self,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<Option<NearScorer>> {
        let inv = reader.inverted_index(self.field)?;
        let mut postings = Vec::with_capacity(self.terms.len());
        for t in &self.terms {
            match inv.read_postings(t, IndexRecordOption::WithFreqsAndPositions)? {
                Some(p) => postings.push(p),
                None => return Ok(None),
            }
        }
        let fieldnorms = match reader.fieldnorms_readers().get_field(self.field)? {
            Some(f) => f,
            None => FieldNormReader::constant(reader.max_doc(), 1),
        };
        let mut s = NearScorer {
            postings,
            a: self.a.clone(),
            b: self.b.clone(),
            n: self.n,
            unit: self.unit,
            bm25: self
                .bm25
                .as_ref()
                .map(|v| v.iter().map(|w| w.boost_by(boost)).collect()),
            fieldnorms,
            doc: 0,
            buf: Vec::new(),
            occ_a: Vec::new(),
            occ_b: Vec::new(),
        };
        s.doc = s.first_match(s.postings[0].doc());
        Ok(Some(s))
    }
}

impl Weight for NearWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(match self.near_scorer(reader, boost)? {
            Some(s) => Box::new(s),
            None => Box::new(EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let Some(mut s) = self.near_scorer(reader, 1.0)? else {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        };
        if s.doc() > doc || s.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        Ok(Explanation::new(
            "NEAR: sum of the BM25 of its words",
            s.score(),
        ))
    }
}

struct NearScorer {
    postings: Vec<SegmentPostings>,
    a: Vec<usize>,
    b: Vec<usize>,
    n: u32,
    unit: NearUnit,
    bm25: Option<Vec<Bm25Weight>>,
    fieldnorms: FieldNormReader,
    doc: DocId,
    buf: Vec<u32>,
    /// Occurrences of each operand in the current document: (first, last) position.
    occ_a: Vec<(u32, u32)>,
    occ_b: Vec<(u32, u32)>,
}

/// Start positions where the words at `idx` (into `postings`) occur consecutively.
fn occurrences(
    postings: &mut [SegmentPostings],
    idx: &[usize],
    buf: &mut Vec<u32>,
    out: &mut Vec<(u32, u32)>,
) {
    out.clear();
    buf.clear();
    postings[idx[0]].positions(buf);
    let mut starts: Vec<u32> = std::mem::take(buf);
    for (k, &i) in idx.iter().enumerate().skip(1) {
        let mut next = Vec::new();
        postings[i].positions(&mut next);
        starts.retain(|&p| next.binary_search(&(p + k as u32)).is_ok());
        if starts.is_empty() {
            break;
        }
    }
    let len = idx.len() as u32 - 1;
    out.extend(starts.iter().map(|&p| (p, p + len)));
    *buf = starts;
}

impl NearScorer {
    /// Whether the current document (all postings on it) matches.
    fn matches(&mut self) -> bool {
        let mut buf = std::mem::take(&mut self.buf);
        let mut oa = std::mem::take(&mut self.occ_a);
        let mut ob = std::mem::take(&mut self.occ_b);
        occurrences(&mut self.postings, &self.a, &mut buf, &mut oa);
        let mut ok = false;
        if !oa.is_empty() {
            occurrences(&mut self.postings, &self.b, &mut buf, &mut ob);
            ok = close(&oa, &ob, self.n, self.unit);
        }
        self.buf = buf;
        self.occ_a = oa;
        self.occ_b = ob;
        ok
    }

    /// The first document at or after `target` on which every word occurs and which matches.
    fn first_match(&mut self, mut target: DocId) -> DocId {
        loop {
            // leapfrog to a document holding every word
            let mut i = 0;
            let k = self.postings.len();
            let mut agreed = 0;
            while agreed < k {
                let d = if self.postings[i].doc() < target {
                    self.postings[i].seek(target)
                } else {
                    self.postings[i].doc()
                };
                if d == TERMINATED {
                    return TERMINATED;
                }
                if d > target {
                    target = d;
                    agreed = 1;
                } else {
                    agreed += 1;
                }
                i = (i + 1) % k;
            }
            if self.matches() {
                return target;
            }
            target += 1;
        }
    }
}

/// Whether some occurrence of A and some of B are within reach.
pub(crate) fn close(a: &[(u32, u32)], b: &[(u32, u32)], n: u32, unit: NearUnit) -> bool {
    match unit {
        NearUnit::Sentences => {
            let sa: Vec<u32> = a.iter().map(|o| o.0 >> SENTENCE_SHIFT).collect();
            let sb: Vec<u32> = b.iter().map(|o| o.0 >> SENTENCE_SHIFT).collect();
            for (x, ox) in sa.iter().zip(a) {
                // b's sentence ids are sorted (positions are)
                let lo = x.saturating_sub(n - 1);
                let from = sb.partition_point(|&s| s < lo);
                for (y, oy) in sb[from..].iter().zip(&b[from..]) {
                    if *y > x + (n - 1) {
                        break;
                    }
                    if ox.1 < oy.0 || oy.1 < ox.0 {
                        return true;
                    }
                }
            }
            false
        }
        NearUnit::Words => {
            for ox in a {
                // B starting within reach of A, either side
                let lo = ox.0.saturating_sub(n + 64);
                let from = b.partition_point(|o| o.0 < lo);
                for oy in &b[from..] {
                    if oy.0 > ox.1 + n {
                        break;
                    }
                    let gap = if oy.0 > ox.1 {
                        oy.0 - ox.1
                    } else if ox.0 > oy.1 {
                        ox.0 - oy.1
                    } else {
                        continue; // overlapping
                    };
                    if gap <= n {
                        return true;
                    }
                }
            }
            false
        }
    }
}

impl DocSet for NearScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        self.doc = self.first_match(self.doc + 1);
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        self.doc = self.first_match(target);
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.postings
            .iter()
            .map(|p| p.size_hint())
            .min()
            .unwrap_or(0)
    }
}

impl Scorer for NearScorer {
    fn score(&mut self) -> Score {
        let Some(w) = &self.bm25 else { return 1.0 };
        let norm = self.fieldnorms.fieldnorm_id(self.doc);
        self.postings
            .iter()
            .zip(w)
            .map(|(p, w)| w.score(norm, p.term_freq()))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: u32 = 1 << SENTENCE_SHIFT;

    #[test]
    fn word_distance_either_order() {
        let a = [(10, 11)]; // a two-word phrase at 10..=11
        assert!(close(&a, &[(12, 12)], 1, NearUnit::Words), "right after");
        assert!(close(&a, &[(9, 9)], 1, NearUnit::Words), "right before");
        assert!(!close(&a, &[(13, 13)], 1, NearUnit::Words));
        assert!(close(&a, &[(13, 13)], 2, NearUnit::Words));
        assert!(
            !close(&a, &[(11, 11)], 5, NearUnit::Words),
            "overlap is no match"
        );
        assert!(!close(&a, &[(S + 1, S + 1)], 32, NearUnit::Words));
    }

    #[test]
    fn sentence_distance() {
        let a = [(3, 3), (2 * S + 4, 2 * S + 4)];
        assert!(close(&a, &[(S * 2 + 9, S * 2 + 9)], 1, NearUnit::Sentences));
        assert!(!close(&a, &[(S + 9, S + 9)], 1, NearUnit::Sentences));
        assert!(close(&a, &[(S + 9, S + 9)], 2, NearUnit::Sentences));
        assert!(
            !close(&[(3, 3)], &[(3, 3)], 1, NearUnit::Sentences),
            "the same word"
        );
        assert!(!close(&[(3, 3)], &[(4 * S, 4 * S)], 3, NearUnit::Sentences));
        assert!(close(
            &[(4 * S, 4 * S)],
            &[(2 * S, 2 * S)],
            3,
            NearUnit::Sentences
        ));
    }
}
