//! Russian text foundation of khronika: razdel-compatible tokenisation and sentence
//! splitting, OpenCorpora morphology, and normalisation of named-entity spans to the
//! nominative.
//!
//! No I/O except loading the bundled dictionary, no global mutable state.

mod chars;
mod dict;
pub mod morph;
pub mod normalize;
pub mod sentences;
pub mod tag;
pub mod tokenize;

pub use dict::DictError;
pub use morph::{Method, Morph, Parse, Target};
pub use normalize::Context;
pub use sentences::sentences;
pub use tag::{Animacy, Case, Gender, Number, Pos, Tag};
pub use tokenize::{tokenize, Token};
