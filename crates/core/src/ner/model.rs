//! The trained model: quantised weights, its compact file format and the lookup tables the
//! tagger decodes with.
//!
//! File format (all integers little-endian or LEB128 varints): the magic `SRNER` plus a version
//! byte, then a deflate stream holding the tag count, the lowercase vocabulary (sorted 64-bit
//! hashes, delta-coded), the features (sorted 40-bit keys, delta-coded, each with a bit mask of
//! the tags it has a non-zero weight for and those `i16` weights, zigzag-coded) and the
//! transition weights.

use std::io::{Read, Write};
use std::path::Path;

use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use flate2::Compression;

use super::{NerError, NTAGS};

const MAGIC: &[u8; 5] = b"SRNER";
const VERSION: u8 = 1;

/// Transition rows: one per previous tag plus one for the sentence start (the last row).
pub type Transitions = [[i16; NTAGS]; NTAGS + 1];

/// A trained, quantised tagger model. Build a [`Tagger`](super::Tagger) from it to tag text.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// `(feature key, weight per tag)`, sorted by key, keys unique and non-zero.
    pub(crate) features: Vec<(u64, [i16; NTAGS])>,
    pub(crate) transitions: Transitions,
    /// Hashes ([`super::features::lower_hash`]) of words seen in lowercase in training; sorted.
    pub(crate) vocab: Vec<u64>,
}

impl Model {
    /// Number of features with at least one non-zero weight.
    pub fn num_features(&self) -> usize {
        self.features.len()
    }

    /// Number of words in the lowercase vocabulary.
    pub fn vocab_len(&self) -> usize {
        self.vocab.len()
    }

    /// Serialise to the compact binary format.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut raw = Vec::with_capacity(self.features.len() * 8);
        raw.push(NTAGS as u8);
        put_varint(&mut raw, self.vocab.len() as u64);
        let mut prev = 0u64;
        for &v in &self.vocab {
            put_varint(&mut raw, v - prev);
            prev = v;
        }
        put_varint(&mut raw, self.features.len() as u64);
        let mut prev = 0u64;
        for (k, w) in &self.features {
            put_varint(&mut raw, k - prev);
            prev = *k;
            let mut mask = 0u64;
            for (t, &x) in w.iter().enumerate() {
                if x != 0 {
                    mask |= 1 << t;
                }
            }
            put_varint(&mut raw, mask);
            for &x in w.iter().filter(|&&x| x != 0) {
                put_varint(&mut raw, zigzag(x));
            }
        }
        for row in &self.transitions {
            for &x in row {
                put_varint(&mut raw, zigzag(x));
            }
        }
        let mut out = Vec::with_capacity(raw.len() / 2 + 16);
        out.extend_from_slice(MAGIC);
        out.push(VERSION);
        let mut enc = DeflateEncoder::new(out, Compression::best());
        // Writing into a Vec cannot fail.
        let _ = enc.write_all(&raw);
        enc.finish().unwrap_or_default()
    }

    /// Parse the binary format written by [`Model::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, NerError> {
        let body = bytes
            .strip_prefix(MAGIC.as_slice())
            .ok_or_else(|| NerError::Format("not a sitrep NER model (bad magic)".into()))?;
        let (&version, body) = body
            .split_first()
            .ok_or_else(|| NerError::Format("truncated header".into()))?;
        if version != VERSION {
            return Err(NerError::Format(format!(
                "model format version {version}, this build reads version {VERSION}"
            )));
        }
        let mut raw = Vec::new();
        DeflateDecoder::new(body)
            .read_to_end(&mut raw)
            .map_err(|e| NerError::Format(format!("corrupt model stream: {e}")))?;
        let mut r = Reader { buf: &raw, pos: 0 };
        let ntags = r.byte()? as usize;
        if ntags != NTAGS {
            return Err(NerError::Format(format!(
                "model has {ntags} tags, expected {NTAGS}"
            )));
        }
        let nv = r.len()?;
        let mut vocab = Vec::with_capacity(nv);
        let mut prev = 0u64;
        for _ in 0..nv {
            prev = prev
                .checked_add(r.varint()?)
                .ok_or_else(|| NerError::Format("vocabulary overflow".into()))?;
            vocab.push(prev);
        }
        let nf = r.len()?;
        let mut features = Vec::with_capacity(nf);
        let mut prev = 0u64;
        for _ in 0..nf {
            prev = prev
                .checked_add(r.varint()?)
                .ok_or_else(|| NerError::Format("feature key overflow".into()))?;
            let mask = r.varint()?;
            if mask >= 1 << NTAGS {
                return Err(NerError::Format("bad tag mask".into()));
            }
            let mut w = [0i16; NTAGS];
            for (t, x) in w.iter_mut().enumerate() {
                if mask & (1 << t) != 0 {
                    *x = r.i16()?;
                }
            }
            features.push((prev, w));
        }
        let mut transitions = [[0i16; NTAGS]; NTAGS + 1];
        for row in transitions.iter_mut() {
            for x in row.iter_mut() {
                *x = r.i16()?;
            }
        }
        if r.pos != raw.len() {
            return Err(NerError::Format("trailing bytes after model".into()));
        }
        Ok(Model {
            features,
            transitions,
            vocab,
        })
    }

    /// Write the model to `path`.
    pub fn save(&self, path: &Path) -> Result<(), NerError> {
        std::fs::write(path, self.to_bytes()).map_err(|e| NerError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })
    }

    /// Read a model written by [`Model::save`].
    pub fn load(path: &Path) -> Result<Model, NerError> {
        let bytes = std::fs::read(path).map_err(|e| NerError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Model::from_bytes(&bytes)
    }
}

