//! Date expressions normalised against the publication date. OWNER: dates helper. Stub.

use crate::config::DatesConfig;
use crate::model::Article;
use crate::pipeline::Stage;

pub struct Dates {}

impl Dates {
    pub fn new(_config: &DatesConfig) -> Self {
        Dates {}
    }
}

impl Stage for Dates {
    fn name(&self) -> &'static str {
        "dates"
    }
    fn process(&self, _article: &mut Article) {}
}
