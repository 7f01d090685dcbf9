//! Near-duplicate (syndicated copy) detection: MinHash signatures over normalised shingles,
//! banded LSH for candidates, and a verification step on the estimated similarity.
//!
//! A *copy* is the same text syndicated or lightly edited: a wire story with a new headline, a
//! dateline such as "(Reuters) -", a cut tail, dropped paragraphs, a boilerplate footer, typos.
//! [`DedupIndex::add`] checks a new article against everything indexed so far and returns the id
//! of the *earliest* indexed article of the copy family it belongs to (its `duplicate_of`), or
//! `None` when it is original. It is incremental: articles are added one at a time, in arrival
//! order, and the answer for an article never changes when later articles arrive.
//!
//! ```
//! use sitrep_core::corpus::dedup::{DedupConfig, DedupIndex};
//!
//! let mut index = DedupIndex::new(DedupConfig::default()).unwrap();
//! let wire = "The central bank raised its main interest rate by half a point on Thursday, \
//!     the third increase this year, saying that prices for food and fuel were still rising \
//!     faster than wages and that further moves could not be ruled out before the winter.";
//! assert_eq!(index.add("a1", wire), None);
//! let copy = format!("Bank lifts rates again\nLONDON (Reuters) - {wire}\nReporting by A. Writer");
//! assert_eq!(index.add("a2", &copy).as_deref(), Some("a1"));
//! ```
//!
//! # Settings, and why (measured by `examples/eval_copies.rs`, see `bench/copies/README.md`)
//!
//! - **Shingles: word 3-grams** of the normalised text. Normalisation lowercases, keeps only
//!   letters and digits (so punctuation, curly versus straight quotes and whitespace do not
//!   matter), and joins apostrophes inside words ("don't" = "dont"). On the synthetic set
//!   (seed 1) word 3-grams score ARI 0.986; character 5-grams reach 0.982 at best (Jaccard
//!   threshold 0.5, containment off) and collapse to ARI 0.00 with the containment rule,
//!   because a long article "contains" most common 5-letter strings of a short one. Word
//!   5-grams lose recall on edited copies (ARI 0.91).
//! - **128 hashes, 64 bands of 2 rows.** A copy at Jaccard 0.3 becomes a candidate with
//!   probability 1-(1-0.3²)⁶⁴ ≈ 0.998; unrelated news (Jaccard near 0.01) rarely shares a band.
//! - **Verification**: a candidate is a copy when the estimated Jaccard is at least
//!   `threshold` (0.3), or when the estimated *containment* of the smaller text in the larger
//!   is at least `containment` (0.6; a cut tail or a short excerpt of a long wire story has a
//!   low Jaccard but is almost wholly contained). Both estimates come from the signatures and
//!   the number of distinct shingles of each text, so the index never stores text. Thresholds
//!   0.4/0.7 lose recall below Jaccard 0.5 (ARI 0.93); 0.25/0.5 and lower start to merge
//!   unrelated articles (precision 0.996) while the set's distractors are only guaranteed to be
//!   below Jaccard 0.2, so 0.3/0.6 keeps a margin.
//!
//! Hashing is deterministic (seeded from the config), so a persisted index rebuilt on another
//! machine gives the same answers. Signatures are computed by [`DedupIndex::signature`], which
//! takes `&self`, so a batch can be signed in parallel (rayon) and then added in order with
//! [`DedupIndex::add_signature`].

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use serde::{Deserialize, Serialize};

use crate::Error;

/// What a shingle is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ShingleKind {
    /// `shingle_size` consecutive normalised words.
    Words,
    /// `shingle_size` consecutive characters of the normalised text (words joined by one space).
    Chars,
}

/// Settings of the copy detector. Plain data: unknown fields are refused, every field has a
/// default, and [`DedupIndex::new`] validates them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DedupConfig {
    /// Word or character shingles.
    pub shingle: ShingleKind,
    /// Words (or characters) per shingle.
    pub shingle_size: usize,
    /// Number of MinHash functions: the signature length.
    pub num_hashes: usize,
    /// LSH bands; `bands * rows` must not exceed `num_hashes`.
    pub bands: usize,
    /// Hashes per band.
    pub rows: usize,
    /// A candidate whose estimated Jaccard similarity is at least this is a copy.
    pub threshold: f64,
    /// A candidate is also a copy when at least this share of the smaller text's shingles is
    /// estimated to be in the larger one (cut tails, excerpts). A value above 1 turns it off.
    pub containment: f64,
    /// The containment rule applies only when the smaller text has at least this many distinct
    /// shingles, so that a one-line text is not a "copy" of every article that contains it.
    pub min_shingles: usize,
    /// Most articles kept per LSH bucket (the earliest ones). A flood of one wire story, or
    /// boilerplate shared by thousands of articles, would otherwise make every insert compare
    /// with the whole flood; the earliest members (the family roots) are the ones that matter.
    pub max_bucket: usize,
    /// Seed of the hash functions. Indexes with different seeds are incompatible.
    pub seed: u64,
}

