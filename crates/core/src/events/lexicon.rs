//! The verb lexicon: PETRARCH's CAMEO verb dictionary, derived into `data/events/` by
//! `scripts/derive_events.py`, and the CAMEO code list with its PLOVER mapping.
//!
//! Tables (compiled in, parsed once by [`Lexicon::load`]; the caller keeps it in an `Arc`):
//!
//! - `verbs.tsv`: `lemma  code  forms`, one row per verb. `forms` are the inflected forms,
//!   space-separated; the words of a phrasal form are joined by `_` (`lashed_out`).
//! - `patterns.tsv`: `lemma  code  before  after`, the literal words of PETRARCH's patterns.
//! - `synsets.tsv`: `&name  member|member`, members as space-separated words.
//! - `cameo.tsv`: `cameo  label  plover_type  mode  context`.
//!
//! Codes are CAMEO codes as the dictionary writes them: `190`, or PETRARCH's paired code
//! `042:043` (the first for source -> target, the second for target -> source; `:190` has
//! only the second, as in "soldiers died in clashes").

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::model::PloverType;
use crate::Error;

const VERBS: &str = include_str!("../../../../data/events/verbs.tsv");
const PATTERNS: &str = include_str!("../../../../data/events/patterns.tsv");
const SYNSETS: &str = include_str!("../../../../data/events/synsets.tsv");
const CAMEO: &str = include_str!("../../../../data/events/cameo.tsv");

/// Index of a verb in the lexicon.
pub type VerbId = u32;

/// A verb pattern: literal words (lower case) that must stand before / after the verb within
/// its clause, in order. A word starting with `&` names a synset ([`Lexicon::synset`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    pub code: String,
    pub before: Vec<String>,
    pub after: Vec<String>,
}

/// A match of a verb form in a token sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerbMatch {
    pub verb: VerbId,
    /// Tokens the form covers (2 or more for phrasal verbs: "lash out").
    pub len: usize,
}

/// CAMEO code -> PLOVER, as the 2021 mapping gives it, with sitrep's two changes: statements
/// (01x) map to no type (they become claims), appeals (02x) map to REQUEST.
#[derive(Debug, Clone, PartialEq)]
pub struct PloverMap {
    pub kind: Option<PloverType>,
    pub mode: Option<String>,
    pub context: Option<String>,
}

/// FxHash (rustc's hasher): a multiply-rotate over 8-byte words. The index keys are short
/// lower-case words the lexicon itself holds, so flooding resistance buys nothing and SipHash
/// would cost most of a lookup.
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

impl FxHasher {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    #[inline]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(Self::K);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().unwrap_or([0; 8])));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(buf));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

#[derive(Debug)]
struct Verb {
    lemma: String,
    code: Option<String>,
    patterns: Vec<Pattern>,
}

/// One form in the index under its first word: the words after the first, and its verb.
#[derive(Debug)]
struct Form {
    rest: Box<[String]>,
    verb: VerbId,
}

#[derive(Debug)]
struct CameoRow {
    label: String,
    plover: PloverMap,
}

#[derive(Debug, Default)]
pub struct Lexicon {
    verbs: Vec<Verb>,
    by_lemma: HashMap<String, VerbId>,
    /// First word of a form -> the forms starting with it, longest first.
    index: FxMap<String, Vec<Form>>,
    /// Synset name without the `&` -> members.
    synsets: HashMap<String, Vec<Vec<String>>>,
    cameo: HashMap<String, CameoRow>,
}

/// The non-comment rows of a TSV table: (1-based line number, cells), each with `cols` cells.
fn rows<'a>(
    file: &'static str,
    text: &'a str,
    cols: usize,
) -> impl Iterator<Item = Result<(usize, Vec<&'a str>), Error>> + 'a {
    text.lines().enumerate().filter_map(move |(i, line)| {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            return None;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        if cells.len() != cols {
            return Some(Err(bad(
                file,
                i + 1,
                &format!("{} columns, expected {cols}", cells.len()),
            )));
        }
        Some(Ok((i + 1, cells)))
    })
}

fn bad(file: &str, line: usize, msg: &str) -> Error {
    Error::Config(format!("data/events/{file} line {line}: {msg}"))
}

/// A dictionary code: `---` (none), or digits with at most one `:` (`190`, `042:043`, `:190`).
fn valid_code(code: &str) -> bool {
    if code == "---" {
        return true;
    }
    let mut parts = code.split(':');
    let (a, b) = (parts.next().unwrap_or(""), parts.next());
    let digits = |s: &str| s.len() <= 4 && s.bytes().all(|c| c.is_ascii_digit());
    parts.next().is_none()
        && digits(a)
        && b.is_none_or(digits)
        && code.bytes().any(|c| c.is_ascii_digit())
}

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_string).collect()
}

