//! The data model: one [`Article`] owns its raw text, its clean text and every annotation
//! derived from it. Annotations are spans into the clean text, never free-floating strings.
//!
//! Offsets inside the pipeline are **byte** offsets into `Article::text` (what Rust slices
//! with). The JSON record ([`Record`]) carries **character** offsets (Unicode scalar values), so
//! that `text[start:end]` in Python yields the mention. [`Article::to_record`] converts.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Input metadata as the reader found it. Every field but the text is optional.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Meta {
    /// The input's own id (JSONL `id`), kept verbatim when present.
    pub id: Option<String>,
    pub url: Option<String>,
    /// Outlet: a domain (`cnn.com`) or a name (`UkrinForm`).
    pub source: Option<String>,
    /// Publication date as given by the input (`YYYY-MM-DD...`), if any.
    pub published: Option<String>,
    pub title: Option<String>,
    /// Path of the file the article was read from.
    pub path: Option<String>,
    /// Last-modified date as given by the input (a web page's `dateModified`,
    /// `article:modified_time`), kept apart from `published`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    Person,
    Country,
    Organization,
    Place,
    Weapon,
    Other,
}

impl EntityKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Country => "country",
            EntityKind::Organization => "organization",
            EntityKind::Place => "place",
            EntityKind::Weapon => "weapon",
            EntityKind::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<EntityKind> {
        Some(match s {
            "person" => EntityKind::Person,
            "country" => EntityKind::Country,
            "organization" => EntityKind::Organization,
            "place" => EntityKind::Place,
            "weapon" => EntityKind::Weapon,
            "other" => EntityKind::Other,
            _ => return None,
        })
    }
}

/// A named thing mentioned in the text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    pub start: usize,
    pub end: usize,
    /// The mention as it stands in the clean text.
    pub text: String,
    pub kind: EntityKind,
    /// Resolved code: ISO 3166 alpha-3 for countries (also for a capital used as its
    /// government), GeoNames id (`geonames:2643743`) for places, a canonical name for
    /// organisations and weapons.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub code: Option<String>,
    /// Canonical name when the mention is an alias ("DPRK" -> "North Korea").
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub name: Option<String>,
    /// A person's title or office ("Foreign Minister").
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub role: Option<String>,
    /// ISO alpha-3 of the country a person or place belongs to, when the text or the gazetteer
    /// gives it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub lat: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub lon: Option<f64>,
    /// How it was found: `gazetteer`, `tagger`, `rule`.
    pub via: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    Day,
    Week,
    Month,
    Year,
}

/// A date expression, normalised against the publication date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DateMention {
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// ISO 8601 value at the given precision: `2024-11-01`, `2024-W44`, `2023-05`, `2023`.
    /// `None` when the expression is relative and the article has no publication date.
    pub value: Option<String>,
    pub precision: Precision,
    /// True when the value was computed from the publication date ("on Thursday").
    pub relative: bool,
}

/// A quantity with its unit and what it counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// The number, when the text states one ("10,000" -> 10000).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub value: Option<f64>,
    /// True for vague quantities ("millions of", "dozens of", "large numbers of").
    #[serde(default)]
    pub vague: bool,
    /// Unit or counted noun ("troops", "rounds", "USD", "km", "percent").
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub unit: Option<String>,
    /// The phrase the figure counts ("North Korean troops", "rounds of ammunition").
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub subject: Option<String>,
    /// Normalised hedge before the number, when there is one: `about`, `at least`,
    /// `more than`, `up to`, `less than`. The words themselves stay in `text`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub qualifier: Option<String>,
}

/// A direct quotation and who said it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    /// Span of the quoted words (inside the quotation marks).
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// The speaker or source as named in the text ("the statement", "Kirby").
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub speaker: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub speaker_start: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub speaker_end: Option<usize>,
    /// The reporting verb ("said", "reads").
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cue: Option<String>,
    /// `direct` for a quoted sentence or clause, `partial` for a short quoted phrase or scare
    /// quote ("a grave escalation", "2+2").
    #[serde(default)]
    pub kind: QuoteKind,
}

/// Whether a quote is a full quoted statement or a short quoted phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    /// A quoted sentence or clause, usually with a reporting verb ("..., the statement reads").
    #[default]
    Direct,
    /// A short quoted phrase inside the reporter's own sentence, or a scare quote.
    Partial,
}

impl QuoteKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            QuoteKind::Direct => "direct",
            QuoteKind::Partial => "partial",
        }
    }
}

/// The 16 PLOVER event types (PLOVER manual 2.0, the ontology POLECAT codes in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum PloverType {
    Agree,
    Consult,
    Support,
    Concede,
    Cooperate,
    Aid,
    Retreat,
    Request,
    Accuse,
    Reject,
    Threaten,
    Protest,
    Sanction,
    Mobilize,
    Coerce,
    Assault,
}