impl Default for DedupConfig {
    fn default() -> Self {
        DedupConfig {
            shingle: ShingleKind::Words,
            shingle_size: 3,
            num_hashes: 128,
            bands: 64,
            rows: 2,
            threshold: 0.3,
            containment: 0.6,
            min_shingles: 30,
            max_bucket: 64,
            seed: 0x5174_7265_7064_7570,
        }
    }
}

impl DedupConfig {
    /// Check the settings; the error names the field and the fix.
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |m: String| Err(Error::Config(format!("dedup: {m}")));
        if self.shingle_size == 0 || self.shingle_size > 32 {
            return bad(format!(
                "shingle_size must be 1 to 32, not {}",
                self.shingle_size
            ));
        }
        if self.num_hashes == 0 || self.num_hashes > 4096 {
            return bad(format!(
                "num_hashes must be 1 to 4096, not {}",
                self.num_hashes
            ));
        }
        if self.bands == 0 || self.rows == 0 || self.bands * self.rows > self.num_hashes {
            return bad(format!(
                "bands * rows must be at least 1 and at most num_hashes ({}), not {} * {}",
                self.num_hashes, self.bands, self.rows
            ));
        }
        if !(self.threshold > 0.0 && self.threshold <= 1.0) {
            return bad(format!(
                "threshold must be in (0, 1], not {}",
                self.threshold
            ));
        }
        if self.max_bucket == 0 {
            return bad("max_bucket must be at least 1".into());
        }
        if self.containment.is_nan() || self.containment <= 0.0 {
            return bad(format!(
                "containment must be above 0 (above 1 turns it off), not {}",
                self.containment
            ));
        }
        Ok(())
    }
}

/// The MinHash signature of one text and its number of distinct shingles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    /// One minimum per hash function; empty when the text has no words.
    pub mins: Vec<u32>,
    /// Distinct shingles in the text (used to estimate containment).
    pub shingles: u32,
}

impl Signature {
    /// True when the text had nothing to shingle; such a text is never a copy of anything.
    pub fn is_empty(&self) -> bool {
        self.shingles == 0
    }

    /// Estimated Jaccard similarity of two texts' shingle sets (share of equal minima).
    pub fn jaccard(&self, other: &Signature) -> f64 {
        if self.is_empty() || other.is_empty() || self.mins.len() != other.mins.len() {
            return 0.0;
        }
        let eq = self
            .mins
            .iter()
            .zip(&other.mins)
            .filter(|(a, b)| a == b)
            .count();
        eq as f64 / self.mins.len() as f64
    }

    /// Estimated share of the smaller text's shingles found in the larger one, given the
    /// estimated Jaccard `j`: |A∩B| = j(|A|+|B|)/(1+j).
    pub fn containment(&self, other: &Signature, j: f64) -> f64 {
        let (a, b) = (self.shingles as f64, other.shingles as f64);
        let small = a.min(b);
        if small == 0.0 {
            return 0.0;
        }
        (j * (a + b) / (1.0 + j) / small).min(1.0)
    }
}

/// One verified match of a query: an indexed article and the estimated similarities.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Match {
    pub id: String,
    /// Estimated Jaccard similarity of the two texts.
    pub jaccard: f64,
    /// Estimated share of the smaller text contained in the larger.
    pub containment: f64,
}

/// The hash functions, derived from the config. Cheap to build; `Send + Sync`.
#[derive(Debug, Clone)]
struct Hasher64 {
    shingle: ShingleKind,
    size: usize,
    /// Hash family h_i(x) = m(x ^ s_i), see [`minhash`].
    a: Vec<u32>,
    b: Vec<u32>,
    band_seeds: Vec<u64>,
    rows: usize,
}

