//! Language detection. OWNER: lead. Stub.
use crate::config::LanguageConfig;
use crate::model::Article;
use crate::pipeline::Stage;

pub struct Language {}
impl Language {
    pub fn new(_c: &LanguageConfig) -> Result<Self, crate::Error> {
        Ok(Language {})
    }
}
impl Stage for Language {
    fn name(&self) -> &'static str {
        "language"
    }
    fn process(&self, _article: &mut Article) {}
}
