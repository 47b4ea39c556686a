//! # khronika-organise: how do these articles connect?
//!
//! The stage between understanding and the store. Pure CPU, no I/O: the caller (the
//! pipeline) feeds articles one by one as they arrive and writes what comes back.
//!
//! * [`rubric`]: one of the seven contest rubrics or not-news for an article, from every
//!   signal its page gives (the site's section, the URL path, the text).

pub mod rubric;
