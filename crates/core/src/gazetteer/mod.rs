//! Gazetteers compiled into the binary: countries (names, aliases, demonyms, seats of
//! government), places (GeoNames cities of 15,000 people or more, plus hand-written regions),
//! organisations, weapons and personal titles.
//!
//! The tables live in `data/gazetteer/` (origin, licence and the command that derives them are
//! in `data/SOURCES.md`) and are embedded with `include_str!`. [`Gazetteer::embedded`] parses
//! them once (a `OnceLock`) and builds one Aho-Corasick automaton over every surface form.
//!
//! # Matching
//! [`Gazetteer::find`] reports every surface form found in a text that
//! - starts and ends on a word boundary (the neighbouring characters are not alphanumeric), and
//! - honours capitalisation: a letter that is upper case in the table must be upper case in
//!   the text; a lower-case letter in the table may be either (so "Ottawa" matches "OTTAWA",
//!   "the Kremlin" matches "The Kremlin", lower-case classes such as "ballistic missile" match
//!   any case, but "mobile" never matches the city "Mobile" and "us" never matches "US").
//!
//! Matches may overlap; the entities stage decides between them. Designator families that a
//! list cannot enumerate ("Hwasong-19", "KN-23", "Kh-101") are matched by [`weapons`].

mod tables;
pub mod weapons;

use std::collections::HashMap;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use tables::{field, list, rows};

/// A country (ISO 3166).
#[derive(Debug, Clone)]
pub struct Country {
    pub iso3: &'static str,
    pub iso2: &'static str,
    /// Common English name ("North Korea").
    pub name: &'static str,
    pub official: &'static str,
    /// Index into [`Gazetteer::places`] of the capital, when GeoNames has it.
    pub capital: Option<usize>,
    pub lat: f64,
    pub lon: f64,
    pub population: u64,
}

/// What kind of place a [`Place`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceKind {
    /// A GeoNames city.
    City,
    /// A hand-written region, province, state, sea, continent or site.
    Region,
}

/// A populated place or a region.
#[derive(Debug, Clone)]
pub struct Place {
    /// GeoNames id; 0 for hand-written regions.
    pub geonameid: u32,
    pub name: &'static str,
    /// ISO alpha-3, "" for supranational regions.
    pub country: &'static str,
    pub lat: f64,
    pub lon: f64,
    pub population: u32,
    /// National capital.
    pub capital: bool,
    /// The name is mostly an ordinary English word in news text ("Reading", "Nice").
    pub common_word: bool,
    pub kind: PlaceKind,
}

/// An organisation.
#[derive(Debug, Clone)]
pub struct Org {
    pub name: &'static str,
    /// ISO alpha-3 when national.
    pub country: Option<&'static str>,
}

/// A weapon or weapon class.
#[derive(Debug, Clone)]
pub struct Weapon {
    pub canonical: &'static str,
    pub class: &'static str,
    /// Also an ordinary word or a name ("Abrams", "Lancet"): accept only next to a weapon word.
    pub needs_context: bool,
}

/// A personal title.
#[derive(Debug, Clone)]
pub struct Title {
    pub text: &'static str,
    /// "Mr.", "Dr.", "Sir": marks a person but is no role.
    pub honorific: bool,
}

/// How a country surface form names its country.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameHow {
    /// Name or alias ("North Korea", "DPRK").
    Name,
    /// Demonym ("North Korean").
    Demonym,
    /// Seat of government standing for it ("the Kremlin").
    Gov,
}

/// What a surface form refers to. One form may refer to several things ("Georgia").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Country {
        idx: usize,
        how: NameHow,
    },
    /// `alternate`: the form is an alternate name, not the place's main name.
    Place {
        idx: usize,
        alternate: bool,
    },
    Org(usize),
    Weapon(usize),
    Title(usize),
}

/// One surface form found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    /// Index of the surface form; see [`Gazetteer::targets`].
    pub form: usize,
    /// Bit `i` set: the form's `i`-th spelling accepts the mention's capitalisation.
    pub spellings: u64,
}

/// All tables and the automaton over their surface forms.
pub struct Gazetteer {
    pub countries: Vec<Country>,
    pub places: Vec<Place>,
    pub orgs: Vec<Org>,
    pub weapons: Vec<Weapon>,
    pub titles: Vec<Title>,
    by_iso3: HashMap<&'static str, usize>,
    /// Per surface form: the spellings as the tables give them (same up to ASCII case).
    forms: Vec<Vec<&'static str>>,
    /// Per surface form: (target, index of the spelling it was listed under).
    targets: Vec<Vec<(Target, u8)>>,
    automaton: AhoCorasick,
}

