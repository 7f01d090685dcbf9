//! Copies and stories together: the corpus index that `sitrep process` keeps in memory and
//! `sitrep ingest` persists in the store directory.
//!
//! Linking an article is two steps, so that the expensive part runs in parallel:
//! [`CorpusIndex::prepare`] is pure (`&self`) and computes the article's MinHash signature and
//! clustering features; [`CorpusIndex::add`] then checks the signature against the copies
//! already seen and places the article in a story, in input order.
//!
//! A copy (see [`dedup`](super::dedup)) joins the story of the earliest article of its copy
//! family and adds no evidence to it (no terms, no entities: twenty syndicated copies of one
//! wire story weigh as much as the wire story). Everything else goes through
//! [`StoryIndex::add_features`].
//!
//! ```
//! use sitrep_core::{Pipeline, model::Meta};
//! use sitrep_core::corpus::link::CorpusIndex;
//!
//! let pipeline = Pipeline::default();
//! let mut index = CorpusIndex::new(&Default::default(), &Default::default()).unwrap();
//! let text = "Fire crews fought a wildfire near Malibu, California, on Monday as strong winds \
//!     pushed the flames toward the coast and thousands of residents left their homes.";
//! let a = pipeline.annotate(text.into(), Meta { id: Some("a".into()), ..Default::default() });
//! let b = pipeline.annotate(format!("LOS ANGELES (Reuters) - {text}"),
//!     Meta { id: Some("b".into()), ..Default::default() });
//! let la = index.link(&a);
//! let lb = index.link(&b);
//! assert_eq!(lb.duplicate_of.as_deref(), Some("a"));
//! assert_eq!(la.story, lb.story);
//! ```

use serde::{Deserialize, Serialize};

use super::dedup::{DedupConfig, DedupIndex, Signature};
use super::stories::{features, headline_of, Features, StoryConfig, StoryId, StoryIndex};
use crate::model::Article;

/// What an article needs for linking, computed once (in parallel) and stored beside the
/// article so that the index can be rebuilt or replayed without annotating again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prepared {
    /// Story headline this article would give a new story.
    pub headline: String,
    pub features: Features,
}

impl Prepared {
    /// Compact binary form (postcard), as stored in the `link` column.
    pub fn to_bytes(&self) -> Vec<u8> {
        postcard::to_stdvec(self).expect("serialising to memory cannot fail")
    }

    pub fn from_bytes(b: &[u8]) -> Result<Prepared, crate::Error> {
        postcard::from_bytes(b)
            .map_err(|e| crate::Error::Corrupt(format!("stored link features: {e}")))
    }
}

/// Where an article landed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Linked {
    /// The earliest article of its copy family, when it is a copy.
    pub duplicate_of: Option<String>,
    pub story: StoryId,
}

/// Near-duplicate index and story index, persisted together.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CorpusIndex {
    pub dedup: DedupIndex,
    pub stories: StoryIndex,
}

impl CorpusIndex {
    pub fn new(dedup: &DedupConfig, stories: &StoryConfig) -> Result<CorpusIndex, crate::Error> {
        Ok(CorpusIndex {
            dedup: DedupIndex::new(dedup.clone())?,
            stories: StoryIndex::new(stories.clone())?,
        })
    }

    /// True when this index was built with these settings (a persisted index built with other
    /// settings must be rebuilt).
    pub fn same_settings(&self, dedup: &DedupConfig, stories: &StoryConfig) -> bool {
        self.dedup.config() == dedup && self.stories.config() == stories
    }

    /// Pure: the signature and features of an annotated article.
    pub fn prepare(&self, a: &Article) -> (Signature, Prepared) {
        (
            self.dedup.signature(&a.text),
            Prepared {
                headline: headline_of(a),
                features: features(a, self.stories.config().year_dates),
            },
        )
    }

    /// Link one article (in input order). Re-linking a known id returns what it got the
    /// first time and changes nothing.
    pub fn add(&mut self, id: &str, sig: Signature, p: Prepared) -> Linked {
        let duplicate_of = self.dedup.add_signature(id, sig);
        if let Some(story) = self.stories.story_of(id) {
            return Linked {
                duplicate_of,
                story,
            };
        }
        let story = match duplicate_of
            .as_deref()
            .and_then(|orig| self.stories.add_copy(id, orig))
        {
            Some(s) => s,
            None => self.stories.add_features(id, p.headline, p.features),
        };
        Linked {
            duplicate_of,
            story,
        }
    }

    /// [`prepare`](Self::prepare) then [`add`](Self::add).
    pub fn link(&mut self, a: &Article) -> Linked {
        let (sig, p) = self.prepare(a);
        self.add(&a.id, sig, p)
    }

    /// Number of linked articles.
    pub fn len(&self) -> usize {
        self.stories.len()
    }

    pub fn is_empty(&self) -> bool {
        self.stories.is_empty()
    }

    /// Compact binary snapshot (postcard).
    pub fn to_bytes(&self) -> Vec<u8> {
        postcard::to_stdvec(self).expect("serialising to memory cannot fail")
    }

    pub fn from_bytes(b: &[u8]) -> Result<CorpusIndex, crate::Error> {
        postcard::from_bytes(b)
            .map_err(|e| crate::Error::Corrupt(format!("corpus index snapshot: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Meta;
    use crate::Pipeline;

    fn art(p: &Pipeline, id: &str, text: &str, published: &str) -> Article {
        p.annotate(
            text.into(),
            Meta {
                id: Some(id.into()),
                published: Some(published.into()),
                ..Default::default()
            },
        )
    }

    const WIRE: &str = "Canada and South Korea condemned the deployment of North Korean troops \
        to Russia after a meeting of their foreign and defence ministers in Ottawa on Friday. \
        The ministers said the deployment threatened security in Europe and in Asia, and they \
        agreed to share intelligence on the transfer of weapons between Pyongyang and Moscow.";

    #[test]
    fn copies_join_the_original_story_and_round_trip() {
        let p = Pipeline::default();
        let mut idx = CorpusIndex::new(&Default::default(), &Default::default()).unwrap();
        let a = art(&p, "a", WIRE, "2024-11-01");
        let b = art(
            &p,
            "b",
            &format!("OTTAWA (AP) - {WIRE} Copyright 2024 The Associated Press."),
            "2024-11-02",
        );
        let c = art(
            &p,
            "c",
            "A wildfire driven by strong winds destroyed dozens of homes near Malibu, \
             California, and forced thousands of residents to leave on Monday.",
            "2024-11-04",
        );
        let la = idx.link(&a);
        let lb = idx.link(&b);
        let lc = idx.link(&c);
        assert_eq!(la.duplicate_of, None);
        assert_eq!(lb.duplicate_of.as_deref(), Some("a"));
        assert_eq!(lb.story, la.story);
        assert_ne!(lc.story, la.story);
        assert_eq!(idx.link(&b), lb, "re-linking is idempotent");
        assert_eq!(idx.len(), 3);
        // snapshot, restore, continue: same answers as one long run
        let mut back = CorpusIndex::from_bytes(&idx.to_bytes()).unwrap();
        let d = art(
            &p,
            "d",
            &format!("{WIRE} Reporting by staff."),
            "2024-11-03",
        );
        assert_eq!(back.link(&d), idx.link(&d));
        let (_, prep) = idx.prepare(&c);
        assert_eq!(Prepared::from_bytes(&prep.to_bytes()).unwrap(), prep);
    }
}
