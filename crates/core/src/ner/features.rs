//! Feature extraction for the tagger: every feature is a 40-bit hash of a template id and the
//! strings or classes it looks at, computed without allocating per feature.
//!
//! Words are normalised before hashing so that modern news text looks like the training data:
//! curly quotes and apostrophes become ASCII, en and em dashes become `-`, digits become `0`.
//! Each token gets a fixed number ([`NF`]) of feature slots; a slot holding `0` is absent.

/// Number of feature slots per token.
pub const NF: usize = 37;

/// Keys keep this many bits of the 64-bit hash (enough to make collisions harmless, small
/// enough to store compactly).
const KEY_BITS: u32 = 40;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// Hash for the position before the sentence start / after its end.
const BOS: u64 = 0x5bd1_e995_0000_0001;
const EOS: u64 = 0x5bd1_e995_0000_0002;

/// splitmix64 finaliser: spreads every input bit over the output.
#[inline]
pub(crate) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Combine a running hash with one more value.
#[inline]
fn comb(h: u64, v: u64) -> u64 {
    mix(h.rotate_left(5) ^ v.wrapping_add(0x9e37_79b9_7f4a_7c15))
}

/// Final key: the top [`KEY_BITS`] bits, never 0.
#[inline]
fn key(h: u64) -> u64 {
    (mix(h) >> (64 - KEY_BITS)).max(1)
}

#[inline]
fn fnv(h: u64, c: char) -> u64 {
    (h ^ c as u64).wrapping_mul(FNV_PRIME)
}

