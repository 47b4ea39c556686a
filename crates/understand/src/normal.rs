//! Normal forms of entity mentions (nominative) and surname-only linking.

use khronika_model::Mention;

pub(crate) fn normalize(_mentions: &mut [Mention]) {}
