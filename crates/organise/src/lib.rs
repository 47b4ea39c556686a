//! # khronika-organise: how do these articles connect?
//!
//! The stage between understanding and the store. Pure CPU, no I/O: the caller (the
//! pipeline) feeds articles one by one as they arrive and writes what comes back.
//!
//! * [`Features::extract`]: an article (title, text, entities from the analysis) reduced to
//!   what is compared: hashed stems, entity names, numbers, a MinHash sketch. Pure, runs
//!   in parallel workers.
//! * [`Organiser::place`]: the serial decision for one arriving article: is it a
//!   near-duplicate of an earlier one (and which is the original), which story does it
//!   continue (or does it start one), which stories merge. Only a recent window is
//!   compared ([`Config::window`], [`Config::max_docs`]), so the cost per article does not
//!   grow with the archive. [`Organiser::restore`] rebuilds the window from stored
//!   decisions after a restart.
//! * [`rubric::classify`]: one of the seven contest rubrics or not-news, from every signal
//!   a page gives (the site's section, the URL path, the text). Not-news never joins a
//!   story.
//! * [`rank::importance`]: how "Главное" orders stories (distinct sources, freshness).
//!
//! **Invariants.** A story's id is the id of the article that founded it, so ids need no
//! allocation and survive a rebuild as "the story containing that article". An article is
//! in one story at most; a copy is always in its original's story; the original of a group
//! of copies is the earliest by article time. Deterministic: the same arrivals in the same
//! order give the same decisions.

mod features;
mod organiser;
pub mod rank;
pub mod rubric;

pub use features::{FeatureInput, Features, MAX_TEXT_CHARS, SKETCH, STEM_LEN};
pub use organiser::{Arrival, Config, Decision, Organiser, Placement, Signals, StoryView, Weights};