/// Character normalisation used in every string feature (case kept).
#[inline]
fn norm_char(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' | '`' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
        | '\u{00BB}' => '"',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' => '-',
        '\u{2026}' => '.',
        c if c.is_ascii_digit() => '0',
        c if c.is_numeric() => '0',
        c => c,
    }
}

/// Capitalisation class of a word.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
enum Cap {
    NoLetter = 0,
    Lower = 1,
    Title = 2,
    Upper = 3,
    Mixed = 4,
    Initial = 5,
}

/// What the tagger knows about one token before looking at its neighbours.
#[derive(Clone, Copy)]
struct TokInfo {
    lower: u64,
    shape: u64,
    sshape: u64,
    pre: [u64; 5],
    suf: [u64; 5],
    cap: Cap,
    in_vocab: bool,
    has_lower: bool,
    has_letter: bool,
}

/// Hash of a word's normalised lowercase form: the key of the lowercase vocabulary.
pub fn lower_hash(word: &str) -> u64 {
    let mut h = FNV_OFFSET;
    for c in word.chars() {
        for l in norm_char(c).to_lowercase() {
            h = fnv(h, l);
        }
    }
    mix(h)
}

/// Is `word` written in lowercase (so that it may enter the lowercase vocabulary)?
pub fn is_lowercase_word(word: &str) -> bool {
    let mut letters = false;
    for c in word.chars() {
        if c.is_uppercase() {
            return false;
        }
        letters |= c.is_alphabetic();
    }
    letters
}

/// Reusable buffers so that tagging a sentence allocates nothing per token.
#[derive(Default)]
pub struct Scratch {
    info: Vec<TokInfo>,
    chars: Vec<char>,
}

fn tok_info(word: &str, chars: &mut Vec<char>, vocab: &dyn Fn(u64) -> bool) -> TokInfo {
    chars.clear();
    let mut shape = FNV_OFFSET;
    let mut sshape = FNV_OFFSET;
    let (mut last_cls, mut run) = ('\0', 0u32);
    let (mut n_upper, mut n_lower, mut n_letter) = (0u32, 0u32, 0u32);
    let mut first_letter_upper = None;
    for c in word.chars() {
        let c = norm_char(c);
        let cls = if c.is_uppercase() {
            n_upper += 1;
            'X'
        } else if c.is_lowercase() {
            n_lower += 1;
            'x'
        } else if c == '0' {
            'd'
        } else if c.is_alphabetic() {
            'x'
        } else {
            c
        };
        if c.is_alphabetic() {
            n_letter += 1;
            if first_letter_upper.is_none() {
                first_letter_upper = Some(c.is_uppercase());
            }
        }
        if cls == last_cls {
            run += 1;
        } else {
            run = 1;
            sshape = fnv(sshape, cls);
        }
        if run <= 4 {
            shape = fnv(shape, cls);
        }
        last_cls = cls;
        chars.extend(c.to_lowercase());
    }
    let mut h = FNV_OFFSET;
    let mut pre = [0u64; 5];
    for (k, &c) in chars.iter().enumerate() {
        h = fnv(h, c);
        if k < 5 {
            pre[k] = mix(h);
        }
    }
    let lower = mix(h);
    let mut suf = [0u64; 5];
    let mut hs = FNV_OFFSET;
    for (k, &c) in chars.iter().rev().take(5).enumerate() {
        hs = fnv(hs, c);
        suf[k] = mix(hs);
    }
    let cap = if n_letter == 0 {
        Cap::NoLetter
    } else if n_lower == 0 {
        if n_upper == 1 && chars.len() <= 2 {
            Cap::Initial
        } else {
            Cap::Upper
        }
    } else if first_letter_upper == Some(true) {
        Cap::Title
    } else if n_upper > 0 {
        Cap::Mixed
    } else {
        Cap::Lower
    };
    TokInfo {
        lower,
        shape: mix(shape),
        sshape: mix(sshape),
        pre,
        suf,
        cap,
        in_vocab: cap != Cap::Lower && cap != Cap::NoLetter && vocab(lower),
        has_lower: n_lower > 0,
        has_letter: n_letter > 0,
    }
}

// Template ids.
const T_BIAS: u64 = 1;
const T_LOWER: u64 = 2;
const T_LOWER_CAP: u64 = 3;
const T_SHAPE: u64 = 4;
const T_SSHAPE: u64 = 5;
const T_PRE: u64 = 6; // + 0..4
const T_SUF: u64 = 10; // + 0..4
const T_WM1: u64 = 14;
const T_WP1: u64 = 15;
const T_WM2: u64 = 16;
const T_WP2: u64 = 17;
const T_BI_M1: u64 = 18;
const T_BI_P1: u64 = 19;
const T_SS_M1: u64 = 20;
const T_SS_P1: u64 = 21;
const T_SS3: u64 = 22;
const T_CAP3: u64 = 23;
const T_INIT: u64 = 24;
const T_VOCAB: u64 = 25;
const T_VOCAB_M1: u64 = 26;
const T_VOCAB_P1: u64 = 27;
const T_HEAD: u64 = 28;
const T_HEAD_LOWER: u64 = 29;
const T_WM1_CAP: u64 = 30;
const T_WP1_CAP: u64 = 31;
const T_SUF3_M1: u64 = 32;
const T_SUF3_P1: u64 = 33;
const T_LEN: u64 = 34;
const T_PRE5: u64 = 35;
const T_SUF5: u64 = 36;
const T_SKIP: u64 = 37;

/// Compute the [`NF`] feature keys of every word of a sentence into `out` (cleared first):
/// `out[i * NF..(i + 1) * NF]` are word `i`'s. `vocab` says whether a lowercase-form hash
/// ([`lower_hash`]) is in the lowercase vocabulary.
pub fn sentence_features(
    words: &[&str],
    vocab: &dyn Fn(u64) -> bool,
    scratch: &mut Scratch,
    out: &mut Vec<u64>,
) {
    out.clear();
    let n = words.len();
    scratch.info.clear();
    for w in words {
        let info = tok_info(w, &mut scratch.chars, vocab);
        scratch.info.push(info);
    }
    let info = &scratch.info;
    let lettered = info.iter().filter(|t| t.has_letter).count();
    let headline = lettered >= 2 && !info.iter().any(|t| t.has_lower);
    let head = headline as u64;
    let lower_at = |j: isize| -> u64 {
        if j < 0 {
            BOS
        } else if j as usize >= n {
            EOS
        } else {
            info[j as usize].lower
        }
    };
    let get = |j: isize| -> Option<&TokInfo> {
        if j < 0 || j as usize >= n {
            None
        } else {
            Some(&info[j as usize])
        }
    };
    let sshape_at = |j: isize| get(j).map_or(BOS, |t| t.sshape);
    let cap_at = |j: isize| get(j).map_or(7, |t| t.cap as u64);
    let vocab_at = |j: isize| get(j).map_or(3, |t| t.in_vocab as u64 * 8 + t.cap as u64);
    let suf3_at = |j: isize| get(j).map_or(BOS, |t| t.suf[2]);
    out.reserve(n * NF);
    for i in 0..n {
        let t = &info[i];
        let ii = i as isize;
        let cap = t.cap as u64;
        let mut f = [0u64; NF];
        f[0] = key(T_BIAS);
        f[1] = key(comb(T_LOWER, t.lower));
        f[2] = key(comb(comb(T_LOWER_CAP, t.lower), cap));
        f[3] = key(comb(T_SHAPE, t.shape));
        f[4] = key(comb(T_SSHAPE, t.sshape));
        for k in 0..4 {
            if t.pre[k] != 0 && t.suf[k] != 0 {
                f[5 + k] = key(comb(T_PRE + k as u64, t.pre[k]));
                f[9 + k] = key(comb(T_SUF + k as u64, t.suf[k]));
            }
        }
        f[13] = key(comb(T_WM1, lower_at(ii - 1)));
        f[14] = key(comb(T_WP1, lower_at(ii + 1)));
        f[15] = key(comb(T_WM2, lower_at(ii - 2)));
        f[16] = key(comb(T_WP2, lower_at(ii + 2)));
        f[17] = key(comb(comb(T_BI_M1, lower_at(ii - 1)), t.lower));
        f[18] = key(comb(comb(T_BI_P1, t.lower), lower_at(ii + 1)));
        f[19] = key(comb(T_SS_M1, sshape_at(ii - 1)));
        f[20] = key(comb(T_SS_P1, sshape_at(ii + 1)));
        f[21] = key(comb(
            comb(comb(T_SS3, sshape_at(ii - 1)), t.sshape),
            sshape_at(ii + 1),
        ));
        f[22] = key(comb(
            comb(comb(T_CAP3, cap_at(ii - 1)), cap),
            cap_at(ii + 1),
        ));
        f[23] = key(comb(comb(T_INIT, (i == 0) as u64), cap));
        f[24] = key(comb(
            comb(comb(T_VOCAB, vocab_at(ii)), (i == 0) as u64),
            head,
        ));
        f[25] = key(comb(comb(T_VOCAB_M1, vocab_at(ii - 1)), vocab_at(ii)));
        f[26] = key(comb(comb(T_VOCAB_P1, vocab_at(ii)), vocab_at(ii + 1)));
        f[27] = key(comb(comb(T_HEAD, head), t.sshape));
        if headline {
            f[28] = key(comb(T_HEAD_LOWER, t.lower));
        }
        f[29] = key(comb(comb(T_WM1_CAP, lower_at(ii - 1)), cap));
        f[30] = key(comb(comb(T_WP1_CAP, lower_at(ii + 1)), cap));
        f[31] = key(comb(comb(T_SUF3_M1, suf3_at(ii - 1)), cap));
        f[32] = key(comb(comb(T_SUF3_P1, suf3_at(ii + 1)), cap));
        f[33] = key(comb(T_LEN, words[i].chars().count().min(12) as u64));
        if t.pre[4] != 0 {
            f[34] = key(comb(T_PRE5, t.pre[4]));
            f[35] = key(comb(T_SUF5, t.suf[4]));
        }
        f[36] = key(comb(comb(T_SKIP, lower_at(ii - 1)), lower_at(ii + 1)));
        out.extend_from_slice(&f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curly_and_straight_forms_hash_alike() {
        assert_eq!(lower_hash("Korea’s"), lower_hash("korea's"));
        assert_eq!(lower_hash("1996"), lower_hash("2024"));
        assert_ne!(lower_hash("Seoul"), lower_hash("Tokyo"));
        let mut s = Scratch::default();
        let (mut a, mut b) = (Vec::new(), Vec::new());
        sentence_features(&["“", "Kim", "’s"], &|_| false, &mut s, &mut a);
        sentence_features(&["\"", "Kim", "'s"], &|_| false, &mut s, &mut b);
        assert_eq!(a, b);
        assert_eq!(a.len(), 3 * NF);
    }
}
