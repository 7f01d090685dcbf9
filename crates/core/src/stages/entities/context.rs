//! Tokens and the word lists the entity rules consult. The tokens here are the rules' own
//! (cheap, allocation-light, byte spans): letters and digits with internal hyphens and
//! apostrophes ("Tae-yul", "O'Brien"), a possessive `'s` split off ("Korea's" -> "Korea",
//! "'s"), every other non-space character a token of its own.

/// A token of the rule scanner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tok {
    pub start: usize,
    pub end: usize,
    /// A line break lies between this token and the previous one.
    pub newline_before: bool,
}

/// Split `text` into rule tokens.
pub(crate) fn tokens(text: &str, out: &mut Vec<Tok>) {
    out.clear();
    let mut it = text.char_indices().peekable();
    let mut newline = true;
    while let Some((i, c)) = it.next() {
        if c.is_whitespace() {
            if c == '\n' || c == '\r' {
                newline = true;
            }
            continue;
        }
        if !c.is_alphanumeric() {
            // possessive "'s" right after a word is one token
            let rest = &text[i + c.len_utf8()..];
            let glued = out.last().is_some_and(|t: &Tok| t.end == i);
            if glued
                && matches!(c, '\'' | '’')
                && (rest.starts_with('s') || rest.starts_with('S'))
                && rest[1..]
                    .chars()
                    .next()
                    .is_none_or(|n| !n.is_alphanumeric())
            {
                it.next();
                out.push(Tok {
                    start: i,
                    end: i + c.len_utf8() + 1,
                    newline_before: false,
                });
                newline = false;
                continue;
            }
            out.push(Tok {
                start: i,
                end: i + c.len_utf8(),
                newline_before: newline,
            });
            newline = false;
            continue;
        }
        let mut end = i + c.len_utf8();
        while let Some(&(j, d)) = it.peek() {
            if d.is_alphanumeric() {
                end = j + d.len_utf8();
                it.next();
            } else if matches!(d, '-' | '\'' | '’') {
                // internal joiner only when a letter or digit follows
                let rest = &text[j + d.len_utf8()..];
                let next_alnum = rest.chars().next().is_some_and(|n| n.is_alphanumeric());
                // possessive 's / ’s ends the word
                let possessive = d != '-'
                    && (rest.starts_with('s') || rest.starts_with('S'))
                    && rest[1..]
                        .chars()
                        .next()
                        .is_none_or(|n| !n.is_alphanumeric());
                if next_alnum && !possessive {
                    it.next();
                    end = j + d.len_utf8();
                } else {
                    break;
                }
            } else {
                break;
            }
        }
        out.push(Tok {
            start: i,
            end,
            newline_before: newline,
        });
        newline = false;
    }
}

/// Index of the first token starting at or after byte `pos`.
pub(crate) fn tok_at(toks: &[Tok], pos: usize) -> usize {
    toks.partition_point(|t| t.start < pos)
}

/// First character is upper case.
pub(crate) fn capitalised(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_uppercase)
}

/// True when the token at `i` opens a sentence or a line (as far as cheap cues tell).
pub(crate) fn sentence_start(text: &str, toks: &[Tok], i: usize) -> bool {
    if i == 0 || toks.get(i).is_none_or(|t| t.newline_before) {
        return true;
    }
    let Some(p) = toks.get(i - 1).and_then(|t| text.get(t.start..t.end)) else {
        return true;
    };
    matches!(
        p,
        "." | "!" | "?" | ":" | ";" | "\"" | "“" | "”" | "(" | "‘" | "'" | "—" | "–"
    )
}

/// Lower-cased word equality without allocating.
pub(crate) fn is_word(s: &str, words: &[&str]) -> bool {
    words.iter().any(|w| w.eq_ignore_ascii_case(s))
}

/// Prepositions after which a city name is a location, not an actor.
pub(crate) const LOCATIVE: &[&str] = &[
    "in",
    "at",
    "near",
    "outside",
    "inside",
    "around",
    "across",
    "throughout",
    "within",
    "into",
    "toward",
    "towards",
    "through",
    "via",
    "between",
    "nearby",
    "off",
    "beyond",
    "downtown",
];

/// Words before "to"/"from" that make it a movement (then the city is a location).
pub(crate) const MOTION: &[&str] = &[
    "travel",
    "traveled",
    "travelled",
    "travelling",
    "traveling",
    "trip",
    "trips",
    "visit",
    "visits",
    "visited",
    "visiting",
    "flight",
    "flights",
    "flew",
    "fly",
    "flying",
    "arrived",
    "returned",
    "return",
    "returning",
    "moved",
    "move",
    "back",
    "way",
    "road",
    "route",
    "train",
    "journey",
    "headed",
    "heading",
    "came",
    "went",
    "go",
    "going",
    "drove",
    "sailed",
    "fled",
    "evacuated",
    "relocated",
    "deployed",
    "sent",
    "miles",
    "km",
    "kilometers",
    "kilometres",
    "south",
    "north",
    "east",
    "west",
];

