//! Rules over Sametime provisioning URLs (placeholder until issue 3 lands).

use super::Finding;
use crate::payload::sametime::Provisioning;
use crate::policy::Policy;

pub fn audit(_provisioning: &Provisioning, _text: &str, _policy: &Policy) -> Vec<Finding> {
    Vec::new()
}
