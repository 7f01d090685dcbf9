//! Which of some given articles match a query (for watches: the articles stored since the
//! last evaluation), and the words the query marks in a text (for evidence sentences).
//! Additive helper for `sitrep-monitor`; it runs the same compiled query as
//! [`SearchIndex::search`].

use std::collections::HashSet;

use sitrep_store::Store;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermSetQuery};
use tantivy::Term;

use crate::compile::{Compiler, Highlight};
use crate::index::ierr;
use crate::schema::words;
use crate::{SearchError, SearchIndex};

/// The outcome of [`SearchIndex::matching`].
#[derive(Debug, Clone, Default)]
pub struct Matches {
    /// The ids (of those asked about) that match the query.
    pub ids: HashSet<String>,
    highlight: Highlight,
}

impl Matches {
    /// Character spans of the words of `text` that the query's positive text clauses name
    /// (what a snippet would mark), in order.
    pub fn marked(&self, text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut chars = 0usize;
        let mut last_byte = 0usize;
        for (w, s, e) in words(text) {
            if !self.highlight.wants(&w) {
                continue;
            }
            chars += text[last_byte..s].chars().count();
            let len = text[s..e].chars().count();
            out.push((chars, chars + len));
            chars += len;
            last_byte = e;
        }
        out
    }
}

impl SearchIndex {
    /// Which of `ids` match `query` (as of the index's last commit: catch it up first).
    pub fn matching(
        &self,
        store: &dyn Store,
        query: &str,
        ids: &[String],
    ) -> Result<Matches, SearchError> {
        let node = crate::query::parse(query)?;
        let mut c = Compiler {
            fields: &self.fields,
            store,
            highlight: Highlight::default(),
        };
        let q = c.compile(&node, true)?;
        let mut out = Matches {
            ids: HashSet::new(),
            highlight: c.highlight,
        };
        if ids.is_empty() {
            return Ok(out);
        }
        let searcher = self.reader.searcher();
        for chunk in ids.chunks(4096) {
            let q2 = self.restricted(q.as_ref(), chunk);
            let top = searcher
                .search(&q2, &TopDocs::with_limit(chunk.len()).order_by_score())
                .map_err(ierr)?;
            for (_, id) in self.ids(&searcher, &top)? {
                out.ids.insert(id);
            }
        }
        Ok(out)
    }

    /// `q` restricted to the articles `ids` (a filter: it adds nothing to the score).
    pub(crate) fn restricted(&self, q: &dyn Query, ids: &[String]) -> BooleanQuery {
        let restrict = TermSetQuery::new(
            ids.iter()
                .map(|id| Term::from_field_text(self.fields.id, id)),
        );
        BooleanQuery::new(vec![
            (Occur::Must, q.box_clone()),
            (
                Occur::Must,
                Box::new(BoostQuery::new(Box::new(restrict), 0.0)) as Box<dyn Query>,
            ),
        ])
    }
}
