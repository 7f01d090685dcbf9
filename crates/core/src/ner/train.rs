//! Training: a structured averaged perceptron with Viterbi decoding (Collins 2002), the
//! averaging done lazily (Daumé's trick: keep `w` and `Σ c·Δ`, average = `w - Σ c·Δ / c`).
//! After training, weights are pruned and quantised to `i16`.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use super::features::{is_lowercase_word, lower_hash, sentence_features, Scratch, NF};
use super::{parse_tag, viterbi, Model, NerError, NTAGS, O};

/// Training settings.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// Passes over the training data.
    pub epochs: usize,
    /// Seed of the shuffle before each epoch.
    pub seed: u64,
    /// A word enters the lowercase vocabulary after this many lowercase sightings.
    pub min_vocab_count: u32,
    /// Drop a feature when none of its quantised weights reaches this magnitude (in `i16`
    /// units; the largest weight of the model is 32767).
    pub prune_below: i16,
    /// Probability, per word and epoch, of hiding the word's identity features (its lowercase
    /// form and the bigrams that contain it) so that the model also learns from shape and
    /// context: a regulariser that helps with names never seen in training.
    pub word_dropout: f64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 15,
            seed: 1,
            min_vocab_count: 2,
            prune_below: 1,
            word_dropout: 0.25,
        }
    }
}

/// Keys are already well-mixed hashes: hash them as themselves.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | b as u64;
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = super::features::mix(n);
    }
}

type IdMap<V> = HashMap<u64, V, BuildHasherDefault<IdHasher>>;

/// Feature slots that name the word itself (see `features::sentence_features`).
const WORD_SLOTS: &[usize] = &[1, 2, 17, 18];

/// A training sentence with its features computed once.
struct Example {
    feats: Vec<u64>,
    gold: Vec<usize>,
}

/// Trains a model one epoch at a time, so that a caller can score each epoch on held-out data.
pub struct Trainer {
    examples: Vec<Example>,
    index: IdMap<u32>,
    w: Vec<[i32; NTAGS]>,
    acc: Vec<[i64; NTAGS]>,
    trans: [[i32; NTAGS]; NTAGS + 1],
    trans_acc: [[i64; NTAGS]; NTAGS + 1],
    vocab: Vec<u64>,
    c: i64,
    rng: u64,
    epochs_done: usize,
    opts: TrainOptions,
}

/// Turn IOB1 or IOB2 tags into IOB2 tag indices (`I-X` not after `X` becomes `B-X`).
fn iob2(tags: &[String]) -> Result<Vec<usize>, NerError> {
    let mut out: Vec<usize> = Vec::with_capacity(tags.len());
    for t in tags {
        let mut i = parse_tag(t).ok_or_else(|| NerError::Data(format!("unknown tag {t:?}")))?;
        if i >= 5 {
            let prev = out.last().copied().unwrap_or(O);
            if prev == O || (prev - 1) % 4 != (i - 1) % 4 {
                i -= 4;
            }
        }
        out.push(i);
    }
    Ok(out)
}

impl Trainer {
    /// Prepare training on `sentences` (words and their IOB tags).
    pub fn new(
        sentences: &[(Vec<String>, Vec<String>)],
        opts: &TrainOptions,
    ) -> Result<Trainer, NerError> {
        let mut counts: HashMap<u64, u32> = HashMap::new();
        for (words, _) in sentences {
            for w in words.iter().filter(|w| is_lowercase_word(w)) {
                *counts.entry(lower_hash(w)).or_default() += 1;
            }
        }
        let mut vocab: Vec<u64> = counts
            .into_iter()
            .filter(|&(_, c)| c >= opts.min_vocab_count)
            .map(|(h, _)| h)
            .collect();
        vocab.sort_unstable();
        let vocab_set: HashSet<u64> = vocab.iter().copied().collect();
        let in_vocab = |h: u64| vocab_set.contains(&h);
        let mut scratch = Scratch::default();
        let mut examples = Vec::with_capacity(sentences.len());
        for (k, (words, tags)) in sentences.iter().enumerate() {
            if words.len() != tags.len() {
                return Err(NerError::Data(format!(
                    "sentence {k}: {} words but {} tags",
                    words.len(),
                    tags.len()
                )));
            }
            if words.is_empty() {
                continue;
            }
            let refs: Vec<&str> = words.iter().map(String::as_str).collect();
            let mut feats = Vec::new();
            sentence_features(&refs, &in_vocab, &mut scratch, &mut feats);
            examples.push(Example {
                feats,
                gold: iob2(tags)?,
            });
        }
        if examples.is_empty() {
            return Err(NerError::Data("no training sentences".into()));
        }
        Ok(Trainer {
            examples,
            index: IdMap::default(),
            w: Vec::new(),
            acc: Vec::new(),
            trans: [[0; NTAGS]; NTAGS + 1],
            trans_acc: [[0; NTAGS]; NTAGS + 1],
            vocab,
            c: 1,
            rng: opts.seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1,
            epochs_done: 0,
            opts: opts.clone(),
        })
    }