impl Hasher64 {
    fn new(c: &DedupConfig) -> Hasher64 {
        let mut state = c.seed;
        let mut next = || splitmix64(&mut state);
        let a = (0..c.num_hashes)
            .map(|_| (next() >> 32) as u32 | 1)
            .collect();
        let b = (0..c.num_hashes).map(|_| (next() >> 32) as u32).collect();
        let band_seeds = (0..c.bands).map(|_| next()).collect();
        Hasher64 {
            shingle: c.shingle,
            size: c.shingle_size,
            a,
            b,
            band_seeds,
            rows: c.rows,
        }
    }

    fn signature(&self, text: &str) -> Signature {
        let mut hashes = shingle_hashes(text, self.shingle, self.size);
        hashes.sort_unstable();
        hashes.dedup();
        if hashes.is_empty() {
            return Signature {
                mins: Vec::new(),
                shingles: 0,
            };
        }
        let mut mins = vec![u32::MAX; self.a.len()];
        minhash(&self.a, &self.b, &hashes, &mut mins);
        Signature {
            mins,
            shingles: hashes.len().min(u32::MAX as usize) as u32,
        }
    }

    /// The LSH bucket key of band `band`.
    fn band_key(&self, sig: &Signature, band: usize) -> u64 {
        let rows = &sig.mins[band * self.rows..(band + 1) * self.rows];
        let mut h = self.band_seeds[band];
        for &m in rows {
            h = fmix64(h ^ m as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
        }
        h
    }
}

/// The minima of the hash family over the shingle hashes. The family works on 32-bit lanes
/// (h_i(x) = m(x ^ s_i) with m(y) = (y * a_i) ^ ((y * a_i) >> 16), a_i odd: a bijection of u32
/// per function) so that the inner loop over hash functions vectorises eight lanes wide; it is
/// compiled twice, with AVX2 when the CPU has it. Its estimates are checked against exact
/// Jaccard in the tests.
fn minhash(a: &[u32], s: &[u32], xs: &[u64], out: &mut [u32]) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            return unsafe { minhash_avx2(a, s, xs, out) };
        }
    }
    minhash_generic(a, s, xs, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn minhash_avx2(a: &[u32], s: &[u32], xs: &[u64], out: &mut [u32]) {
    minhash_generic(a, s, xs, out)
}

#[inline(always)]
fn minhash_generic(a: &[u32], s: &[u32], xs: &[u64], out: &mut [u32]) {
    let n = out.len().min(a.len()).min(s.len());
    let (a, s, out) = (&a[..n], &s[..n], &mut out[..n]);
    for &x in xs {
        let x = (x >> 32) as u32;
        for i in 0..n {
            let y = (x ^ s[i]).wrapping_mul(a[i]);
            out[i] = out[i].min(y ^ (y >> 16));
        }
    }
}

/// The 64-bit hashes of a text's shingles (with repeats), after normalisation: lowercase,
/// letters and digits only, apostrophes inside words dropped, any other character a separator.
/// A text with fewer words (characters) than the shingle size gives one shingle of all of them.
pub fn shingle_hashes(text: &str, kind: ShingleKind, size: usize) -> Vec<u64> {
    let size = size.max(1);
    let mut out = Vec::new();
    match kind {
        ShingleKind::Words => {
            let words = word_hashes(text);
            if words.is_empty() {
                return out;
            }
            if words.len() < size {
                out.push(combine(&words));
                return out;
            }
            out.reserve(words.len() + 1 - size);
            for w in words.windows(size) {
                out.push(combine(w));
            }
        }
        ShingleKind::Chars => {
            let chars: Vec<u64> = normalized_string(text).chars().map(|c| c as u64).collect();
            if chars.is_empty() {
                return out;
            }
            if chars.len() < size {
                out.push(combine(&chars));
                return out;
            }
            for w in chars.windows(size) {
                out.push(combine(w));
            }
        }
    }
    out
}

/// The normalised text as the shingler sees it: words joined by one space. For explanations,
/// tests and the benchmark export; the shingler itself never builds this string.
pub fn normalize(text: &str) -> String {
    normalized_string(text)
}

fn is_joiner(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}')
}