fn zigzag(x: i16) -> u64 {
    (((x as i32) << 1) ^ ((x as i32) >> 31)) as u32 as u64
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, NerError> {
        let b = *self
            .buf
            .get(self.pos)
            .ok_or_else(|| NerError::Format("truncated model".into()))?;
        self.pos += 1;
        Ok(b)
    }
    fn varint(&mut self) -> Result<u64, NerError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= ((b & 0x7f) as u64) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(NerError::Format("varint too long".into()))
    }
    fn len(&mut self) -> Result<usize, NerError> {
        let n = self.varint()?;
        if n > self.buf.len() as u64 {
            return Err(NerError::Format("count larger than the model".into()));
        }
        Ok(n as usize)
    }
    fn i16(&mut self) -> Result<i16, NerError> {
        let z = self.varint()?;
        if z > u16::MAX as u64 {
            return Err(NerError::Format("weight out of range".into()));
        }
        let z = z as u32;
        Ok(((z >> 1) as i32 ^ -((z & 1) as i32)) as i16)
    }
}

/// Open-addressing hash table from feature key to weights, one cache line per probe.
#[derive(Clone)]
pub(crate) struct FeatureTable {
    slots: Vec<Slot>,
    mask: usize,
}

#[derive(Clone, Copy)]
#[repr(C, align(32))]
struct Slot {
    key: u64,
    w: [i16; NTAGS],
}

impl FeatureTable {
    pub(crate) fn new(features: &[(u64, [i16; NTAGS])]) -> FeatureTable {
        let cap = (features.len() * 4 / 3 + 2).next_power_of_two();
        let mut slots = vec![
            Slot {
                key: 0,
                w: [0; NTAGS]
            };
            cap
        ];
        let mask = cap - 1;
        for &(k, w) in features {
            if k == 0 {
                continue;
            }
            let mut i = slot_of(k) & mask;
            while slots[i].key != 0 && slots[i].key != k {
                i = (i + 1) & mask;
            }
            slots[i] = Slot { key: k, w };
        }
        FeatureTable { slots, mask }
    }

    #[inline]
    pub(crate) fn get(&self, k: u64) -> Option<&[i16; NTAGS]> {
        let mut i = slot_of(k) & self.mask;
        loop {
            let s = &self.slots[i];
            if s.key == k {
                return Some(&s.w);
            }
            if s.key == 0 {
                return None;
            }
            i = (i + 1) & self.mask;
        }
    }
}

/// Open-addressing set of 64-bit hashes (the lowercase vocabulary).
#[derive(Clone)]
pub(crate) struct HashSet64 {
    slots: Vec<u64>,
    mask: usize,
}

impl HashSet64 {
    pub(crate) fn new(keys: &[u64]) -> HashSet64 {
        let cap = (keys.len() * 2 + 2).next_power_of_two();
        let mut slots = vec![0u64; cap];
        let mask = cap - 1;
        for &k in keys {
            let k = k.max(1);
            let mut i = slot_of(k) & mask;
            while slots[i] != 0 && slots[i] != k {
                i = (i + 1) & mask;
            }
            slots[i] = k;
        }
        HashSet64 { slots, mask }
    }

    #[inline]
    pub(crate) fn contains(&self, k: u64) -> bool {
        let k = k.max(1);
        let mut i = slot_of(k) & self.mask;
        loop {
            match self.slots[i] {
                0 => return false,
                s if s == k => return true,
                _ => i = (i + 1) & self.mask,
            }
        }
    }
}

#[inline]
fn slot_of(k: u64) -> usize {
    super::features::mix(k) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Model {
        let mut transitions = [[0i16; NTAGS]; NTAGS + 1];
        transitions[0][1] = -300;
        transitions[NTAGS][5] = 32767;
        Model {
            features: vec![
                (1, [0, 5, 0, 0, 0, 0, 0, 0, -32768]),
                (77, [1, 2, 3, 4, 5, 6, 7, 8, 9]),
                ((1 << 40) - 1, [0, 0, 0, -1, 0, 0, 0, 0, 0]),
            ],
            transitions,
            vocab: vec![3, 1 << 60, u64::MAX],
        }
    }

    #[test]
    fn bytes_round_trip() {
        let m = sample();
        let bytes = m.to_bytes();
        assert_eq!(Model::from_bytes(&bytes).unwrap(), m);
        assert!(Model::from_bytes(&bytes[..bytes.len() - 3]).is_err());
        assert!(Model::from_bytes(b"nonsense").is_err());
        assert!(Model::from_bytes(b"").is_err());
    }

    #[test]
    fn file_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.bin");
        let m = sample();
        m.save(&path).unwrap();
        assert_eq!(Model::load(&path).unwrap(), m);
        assert!(Model::load(&dir.path().join("missing.bin")).is_err());
    }

    #[test]
    fn tables_find_what_they_hold() {
        let m = sample();
        let t = FeatureTable::new(&m.features);
        assert_eq!(t.get(77).map(|w| w[8]), Some(9));
        assert!(t.get(78).is_none());
        let v = HashSet64::new(&m.vocab);
        assert!(v.contains(u64::MAX) && v.contains(3) && !v.contains(4));
    }
}