impl Gazetteer {
    /// The embedded gazetteer, parsed and compiled on first use.
    pub fn embedded() -> &'static Gazetteer {
        static G: OnceLock<Gazetteer> = OnceLock::new();
        G.get_or_init(Gazetteer::build)
    }

    fn build() -> Gazetteer {
        let mut b = Builder::default();
        let mut countries = Vec::new();
        let mut by_iso3 = HashMap::new();
        for r in rows(tables::COUNTRIES) {
            let c = Country {
                iso3: field(&r, 0),
                iso2: field(&r, 1),
                name: field(&r, 2),
                official: field(&r, 3),
                capital: None,
                lat: field(&r, 6).parse().unwrap_or(0.0),
                lon: field(&r, 7).parse().unwrap_or(0.0),
                population: field(&r, 8).parse().unwrap_or(0),
            };
            by_iso3.insert(c.iso3, countries.len());
            countries.push(c);
        }
        for table in [tables::COUNTRY_NAMES, tables::COUNTRY_ALIASES] {
            for r in rows(table) {
                let Some(&idx) = by_iso3.get(field(&r, 1)) else {
                    continue;
                };
                let how = match field(&r, 2) {
                    "demonym" => NameHow::Demonym,
                    "gov" => NameHow::Gov,
                    _ => NameHow::Name,
                };
                b.add(field(&r, 0), Target::Country { idx, how });
            }
        }
        let mut places = Vec::new();
        let mut capital_of: HashMap<u32, &'static str> = HashMap::new();
        for r in rows(tables::COUNTRIES) {
            if let Ok(id) = field(&r, 5).parse::<u32>() {
                capital_of.insert(id, field(&r, 0));
            }
        }
        for r in rows(tables::PLACES) {
            let name = field(&r, 1);
            let flags = field(&r, 6);
            let geonameid = field(&r, 0).parse().unwrap_or(0);
            let idx = places.len();
            places.push(Place {
                geonameid,
                name,
                country: field(&r, 2),
                lat: field(&r, 3).parse().unwrap_or(0.0),
                lon: field(&r, 4).parse().unwrap_or(0.0),
                population: field(&r, 5).parse().unwrap_or(0),
                capital: flags.contains('c'),
                common_word: flags.contains('w'),
                kind: PlaceKind::City,
            });
            if let Some(iso3) = capital_of.get(&geonameid) {
                if let Some(&ci) = by_iso3.get(iso3) {
                    countries[ci].capital = Some(idx);
                }
            }
            if name.chars().count() >= 3 {
                b.add(
                    name,
                    Target::Place {
                        idx,
                        alternate: false,
                    },
                );
            }
            for alt in list(field(&r, 7)) {
                b.add(
                    alt,
                    Target::Place {
                        idx,
                        alternate: true,
                    },
                );
            }
        }
        for r in rows(tables::REGIONS) {
            let idx = places.len();
            let name = field(&r, 0);
            places.push(Place {
                geonameid: 0,
                name,
                country: field(&r, 1),
                lat: field(&r, 2).parse().unwrap_or(0.0),
                lon: field(&r, 3).parse().unwrap_or(0.0),
                population: 0,
                capital: false,
                common_word: false,
                kind: PlaceKind::Region,
            });
            b.add(
                name,
                Target::Place {
                    idx,
                    alternate: false,
                },
            );
            for alt in list(field(&r, 5)) {
                b.add(
                    alt,
                    Target::Place {
                        idx,
                        alternate: false,
                    },
                );
            }
        }
        let mut orgs = Vec::new();
        for r in rows(tables::ORGANIZATIONS) {
            let idx = orgs.len();
            let name = field(&r, 0);
            let country = Some(field(&r, 1)).filter(|c| !c.is_empty());
            orgs.push(Org { name, country });
            b.add(name, Target::Org(idx));
            for alt in list(field(&r, 2)) {
                b.add(alt, Target::Org(idx));
            }
        }
        let mut weapons = Vec::new();
        for r in rows(tables::WEAPONS) {
            let idx = weapons.len();
            weapons.push(Weapon {
                canonical: field(&r, 1),
                class: field(&r, 2),
                needs_context: field(&r, 3) == "ctx",
            });
            b.add(field(&r, 0), Target::Weapon(idx));
        }
        for r in rows(tables::WEAPONS_ORYX) {
            let idx = weapons.len();
            let d = field(&r, 0);
            weapons.push(Weapon {
                canonical: d,
                class: field(&r, 1),
                needs_context: false,
            });
            b.add(d, Target::Weapon(idx));
        }
        let mut titles = Vec::new();
        for r in rows(tables::TITLES) {
            let idx = titles.len();
            let text = field(&r, 0);
            titles.push(Title {
                text,
                honorific: field(&r, 1) == "honorific",
            });
            b.add(text, Target::Title(idx));
        }
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&b.keys)
            .expect("gazetteer automaton builds from non-empty patterns");
        Gazetteer {
            countries,
            places,
            orgs,
            weapons,
            titles,
            by_iso3,
            forms: b.forms,
            targets: b.targets,
            automaton,
        }
    }

    /// Index of a country by ISO alpha-3.
    pub fn country(&self, iso3: &str) -> Option<&Country> {
        self.by_iso3.get(iso3).map(|&i| &self.countries[i])
    }

    /// What a hit refers to: the targets whose own spelling accepts the mention's case
    /// ("Un" the Indian town, never "UN").
    pub fn targets<'s>(&'s self, h: &Hit) -> impl Iterator<Item = Target> + 's {
        let mask = h.spellings;
        self.targets
            .get(h.form)
            .into_iter()
            .flatten()
            .filter(move |(_, f)| *f >= 64 || mask & (1u64 << f) != 0)
            .map(|(t, _)| *t)
    }

    fn spellings(&self, form: usize, mention: &str) -> u64 {
        let mut mask = 0u64;
        for (i, f) in self.forms[form].iter().enumerate().take(64) {
            if case_ok(mention, f) {
                mask |= 1 << i;
            }
        }
        mask
    }

    /// The spellings of surface form `form` as the tables give them.
    pub fn forms_of(&self, form: usize) -> &[&'static str] {
        self.forms.get(form).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The country a hit names, when it names one: among countries sharing a name or demonym
    /// ("American": USA, American Samoa, ...) the most populous.
    pub fn country_of(&self, h: &Hit) -> Option<(usize, NameHow)> {
        self.targets(h)
            .filter_map(|t| match t {
                Target::Country { idx, how } => Some((idx, how)),
                _ => None,
            })
            .max_by_key(|&(idx, _)| self.countries[idx].population)
    }

    /// Every surface form in `text` on word boundaries and with acceptable capitalisation, in
    /// order of end offset (overlapping hits included). Appends to `out`.
    pub fn find(&self, text: &str, out: &mut Vec<Hit>) {
        for m in self.automaton.find_overlapping_iter(text) {
            let (s, e) = (m.start(), m.end());
            if !text.is_char_boundary(s) || !text.is_char_boundary(e) {
                continue;
            }
            if !boundary_before(text, s) || !boundary_after(text, e) {
                continue;
            }
            let form = m.pattern().as_usize();
            let spellings = self.spellings(form, &text[s..e]);
            if spellings != 0 {
                out.push(Hit {
                    start: s,
                    end: e,
                    form,
                    spellings,
                });
            }
        }
    }

    /// Look a whole mention up (same case rules as [`Gazetteer::find`]).
    pub fn lookup(&self, mention: &str) -> Option<Hit> {
        self.automaton
            .find_overlapping_iter(mention)
            .filter(|m| m.start() == 0 && m.end() == mention.len())
            .map(|m| m.pattern().as_usize())
            .map(|form| Hit {
                start: 0,
                end: mention.len(),
                form,
                spellings: self.spellings(form, mention),
            })
            .find(|h| h.spellings != 0)
    }
}