/// Hash of each normalised word. ASCII letters are packed eight to a 64-bit word before they
/// are mixed (one multiply per eight characters); other letters are lowercased and mixed one
/// code point at a time.
fn word_hashes(text: &str) -> Vec<u64> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(text.len() / 5);
    let (mut h, mut acc, mut packed, mut len) = (FNV_OFFSET, 0u64, 0u32, 0u32);
    let mix = |h: u64, v: u64| (h ^ v).rotate_left(29).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            if b.is_ascii_alphanumeric() {
                acc = acc << 8 | b.to_ascii_lowercase() as u64;
                packed += 1;
                len += 1;
                if packed == 8 {
                    h = mix(h, acc);
                    (acc, packed) = (0, 0);
                }
            } else if len > 0 && b != b'\'' {
                out.push(fmix64(mix(h, acc) ^ len as u64));
                (h, acc, packed, len) = (FNV_OFFSET, 0, 0, 0);
            }
            continue;
        }
        let c = text[i..].chars().next().unwrap_or(' ');
        i += c.len_utf8();
        if c.is_alphanumeric() {
            for l in c.to_lowercase() {
                if l.is_ascii() {
                    acc = acc << 8 | l as u64;
                    packed += 1;
                    if packed == 8 {
                        h = mix(h, acc);
                        (acc, packed) = (0, 0);
                    }
                } else {
                    h = mix(mix(h, acc), l as u64 | 1 << 40);
                    (acc, packed) = (0, 0);
                }
                len += 1;
            }
        } else if len > 0 && !is_joiner(c) {
            out.push(fmix64(mix(h, acc) ^ len as u64));
            (h, acc, packed, len) = (FNV_OFFSET, 0, 0, 0);
        }
    }
    if len > 0 {
        out.push(fmix64(mix(h, acc) ^ len as u64));
    }
    out
}

/// The normalised text: lowercase letters and digits, one space between words.
fn normalized_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else if !is_joiner(c) {
            pending_space = true;
        }
    }
    out
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

fn combine(parts: &[u64]) -> u64 {
    let mut h: u64 = 0x243F_6A88_85A3_08D3;
    for &p in parts {
        h = (h.rotate_left(27) ^ p).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    fmix64(h)
}

fn fmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^= k >> 33;
    k
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Band keys are already well mixed, so the bucket maps use them as they are.
#[derive(Default, Clone, Copy)]
struct KeyHasher(u64);
impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8 | b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = i;
    }
    fn write_u32(&mut self, i: u32) {
        // spread the 32 bits over the whole word: the table uses the top bits too
        self.0 = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// One LSH band: band key (folded to 32 bits) -> articles. Most keys hold one article, so it
/// is stored inline (8 bytes an entry); only keys shared by several articles get a list.
/// Folding the key can only add candidates, and every candidate is verified.
#[derive(Debug, Default, Clone)]
struct Buckets {
    one: HashMap<u32, u32, BuildHasherDefault<KeyHasher>>,
    more: HashMap<u32, Vec<u32>, BuildHasherDefault<KeyHasher>>,
}

impl Buckets {
    fn fold(key: u64) -> u32 {
        (key ^ (key >> 32)) as u32
    }

    fn insert(&mut self, key: u64, n: u32, max: usize) {
        let k = Self::fold(key);
        match self.one.entry(k) {
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(n);
            }
            std::collections::hash_map::Entry::Occupied(_) => {
                let v = self.more.entry(k).or_default();
                if v.len() + 1 < max {
                    v.push(n);
                }
            }
        }
    }

    fn extend_into(&self, key: u64, out: &mut Vec<u32>) {
        let k = Self::fold(key);
        if let Some(&n) = self.one.get(&k) {
            out.push(n);
            if let Some(v) = self.more.get(&k) {
                out.extend_from_slice(v);
            }
        }
    }
}

/// An incremental near-duplicate index: MinHash signatures in LSH bands, and for every indexed
/// article the earliest article of its copy family.
///
/// Serialises (serde) to its config, ids, signatures and family links; the bands are rebuilt
/// on load, so a restored index gives exactly the same answers.
#[derive(Debug, Clone)]
pub struct DedupIndex {
    config: DedupConfig,
    hasher: Hasher64,
    ids: Vec<String>,
    sigs: Vec<Signature>,
    /// For each article (by insertion number) the insertion number of its family's earliest
    /// article; itself when it is original.
    root: Vec<u32>,
    by_id: HashMap<String, u32>,
    bands: Vec<Buckets>,
}