impl PloverType {
    pub const ALL: [PloverType; 16] = [
        PloverType::Agree,
        PloverType::Consult,
        PloverType::Support,
        PloverType::Concede,
        PloverType::Cooperate,
        PloverType::Aid,
        PloverType::Retreat,
        PloverType::Request,
        PloverType::Accuse,
        PloverType::Reject,
        PloverType::Threaten,
        PloverType::Protest,
        PloverType::Sanction,
        PloverType::Mobilize,
        PloverType::Coerce,
        PloverType::Assault,
    ];
    pub fn as_str(&self) -> &'static str {
        match self {
            PloverType::Agree => "AGREE",
            PloverType::Consult => "CONSULT",
            PloverType::Support => "SUPPORT",
            PloverType::Concede => "CONCEDE",
            PloverType::Cooperate => "COOPERATE",
            PloverType::Aid => "AID",
            PloverType::Retreat => "RETREAT",
            PloverType::Request => "REQUEST",
            PloverType::Accuse => "ACCUSE",
            PloverType::Reject => "REJECT",
            PloverType::Threaten => "THREATEN",
            PloverType::Protest => "PROTEST",
            PloverType::Sanction => "SANCTION",
            PloverType::Mobilize => "MOBILIZE",
            PloverType::Coerce => "COERCE",
            PloverType::Assault => "ASSAULT",
        }
    }
    /// Parse a type name, case-insensitively.
    pub fn parse(s: &str) -> Option<PloverType> {
        PloverType::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

/// Whether the text says an event happened, or something short of that.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventStatus {
    /// Reported as having happened (or happening).
    Asserted,
    /// Negated or denied ("did not attack", "denied sending troops"). Not a happening.
    Denied,
    /// Reported with a hedge ("reportedly", "allegedly", "may have", "is believed to").
    Hedged,
    /// Called for by someone ("called on Moscow to withdraw"): the action is demanded.
    Demanded,
    /// Planned, promised or threatened, not yet done ("will meet", "plans to", "threatened to").
    Planned,
}

impl EventStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            EventStatus::Asserted => "asserted",
            EventStatus::Denied => "denied",
            EventStatus::Hedged => "hedged",
            EventStatus::Demanded => "demanded",
            EventStatus::Planned => "planned",
        }
    }
    pub fn parse(s: &str) -> Option<EventStatus> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "asserted" => EventStatus::Asserted,
            "denied" => EventStatus::Denied,
            "hedged" => EventStatus::Hedged,
            "demanded" => EventStatus::Demanded,
            "planned" | "threatened" => EventStatus::Planned,
            _ => return None,
        })
    }
}

/// A participant in an event or the speaker of a claim: a span with its code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Participant {
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// CAMEO-style actor code: the country (ISO alpha-3) followed by a sector when known
    /// (`PRK`, `CANGOV`, `RUSMIL`, `UKRCVL`), a person's country, or an organisation code
    /// (`IGOUNO`). `None` when neither country nor sector is known.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub code: Option<String>,
    /// ISO alpha-3 of the participant's country.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub country: Option<String>,
    /// Sector (`GOV`, `MIL`, `COP`, `JUD`, `LEG`, `REB`, `OPP`, `CVL`, `BUS`, `MED`, `IGO`...).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sector: Option<String>,
}

/// A plain span of text (an event's trigger words).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// One coded political event: who did what to whom, with the words that say so.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    #[serde(rename = "type")]
    pub kind: PloverType,
    /// PLOVER mode where the manual defines one (`disapprove`, `heavy-weapons`, `withdraw`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub mode: Option<String>,
    /// PLOVER context (`military`, `diplomatic`, `economic`, ...).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub context: Option<String>,
    /// The most specific CAMEO code the trigger supports (`112`, `0874`, `195`).
    pub cameo: String,
    pub actor: Vec<Participant>,
    pub recipient: Vec<Participant>,
    pub status: EventStatus,
    /// The event's own date, when the sentence states one. Never the publication date.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub date: Option<DateMention>,
    /// Where it happened, when the sentence says.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub place: Option<Participant>,
    /// The words that express the event ("condemned", "called on ... to withdraw", "use").
    pub trigger: Mention,
    /// The sentence that is the evidence.
    pub sentence: Sentence,
    /// Who the article attributes the event to, when it is reported speech ("according to
    /// Kirby", "the statement reads").
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub said_by: Option<Participant>,
}

