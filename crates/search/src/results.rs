//! Running a query: ranking, grouping by story, snippets.

use std::collections::{BTreeMap, HashMap};

use sitrep_store::{HitRow, Store};
use tantivy::collector::{Count, TopDocs};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Searcher};

use crate::compile::{Compiler, Highlight};
use crate::index::ierr;
use crate::query::NearUnit;
use crate::schema::{segment_words, segments, text_analyzer};
use crate::{
    ArticleHit, SearchError, SearchIndex, SearchOptions, SearchResults, Snippet, StoryHit,
};

/// Snippet length, in bytes of text (about as many characters in English).
const SNIPPET_CHARS: usize = 200;
/// Most matching articles listed under one story (the rest are counted in `total_articles`).
const MAX_PER_STORY: usize = 100;
/// Matching originals of a story that get a snippet (the best ones); the others are listed
/// without.
const SNIPPETS_PER_STORY: usize = 3;

/// How hits group: by story, or alone when the article has no story.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Group {
    Story(u32),
    Alone(String),
}

impl SearchIndex {
    /// Run a query. The store gives stories, titles and texts for snippets.
    pub fn search(
        &self,
        store: &dyn Store,
        query: &str,
        opts: &SearchOptions,
    ) -> Result<SearchResults, SearchError> {
        let node = crate::query::parse(query)?;
        let mut c = Compiler {
            fields: &self.fields,
            store,
            highlight: Highlight::default(),
        };
        let q = c.compile(&node, true)?;
        let highlight = c.highlight;
        let searcher = self.reader.searcher();
        let total = searcher.search(&q, &Count).map_err(ierr)?;
        let limit = opts.limit.max(1);
        let mut out = SearchResults {
            query: query.to_string(),
            total_articles: total,
            stories: Vec::new(),
            articles: Vec::new(),
            more: false,
        };
        if total == 0 || opts.offset >= total {
            return Ok(out);
        }
        if !opts.group {
            let top = searcher
                .search(
                    &q,
                    &TopDocs::with_limit(limit)
                        .and_offset(opts.offset)
                        .order_by_score(),
                )
                .map_err(ierr)?;
            let scored = self.ids(&searcher, &top)?;
            let ids: Vec<String> = scored.iter().map(|x| x.1.clone()).collect();
            let rows = by_id(store.hit_rows(&ids, true)?);
            for (score, id) in scored {
                if let Some(row) = rows.get(&id) {
                    out.articles.push(self.hit(score, row, Some(&highlight)));
                }
            }
            out.more = total > opts.offset + limit;
            return Ok(out);
        }

        // Grouped: walk the ranking in growing chunks until the stories of this page and one
        // more are known; a story ranks by its best article, i.e. where it first appears.
        let need = opts.offset + limit + 1;
        let mut groups: Vec<Group> = Vec::new();
        let mut seen_groups = std::collections::HashSet::new();
        let mut seen = 0usize;
        let mut chunk = (need * 4).max(64);
        // Everything phase one scored, kept for when it saw every hit (then there is no need
        // to look the page's stories up again).
        let mut walked: Vec<(f32, String)> = Vec::new();
        let mut walked_rows: HashMap<String, HitRow> = HashMap::new();
        while seen < total && groups.len() < need {
            let top = searcher
                .search(
                    &q,
                    &TopDocs::with_limit(chunk).and_offset(seen).order_by_score(),
                )
                .map_err(ierr)?;
            if top.is_empty() {
                break;
            }
            seen += top.len();
            let scored = self.ids(&searcher, &top)?;
            let ids: Vec<String> = scored.iter().map(|x| x.1.clone()).collect();
            let rows = by_id(store.hit_rows(&ids, false)?);
            for (_, id) in &scored {
                let g = match rows.get(id).and_then(|r| r.story) {
                    Some(s) => Group::Story(s),
                    None => Group::Alone(id.clone()),
                };
                if seen_groups.insert(g.clone()) && groups.len() < need {
                    groups.push(g);
                }
            }
            walked.extend(scored);
            walked_rows.extend(rows);
            chunk *= 4;
        }
        out.more = groups.len() > opts.offset + limit;
        let page: Vec<Group> = groups.into_iter().skip(opts.offset).take(limit).collect();
        if page.is_empty() {
            return Ok(out);
        }

        let story_ids: Vec<u32> = page
            .iter()
            .filter_map(|g| match g {
                Group::Story(s) => Some(*s),
                Group::Alone(_) => None,
            })
            .collect();
        let (scored, rows) = if seen >= total {
            // Phase one saw every hit: the page's stories' matching articles are among them.
            (walked, walked_rows)
        } else {
            // Every matching article of the page's stories, scored by the same query.
            let mut members: Vec<String> = store
                .story_member_ids(&story_ids)?
                .into_iter()
                .map(|x| x.1)
                .collect();
            members.extend(page.iter().filter_map(|g| match g {
                Group::Alone(id) => Some(id.clone()),
                Group::Story(_) => None,
            }));
            let n = members.len();
            let q2 = self.restricted(q.as_ref(), &members);
            let top = searcher
                .search(&q2, &TopDocs::with_limit(n.max(1)).order_by_score())
                .map_err(ierr)?;
            let scored = self.ids(&searcher, &top)?;
            let ids: Vec<String> = scored.iter().map(|x| x.1.clone()).collect();
            let rows = by_id(store.hit_rows(&ids, false)?);
            (scored, rows)
        };
        let group_of = |id: &String, row: &HitRow| match row.story {
            Some(s) => Group::Story(s),
            None => Group::Alone(id.clone()),
        };
        // Snippets (and so clean texts) only for the best few originals of each story: a big
        // story can match hundreds of articles, and reading and marking every text is what
        // would make a page slow.
        let mut snippet_ids = std::collections::HashSet::new();
        let mut per_story: HashMap<Group, usize> = HashMap::new();
        for (_, id) in &scored {
            let Some(row) = rows.get(id) else { continue };
            if row.duplicate_of.is_some() {
                continue;
            }
            let n = per_story.entry(group_of(id, row)).or_default();
            if *n < SNIPPETS_PER_STORY {
                *n += 1;
                snippet_ids.insert(id.clone());
            }
        }
        let wanted: Vec<String> = snippet_ids.into_iter().collect();
        let texts = by_id(store.hit_rows(&wanted, true)?);
        let mut per_group: HashMap<Group, StoryHit> = HashMap::new();
        for (score, id) in &scored {
            let Some(row) = rows.get(id) else { continue };
            let g = group_of(id, row);
            let Some(entry) = per_group_entry(&mut per_group, &page, g, row, *score) else {
                continue;
            };
            if row.duplicate_of.is_some() {
                if entry.copies.len() < MAX_PER_STORY {
                    entry.copies.push(self.hit(*score, row, None));
                }
            } else if entry.articles.len() < MAX_PER_STORY {
                let hit = match texts.get(id) {
                    Some(full) => self.hit(*score, full, Some(&highlight)),
                    None => self.hit(*score, row, None),
                };
                entry.articles.push(hit);
            }
        }
        let heads: HashMap<u32, String> = store.story_headlines(&story_ids)?.into_iter().collect();
        for g in page {
            let Some(mut hit) = per_group.remove(&g) else {
                continue;
            };
            if let Some(s) = hit.story {
                if let Some(h) = heads.get(&s) {
                    hit.headline = Some(h.clone());
                }
            }
            out.stories.push(hit);
        }
        Ok(out)
    }