/// Nouns before "of" that make the following name a location ("the city of Kursk").
pub(crate) const PLACE_OF: &[&str] = &[
    "city",
    "town",
    "village",
    "capital",
    "outskirts",
    "suburbs",
    "suburb",
    "region",
    "province",
    "mayor",
    "residents",
    "streets",
    "center",
    "centre",
    "port",
    "district",
    "oblast",
    "governor",
    "heart",
    "north",
    "south",
    "east",
    "west",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "parts",
    "part",
];

/// Nouns right after a name that make it a location ("Kursk region", "Moscow-based").
pub(crate) const PLACE_AFTER: &[&str] = &[
    "region",
    "oblast",
    "province",
    "city",
    "district",
    "area",
    "county",
    "prefecture",
    "governorate",
    "airport",
    "residents",
    "suburbs",
    "outskirts",
    "metropolitan",
    "-based",
];

/// Words that signal a weapon next to an ambiguous weapon name ("Patriot missile").
pub(crate) const WEAPON_CUE: &[&str] = &[
    "missile",
    "missiles",
    "system",
    "systems",
    "tank",
    "tanks",
    "drone",
    "drones",
    "launcher",
    "launchers",
    "battery",
    "batteries",
    "rocket",
    "rockets",
    "jet",
    "jets",
    "fighter",
    "fighters",
    "munition",
    "munitions",
    "interceptor",
    "interceptors",
    "vehicle",
    "vehicles",
    "howitzer",
    "howitzers",
    "air-defense",
    "air-defence",
    "warhead",
    "strike",
    "strikes",
    "launched",
    "fired",
    "supplied",
    "deliveries",
];

/// Name particles allowed inside a person's name ("Ursula von der Leyen").
pub(crate) const PARTICLES: &[&str] = &[
    "de", "da", "del", "della", "der", "van", "von", "bin", "ibn", "al", "el", "la", "le", "dos",
];

/// Capitalised function and calendar words: they neither start nor extend a name.
pub(crate) const FUNCTION_WORDS: &[&str] = &[
    "The",
    "A",
    "An",
    "This",
    "That",
    "These",
    "Those",
    "It",
    "Its",
    "He",
    "She",
    "They",
    "We",
    "I",
    "You",
    "His",
    "Her",
    "Their",
    "Our",
    "My",
    "Your",
    "In",
    "On",
    "At",
    "Of",
    "For",
    "From",
    "To",
    "By",
    "With",
    "As",
    "And",
    "But",
    "Or",
    "Nor",
    "If",
    "When",
    "While",
    "After",
    "Before",
    "Since",
    "During",
    "Under",
    "Over",
    "Then",
    "There",
    "Here",
    "What",
    "Who",
    "Whom",
    "Which",
    "How",
    "Why",
    "Where",
    "According",
    "Also",
    "All",
    "Both",
    "Some",
    "Many",
    "More",
    "Most",
    "No",
    "Not",
    "Yes",
    "One",
    "Two",
    "Three",
    "Four",
    "Five",
    "Ten",
    "First",
    "Second",
    "Last",
    "Next",
    "Other",
    "Another",
    "Each",
    "Every",
    "Any",
    "Such",
    "Only",
    "Even",
    "Still",
    "However",
    "Meanwhile",
    "Moreover",
    "Although",
    "Though",
    "Because",
    "Despite",
    "Amid",
    "Among",
    "Against",
    "Between",
    "Without",
    "Within",
    "Into",
    "Through",
    "Following",
    "Asked",
    "Like",
    "Unlike",
    "Just",
    "So",
    "Now",
    "Today",
    "Tonight",
    "Yesterday",
    "Tomorrow",
    "Let",
    "Do",
    "Does",
    "Did",
    "Is",
    "Are",
    "Was",
    "Were",
    "Be",
    "Been",
    "Has",
    "Have",
    "Had",
    "Will",
    "Would",
    "Can",
    "Could",
    "May",
    "Might",
    "Must",
    "Should",
    "Shall",
    "Representing",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
];

