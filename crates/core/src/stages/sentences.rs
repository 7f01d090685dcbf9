//! Sentences. OWNER: lead. Stub.
use crate::model::{Article, Sentence};
use crate::pipeline::Stage;

pub struct Sentences {}
impl Sentences {
    pub fn new() -> Self {
        Sentences {}
    }
}
impl Default for Sentences {
    fn default() -> Self {
        Self::new()
    }
}
impl Stage for Sentences {
    fn name(&self) -> &'static str {
        "sentences"
    }
    fn process(&self, article: &mut Article) {
        article.sentences = vec![Sentence { start: 0, end: article.text.len() }];
    }
}