    /// The article ids of ranked documents.
    pub(crate) fn ids(
        &self,
        searcher: &Searcher,
        top: &[(f32, DocAddress)],
    ) -> Result<Vec<(f32, String)>, SearchError> {
        let mut columns = HashMap::new();
        let mut out = Vec::with_capacity(top.len());
        let mut s = String::new();
        for (score, addr) in top {
            let col = match columns.entry(addr.segment_ord) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(v) => {
                    let c = searcher
                        .segment_reader(addr.segment_ord)
                        .fast_fields()
                        .str("id")
                        .map_err(ierr)?
                        .ok_or_else(|| ierr("the index has no id column; run `sitrep reindex`"))?;
                    v.insert(c)
                }
            };
            let Some(ord) = col.term_ords(addr.doc_id).next() else {
                continue;
            };
            s.clear();
            col.ord_to_str(ord, &mut s).map_err(ierr)?;
            out.push((*score, s.clone()));
        }
        Ok(out)
    }

    fn hit(&self, score: f32, row: &HitRow, highlight: Option<&Highlight>) -> ArticleHit {
        ArticleHit {
            id: row.id.clone(),
            score,
            title: row.title.clone(),
            source: row.source.clone(),
            published: row.published.clone(),
            url: row.url.clone(),
            story: row.story,
            duplicate_of: row.duplicate_of.clone(),
            snippet: highlight.and_then(|h| self.snippet(h, row)),
        }
    }

    /// A snippet of the clean text around the best matches (around a NEAR match when the
    /// query has one), matched words marked.
    fn snippet(&self, h: &Highlight, row: &HitRow) -> Option<Snippet> {
        let text = row.text.as_str();
        if text.is_empty() {
            return None;
        }
        let segs = segments(text, &row.sentences);
        let seg_words = segment_words(text, &segs);
        // The region to cut from: the sentences of the first NEAR match, else all.
        let mut focus = (0, text.len());
        let mut max_chars = SNIPPET_CHARS;
        if let Some((a, b)) = near_span(h, &seg_words) {
            focus = (segs[a].0, segs[b].1);
            max_chars = (focus.1 - focus.0).clamp(SNIPPET_CHARS, 3 * SNIPPET_CHARS);
        }
        let mut terms: BTreeMap<String, f32> = BTreeMap::new();
        for ws in &seg_words {
            for (w, s, _) in ws {
                if *s >= focus.0 && *s < focus.1 && !terms.contains_key(w) && h.wants(w) {
                    terms.insert(w.clone(), 1.0);
                }
            }
        }
        let region = &text[focus.0..focus.1];
        let gen = SnippetGenerator::new(terms, text_analyzer(), self.fields.text, max_chars);
        let sn = gen.snippet(region);
        let (frag_start, frag, marks) = if sn.fragment().is_empty() {
            // nothing to mark in the text (a title or field match): the start of the region
            let mut end = region.len().min(SNIPPET_CHARS);
            while !region.is_char_boundary(end) {
                end -= 1;
            }
            (focus.0, &region[..end], Vec::new())
        } else {
            let r = sn.fragment_range();
            (focus.0 + r.start, &region[r], sn.highlighted().to_vec())
        };
        let chars = |b: usize, within: &str| within[..b].chars().count();
        Some(Snippet {
            text: frag.to_string(),
            highlights: marks
                .iter()
                .map(|m| (chars(m.start, frag), chars(m.end, frag)))
                .collect(),
            start: chars(frag_start, text),
        })
    }
}