fn lower(file: &'static str, line: usize, cell: &str) -> Result<(), Error> {
    if cell.chars().any(char::is_uppercase) {
        return Err(bad(file, line, &format!("not lower case: {cell:?}")));
    }
    Ok(())
}

impl Lexicon {
    /// The lexicon compiled into the binary.
    pub fn load() -> Result<Lexicon, Error> {
        Lexicon::from_tables(VERBS, PATTERNS, SYNSETS, CAMEO)
    }

    /// A lexicon from table texts in the formats of `data/events/` (errors name those files).
    fn from_tables(
        verbs: &str,
        patterns: &str,
        synsets: &str,
        cameo: &str,
    ) -> Result<Lexicon, Error> {
        let mut lex = Lexicon::default();
        const V: &str = "verbs.tsv";
        for row in rows(V, verbs, 3) {
            let (n, c) = row?;
            let (lemma, code, forms) = (c[0].trim(), c[1].trim(), c[2]);
            if lemma.is_empty() || forms.trim().is_empty() {
                return Err(bad(V, n, "empty lemma or forms"));
            }
            lower(V, n, lemma)?;
            lower(V, n, forms)?;
            if !valid_code(code) {
                return Err(bad(V, n, &format!("bad code {code:?}")));
            }
            let id = lex.verbs.len() as VerbId;
            if lex.by_lemma.insert(lemma.to_string(), id).is_some() {
                return Err(bad(V, n, &format!("duplicate lemma {lemma:?}")));
            }
            for form in forms.split_whitespace() {
                // the words of the form as the tokenizer splits them ("re-open" stays one)
                let ws: Vec<String> = form
                    .split('_')
                    .flat_map(crate::tokenize::words)
                    .map(str::to_string)
                    .collect();
                let Some((first, rest)) = ws.split_first() else {
                    return Err(bad(V, n, &format!("empty form in {forms:?}")));
                };
                let list = lex.index.entry(first.clone()).or_default();
                if !list.iter().any(|f| f.verb == id && *f.rest == *rest) {
                    list.push(Form {
                        rest: rest.into(),
                        verb: id,
                    });
                }
            }
            lex.verbs.push(Verb {
                lemma: lemma.to_string(),
                code: (code != "---").then(|| code.to_string()),
                patterns: Vec::new(),
            });
        }
        for list in lex.index.values_mut() {
            // longest first; among equals, dictionary order
            list.sort_by(|a, b| b.rest.len().cmp(&a.rest.len()).then(a.verb.cmp(&b.verb)));
        }
        const S: &str = "synsets.tsv";
        for row in rows(S, synsets, 2) {
            let (n, c) = row?;
            let Some(name) = c[0].trim().strip_prefix('&') else {
                return Err(bad(S, n, &format!("synset name without '&': {:?}", c[0])));
            };
            lower(S, n, name)?;
            lower(S, n, c[1])?;
            let members: Vec<Vec<String>> = c[1]
                .split('|')
                .map(words)
                .filter(|m| !m.is_empty())
                .collect();
            if name.is_empty() || members.is_empty() {
                return Err(bad(S, n, "empty synset"));
            }
            lex.synsets.insert(name.to_string(), members);
        }
        const P: &str = "patterns.tsv";
        for row in rows(P, patterns, 4) {
            let (n, c) = row?;
            let (lemma, code) = (c[0].trim(), c[1].trim());
            let Some(&id) = lex.by_lemma.get(lemma) else {
                return Err(bad(P, n, &format!("unknown verb {lemma:?}")));
            };
            if code == "---" || !valid_code(code) {
                return Err(bad(P, n, &format!("bad code {code:?}")));
            }
            lower(P, n, c[2])?;
            lower(P, n, c[3])?;
            let (before, after) = (words(c[2]), words(c[3]));
            if let Some(w) = before.iter().chain(&after).find(|w| {
                w.strip_prefix('&')
                    .is_some_and(|s| !lex.synsets.contains_key(s))
            }) {
                return Err(bad(P, n, &format!("unknown synset {w:?}")));
            }
            lex.verbs[id as usize].patterns.push(Pattern {
                code: code.to_string(),
                before,
                after,
            });
        }
        const C: &str = "cameo.tsv";
        for row in rows(C, cameo, 5) {
            let (n, c) = row?;
            let code = c[0].trim();
            if !(2..=4).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad(C, n, &format!("bad CAMEO code {code:?}")));
            }
            let kind = match c[2].trim() {
                "" => None,
                t => Some(
                    PloverType::parse(t)
                        .ok_or_else(|| bad(C, n, &format!("unknown PLOVER type {t:?}")))?,
                ),
            };
            let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
            let row = CameoRow {
                label: c[1].trim().to_string(),
                plover: PloverMap {
                    kind,
                    mode: opt(c[3]),
                    context: opt(c[4]),
                },
            };
            if lex.cameo.insert(code.to_string(), row).is_some() {
                return Err(bad(C, n, &format!("duplicate code {code:?}")));
            }
        }
        Ok(lex)
    }

    /// Verb forms that start at `words[0]` (lower-case tokens), longest first; one match per
    /// verb (its longest form there).
    pub fn lookup(&self, words: &[&str]) -> Vec<VerbMatch> {
        let Some((first, rest)) = words.split_first() else {
            return Vec::new();
        };
        let Some(forms) = self.index.get(*first) else {
            return Vec::new();
        };
        let mut out: Vec<VerbMatch> = Vec::new();
        for f in forms {
            if f.rest.len() > rest.len()
                || !f.rest.iter().zip(rest).all(|(a, b)| a == b)
                || out.iter().any(|m| m.verb == f.verb)
            {
                continue;
            }
            out.push(VerbMatch {
                verb: f.verb,
                len: 1 + f.rest.len(),
            });
        }
        out
    }

    /// Number of verbs (ids are `0..len`).
    pub fn len(&self) -> usize {
        self.verbs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.verbs.is_empty()
    }

    /// The verb with this lemma ("lash out"), if any.
    pub fn verb(&self, lemma: &str) -> Option<VerbId> {
        self.by_lemma.get(lemma).copied()
    }

    pub fn lemma(&self, verb: VerbId) -> &str {
        self.verbs.get(verb as usize).map_or("", |v| &v.lemma)
    }

    /// The verb's own code (`None` where the dictionary gives `---`).
    pub fn default_code(&self, verb: VerbId) -> Option<&str> {
        self.verbs.get(verb as usize)?.code.as_deref()
    }

    pub fn patterns(&self, verb: VerbId) -> &[Pattern] {
        self.verbs
            .get(verb as usize)
            .map_or(&[], |v| v.patterns.as_slice())
    }

    /// Members of a synset (`&weapon`), each as lower-case words.
    pub fn synset(&self, name: &str) -> Option<&[Vec<String>]> {
        let name = name.strip_prefix('&').unwrap_or(name);
        let members = match self.synsets.get(name) {
            Some(m) => m,
            None => self.synsets.get(&name.to_lowercase())?,
        };
        Some(members.as_slice())
    }

    /// The PLOVER type, mode and context of a CAMEO code; a code missing from the table takes
    /// its longest listed prefix (`1953` -> `195`). A paired code (`042:043`, `:190`) is read
    /// by its first non-empty part.
    pub fn plover(&self, cameo: &str) -> Option<PloverMap> {
        self.cameo_row(cameo).map(|r| r.plover.clone())
    }

    /// The CAMEO label of a code listed in the table.
    pub fn label(&self, cameo: &str) -> Option<&str> {
        self.cameo.get(primary(cameo)).map(|r| r.label.as_str())
    }

    fn cameo_row(&self, cameo: &str) -> Option<&CameoRow> {
        let code = primary(cameo);
        (2..=code.len())
            .rev()
            .find_map(|n| self.cameo.get(code.get(..n)?))
    }
}

