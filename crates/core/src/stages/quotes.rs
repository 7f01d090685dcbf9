//! Quotes: direct quotations and their speakers. OWNER: figures/quotes helper. Stub.

use crate::model::Article;
use crate::pipeline::Stage;

pub struct Quotes {}

impl Quotes {
    pub fn new() -> Self {
        Quotes {}
    }
}

impl Default for Quotes {
    fn default() -> Self {
        Self::new()
    }
}

impl Stage for Quotes {
    fn name(&self) -> &'static str {
        "quotes"
    }
    fn process(&self, _article: &mut Article) {}
}