#[derive(Default)]
struct Builder {
    keys: Vec<String>,
    forms: Vec<Vec<&'static str>>,
    targets: Vec<Vec<(Target, u8)>>,
    index: HashMap<String, usize>,
}

impl Builder {
    fn add(&mut self, surface: &'static str, target: Target) {
        let surface = surface.trim();
        if surface.len() < 2 {
            return;
        }
        // News text writes apostrophes both ways: also match "People’s" for "People's".
        if surface.contains('\'') {
            let curly: &'static str = Box::leak(surface.replace('\'', "’").into_boxed_str());
            self.add_one(curly, target);
        }
        self.add_one(surface, target);
    }

    fn add_one(&mut self, surface: &'static str, target: Target) {
        let key = surface.to_ascii_lowercase();
        let i = match self.index.get(&key) {
            Some(&i) => i,
            None => {
                let i = self.keys.len();
                self.index.insert(key.clone(), i);
                self.keys.push(key);
                self.forms.push(Vec::new());
                self.targets.push(Vec::new());
                i
            }
        };
        let f = match self.forms[i].iter().position(|x| *x == surface) {
            Some(f) => f,
            None => {
                self.forms[i].push(surface);
                self.forms[i].len() - 1
            }
        };
        let f = u8::try_from(f).unwrap_or(u8::MAX);
        if !self.targets[i].contains(&(target, f)) {
            self.targets[i].push((target, f));
        }
    }
}