/// The code a paired code stands for first: `042:043` -> `042`, `:190` -> `190`.
fn primary(code: &str) -> &str {
    let code = code.trim();
    code.split(':').find(|p| !p.is_empty()).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    fn lex() -> &'static Lexicon {
        static L: OnceLock<Lexicon> = OnceLock::new();
        L.get_or_init(|| Lexicon::load().expect("embedded lexicon loads"))
    }

    fn found<'a>(l: &'a Lexicon, words: &[&str]) -> Vec<(&'a str, Option<&'a str>, usize)> {
        l.lookup(words)
            .into_iter()
            .map(|m| (l.lemma(m.verb), l.default_code(m.verb), m.len))
            .collect()
    }

    #[test]
    fn loads_with_plausible_counts() {
        let l = lex();
        assert!((1500..2500).contains(&l.len()), "{} verbs", l.len());
        let forms: usize = l.index.values().map(Vec::len).sum();
        assert!(forms > 5 * l.len() / 2, "{forms} forms");
        let patterns: usize = l.verbs.iter().map(|v| v.patterns.len()).sum();
        assert!((3000..6000).contains(&patterns), "{patterns} patterns");
        assert!(l.synsets.len() >= 30, "{} synsets", l.synsets.len());
        assert!(
            (300..400).contains(&l.cameo.len()),
            "{} codes",
            l.cameo.len()
        );
    }

    #[test]
    fn single_word_forms() {
        let l = lex();
        let condemned = found(l, &["condemned"]);
        assert!(
            condemned.iter().any(|(lem, code, len)| *lem == "condemn"
                && code.is_some_and(|c| c.starts_with("11"))
                && *len == 1),
            "{condemned:?}"
        );
        let accused = found(l, &["accused", "the"]);
        assert!(
            accused
                .iter()
                .any(|(lem, code, _)| *lem == "accuse" && *code == Some("112")),
            "{accused:?}"
        );
        let attacked = found(l, &["attacked"]);
        assert!(
            attacked.iter().any(|(lem, code, _)| *lem == "attack"
                && code.is_some_and(|c| c.starts_with("19") || c.starts_with("18"))),
            "{attacked:?}"
        );
        // irregular forms: listed in the dictionary (withdrew), from the irregular table
        // (withdrawn), doubled consonants (kidnapped), y -> ied (carried out below)
        for w in [
            "withdrew",
            "withdrawn",
            "withdrawing",
            "kidnapped",
            "fought",
            "seized",
        ] {
            assert!(!l.lookup(&[w]).is_empty(), "{w} not found");
        }
        assert!(found(l, &["withdrew"]).iter().any(|f| f.0 == "withdraw"));
        assert!(l.lookup(&["the"]).is_empty());
        assert!(l.lookup(&[]).is_empty());
        assert!(
            l.lookup(&["Condemned"]).is_empty(),
            "tokens come lower-cased"
        );
    }

    #[test]
    fn phrasal_forms_first() {
        let l = lex();
        let m = found(l, &["lashed", "out", "at"]);
        assert_eq!(
            m.first().map(|f| (f.0, f.2)),
            Some(("lash out", 2)),
            "{m:?}"
        );
        let first_single = m.iter().position(|f| f.2 == 1);
        if let Some(i) = first_single {
            assert!(m[..i].iter().all(|f| f.2 >= 2));
        }
        // the phrase needs all its words
        assert!(found(l, &["lashed"]).iter().all(|f| f.0 != "lash out"));
        let carried = found(l, &["carried", "out", "an", "attack"]);
        assert!(
            carried.iter().any(|f| f.0 == "carry out" && f.2 == 2),
            "{carried:?}"
        );
        for w in l.lookup(&["carried", "out"]).windows(2) {
            assert!(w[0].len >= w[1].len);
        }
    }

    #[test]
    fn plover_mapping() {
        let l = lex();
        let kind = |c: &str| l.plover(c).and_then(|p| p.kind);
        assert_eq!(kind("112"), Some(PloverType::Accuse));
        let agree = l.plover("0311").unwrap();
        assert_eq!(agree.kind, Some(PloverType::Agree));
        assert_eq!(agree.context.as_deref(), Some("economic"));
        let statement = l.plover("010").expect("010 is listed");
        assert_eq!(statement.kind, None);
        assert_eq!(kind("01"), None);
        assert_eq!(kind("020"), Some(PloverType::Request));
        assert_eq!(kind("0234"), Some(PloverType::Request));
        assert_eq!(l.plover("0234").unwrap().mode.as_deref(), Some("assist"));
        assert_eq!(l.plover("0253").unwrap().mode.as_deref(), Some("yield"));
        assert_eq!(l.plover("026").unwrap().mode.as_deref(), Some("meet"));
        for c in ["190", "193", "195", "1951", "18", "186"] {
            assert_eq!(kind(c), Some(PloverType::Assault), "{c}");
        }
        // missing codes fall back to their prefix; paired codes read by their first part
        assert_eq!(kind("1959"), Some(PloverType::Assault));
        assert_eq!(kind("042:043"), Some(PloverType::Consult));
        assert_eq!(kind(":190"), Some(PloverType::Assault));
        assert_eq!(l.plover("99"), None);
        assert_eq!(l.plover(""), None);
        assert_eq!(l.label("112"), Some("Accuse"));
        assert_eq!(l.label("1959"), None);
        // every listed code but the statements has a type
        for (code, row) in &l.cameo {
            assert_eq!(row.plover.kind.is_none(), code.starts_with("01"), "{code}");
        }
    }

    #[test]
    fn every_type_in_the_table_parses() {
        let mut seen = std::collections::HashSet::new();
        for (n, line) in CAMEO.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let t = line.split('\t').nth(2).unwrap_or("");
            if !t.is_empty() {
                let k = PloverType::parse(t).unwrap_or_else(|| panic!("line {}: {t}", n + 1));
                seen.insert(k);
            }
        }
        assert_eq!(seen.len(), 16, "all 16 types are reachable");
    }

    #[test]
    fn patterns_and_synsets() {
        let l = lex();
        let condemn = l.verb("condemn").expect("condemn");
        let ps = l.patterns(condemn);
        assert!(!ps.is_empty());
        assert!(
            ps.iter()
                .any(|p| p.code.starts_with("11") && p.after.iter().any(|w| w == "bombing")),
            "{ps:?}"
        );
        assert!(ps.iter().all(|p| p.code != "---"));
        let weapon = l.synset("&weapon").expect("&weapon");
        assert!(weapon.iter().any(|m| m == &["missile"]));
        assert!(
            weapon.iter().any(|m| m == &["missiles"]),
            "plurals included"
        );
        assert_eq!(l.synset("weapon").map(<[_]>::len), Some(weapon.len()));
        assert!(l.synset("&WEAPON").is_some());
        assert!(l.synset("&nothing").is_none());
        // multi-word members are split into words
        let ceasefire = l.synset("&ceasefire").expect("&ceasefire");
        assert!(ceasefire.iter().any(|m| m == &["cease", "fire"]));
        // every synset a pattern names exists (load checks it; this shows one is used)
        assert!(l
            .verbs
            .iter()
            .flat_map(|v| &v.patterns)
            .any(|p| p.after.iter().any(|w| w == "&weapon")));
    }

    #[test]
    fn malformed_rows_are_config_errors() {
        let ok_v = "# lemma\tcode\tforms\nattack\t190\tattack attacks attacked attacking\n";
        let ok_c = "190\tUse conventional military force\tASSAULT\t\tmilitary\n";
        assert!(Lexicon::from_tables(ok_v, "", "", ok_c).is_ok());
        let cases = [
            (
                "# c\nattack\t190\n".to_string(),
                String::new(),
                ok_c.to_string(),
                "verbs.tsv line 2",
            ),
            (
                "attack\t19x\tattack\n".to_string(),
                String::new(),
                ok_c.to_string(),
                "verbs.tsv line 1",
            ),
            (
                ok_v.to_string(),
                "strike\t190\t\tback\n".to_string(),
                ok_c.to_string(),
                "patterns.tsv line 1",
            ),
            (
                ok_v.to_string(),
                "attack\t190\t\t&nosuch\n".to_string(),
                ok_c.to_string(),
                "patterns.tsv line 1",
            ),
            (
                ok_v.to_string(),
                String::new(),
                "#\n\n190\tx\tFIGHT\t\t\n".to_string(),
                "cameo.tsv line 3",
            ),
        ];
        for (v, p, c, want) in cases {
            match Lexicon::from_tables(&v, &p, "", &c) {
                Err(Error::Config(m)) => assert!(m.contains(want), "{m} lacks {want}"),
                other => panic!("expected a config error naming {want}, got {other:?}"),
            }
        }
    }

    /// `scripts/derive_events.py --check`: the committed tables match the shared sources.
    #[test]
    fn derivation_is_current() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let shared = match std::env::var_os("SITREP_SHARED") {
            Some(s) => std::path::PathBuf::from(s),
            None => root.join("../shared"),
        };
        if !shared.join("data/events/petrarch2/CAMEO.2.0.txt").is_file() {
            eprintln!("note: shared data not found (set SITREP_SHARED); skipping derivation check");
            return;
        }
        let out = match std::process::Command::new("python3")
            .arg("scripts/derive_events.py")
            .arg("--check")
            .env("SITREP_SHARED", &shared)
            .current_dir(&root)
            .output()
        {
            Ok(o) => o,
            Err(e) => {
                eprintln!("note: python3 not runnable ({e}); skipping derivation check");
                return;
            }
        };
        assert!(
            out.status.success(),
            "data/events is stale: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Rough lookup cost: every form's words (hits) and common non-verb tokens (misses),
    /// printed; the assertion is loose so that a debug build on a busy machine passes.
    #[test]
    fn lookup_speed() {
        let l = lex();
        let mut hits: Vec<Vec<&str>> = Vec::new();
        for (first, forms) in &l.index {
            for f in forms {
                let mut w = vec![first.as_str()];
                w.extend(f.rest.iter().map(String::as_str));
                w.extend(["the", "government"]);
                hits.push(w);
            }
        }
        let words = [
            "the",
            "government",
            "while",
            "on",
            "tuesday",
            "'s",
            "n't",
            "of",
        ];
        let misses: Vec<Vec<&str>> = (0..hits.len())
            .map(|i| vec![words[i % words.len()], "x"])
            .collect();
        let time = |probes: &[Vec<&str>]| {
            let start = std::time::Instant::now();
            let mut found = 0usize;
            for _ in 0..5 {
                for p in probes {
                    found += l.lookup(p).len();
                }
            }
            let ns = start.elapsed().as_nanos() as f64 / (5 * probes.len()) as f64;
            (ns, found)
        };
        let (hit_ns, found) = time(&hits);
        let (miss_ns, none) = time(&misses);
        eprintln!(
            "lexicon lookup: {hit_ns:.0} ns per hit, {miss_ns:.0} ns per miss ({} probes each)",
            hits.len()
        );
        assert!(found >= 5 * hits.len());
        assert_eq!(none, 0);
        assert!(hit_ns < 20_000.0 && miss_ns < 20_000.0);
    }
}