/// A statement of fact attributed to a speaker ("the United States said there were 10,000
/// troops"): kept apart from events, so that statements (CAMEO 01) never vanish.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub speaker: Option<Participant>,
    /// The reporting verb or phrase ("said", "according to").
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cue: Option<String>,
    /// The proposition: what is claimed.
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// Figures stated inside the proposition.
    #[serde(default)]
    pub figures: Vec<Figure>,
    /// The date the claim was made, when the text says ("said on Thursday").
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub date: Option<DateMention>,
    pub status: EventStatus,
    pub sentence: Sentence,
}

/// A sentence span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
}

/// A piece of raw text that cleaning removed, with the rule that removed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Removed {
    /// Byte span in the raw text.
    pub raw_start: usize,
    pub raw_end: usize,
    pub rule: String,
}

/// The working document that flows through the pipeline.
#[derive(Debug, Clone, Default)]
pub struct Article {
    pub id: String,
    pub meta: Meta,
    /// The text as read (after decoding).
    pub raw: String,
    /// The clean text every span points into.
    pub text: String,
    /// For each kept segment: (clean byte offset, raw byte offset, length). Sorted by clean
    /// offset. Lets a clean span be mapped back to the raw input.
    pub alignment: Vec<(usize, usize, usize)>,
    pub removed: Vec<Removed>,
    /// Publication date (from the input, or found in a dateline). Never invented.
    pub published: Option<NaiveDate>,
    /// Where the publication date came from: `input`, `dateline`.
    pub published_via: Option<String>,
    pub lang: Option<String>,
    pub sentences: Vec<Sentence>,
    pub entities: Vec<Entity>,
    pub dates: Vec<DateMention>,
    pub figures: Vec<Figure>,
    pub quotes: Vec<Quote>,
    pub events: Vec<Event>,
    pub claims: Vec<Claim>,
}

impl Article {
    /// A new article from raw text and metadata. Its id is the input's id when given, else a
    /// stable content hash of the raw text (see [`content_id`]).
    pub fn new(raw: String, meta: Meta) -> Self {
        let id = meta.id.clone().unwrap_or_else(|| content_id(&raw));
        let text = raw.clone();
        let alignment = vec![(0, 0, text.len())];
        Article {
            id,
            meta,
            raw,
            text,
            alignment,
            ..Default::default()
        }
    }

    /// Map a byte offset in the clean text to the raw text.
    pub fn raw_offset(&self, clean: usize) -> usize {
        match self.alignment.binary_search_by(|seg| seg.0.cmp(&clean)) {
            Ok(i) => self.alignment[i].1,
            Err(0) => 0,
            Err(i) => {
                let (c, r, _) = self.alignment[i - 1];
                r + (clean - c)
            }
        }
    }

    /// The sentence that contains a byte offset, if any.
    pub fn sentence_at(&self, offset: usize) -> Option<Sentence> {
        let i = self.sentences.partition_point(|s| s.end <= offset);
        self.sentences.get(i).copied().filter(|s| s.start <= offset)
    }

    /// The JSON record: offsets converted from bytes to characters.
    pub fn to_record(&self) -> Record {
        let map = CharMap::new(&self.text);
        let mut entities = self.entities.clone();
        for e in &mut entities {
            e.start = map.char(e.start);
            e.end = map.char(e.end);
        }
        let mut dates = self.dates.clone();
        for d in &mut dates {
            d.start = map.char(d.start);
            d.end = map.char(d.end);
        }
        let mut figures = self.figures.clone();
        for f in &mut figures {
            f.start = map.char(f.start);
            f.end = map.char(f.end);
        }
        let mut quotes = self.quotes.clone();
        for q in &mut quotes {
            q.start = map.char(q.start);
            q.end = map.char(q.end);
            q.speaker_start = q.speaker_start.map(|o| map.char(o));
            q.speaker_end = q.speaker_end.map(|o| map.char(o));
        }
        let conv_p = |p: &mut Participant| {
            p.start = map.char(p.start);
            p.end = map.char(p.end);
        };
        let conv_s = |s: &mut Sentence| {
            s.start = map.char(s.start);
            s.end = map.char(s.end);
        };
        let conv_d = |d: &mut DateMention| {
            d.start = map.char(d.start);
            d.end = map.char(d.end);
        };
        let mut events = self.events.clone();
        for e in &mut events {
            e.actor.iter_mut().for_each(conv_p);
            e.recipient.iter_mut().for_each(conv_p);
            e.place.iter_mut().for_each(conv_p);
            e.said_by.iter_mut().for_each(conv_p);
            e.date.iter_mut().for_each(conv_d);
            e.trigger.start = map.char(e.trigger.start);
            e.trigger.end = map.char(e.trigger.end);
            conv_s(&mut e.sentence);
        }
        let mut claims = self.claims.clone();
        for c in &mut claims {
            c.speaker.iter_mut().for_each(conv_p);
            c.date.iter_mut().for_each(conv_d);
            for f in &mut c.figures {
                f.start = map.char(f.start);
                f.end = map.char(f.end);
            }
            c.start = map.char(c.start);
            c.end = map.char(c.end);
            conv_s(&mut c.sentence);
        }
        let sentences = self
            .sentences
            .iter()
            .map(|s| Sentence {
                start: map.char(s.start),
                end: map.char(s.end),
            })
            .collect();
        Record {
            id: self.id.clone(),
            source: self.meta.source.clone(),
            url: self.meta.url.clone(),
            path: self.meta.path.clone(),
            published: self.published.map(|d| d.format("%Y-%m-%d").to_string()),
            published_via: self.published_via.clone(),
            modified: self.meta.modified.clone(),
            title: self.meta.title.clone(),
            lang: self.lang.clone(),
            duplicate_of: None,
            story: None,
            text: self.text.clone(),
            sentences,
            entities,
            dates,
            figures,
            quotes,
            events,
            claims,
            removed: self.removed.clone(),
        }
    }
}