impl DedupIndex {
    /// An empty index; fails when the config is invalid.
    pub fn new(config: DedupConfig) -> Result<DedupIndex, Error> {
        config.validate()?;
        let hasher = Hasher64::new(&config);
        let bands = vec![Buckets::default(); config.bands];
        Ok(DedupIndex {
            config,
            hasher,
            ids: Vec::new(),
            sigs: Vec::new(),
            root: Vec::new(),
            by_id: HashMap::new(),
            bands,
        })
    }

    pub fn config(&self) -> &DedupConfig {
        &self.config
    }

    /// Number of indexed articles.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The signature of `text` under this index's settings. Pure and `&self`: sign a batch in
    /// parallel (`texts.par_iter().map(|t| index.signature(t))`), then add in order.
    pub fn signature(&self, text: &str) -> Signature {
        self.hasher.signature(text)
    }

    /// Check `text` against the index and add it. Returns the id of the earliest indexed
    /// article of the copy family it joins (its `duplicate_of`), or `None` when it copies
    /// nothing indexed. Adding an id that is already indexed changes nothing and returns the
    /// answer it got when it was first added.
    pub fn add(&mut self, id: &str, text: &str) -> Option<String> {
        let sig = self.signature(text);
        self.add_signature(id, sig)
    }

    /// [`add`](Self::add) with a signature computed by [`signature`](Self::signature).
    pub fn add_signature(&mut self, id: &str, sig: Signature) -> Option<String> {
        if let Some(&n) = self.by_id.get(id) {
            return self
                .duplicate_of_num(n)
                .map(|r| self.ids[r as usize].clone());
        }
        let found = self.earliest(&sig);
        let n = self.ids.len() as u32;
        self.insert_bands(n, &sig);
        self.ids.push(id.to_string());
        self.sigs.push(sig);
        self.root.push(found.unwrap_or(n));
        self.by_id.insert(id.to_string(), n);
        found.map(|r| self.ids[r as usize].clone())
    }

    /// What [`add`](Self::add) would return for `text`, without adding it.
    pub fn query(&self, text: &str) -> Option<String> {
        self.query_signature(&self.signature(text))
    }

    /// [`query`](Self::query) with a precomputed signature.
    pub fn query_signature(&self, sig: &Signature) -> Option<String> {
        self.earliest(sig).map(|r| self.ids[r as usize].clone())
    }

    /// Every indexed article that `text` copies directly, with the estimated similarities, in
    /// insertion order (the evidence behind an answer of [`query`](Self::query)).
    pub fn matches(&self, text: &str) -> Vec<Match> {
        let sig = self.signature(text);
        self.verified(&sig)
            .into_iter()
            .map(|(n, jaccard, containment)| Match {
                id: self.ids[n as usize].clone(),
                jaccard,
                containment,
            })
            .collect()
    }

    /// The recorded `duplicate_of` of an indexed article: `Some(None)` for an original,
    /// `None` when the id is not indexed.
    pub fn duplicate_of(&self, id: &str) -> Option<Option<&str>> {
        let &n = self.by_id.get(id)?;
        Some(
            self.duplicate_of_num(n)
                .map(|r| self.ids[r as usize].as_str()),
        )
    }

    fn duplicate_of_num(&self, n: u32) -> Option<u32> {
        let r = self.root[n as usize];
        (r != n).then_some(r)
    }

    fn insert_bands(&mut self, n: u32, sig: &Signature) {
        if sig.is_empty() {
            return;
        }
        for band in 0..self.bands.len() {
            let key = self.hasher.band_key(sig, band);
            self.bands[band].insert(key, n, self.config.max_bucket);
        }
    }

    /// Verified matches: (insertion number, estimated Jaccard, estimated containment).
    fn verified(&self, sig: &Signature) -> Vec<(u32, f64, f64)> {
        self.candidates(sig)
            .into_iter()
            .filter_map(|n| self.is_copy(sig, n).map(|(j, c)| (n, j, c)))
            .collect()
    }

    /// The earliest family root among the verified matches. Once one member of a family is
    /// verified, the family's other candidates are not compared again.
    fn earliest(&self, sig: &Signature) -> Option<u32> {
        let cands = self.candidates(sig);
        let mut found: Vec<u32> = Vec::new();
        for n in cands {
            let r = self.root[n as usize];
            if !found.contains(&r) && self.is_copy(sig, n).is_some() {
                found.push(r);
            }
        }
        found.into_iter().min()
    }