/// True when the character before byte `s` (if any) is not alphanumeric.
pub(crate) fn boundary_before(text: &str, s: usize) -> bool {
    text[..s]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric())
}

/// True when the character at byte `e` (if any) is not alphanumeric.
pub(crate) fn boundary_after(text: &str, e: usize) -> bool {
    text[e..]
        .chars()
        .next()
        .is_none_or(|c| !c.is_alphanumeric())
}

/// Capitalisation rule: where `form` has an upper-case letter, `mention` must too. The two are
/// already equal up to ASCII case (the automaton is ASCII case-insensitive).
pub(crate) fn case_ok(mention: &str, form: &str) -> bool {
    if mention == form {
        return true;
    }
    // an all-capitals mention of a mixed-case name: only for longer names (headlines,
    // datelines: "WASHINGTON"), not for short ones that are acronyms ("NARA")
    let letters = mention.chars().filter(|c| c.is_alphabetic()).count();
    if letters < 5
        && !mention.chars().any(char::is_lowercase)
        && form.chars().any(char::is_lowercase)
    {
        return false;
    }
    let mut m = mention.chars();
    for f in form.chars() {
        let Some(c) = m.next() else { return false };
        if f.is_uppercase() && !c.is_uppercase() {
            return false;
        }
    }
    m.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_parse_and_are_consistent() {
        let g = Gazetteer::embedded();
        assert!(g.countries.len() > 240);
        assert!(g.places.len() > 30_000);
        assert!(!g.orgs.is_empty() && !g.weapons.is_empty() && !g.titles.is_empty());
        let kor = g.country("KOR").expect("KOR");
        assert_eq!(kor.name, "South Korea");
        let seoul = &g.places[kor.capital.expect("Seoul is KOR's capital")];
        assert_eq!(seoul.name, "Seoul");
        assert!(seoul.capital);
        let can = g.country("CAN").unwrap();
        assert_eq!(g.places[can.capital.unwrap()].name, "Ottawa");
    }

    fn codes(g: &Gazetteer, text: &str) -> Vec<String> {
        let mut hits = Vec::new();
        g.find(text, &mut hits);
        let mut out = Vec::new();
        for h in hits {
            for t in g.targets(&h) {
                if let Target::Country { idx, .. } = t {
                    out.push(format!(
                        "{}={}",
                        &text[h.start..h.end],
                        g.countries[idx].iso3
                    ));
                }
            }
        }
        out
    }

    #[test]
    fn country_aliases_and_case() {
        let g = Gazetteer::embedded();
        let c = codes(
            g,
            "The DPRK and S. Korea; N. Korea, the U.S. and the UK. Let us go.",
        );
        for want in [
            "DPRK=PRK",
            "S. Korea=KOR",
            "N. Korea=PRK",
            "U.S.=USA",
            "UK=GBR",
        ] {
            assert!(c.contains(&want.to_string()), "{want} in {c:?}");
        }
        assert!(!c.iter().any(|s| s.starts_with("us=")), "{c:?}");
        let c = codes(
            g,
            "North Korean troops and a Canadian ship; the Kremlin said.",
        );
        assert!(c.contains(&"North Korean=PRK".to_string()), "{c:?}");
        assert!(c.contains(&"Canadian=CAN".to_string()), "{c:?}");
        assert!(c.contains(&"the Kremlin=RUS".to_string()), "{c:?}");
    }

    #[test]
    fn word_boundaries() {
        let g = Gazetteer::embedded();
        let c = codes(g, "Russian-made, Russiagate, unRussia, Korea's");
        assert!(c.contains(&"Russian=RUS".to_string()), "{c:?}");
        assert!(c.contains(&"Korea=KOR".to_string()), "{c:?}");
        assert!(!c.iter().any(|s| s.starts_with("Russia=")), "{c:?}");
    }

    #[test]
    fn case_rule() {
        assert!(case_ok("OTTAWA", "Ottawa"));
        assert!(case_ok("The Kremlin", "the Kremlin"));
        assert!(!case_ok("mobile", "Mobile"));
        assert!(!case_ok("Us", "US"));
        assert!(case_ok("Ballistic Missiles", "ballistic missiles"));
    }
}
