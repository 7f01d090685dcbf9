//! sitrep's own trigger and agent tables (`data/events/triggers.tsv`, `data/events/agents.tsv`),
//! hand-written: the verbs and nouns that carry events in news, and the nouns that name a
//! sector ("troops" -> MIL). The trigger table overrides PETRARCH's dictionary for the lemmas it
//! lists and adds the nouns PETRARCH cannot code.

use std::collections::HashMap;

use crate::Error;

const TRIGGERS: &str = include_str!("../../../../data/events/triggers.tsv");
const AGENTS: &str = include_str!("../../../../data/events/agents.tsv");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pos {
    Verb,
    Noun,
}

/// One trigger row.
#[derive(Debug, Clone, PartialEq)]
pub struct Trigger {
    pub lemma: String,
    pub pos: Pos,
    pub cameo: String,
    /// Preposition the recipient follows ("call on X", "use ... against X"); for nouns with
    /// one, the noun is coded only when the preposition is there.
    pub prep: Option<String>,
}

/// Lookup from a lower-case word form to the triggers it can be.
#[derive(Debug, Default)]
pub struct Triggers {
    rows: Vec<Trigger>,
    by_form: HashMap<String, Vec<u32>>,
    lemmas: HashMap<String, ()>,
    /// Agent phrases as lower-case words, first word -> (words, sector).
    agents: HashMap<String, Vec<(Vec<String>, String)>>,
}

impl Triggers {
    pub fn load() -> Result<Triggers, Error> {
        let mut t = Triggers::default();
        for (n, line) in TRIGGERS.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() != 5 {
                return Err(Error::Config(format!(
                    "data/events/triggers.tsv line {}: expected 5 columns",
                    n + 1
                )));
            }
            if cols[1] == "-" {
                // never a trigger: only blocks PETRARCH's code for the lemma
                t.lemmas.insert(cols[0].to_string(), ());
                continue;
            }
            let pos = match cols[1] {
                "v" => Pos::Verb,
                "n" => Pos::Noun,
                other => {
                    return Err(Error::Config(format!(
                        "data/events/triggers.tsv line {}: pos {other:?} is not v, n or -",
                        n + 1
                    )))
                }
            };
            let lemma = cols[0].to_string();
            let id = t.rows.len() as u32;
            let mut forms: Vec<String> = match pos {
                Pos::Verb => verb_forms(&lemma),
                Pos::Noun => noun_forms(&lemma),
            };
            if cols[4] != "-" {
                // "=backed backing backs": only these forms (the bare one is too ambiguous)
                let listed = match cols[4].strip_prefix('=') {
                    Some(only) => {
                        forms.clear();
                        only
                    }
                    None => cols[4],
                };
                forms.extend(listed.split(' ').map(str::to_string));
            }
            forms.sort();
            forms.dedup();
            for f in forms {
                t.by_form.entry(f).or_default().push(id);
            }
            t.lemmas.insert(lemma.clone(), ());
            t.rows.push(Trigger {
                lemma,
                pos,
                cameo: cols[2].to_string(),
                prep: (cols[3] != "-").then(|| cols[3].to_string()),
            });
        }
        for (n, line) in AGENTS.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let Some((phrase, sector)) = line.split_once('\t') else {
                return Err(Error::Config(format!(
                    "data/events/agents.tsv line {}: expected 2 columns",
                    n + 1
                )));
            };
            let words: Vec<String> = phrase.split(' ').map(str::to_string).collect();
            t.agents
                .entry(words[0].clone())
                .or_default()
                .push((words, sector.to_string()));
        }
        for v in t.agents.values_mut() {
            v.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
        }
        Ok(t)
    }

    /// Triggers a lower-case word form can be.
    pub fn lookup(&self, form: &str) -> impl Iterator<Item = &Trigger> {
        self.by_form
            .get(form)
            .into_iter()
            .flatten()
            .map(|&i| &self.rows[i as usize])
    }

    /// True when the table lists this lemma (it then overrides PETRARCH's code).
    pub fn has_lemma(&self, lemma: &str) -> bool {
        self.lemmas.contains_key(lemma)
    }

    /// The agent phrase starting at `words[0]` (lower case): (tokens covered, sector).
    pub fn agent(&self, words: &[&str]) -> Option<(usize, &str)> {
        let first = words.first()?;
        for (phrase, sector) in self.agents.get(*first)? {
            if words.len() >= phrase.len() && phrase.iter().zip(words).all(|(a, b)| a == b) {
                return Some((phrase.len(), sector));
            }
        }
        None
    }
}

