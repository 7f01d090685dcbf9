//! Entities: gazetteer matches plus the statistical tagger. OWNER: entities helper. Stub.

use crate::config::EntitiesConfig;
use crate::model::Article;
use crate::pipeline::Stage;

pub struct Entities {}

impl Entities {
    pub fn new(_config: &EntitiesConfig) -> Result<Self, crate::Error> {
        Ok(Entities {})
    }
}

impl Stage for Entities {
    fn name(&self) -> &'static str {
        "entities"
    }
    fn process(&self, _article: &mut Article) {}
}