    /// Epochs trained so far.
    pub fn epochs_done(&self) -> usize {
        self.epochs_done
    }

    fn next_rand(&mut self) -> u64 {
        // xorshift64*
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        self.rng.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn update(&mut self, f: u64, tag: usize, d: i32) {
        let next = self.w.len() as u32;
        let i = *self.index.entry(f).or_insert(next) as usize;
        if i == self.w.len() {
            self.w.push([0; NTAGS]);
            self.acc.push([0; NTAGS]);
        }
        self.w[i][tag] += d;
        self.acc[i][tag] += self.c * d as i64;
    }

    /// One pass over the shuffled training data; returns the fraction of words mistagged.
    pub fn epoch(&mut self) -> f64 {
        let n = self.examples.len();
        let mut order: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = (self.next_rand() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        let (mut wrong, mut total) = (0usize, 0usize);
        let mut emit: Vec<[i32; NTAGS]> = Vec::new();
        let mut pred = Vec::new();
        let drop_below = (self.opts.word_dropout.clamp(0.0, 1.0) * u32::MAX as f64) as u64;
        for &k in &order {
            let mut ex = std::mem::replace(
                &mut self.examples[k],
                Example {
                    feats: vec![],
                    gold: vec![],
                },
            );
            let saved = (drop_below > 0).then(|| ex.feats.clone());
            if drop_below > 0 {
                for fs in ex.feats.chunks_exact_mut(NF) {
                    if self.next_rand() >> 32 < drop_below {
                        for &slot in WORD_SLOTS {
                            fs[slot] = 0;
                        }
                    }
                }
            }
            emit.clear();
            for fs in ex.feats.chunks_exact(NF) {
                let mut s = [0i32; NTAGS];
                for &f in fs {
                    if let Some(&i) = self.index.get(&f) {
                        for (a, &b) in s.iter_mut().zip(self.w[i as usize].iter()) {
                            *a += b;
                        }
                    }
                }
                emit.push(s);
            }
            viterbi(&emit, &self.trans, &mut pred);
            total += ex.gold.len();
            if pred != ex.gold {
                for (i, (&g, &p)) in ex.gold.iter().zip(pred.iter()).enumerate() {
                    let (gp, pp) = if i == 0 {
                        (NTAGS, NTAGS)
                    } else {
                        (ex.gold[i - 1], pred[i - 1])
                    };
                    if g != p {
                        wrong += 1;
                        for &f in ex.feats[i * NF..(i + 1) * NF].iter().filter(|&&f| f != 0) {
                            self.update(f, g, 1);
                            self.update(f, p, -1);
                        }
                    }
                    if (gp, g) != (pp, p) {
                        self.trans[gp][g] += 1;
                        self.trans_acc[gp][g] += self.c;
                        self.trans[pp][p] -= 1;
                        self.trans_acc[pp][p] -= self.c;
                    }
                }
            }
            if let Some(f) = saved {
                ex.feats = f;
            }
            self.examples[k] = ex;
            self.c += 1;
        }
        self.epochs_done += 1;
        wrong as f64 / total.max(1) as f64
    }

    /// The averaged weights so far, pruned and quantised into a [`Model`].
    pub fn model(&self) -> Model {
        let c = self.c as f64;
        let avg = |w: i32, a: i64| w as f64 - a as f64 / c;
        let mut max = 0f64;
        for (w, a) in self.w.iter().zip(&self.acc) {
            for t in 0..NTAGS {
                max = max.max(avg(w[t], a[t]).abs());
            }
        }
        for (w, a) in self.trans.iter().zip(&self.trans_acc) {
            for t in 0..NTAGS {
                max = max.max(avg(w[t], a[t]).abs());
            }
        }
        let scale = if max > 0.0 { 32767.0 / max } else { 1.0 };
        let q = |w: i32, a: i64| (avg(w, a) * scale).round().clamp(-32767.0, 32767.0) as i16;
        let mut features: Vec<(u64, [i16; NTAGS])> = Vec::with_capacity(self.index.len());
        for (&k, &i) in &self.index {
            let (w, a) = (&self.w[i as usize], &self.acc[i as usize]);
            let mut row = [0i16; NTAGS];
            for t in 0..NTAGS {
                row[t] = q(w[t], a[t]);
            }
            let keep = self.opts.prune_below.max(1);
            if row.iter().any(|x| x.unsigned_abs() >= keep as u16) {
                features.push((k, row));
            }
        }
        features.sort_unstable_by_key(|&(k, _)| k);
        let mut transitions = [[0i16; NTAGS]; NTAGS + 1];
        for (p, row) in transitions.iter_mut().enumerate() {
            for (t, x) in row.iter_mut().enumerate() {
                *x = q(self.trans[p][t], self.trans_acc[p][t]);
            }
        }
        Model {
            features,
            transitions,
            vocab: self.vocab.clone(),
        }
    }
}

/// Train a model on `sentences` (words, IOB tags) for `opts.epochs` epochs.
pub fn train(
    sentences: &[(Vec<String>, Vec<String>)],
    opts: &TrainOptions,
) -> Result<Model, NerError> {
    let mut t = Trainer::new(sentences, opts)?;
    for _ in 0..opts.epochs {
        t.epoch();
    }
    Ok(t.model())
}

#[cfg(test)]
mod tests {
    use super::super::{NerType, Tagger};
    use super::*;

    fn sent(text: &str) -> (Vec<String>, Vec<String>) {
        text.split(' ')
            .map(|wt| {
                let (w, t) = wt.split_once('/').unwrap();
                (w.to_string(), t.to_string())
            })
            .unzip()
    }

    #[test]
    fn learns_a_toy_task_and_survives_save_load() {
        let data: Vec<_> = [
            "Anna/B-PER Berg/I-PER visited/O Oslo/B-LOC ./O",
            "Oslo/B-LOC welcomed/O Anna/B-PER ./O",
            "the/O mayor/O of/O Bergen/B-LOC met/O Ola/B-PER Dahl/I-PER ./O",
            "Ola/B-PER Dahl/I-PER left/O Bergen/B-LOC ./O",
            "Acme/B-ORG Corp/I-ORG hired/O Anna/B-PER Berg/I-PER ./O",
        ]
        .iter()
        .map(|s| sent(s))
        .collect();
        let opts = TrainOptions {
            epochs: 10,
            ..Default::default()
        };
        let model = train(&data, &opts).unwrap();
        let model = Model::from_bytes(&model.to_bytes()).unwrap();
        let tagger = Tagger::new(&model);
        let spans = tagger.tag(&["Ola", "Dahl", "visited", "Oslo", "."]);
        assert_eq!(spans.len(), 2, "{spans:?}");
        assert_eq!(
            (spans[0].start, spans[0].end, spans[0].kind),
            (0, 2, NerType::Per)
        );
        assert_eq!(
            (spans[1].start, spans[1].end, spans[1].kind),
            (3, 4, NerType::Loc)
        );
    }

    #[test]
    fn rejects_bad_data() {
        let bad = vec![(vec!["a".to_string()], vec!["X-FOO".to_string()])];
        assert!(train(&bad, &TrainOptions::default()).is_err());
        let uneven = vec![(vec!["a".to_string()], vec![])];
        assert!(train(&uneven, &TrainOptions::default()).is_err());
        assert!(train(&[], &TrainOptions::default()).is_err());
    }

    #[test]
    fn iob1_becomes_iob2() {
        let tags: Vec<String> = ["I-PER", "I-PER", "O", "I-LOC", "B-LOC"]
            .map(String::from)
            .into();
        assert_eq!(iob2(&tags).unwrap(), [1, 5, 0, 2, 2]);
    }
}