fn per_group_entry<'a>(
    map: &'a mut HashMap<Group, StoryHit>,
    page: &[Group],
    g: Group,
    row: &HitRow,
    score: f32,
) -> Option<&'a mut StoryHit> {
    if !page.contains(&g) {
        return None;
    }
    Some(map.entry(g).or_insert_with(|| StoryHit {
        story: row.story,
        headline: if row.story.is_none() {
            row.title.clone()
        } else {
            None
        },
        score,
        articles: Vec::new(),
        copies: Vec::new(),
    }))
}

fn by_id(rows: Vec<HitRow>) -> HashMap<String, HitRow> {
    rows.into_iter().map(|r| (r.id.clone(), r)).collect()
}

/// The first (lowest) segments `(a, b)` where some NEAR clause of the query matches.
fn near_span(h: &Highlight, seg_words: &[Vec<(String, usize, usize)>]) -> Option<(usize, usize)> {
    // occurrences of a word sequence: (segment, first word index, last word index)
    let occ = |ws: &[String]| -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        for (si, seg) in seg_words.iter().enumerate() {
            if seg.len() < ws.len() {
                continue;
            }
            for i in 0..=seg.len() - ws.len() {
                if ws.iter().zip(&seg[i..]).all(|(x, y)| *x == y.0) {
                    out.push((si, i, i + ws.len() - 1));
                }
            }
        }
        out
    };
    let mut best: Option<(usize, usize)> = None;
    for (a, b, n, unit) in &h.near {
        let (oa, ob) = (occ(a), occ(b));
        for x in &oa {
            for y in &ob {
                let disjoint = x.0 != y.0 || x.2 < y.1 || y.2 < x.1;
                let ok = disjoint
                    && match unit {
                        NearUnit::Sentences => x.0.abs_diff(y.0) < *n as usize,
                        NearUnit::Words => {
                            x.0 == y.0
                                && (y.1.saturating_sub(x.2) <= *n as usize && y.1 > x.2
                                    || x.1.saturating_sub(y.2) <= *n as usize && x.1 > y.2)
                        }
                    };
                if ok {
                    let span = (x.0.min(y.0), x.0.max(y.0));
                    if best.is_none_or(|b| span < b) {
                        best = Some(span);
                    }
                }
            }
        }
    }
    best
}
