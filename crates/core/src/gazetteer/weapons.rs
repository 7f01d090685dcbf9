//! Weapon designator families matched by pattern rather than listed one by one: North Korean
//! missile names ("Hwasong-19", "Pukguksong-3", "KN-23"), Russian missile and aircraft
//! designators ("Kh-101", "Su-34", "MiG-31"), tanks ("T-72B3"), drones ("Shahed-136",
//! "Geran-2"), air defence ("S-400") and Western designators ("F-16", "MQ-9", "AGM-88").
//!
//! Every pattern needs a letter prefix, a hyphen and digits, so numbers and years never
//! match; prefixes are limited to known families ("F-150" the truck is not an F-16-style
//! fighter: the number is checked against a short list).

use std::sync::OnceLock;

use regex::Regex;

/// A designator found in a text: byte span and the family's class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Designator {
    pub start: usize,
    pub end: usize,
    pub class: &'static str,
}

const FAMILIES: &[(&str, &str)] = &[
    (
        r"\b(?:Hwasong|Hwaseong|Pukguksong|Hwasal|Chollima|Unha|Taepodong|Haeil|Malligyong)-\d{1,2}[A-Z]?\b",
        "missile",
    ),
    (r"\bKN-\d{1,2}\b", "missile"),
    (r"\bKh-\d{2,3}[A-Z]{0,3}\d?\b", "missile"),
    (r"\b(?:Shahed|Geran|Orlan|Mohajer)-\d{1,3}\b", "drone"),
    (r"\bS-[345]00\b", "air defence system"),
    (
        r"\b(?:Su|MiG|Tu|Il|Yak|Mi|Ka)-\d{1,3}[A-Z]{0,3}\d?\b",
        "aircraft",
    ),
    (r"\bT-(?:54|55|62|64|72|80|90)[A-Z]{0,3}\d?\b", "tank"),
    (
        r"\b(?:BMP|BTR|BMD|BRDM)-\d{1,2}[A-Z]{0,3}\b",
        "armoured vehicle",
    ),
    (r"\bBM-(?:21|27|30)\b", "rocket launcher"),
    (r"\bF-(?:4|5|15|16|18|22|35|117)[A-Z]?s?\b", "aircraft"),
    (r"\b(?:MQ|RQ)-\d{1,2}[A-Z]?\b", "drone"),
    (r"\b(?:AGM|AIM|MIM|RIM)-\d{1,3}[A-Z]?\b", "missile"),
    (r"\bM(?:142|270|777|109|113|1A[12])\b", "weapon system"),
];

fn families() -> &'static [(Regex, &'static str)] {
    static F: OnceLock<Vec<(Regex, &'static str)>> = OnceLock::new();
    F.get_or_init(|| {
        FAMILIES
            .iter()
            .map(|(p, c)| (Regex::new(p).expect("weapon pattern compiles"), *c))
            .collect()
    })
}

/// Every designator in `text`, appended to `out` (families may overlap the gazetteer).
pub fn find_designators(text: &str, out: &mut Vec<Designator>) {
    // Cheap pre-filter: all families contain "-" or start with "M" followed by a digit.
    if !text.contains('-') && !text.contains('M') {
        return;
    }
    for (re, class) in families() {
        for m in re.find_iter(text) {
            // not the middle of a longer hyphenated word ("pre-KN-23" is fine, "X-KN-23" too)
            let after = &text[m.end()..];
            if after.starts_with('-') && after[1..].starts_with(|c: char| c.is_ascii_digit()) {
                continue;
            }
            out.push(Designator {
                start: m.start(),
                end: m.end(),
                class,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        let mut v = Vec::new();
        find_designators(text, &mut v);
        v.iter().map(|d| &text[d.start..d.end]).collect()
    }

    #[test]
    fn families_match() {
        let t = "a Hwasong-19 ICBM, KN-23 and Kh-101 missiles, Shahed-136 drones, an S-400, \
                 Su-34 jets, T-72B3 tanks, F-16s and the F-150 truck in 2024-25";
        let f = found(t);
        for want in [
            "Hwasong-19",
            "KN-23",
            "Kh-101",
            "Shahed-136",
            "S-400",
            "Su-34",
            "T-72B3",
        ] {
            assert!(f.contains(&want), "{want} in {f:?}");
        }
        assert!(!f.iter().any(|s| s.starts_with("F-150")), "{f:?}");
        assert!(!f.iter().any(|s| s.contains("2024")), "{f:?}");
    }
}
