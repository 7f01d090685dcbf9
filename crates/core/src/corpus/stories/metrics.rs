//! Clustering scores against a gold partition: B-cubed, pairwise and the adjusted Rand index.
//!
//! `gold[i]` and `pred[i]` are the cluster labels of item `i`; only equality of labels matters.

use std::collections::HashMap;
use std::hash::Hash;

use serde::Serialize;

/// Precision, recall and F1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Prf {
    pub p: f64,
    pub r: f64,
    pub f1: f64,
}

impl Prf {
    fn new(p: f64, r: f64) -> Prf {
        let f1 = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        Prf { p, r, f1 }
    }
}

/// All scores of one clustering.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Scores {
    pub bcubed: Prf,
    pub pairwise: Prf,
    pub ari: f64,
    pub n_items: usize,
    pub n_clusters: usize,
}

fn c2(n: u64) -> f64 {
    (n * n.saturating_sub(1)) as f64 / 2.0
}

/// Score `pred` against `gold` (same length).
pub fn score<G: Hash + Eq, P: Hash + Eq>(gold: &[G], pred: &[P]) -> Scores {
    assert_eq!(
        gold.len(),
        pred.len(),
        "gold and pred must have one label per item"
    );
    let n = gold.len();
    let mut gsize: HashMap<&G, u64> = HashMap::new();
    let mut psize: HashMap<&P, u64> = HashMap::new();
    let mut joint: HashMap<(&G, &P), u64> = HashMap::new();
    for (g, p) in gold.iter().zip(pred) {
        *gsize.entry(g).or_default() += 1;
        *psize.entry(p).or_default() += 1;
        *joint.entry((g, p)).or_default() += 1;
    }
    // B-cubed: item-averaged precision and recall.
    let (mut bp, mut br) = (0.0, 0.0);
    for (g, p) in gold.iter().zip(pred) {
        let both = joint[&(g, p)] as f64;
        bp += both / psize[p] as f64;
        br += both / gsize[g] as f64;
    }
    let nf = n.max(1) as f64;
    let bcubed = Prf::new(bp / nf, br / nf);
    // Pairwise and ARI from the contingency table.
    let same_both: f64 = joint.values().map(|&x| c2(x)).sum();
    let same_gold: f64 = gsize.values().map(|&x| c2(x)).sum();
    let same_pred: f64 = psize.values().map(|&x| c2(x)).sum();
    let pp = if same_pred > 0.0 {
        same_both / same_pred
    } else {
        1.0
    };
    let pr = if same_gold > 0.0 {
        same_both / same_gold
    } else {
        1.0
    };
    let pairwise = Prf::new(pp, pr);
    let total = c2(n as u64);
    let expected = if total > 0.0 {
        same_gold * same_pred / total
    } else {
        0.0
    };
    let max = (same_gold + same_pred) / 2.0;
    let ari = if (max - expected).abs() < 1e-12 {
        1.0
    } else {
        (same_both - expected) / (max - expected)
    };
    Scores {
        bcubed,
        pairwise,
        ari,
        n_items: n,
        n_clusters: psize.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_and_lumped() {
        let gold = [1, 1, 2, 2, 2, 3];
        let s = score(&gold, &gold);
        assert!((s.bcubed.f1 - 1.0).abs() < 1e-12);
        assert!((s.pairwise.f1 - 1.0).abs() < 1e-12);
        assert!((s.ari - 1.0).abs() < 1e-12);
        let one = [0; 6];
        let s = score(&gold, &one);
        assert!((s.bcubed.r - 1.0).abs() < 1e-12);
        // precision: (2*2/6 + 3*3/6 + 1/6) / 6 = 14/36
        assert!((s.bcubed.p - 14.0 / 36.0).abs() < 1e-12);
        assert!(s.ari.abs() < 1e-12);
    }

    #[test]
    fn ari_known_value() {
        // sklearn.metrics.adjusted_rand_score([0,0,1,1],[0,0,1,2]) = 0.5714285714285715
        let s = score(&[0, 0, 1, 1], &[0, 0, 1, 2]);
        assert!((s.ari - 0.5714285714285715).abs() < 1e-12, "{}", s.ari);
    }
}
