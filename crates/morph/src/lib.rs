//! Russian text foundation of khronika: "here is Russian text, give me its tokens, sentences,
//! word analyses, and the nominative of a name".
//!
//! - [`tokenize()`] and [`sentences()`] reproduce razdel 0.5 (the segmenter natasha and the
//!   slovnet NER model use) boundary for boundary; offsets are Unicode code points (Python
//!   string indices), tokens also carry byte offsets.
//! - [`Morph`] analyses words with the OpenCorpora dictionary (lemma, part of speech, case,
//!   gender, number, animacy, corpus-based score), guesses unknown words from their endings
//!   like pymorphy, and inflects ([`Morph::inflect`]).
//! - [`Morph::normalize_entity`] / [`Morph::normalize_in_text`] put a PER / ORG / LOC mention
//!   in the nominative the way natasha's `span.normalize` does ("Айбека Смадиярова" →
//!   "Айбек Смадияров", "Министерстве иностранных дел" → "Министерство иностранных дел");
//!   [`Morph::person_gender`] tells the gender of a person's name.
//!
//! ```
//! use khronika_model::EntityKind;
//! use khronika_morph::{sentences, tokenize, Morph};
//!
//! let text = "По словам представителя МИД Айбека Смадиярова, Казахстан не участвовал.";
//! assert_eq!(sentences(text).len(), 1);
//! let tokens = tokenize(text);
//! assert_eq!(tokens[4].text, "Айбека");
//! let morph = Morph::new().expect("bundled dictionary");
//! let name = tokens[4].byte_start..tokens[5].byte_end;
//! assert_eq!(morph.normalize_in_text(text, name, EntityKind::Person), "Айбек Смадияров");
//! ```
//!
//! Cost model (one core of the project machine): segmentation ≈ 30 M chars/s (≈ 50× razdel);
//! [`Morph::new`] ≈ 10 ms (the dictionary, ≈ 11 MB, is embedded in the binary and read in
//! place through FSTs); ≈ 300 k word analyses/s (≈ 35× pymorphy3); ≈ 100 k entity
//! normalisations/s. Invariants: no I/O, no global or interior mutable state; `&Morph` is
//! shared freely across threads; any input (empty, huge, non-Russian) gives a result and
//! never a panic. Not for: syntax, disambiguation in context beyond the neighbouring words
//! of a mention.
//!
//! The dictionary data is OpenCorpora's (CC BY-SA 3.0, see `data/README.md`).

mod chars;
mod dict;
pub mod morph;
mod names;
pub mod normalize;
pub mod sentences;
pub mod tag;
pub mod tokenize;

pub use dict::DictError;
pub use morph::{Method, Morph, Parse, Target};
pub use normalize::Context;
pub use sentences::sentences;
pub use tag::{Animacy, Case, Gender, Number, Pos, Tag};
pub use tokenize::{tokenize, tokenize_news, Token};