/// Regular English verb forms of a lemma: -s, -ed, -ing (with e-drop, y->i, and doubling for
/// short consonant-vowel-consonant stems).
pub fn verb_forms(lemma: &str) -> Vec<String> {
    let mut out = vec![lemma.to_string()];
    let b = lemma.as_bytes();
    let n = b.len();
    let vowel = |c: u8| b"aeiou".contains(&c);
    if lemma.ends_with('e') {
        out.push(format!("{lemma}s"));
        out.push(format!("{lemma}d"));
        out.push(format!("{}ing", &lemma[..n - 1]));
    } else if n >= 2 && lemma.ends_with('y') && !vowel(b[n - 2]) {
        out.push(format!("{}ies", &lemma[..n - 1]));
        out.push(format!("{}ied", &lemma[..n - 1]));
        out.push(format!("{lemma}ing"));
    } else {
        let es = ["s", "x", "z", "ch", "sh"]
            .iter()
            .any(|s| lemma.ends_with(s));
        out.push(if es {
            format!("{lemma}es")
        } else {
            format!("{lemma}s")
        });
        // one-syllable consonant-vowel-consonant: ban -> banned
        let cvc = n >= 3
            && !vowel(b[n - 1])
            && vowel(b[n - 2])
            && !vowel(b[n - 3])
            && !b"wxy".contains(&b[n - 1])
            && b.iter().filter(|&&c| vowel(c)).count() == 1;
        if cvc {
            let last = b[n - 1] as char;
            out.push(format!("{lemma}{last}ed"));
            out.push(format!("{lemma}{last}ing"));
        } else {
            out.push(format!("{lemma}ed"));
            out.push(format!("{lemma}ing"));
        }
    }
    out
}

/// A noun and its plural (nouns already plural stay as they are).
pub fn noun_forms(lemma: &str) -> Vec<String> {
    if lemma.ends_with('s') {
        return vec![lemma.to_string()];
    }
    let plural = if lemma.ends_with('y')
        && lemma.len() > 1
        && !b"aeiou".contains(&lemma.as_bytes()[lemma.len() - 2])
    {
        format!("{}ies", &lemma[..lemma.len() - 1])
    } else {
        format!("{lemma}s")
    };
    vec![lemma.to_string(), plural]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_load_and_forms_are_regular() {
        let t = Triggers::load().unwrap();
        let condemned: Vec<_> = t.lookup("condemned").collect();
        assert_eq!(condemned[0].cameo, "111");
        assert!(t.lookup("withdrew").any(|r| r.lemma == "withdraw"));
        assert!(t.lookup("banned").any(|r| r.lemma == "ban"));
        assert!(t.lookup("supplies").any(|r| r.pos == Pos::Noun));
        assert!(t.lookup("supplies").any(|r| r.pos == Pos::Verb));
        assert!(t.lookup("condemnedx").next().is_none());
        assert_eq!(t.agent(&["armed", "forces", "said"]), Some((2, "MIL")));
        assert_eq!(t.agent(&["troops"]), Some((1, "MIL")));
        assert_eq!(t.agent(&["tanks"]), None);
        // "=forms": only the listed forms
        assert!(t.lookup("backed").any(|r| r.lemma == "back"));
        assert!(t.lookup("back").next().is_none());
        // a stop lemma blocks PETRARCH's code and is no trigger itself
        assert!(t.has_lemma("want") && t.lookup("want").next().is_none());
    }

    #[test]
    fn verb_forms_cover_the_usual_cases() {
        assert!(verb_forms("accuse").contains(&"accusing".to_string()));
        assert!(verb_forms("deploy").contains(&"deployed".to_string()));
        assert!(verb_forms("supply").contains(&"supplied".to_string()));
        assert!(verb_forms("attack").contains(&"attacks".to_string()));
        assert!(verb_forms("ban").contains(&"banned".to_string()));
        assert!(verb_forms("push").contains(&"pushes".to_string()));
    }
}
