//! The one HTML reader of khronika.
//!
//! Two stages read HTML: `extract` (the article out of a page) and `ingest` (the links and
//! feed announcements a crawler follows). Ingest comes first in the pipeline and may not
//! depend on extract, so the reader lives here, in a leaf crate both use: [`dom::parse`]
//! builds a compact arena tree in one tolerant pass (see its module doc for what it skips and
//! why), and [`entities::decode_entities`] decodes character references against the complete
//! WHATWG table. No I/O, no global state; limits (`dom::MAX_DEPTH`, `dom::MAX_NODES`) bound
//! what any page can cost.
//!
//! ```
//! use khronika_html::dom::{self, Tag};
//!
//! let page = dom::parse(r#"<p>Астана &mdash; <a href="/news/1?a=1&amp;b=2">новости</a>"#);
//! let link = page.nodes.iter().position(|n| n.tag == Tag::A).expect("a link");
//! assert_eq!(page.attr(link as u32, "href"), Some("/news/1?a=1&b=2"));
//! ```

pub mod dom;
pub mod entities;
mod entity_table;
