//! Figures: quantities with unit and subject. OWNER: figures/quotes helper. Stub.

use crate::model::Article;
use crate::pipeline::Stage;

pub struct Figures {}

impl Figures {
    pub fn new() -> Self {
        Figures {}
    }
}

impl Default for Figures {
    fn default() -> Self {
        Self::new()
    }
}

impl Stage for Figures {
    fn name(&self) -> &'static str {
        "figures"
    }
    fn process(&self, _article: &mut Article) {}
}