    /// Candidates sharing at least one band with `sig`, in insertion order.
    fn candidates(&self, sig: &Signature) -> Vec<u32> {
        if sig.is_empty() || sig.mins.len() != self.config.num_hashes {
            return Vec::new();
        }
        let mut cands: Vec<u32> = Vec::new();
        for (band, buckets) in self.bands.iter().enumerate() {
            buckets.extend_into(self.hasher.band_key(sig, band), &mut cands);
        }
        cands.sort_unstable();
        cands.dedup();
        cands
    }

    /// `Some((jaccard, containment))` when `sig` copies indexed article `n`.
    fn is_copy(&self, sig: &Signature, n: u32) -> Option<(f64, f64)> {
        let c = &self.config;
        let other = &self.sigs[n as usize];
        let j = sig.jaccard(other);
        let cont = sig.containment(other, j);
        let small = sig.shingles.min(other.shingles) as usize;
        let ok = j >= c.threshold || (cont >= c.containment && small >= c.min_shingles);
        ok.then_some((j, cont))
    }
}

/// The persisted form of a [`DedupIndex`].
#[derive(Serialize)]
struct StateRef<'a> {
    config: &'a DedupConfig,
    ids: &'a [String],
    signatures: &'a [Signature],
    root: &'a [u32],
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct State {
    config: DedupConfig,
    ids: Vec<String>,
    signatures: Vec<Signature>,
    root: Vec<u32>,
}

