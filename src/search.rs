//! The client-side search index (placeholder until the search issue lands).

use crate::render::Output;
use crate::site::Site;

/// Build the search index files.
pub fn build_index(_site: &Site) -> Vec<Output> {
    Vec::new()
}