/// One annotated article as emitted by `sitrep process` and kept in the store.
/// All offsets are character offsets into `text`. See `docs/schema.md`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub id: String,
    pub source: Option<String>,
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub path: Option<String>,
    pub published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub published_via: Option<String>,
    /// Last-modified date from the input (web pages), never used as the publication date.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub modified: Option<String>,
    pub title: Option<String>,
    pub lang: Option<String>,
    /// The earliest article this one copies (syndication lineage); null for an original or
    /// when the article was not linked.
    #[serde(default)]
    pub duplicate_of: Option<String>,
    /// The story the article belongs to (ids are per store, or per `sitrep process` run);
    /// null when the article was not linked.
    #[serde(default)]
    pub story: Option<u32>,
    #[serde(default)]
    pub text: String,
    pub sentences: Vec<Sentence>,
    #[serde(default)]
    pub entities: Vec<Entity>,
    pub dates: Vec<DateMention>,
    pub figures: Vec<Figure>,
    pub quotes: Vec<Quote>,
    /// Coded political events, sorted by sentence and trigger.
    #[serde(default)]
    pub events: Vec<Event>,
    /// Statements of fact with their speakers.
    #[serde(default)]
    pub claims: Vec<Claim>,
    /// Debris removed by cleaning, as byte spans of the raw input.
    #[serde(default)]
    pub removed: Vec<Removed>,
}

/// Stable content id: the first 16 hex digits of the BLAKE3 hash of the raw text.
pub fn content_id(raw: &str) -> String {
    let h = blake3::hash(raw.as_bytes());
    h.to_hex()[..16].to_string()
}

/// Byte offset -> character offset for one string, in O(log n) per lookup.
pub struct CharMap {
    /// Byte offsets of every non-ASCII char start; empty for ASCII text.
    multibyte: Vec<(usize, usize)>, // (byte offset, extra bytes before and at this char)
}

impl CharMap {
    pub fn new(text: &str) -> Self {
        let mut multibyte = Vec::new();
        let mut extra = 0usize;
        for (b, c) in text.char_indices() {
            let l = c.len_utf8();
            if l > 1 {
                extra += l - 1;
                multibyte.push((b, extra));
            }
        }
        CharMap { multibyte }
    }
    /// Character offset of a byte offset (which must be on a char boundary).
    pub fn char(&self, byte: usize) -> usize {
        // extra bytes of all multibyte chars that start before `byte`
        let i = self.multibyte.partition_point(|&(b, _)| b < byte);
        if i == 0 {
            byte
        } else {
            byte - self.multibyte[i - 1].1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charmap_counts_multibyte() {
        let t = "a“b”c한d";
        let m = CharMap::new(t);
        for (ci, (bi, _)) in t.char_indices().enumerate() {
            assert_eq!(m.char(bi), ci, "byte {bi}");
        }
        assert_eq!(m.char(t.len()), t.chars().count());
    }

    #[test]
    fn sentence_at_finds_the_enclosing_sentence() {
        let mut a = Article::new("One. Two.".into(), Meta::default());
        a.sentences = vec![Sentence { start: 0, end: 4 }, Sentence { start: 5, end: 9 }];
        assert_eq!(a.sentence_at(0), Some(a.sentences[0]));
        assert_eq!(a.sentence_at(6), Some(a.sentences[1]));
        assert_eq!(a.sentence_at(4), None, "the space between sentences");
        assert_eq!(a.sentence_at(9), None, "past the end");
    }

    #[test]
    fn id_is_input_id_or_hash() {
        let a = Article::new(
            "x".into(),
            Meta {
                id: Some("abc".into()),
                ..Default::default()
            },
        );
        assert_eq!(a.id, "abc");
        let b = Article::new("x".into(), Meta::default());
        let c = Article::new("x".into(), Meta::default());
        assert_eq!(b.id, c.id);
        assert_eq!(b.id.len(), 16);
    }
}
