//! Cleaning. OWNER: lead. Stub.
use crate::config::CleanConfig;
use crate::model::Article;
use crate::pipeline::Stage;

pub struct Clean {}
impl Clean {
    pub fn new(_c: &CleanConfig) -> Self {
        Clean {}
    }
}
impl Stage for Clean {
    fn name(&self) -> &'static str {
        "clean"
    }
    fn process(&self, _article: &mut Article) {}
}