/// Capitalised words of offices, organisations and places: with the function words above,
/// they never belong to a person's name (see [`not_name`]).
const OFFICE_WORDS: &[&str] = &[
    "Olympic",
    "Olympics",
    "Assistant",
    "Tour",
    "Consort",
    "Minister",
    "Ministers",
    "Ministry",
    "President",
    "Presidential",
    "Department",
    "Council",
    "Security",
    "Affairs",
    "Foreign",
    "Defense",
    "Defence",
    "National",
    "Nations",
    "United",
    "General",
    "Assembly",
    "Committee",
    "Commission",
    "Agency",
    "Office",
    "Forces",
    "Force",
    "Army",
    "Navy",
    "Air",
    "Marine",
    "Marines",
    "Military",
    "Party",
    "Union",
    "Republic",
    "Kingdom",
    "Government",
    "State",
    "States",
    "House",
    "Senate",
    "Congress",
    "Court",
    "Parliament",
    "University",
    "College",
    "School",
    "Institute",
    "Center",
    "Centre",
    "Bank",
    "Fund",
    "Group",
    "Company",
    "Corporation",
    "Corp",
    "Inc",
    "Ltd",
    "News",
    "Times",
    "Post",
    "Press",
    "Images",
    "Photo",
    "Photos",
    "Report",
    "Reports",
    "Region",
    "Province",
    "Oblast",
    "City",
    "Street",
    "Avenue",
    "Square",
    "Day",
    "War",
    "Peninsula",
    "Sea",
    "Ocean",
    "North",
    "South",
    "East",
    "West",
    "Northern",
    "Southern",
    "Eastern",
    "Western",
    "Central",
    "New",
    "Old",
    "Great",
    "Royal",
    "International",
    "Global",
    "World",
    "Federal",
    "People",
    "Democratic",
    "Republican",
    "Democrats",
    "Republicans",
    "Islamic",
    "Korean",
    "Statement",
    "Joint",
    "Chiefs",
    "Staff",
    "Secretary",
    "Prime",
    "Deputy",
    "Vice",
    "Chief",
    "Head",
    "Comments",
    "Comment",
    "Get",
    "Read",
    "Watch",
    "Breaking",
    "Latest",
    "Update",
    "Updated",
    "Editor",
    "Note",
    "Source",
    "Sources",
    "Officials",
    "Official",
    "Intelligence",
    "Service",
    "Services",
    "Ministries",
    "Embassy",
    "Treaty",
    "Pact",
    "Summit",
    "Alliance",
    "Coalition",
    "Strategic",
    "Partnership",
    "Agreement",
    "Plan",
    "Act",
    "Law",
    "Resolution",
    "Resolutions",
    "Sanctions",
    "Program",
    "Programme",
    "Project",
    "Operation",
    "Mission",
    "Command",
    "Guard",
    "Guards",
    "Police",
    "Church",
    "Cathedral",
    "Palace",
    "Hall",
    "Tower",
    "Airport",
    "Station",
    "Hospital",
    "Museum",
    "Park",
    "Island",
    "Islands",
    "River",
    "Lake",
    "Mountain",
    "Mountains",
    "Valley",
    "Bay",
    "Gulf",
    "Strait",
    "Canal",
    "County",
    "District",
    "Federation",
    "Association",
    "Organization",
    "Organisation",
    "Foundation",
    "Society",
    "Club",
    "League",
    "Cup",
    "Championship",
    "Olympics",
    "Games",
    "Award",
    "Awards",
    "Prize",
    "Network",
    "Media",
    "Television",
    "Radio",
    "Magazine",
    "Journal",
    "Herald",
    "Daily",
    "Weekly",
    "Tribune",
    "Gazette",
    "Review",
    "Wire",
    "Online",
    "Digital",
    "Technology",
    "Technologies",
    "Systems",
    "Energy",
    "Oil",
    "Gas",
    "Power",
    "Airlines",
    "Motors",
    "Indo-Pacific",
    "Euro-Atlantic",
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "Gen",
    "Sen",
    "Rep",
    "Gov",
    "Lt",
    "Col",
    "Capt",
    "Sgt",
    "Adm",
    "Maj",
    "St",
    "Mt",
    "Ft",
    "Co",
    "Jr",
    "Sr",
    "II",
    "III",
];

/// Is `w` a capitalised word that never belongs to a person's name?
pub(crate) fn not_name(w: &str) -> bool {
    FUNCTION_WORDS.contains(&w) || OFFICE_WORDS.contains(&w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_split_possessive_keep_hyphens() {
        let t = "Korea's Cho Tae-yul, O'Brien’s U.S.";
        let mut v = Vec::new();
        tokens(t, &mut v);
        let w: Vec<&str> = v.iter().map(|k| &t[k.start..k.end]).collect();
        assert_eq!(
            w,
            ["Korea", "'s", "Cho", "Tae-yul", ",", "O'Brien", "’s", "U", ".", "S", "."]
        );
    }
}
