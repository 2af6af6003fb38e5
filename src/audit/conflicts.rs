//! Rules across the codes of one run (placeholder until issue 3 lands).

use super::Finding;
use crate::payload::sametime::Provisioning;

/// Findings about provisioning URLs that conflict with each other. `items` pairs an opaque
/// caller index with each provisioning URL of the run; each finding names the index it is about.
pub fn community_conflicts(_items: &[(usize, &Provisioning)]) -> Vec<(usize, Finding)> {
    Vec::new()
}
