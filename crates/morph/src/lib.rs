//! Russian text foundation of khronika: razdel-compatible tokenisation and sentence
//! splitting, OpenCorpora morphology, and normalisation of named-entity spans to the
//! nominative.
//!
//! No I/O except loading the bundled dictionary, no global mutable state.

mod chars;
pub mod sentences;
pub mod tokenize;

pub use sentences::sentences;
pub use tokenize::{tokenize, Token};