impl Serialize for DedupIndex {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        StateRef {
            config: &self.config,
            ids: &self.ids,
            signatures: &self.sigs,
            root: &self.root,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for DedupIndex {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let st = State::deserialize(d)?;
        let mut index = DedupIndex::new(st.config).map_err(D::Error::custom)?;
        if st.ids.len() != st.signatures.len() || st.ids.len() != st.root.len() {
            return Err(D::Error::custom(
                "dedup index: ids, signatures and root differ in length",
            ));
        }
        for (n, ((id, sig), root)) in st
            .ids
            .into_iter()
            .zip(st.signatures)
            .zip(st.root)
            .enumerate()
        {
            if root as usize > n {
                return Err(D::Error::custom(
                    "dedup index: a root points to a later article",
                ));
            }
            if !sig.is_empty() && sig.mins.len() != index.config.num_hashes {
                return Err(D::Error::custom(
                    "dedup index: signature length is not num_hashes",
                ));
            }
            index.insert_bands(n as u32, &sig);
            index.by_id.insert(id.clone(), n as u32);
            index.ids.push(id);
            index.sigs.push(sig);
            index.root.push(root);
        }
        Ok(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Fixtures written for these tests (invented events, no real reporting).
    const WIRE: &str = "Officials in the river port of Valdemor said on Tuesday that flood \
        barriers along the eastern quay had held overnight, after two days of heavy rain pushed \
        the water to its highest level in forty years. The mayor told residents of the low \
        districts to stay away from the embankment until engineers had inspected the pumps. \
        About 1,200 people spent the night in school gyms and a sports hall, and the regional \
        railway suspended trains on the coastal line. Forecasters expect the rain to ease by \
        Thursday, but warned that the tide on Wednesday evening could bring a second surge. \
        Shopkeepers near the old market moved stock to upper floors, and volunteers filled \
        sandbags outside the town hall late into the evening.";

    const SAME_TOPIC: &str = "Rescue crews in Valdemor used boats on Tuesday to reach families \
        cut off by the flood, as the river stayed close to the top of the eastern barriers. A \
        spokeswoman for the fire service said most calls came from elderly people in the low \
        districts who had refused to leave on Monday. Schools will remain shut for the rest of \
        the week, the education office said, and the coastal train line is not expected to \
        reopen before the weekend. Insurers said it was too early to put a figure on the damage, \
        though several warehouses by the quay were under a metre of water.";

    fn index() -> DedupIndex {
        DedupIndex::new(DedupConfig::default()).unwrap()
    }

    #[test]
    fn identical_texts_are_copies() {
        let mut ix = index();
        assert_eq!(ix.add("a", WIRE), None);
        assert_eq!(ix.add("b", WIRE).as_deref(), Some("a"));
        assert_eq!(ix.duplicate_of("b"), Some(Some("a")));
        assert_eq!(ix.duplicate_of("a"), Some(None));
    }

    #[test]
    fn wire_copy_with_headline_dateline_footer_is_a_copy() {
        let mut ix = index();
        ix.add("wire", WIRE);
        let copy = format!(
            "Port city's flood defences hold as river peaks\n\nVALDEMOR (Reuters) - {}\n\n\
             (Reporting by Jan Example; Editing by Ana Sample)\nOur Standards: The Trust Principles.",
            WIRE.replace("said on Tuesday", "said on Tuesday,")
        );
        assert_eq!(ix.query(&copy).as_deref(), Some("wire"));
        assert_eq!(ix.add("copy", &copy).as_deref(), Some("wire"));
        let m = ix.matches(&copy);
        assert_eq!(m.len(), 2, "{m:?}");
        assert!(m[0].jaccard > 0.6, "{m:?}");
    }

    #[test]
    fn cut_tail_and_curly_quotes_are_a_copy() {
        let mut ix = index();
        ix.add("wire", WIRE);
        let half: String = WIRE.chars().take(WIRE.len() / 2).collect();
        let half = half.replace("'", "\u{2019}").to_uppercase();
        assert_eq!(ix.query(&half).as_deref(), Some("wire"));
    }

    #[test]
    fn same_topic_article_is_not_a_copy() {
        let mut ix = index();
        ix.add("wire", WIRE);
        assert_eq!(ix.add("other", SAME_TOPIC), None);
        assert!(ix.matches(SAME_TOPIC).iter().all(|m| m.id != "wire"));
    }

    #[test]
    fn char_shingles_separate_unrelated_texts() {
        let c = DedupConfig {
            shingle: ShingleKind::Chars,
            shingle_size: 5,
            ..Default::default()
        };
        let mut ix = DedupIndex::new(c).unwrap();
        ix.add("wire", WIRE);
        let m = ix.matches(SAME_TOPIC);
        assert!(m.is_empty(), "{m:?}");
        assert_eq!(
            ix.query(&format!("HEADLINE\n{WIRE}")).as_deref(),
            Some("wire")
        );
    }

    #[test]
    fn earliest_id_wins() {
        let mut ix = index();
        assert_eq!(ix.add("first", WIRE), None);
        let edited = format!("{WIRE} Sign up for our morning newsletter.");
        assert_eq!(ix.add("second", &edited).as_deref(), Some("first"));
        // A third copy closest to the second still names the family's earliest article.
        let third = format!("{edited} Share this story.");
        assert_eq!(ix.add("third", &third).as_deref(), Some("first"));
        // Re-adding an id changes nothing.
        assert_eq!(ix.add("first", "something else entirely"), None);
        assert_eq!(ix.add("third", WIRE).as_deref(), Some("first"));
        assert_eq!(ix.len(), 3);
    }

    #[test]
    fn serde_round_trip_gives_same_answers() {
        let mut ix = index();
        ix.add("wire", WIRE);
        ix.add("other", SAME_TOPIC);
        ix.add("copy", &format!("LONDON (AP) - {WIRE}"));
        let json = serde_json::to_string(&ix).unwrap();
        let mut back: DedupIndex = serde_json::from_str(&json).unwrap();
        assert_eq!(back.len(), 3);
        assert_eq!(back.duplicate_of("copy"), Some(Some("wire")));
        for t in [WIRE, SAME_TOPIC, "nothing like either"] {
            assert_eq!(back.query(t), ix.query(t));
        }
        let extra = format!("{SAME_TOPIC} Copyright 2024.");
        assert_eq!(back.add("x", &extra), ix.add("x", &extra));
        assert_eq!(back.add("x", &extra).as_deref(), Some("other"));
    }

    #[test]
    fn config_is_validated_and_strict() {
        let bad = DedupConfig {
            bands: 100,
            rows: 2,
            ..DedupConfig::default()
        };
        let err = DedupIndex::new(bad).unwrap_err().to_string();
        assert!(err.contains("bands * rows"), "{err}");
        let r: Result<DedupConfig, _> = serde_json::from_str(r#"{"treshold": 0.4}"#);
        assert!(r.is_err());
        let c: DedupConfig = serde_json::from_str(r#"{"threshold": 0.4}"#).unwrap();
        assert_eq!(c.num_hashes, 128);
    }

    #[test]
    fn no_panic_on_odd_texts() {
        let odd = [
            "",
            " ",
            "a",
            "one two",
            "\u{0}\u{feff}\u{200b}",
            "!!! ??? ...",
            "Ünïcödé ÇÀÉ ß İstanbul ǅ",
            "東京で会議が開かれた。参加者は多かった。",
            "مرحبا بالعالم هذا نص قصير",
            "🙂🙂🙂 emoji 🙂 text 👍🏽",
            "x\r\ny\r\nz",
        ];
        for kind in [ShingleKind::Words, ShingleKind::Chars] {
            let mut ix = DedupIndex::new(DedupConfig {
                shingle: kind,
                ..Default::default()
            })
            .unwrap();
            for (i, t) in odd.iter().enumerate() {
                ix.query(t);
                ix.add(&format!("t{i}"), t);
            }
            // Empty texts copy nothing; a repeated short text is a copy.
            assert_eq!(ix.add("empty-again", ""), None);
            assert_eq!(ix.add("a-again", "A").as_deref(), Some("t2"));
            let json = serde_json::to_string(&ix).unwrap();
            let _: DedupIndex = serde_json::from_str(&json).unwrap();
        }
    }

    #[test]
    fn normalisation_ignores_case_punctuation_and_quotes() {
        assert_eq!(normalize("  Don\u{2019}t  STOP, “now”!\n"), "dont stop now");
        assert_eq!(normalize("Don't stop \"now\""), "dont stop now");
        let a = shingle_hashes("Don\u{2019}t stop “now” please", ShingleKind::Words, 3);
        let b = shingle_hashes("don't STOP \"now\" -- please", ShingleKind::Words, 3);
        assert_eq!(a, b);
        let c = shingle_hashes("Don\u{2019}t stop “now” please", ShingleKind::Chars, 5);
        let d = shingle_hashes("don't STOP \"now\" -- please", ShingleKind::Chars, 5);
        assert_eq!(c, d);
    }

    #[test]
    fn minhash_estimates_match_exact_jaccard() {
        // Pairs of random shingle sets with a known Jaccard; the estimate must be unbiased and
        // about as precise as 128 independent permutations allow: sd = sqrt(j(1-j)/128).
        let h = Hasher64::new(&DedupConfig::default());
        let mut state = 7u64;
        for &(common, only) in &[(100usize, 450usize), (300, 350), (500, 250), (800, 100)] {
            let j = common as f64 / (common + 2 * only) as f64;
            let (mut sum, mut sq, trials) = (0.0, 0.0, 200);
            for _ in 0..trials {
                let mut gen = |n: usize| (0..n).map(|_| splitmix64(&mut state)).collect::<Vec<_>>();
                let shared = gen(common);
                let a: Vec<u64> = shared.iter().copied().chain(gen(only)).collect();
                let b: Vec<u64> = shared.iter().copied().chain(gen(only)).collect();
                let mut ma = vec![u32::MAX; 128];
                let mut mb = ma.clone();
                minhash(&h.a, &h.b, &a, &mut ma);
                minhash(&h.a, &h.b, &b, &mut mb);
                let sa = Signature {
                    mins: ma,
                    shingles: a.len() as u32,
                };
                let sb = Signature {
                    mins: mb,
                    shingles: b.len() as u32,
                };
                let e = sa.jaccard(&sb);
                sum += e - j;
                sq += (e - j) * (e - j);
            }
            let bias = sum / trials as f64;
            let rmse = (sq / trials as f64).sqrt();
            let sd = (j * (1.0 - j) / 128.0).sqrt();
            assert!(
                bias.abs() < 0.3 * sd,
                "j {j:.3}: bias {bias:.4}, sd {sd:.4}"
            );
            assert!(rmse < 1.25 * sd, "j {j:.3}: rmse {rmse:.4}, sd {sd:.4}");
        }
    }

    #[test]
    fn avx2_and_generic_minhash_agree() {
        let h = Hasher64::new(&DedupConfig::default());
        let xs = shingle_hashes(WIRE, ShingleKind::Words, 3);
        let mut m1 = vec![u32::MAX; h.a.len()];
        let mut m2 = m1.clone();
        minhash(&h.a, &h.b, &xs, &mut m1);
        minhash_generic(&h.a, &h.b, &xs, &mut m2);
        assert_eq!(m1, m2);
    }
}
