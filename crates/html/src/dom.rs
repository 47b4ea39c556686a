//! A compact arena DOM built in one pass by a tolerant HTML tokenizer.
//!
//! Why our own: a full HTML5 tree builder (html5ever) costs more than the whole rest of the
//! extraction, and an extractor needs far less: elements with their tag and a few
//! attributes, decoded text, and the implied-end-tag rules that decide which paragraph a
//! piece of text belongs to (`p`, `li`, `dt`/`dd`, `tr`/`td`, `option`, headings, `a`).
//! Everything else (foster parenting, the adoption agency, namespaces) is skipped: a
//! misnested inline tag costs at most a word in the wrong block.
//!
//! Limits: nesting deeper than [`MAX_DEPTH`] is flattened (new elements become leaves and
//! their text goes to the deepest open element), so depth-driven recursion elsewhere is
//! bounded; documents are cut after [`MAX_NODES`] nodes. Nodes are stored in document order, so a reverse scan is a bottom-up pass.

use crate::entities::decode_entities;
use memchr::memchr;
use std::borrow::Cow;

/// Elements deeper than this are not opened (their content is attached to the deepest one).
pub const MAX_DEPTH: usize = 256;

/// Parsing stops after this many nodes (about 120 MB of arena): a page of millions of empty
/// tags is truncated rather than allowed to take gigabytes.
pub const MAX_NODES: usize = 2_000_000;

/// Index of a node in [`Dom::nodes`].
pub type NodeId = u32;

/// No node (end of a sibling chain, no parent).
pub const NONE: NodeId = u32::MAX;

macro_rules! tags {
    ($($variant:ident = $name:literal),* $(,)?) => {
        /// The tags the extractor distinguishes; all others are [`Tag::Other`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Tag { $($variant,)* Other, Text, Root }

        impl Tag {
            fn from_lower(name: &[u8]) -> Tag {
                match name {
                    $($name => Tag::$variant,)*
                    _ => Tag::Other,
                }
            }
        }
    };
}

tags! {
    A = b"a", Abbr = b"abbr", Address = b"address", Article = b"article", Aside = b"aside",
    Audio = b"audio", B = b"b", Blockquote = b"blockquote", Body = b"body", Br = b"br",
    Button = b"button", Canvas = b"canvas", Caption = b"caption", Center = b"center",
    Code = b"code", Dd = b"dd", Details = b"details", Dialog = b"dialog", Div = b"div",
    Dl = b"dl", Dt = b"dt", Em = b"em", Embed = b"embed", Fieldset = b"fieldset",
    Figcaption = b"figcaption", Figure = b"figure", Footer = b"footer", Form = b"form",
    Frame = b"frame", H1 = b"h1", H2 = b"h2", H3 = b"h3", H4 = b"h4", H5 = b"h5", H6 = b"h6",
    Head = b"head", Header = b"header", Hgroup = b"hgroup", Hr = b"hr", Html = b"html",
    I = b"i", Iframe = b"iframe", Img = b"img", Input = b"input", Label = b"label",
    Legend = b"legend", Li = b"li", Link = b"link", Main = b"main", Map = b"map",
    Menu = b"menu", Meta = b"meta", Nav = b"nav", Noscript = b"noscript", Object = b"object",
    Ol = b"ol", Optgroup = b"optgroup", Option = b"option", P = b"p", Picture = b"picture",
    Pre = b"pre", Q = b"q", S = b"s", Script = b"script", Section = b"section",
    Select = b"select", Small = b"small", Source = b"source", Span = b"span",
    Strong = b"strong", Style = b"style", Sub = b"sub", Summary = b"summary", Sup = b"sup",
    Svg = b"svg", Table = b"table", Tbody = b"tbody", Td = b"td", Template = b"template",
    Textarea = b"textarea", Tfoot = b"tfoot", Th = b"th", Thead = b"thead", Time = b"time",
    Title = b"title", Tr = b"tr", U = b"u", Ul = b"ul", Video = b"video", Wbr = b"wbr",
    Area = b"area", Base = b"base", Col = b"col", Param = b"param", Track = b"track",
    Xmp = b"xmp", Noembed = b"noembed", Noframes = b"noframes", Plaintext = b"plaintext",
    Math = b"math", Font = b"font", Mark = b"mark", Cite = b"cite", Ins = b"ins",
    Del = b"del", Dfn = b"dfn", Kbd = b"kbd", Samp = b"samp", Var = b"var", Bdi = b"bdi",
    Bdo = b"bdo", Big = b"big", Tt = b"tt", Strike = b"strike", Nobr = b"nobr",
}

impl Tag {
    /// Void elements never have content or an end tag.
    pub fn is_void(self) -> bool {
        matches!(
            self,
            Tag::Area
                | Tag::Base
                | Tag::Br
                | Tag::Col
                | Tag::Embed
                | Tag::Hr
                | Tag::Img
                | Tag::Input
                | Tag::Link
                | Tag::Meta
                | Tag::Param
                | Tag::Source
                | Tag::Track
                | Tag::Wbr
        )
    }

    /// Elements whose content is raw text up to the matching end tag.
    fn is_raw_text(self) -> bool {
        matches!(
            self,
            Tag::Script
                | Tag::Style
                | Tag::Textarea
                | Tag::Title
                | Tag::Xmp
                | Tag::Iframe
                | Tag::Noembed
                | Tag::Noframes
                | Tag::Noscript
                | Tag::Plaintext
        )
    }

    /// Opening one of these closes an open `<p>` (HTML's "close a p element").
    fn closes_p(self) -> bool {
        matches!(
            self,
            Tag::Address
                | Tag::Article
                | Tag::Aside
                | Tag::Blockquote
                | Tag::Center
                | Tag::Details
                | Tag::Dialog
                | Tag::Div
                | Tag::Dl
                | Tag::Fieldset
                | Tag::Figcaption
                | Tag::Figure
                | Tag::Footer
                | Tag::Form
                | Tag::H1
                | Tag::H2
                | Tag::H3
                | Tag::H4
                | Tag::H5
                | Tag::H6
                | Tag::Header
                | Tag::Hgroup
                | Tag::Hr
                | Tag::Main
                | Tag::Menu
                | Tag::Nav
                | Tag::Ol
                | Tag::P
                | Tag::Pre
                | Tag::Section
                | Tag::Summary
                | Tag::Table
                | Tag::Ul
                | Tag::Li
                | Tag::Dd
                | Tag::Dt
                | Tag::Plaintext
                | Tag::Xmp
        )
    }

    /// Block-level: its boundaries break lines in the visible text.
    pub fn is_block(self) -> bool {
        self.closes_p()
            || matches!(
                self,
                Tag::Tr
                    | Tag::Td
                    | Tag::Th
                    | Tag::Tbody
                    | Tag::Thead
                    | Tag::Tfoot
                    | Tag::Caption
                    | Tag::Br
                    | Tag::Body
                    | Tag::Html
                    | Tag::Option
                    | Tag::Select
                    | Tag::Legend
                    | Tag::Root
            )
    }

    pub fn heading_level(self) -> Option<u8> {
        match self {
            Tag::H1 => Some(1),
            Tag::H2 => Some(2),
            Tag::H3 => Some(3),
            Tag::H4 => Some(4),
            Tag::H5 => Some(5),
            Tag::H6 => Some(6),
            _ => None,
        }
    }

    /// Elements that bound the search for an open element to close implicitly.
    fn is_scope_boundary(self) -> bool {
        matches!(
            self,
            Tag::Table
                | Tag::Td
                | Tag::Th
                | Tag::Caption
                | Tag::Html
                | Tag::Template
                | Tag::Object
                | Tag::Svg
                | Tag::Math
                | Tag::Root
        )
    }
}

/// One attribute: name lowercased, value with entities decoded.
#[derive(Debug, Clone)]
pub struct Attr<'a> {
    pub name: Cow<'a, str>,
    pub value: Cow<'a, str>,
}

/// A node of the arena: an element, or a text run.
#[derive(Debug, Clone)]
pub struct Node<'a> {
    pub tag: Tag,
    pub parent: NodeId,
    pub first_child: NodeId,
    pub last_child: NodeId,
    pub next_sibling: NodeId,
    /// Depth from the root (root = 0).
    pub depth: u16,
    /// Attribute range in [`Dom::attrs`] (elements), unused for text.
    pub attrs: (u32, u32),
    /// Decoded text of a text node (or raw content of `script`/`style`/`title` children).
    pub text: Cow<'a, str>,
}

/// What an out-of-range id resolves to: no parent, no children, no text.
static DETACHED: Node<'static> = Node {
    tag: Tag::Other,
    parent: NONE,
    first_child: NONE,
    last_child: NONE,
    next_sibling: NONE,
    depth: 0,
    attrs: (0, 0),
    text: Cow::Borrowed(""),
};

/// The parsed document: node 0 is a synthetic root.
#[derive(Debug)]
pub struct Dom<'a> {
    pub nodes: Vec<Node<'a>>,
    pub attrs: Vec<Attr<'a>>,
}

impl<'a> Dom<'a> {
    pub fn node(&self, id: NodeId) -> &Node<'a> {
        // Ids come from the arena itself; an out-of-range id reads as a detached empty node.
        self.nodes.get(id as usize).unwrap_or(&DETACHED)
    }

    pub fn attrs(&self, id: NodeId) -> &[Attr<'a>] {
        let (s, e) = self.node(id).attrs;
        self.attrs.get(s as usize..e as usize).unwrap_or(&[])
    }

    pub fn attr(&self, id: NodeId, name: &str) -> Option<&str> {
        self.attrs(id)
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.value.as_ref())
    }

    pub fn children(&self, id: NodeId) -> Children<'_, 'a> {
        Children {
            dom: self,
            next: self.node(id).first_child,
        }
    }

    /// Node ids of the subtree rooted at `id`, `id` included, in document order.
    pub fn subtree_end(&self, id: NodeId) -> NodeId {
        // Nodes are allocated in document order, so a subtree is a contiguous id range
        // ending before the next sibling of the nearest ancestor-or-self that has one.
        let mut cur = id;
        loop {
            let n = self.node(cur);
            if n.next_sibling != NONE {
                return n.next_sibling;
            }
            if n.parent == NONE {
                return self.nodes.len() as NodeId;
            }
            cur = n.parent;
        }
    }

    /// Concatenated text of a subtree, whitespace collapsed, blocks separated by spaces.
    pub fn text_of(&self, id: NodeId) -> String {
        let mut out = String::new();
        let end = self.subtree_end(id);
        for i in id..end {
            let n = self.node(i);
            if n.tag == Tag::Text {
                if let Some(p) = self.nodes.get(n.parent as usize) {
                    if matches!(
                        p.tag,
                        Tag::Script | Tag::Style | Tag::Noscript | Tag::Template
                    ) {
                        continue;
                    }
                }
                push_collapsed(&mut out, &n.text);
            } else if n.tag.is_block() {
                push_space(&mut out);
            }
        }
        let trimmed = out.trim_end();
        trimmed.to_string()
    }
}

/// Append `s` with runs of whitespace collapsed to one space (no leading space on empty),
/// soft hyphens and bidirectional controls dropped. This is the text normalisation every
/// extracted string goes through (titles, authors, body, tags, metadata, JSON-LD).
pub fn push_collapsed(out: &mut String, s: &str) {
    for c in s.chars() {
        if c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}' {
            push_space(out);
        } else if c != '\u{ad}' && !is_bidi_control(c) {
            out.push(c);
        }
    }
}

/// Bidirectional formatting characters: embeddings and overrides (U+202A-U+202E),
/// isolates (U+2066-U+2069) and the marks (U+200E/F, U+061C). Russian news text never
/// needs them, and an override in a headline or a byline makes it display as something
/// else than it says ("Trojan Source" spoofing), so they are removed.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}'
    )
}

fn push_space(out: &mut String) {
    if !out.is_empty() && !out.ends_with(' ') {
        out.push(' ');
    }
}

pub struct Children<'d, 'a> {
    dom: &'d Dom<'a>,
    next: NodeId,
}

impl Iterator for Children<'_, '_> {
    type Item = NodeId;
    fn next(&mut self) -> Option<NodeId> {
        if self.next == NONE {
            return None;
        }
        let cur = self.next;
        self.next = self.dom.node(cur).next_sibling;
        Some(cur)
    }
}

struct Builder<'a> {
    dom: Dom<'a>,
    /// Open elements, innermost last (root at index 0).
    stack: Vec<NodeId>,
    /// Whether html / head / body were already opened (each is opened once).
    seen_html: bool,
    seen_head: bool,
    seen_body: bool,
}

impl<'a> Builder<'a> {
    fn append(&mut self, tag: Tag, attrs: (u32, u32), text: Cow<'a, str>) -> NodeId {
        let parent = self.stack.last().copied().unwrap_or(0);
        let id = self.dom.nodes.len() as NodeId;
        let depth = self
            .dom
            .nodes
            .get(parent as usize)
            .map_or(0, |p| p.depth.saturating_add(1));
        self.dom.nodes.push(Node {
            tag,
            parent,
            first_child: NONE,
            last_child: NONE,
            next_sibling: NONE,
            depth,
            attrs,
            text,
        });
        if let Some(p) = self.dom.nodes.get_mut(parent as usize) {
            let last = p.last_child;
            p.last_child = id;
            if last == NONE {
                p.first_child = id;
            } else if let Some(l) = self.dom.nodes.get_mut(last as usize) {
                l.next_sibling = id;
            }
        }
        id
    }

    fn current_tag(&self) -> Tag {
        self.stack
            .last()
            .and_then(|&id| self.dom.nodes.get(id as usize))
            .map_or(Tag::Root, |n| n.tag)
    }

    fn text(&mut self, text: Cow<'a, str>) {
        if text.is_empty() {
            return;
        }
        // Merge with a preceding text sibling (split by comments or entities elsewhere).
        let parent = self.stack.last().copied().unwrap_or(0);
        if let Some(last) = self.dom.nodes.get(parent as usize).map(|p| p.last_child) {
            if let Some(n) = self.dom.nodes.get_mut(last as usize) {
                if n.tag == Tag::Text {
                    n.text.to_mut().push_str(&text);
                    return;
                }
            }
        }
        self.append(Tag::Text, (0, 0), text);
    }

    /// Position in the stack of the innermost open `tag`, not looking past a scope boundary
    /// (or any of `also_stop`).
    fn find_in_scope(&self, tag: Tag, also_stop: &[Tag]) -> Option<usize> {
        for (i, &id) in self.stack.iter().enumerate().rev() {
            let t = self.dom.nodes.get(id as usize).map_or(Tag::Root, |n| n.tag);
            if t == tag {
                return Some(i);
            }
            if t.is_scope_boundary() || also_stop.contains(&t) {
                return None;
            }
        }
        None
    }

    fn close_at(&mut self, pos: usize) {
        if pos >= 1 {
            self.stack.truncate(pos);
        }
    }

    fn close_if_open(&mut self, tag: Tag, also_stop: &[Tag]) {
        if let Some(pos) = self.find_in_scope(tag, also_stop) {
            self.close_at(pos);
        }
    }

    /// Close an open td/th of the current row (cells are scope boundaries themselves).
    fn close_cell(&mut self) {
        for (i, &id) in self.stack.iter().enumerate().rev() {
            let t = self.dom.nodes.get(id as usize).map_or(Tag::Root, |n| n.tag);
            if t == Tag::Td || t == Tag::Th {
                self.close_at(i);
                break;
            }
            if matches!(t, Tag::Tr | Tag::Table | Tag::Root) {
                break;
            }
        }
    }

    fn start_tag(&mut self, tag: Tag, attrs: (u32, u32), self_closing: bool) {
        match tag {
            Tag::Html | Tag::Body | Tag::Head => {
                // Repeated html/body/head tags (or ones after content) only merge attributes
                // in browsers; opening them again would nest the page in itself.
                let seen = match tag {
                    Tag::Html => &mut self.seen_html,
                    Tag::Head => &mut self.seen_head,
                    _ => &mut self.seen_body,
                };
                if std::mem::replace(seen, true) {
                    return;
                }
                if tag == Tag::Body {
                    self.close_if_open(Tag::Head, &[]);
                }
            }
            Tag::Li => self.close_if_open(Tag::Li, &[Tag::Ul, Tag::Ol, Tag::Menu]),
            Tag::Dt | Tag::Dd => {
                self.close_if_open(Tag::Dt, &[Tag::Dl]);
                self.close_if_open(Tag::Dd, &[Tag::Dl]);
            }
            Tag::Tr => {
                self.close_cell();
                self.close_if_open(Tag::Tr, &[Tag::Tbody, Tag::Thead, Tag::Tfoot]);
            }
            Tag::Td | Tag::Th => self.close_cell(),
            Tag::Tbody | Tag::Thead | Tag::Tfoot => {
                self.close_cell();
                self.close_if_open(Tag::Tr, &[]);
                for (i, &id) in self.stack.iter().enumerate().rev() {
                    let t = self.dom.nodes.get(id as usize).map_or(Tag::Root, |n| n.tag);
                    if matches!(t, Tag::Tbody | Tag::Thead | Tag::Tfoot) {
                        self.close_at(i);
                        break;
                    }
                    if matches!(t, Tag::Table | Tag::Root) {
                        break;
                    }
                }
            }
            Tag::Option | Tag::Optgroup if self.current_tag() == Tag::Option => {
                self.stack.pop();
            }
            Tag::A => self.close_if_open(Tag::A, &[]),
            _ => {}
        }
        if tag.closes_p() {
            // A <p> is closed within "button scope": a button stops the search too.
            self.close_if_open(Tag::P, &[Tag::Button]);
        }
        if tag.heading_level().is_some() && self.current_tag().heading_level().is_some() {
            self.stack.pop();
        }
        let id = self.append(tag, attrs, Cow::Borrowed(""));
        if !tag.is_void() && !self_closing && self.stack.len() < MAX_DEPTH {
            self.stack.push(id);
        }
    }

    fn end_tag(&mut self, tag: Tag, name: &[u8]) {
        match tag {
            Tag::Html | Tag::Body => return,
            Tag::Br => {
                self.append(Tag::Br, (0, 0), Cow::Borrowed(""));
                return;
            }
            _ => {}
        }
        for (i, &id) in self.stack.iter().enumerate().rev() {
            let n = match self.dom.nodes.get(id as usize) {
                Some(n) => n,
                None => break,
            };
            if n.tag == tag && (tag != Tag::Other || self.other_name_matches(id, name)) {
                self.close_at(i);
                return;
            }
            // An end tag never closes past a table cell or similar boundary it is not in.
            if n.tag.is_scope_boundary() && tag != Tag::Table {
                return;
            }
        }
    }

    fn other_name_matches(&self, id: NodeId, name: &[u8]) -> bool {
        // Unknown elements keep their name as the pseudo-attribute "\0tag".
        let (s, e) = self.dom.nodes.get(id as usize).map_or((0, 0), |n| n.attrs);
        self.dom
            .attrs
            .get(s as usize..e as usize)
            .and_then(|a| a.iter().find(|a| a.name == "\0tag"))
            .is_some_and(|a| a.value.as_bytes().eq_ignore_ascii_case(name))
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

fn lower<'a>(s: &'a str) -> Cow<'a, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(s.to_ascii_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

/// Find `</name` (ASCII case-insensitive) at or after `from`; returns its start.
fn find_end_tag(bytes: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut pos = from;
    while pos < bytes.len() {
        let rel = memchr(b'<', bytes.get(pos..)?)?;
        let at = pos + rel;
        let after = at + 2 + name.len();
        if bytes.get(at + 1) == Some(&b'/')
            && bytes
                .get(at + 2..after)
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
            && bytes
                .get(after)
                .is_none_or(|&b| is_space(b) || b == b'>' || b == b'/')
        {
            return Some(at);
        }
        pos = at + 1;
    }
    None
}

/// Parse a whole document. Never fails: any byte sequence yields some tree.
pub fn parse(src: &str) -> Dom<'_> {
    let bytes = src.as_bytes();
    let mut b = Builder {
        dom: Dom {
            nodes: Vec::with_capacity(src.len() / 40 + 16),
            attrs: Vec::with_capacity(src.len() / 80 + 16),
        },
        stack: Vec::with_capacity(64),
        seen_html: false,
        seen_head: false,
        seen_body: false,
    };
    b.dom.nodes.push(Node {
        tag: Tag::Root,
        parent: NONE,
        first_child: NONE,
        last_child: NONE,
        next_sibling: NONE,
        depth: 0,
        attrs: (0, 0),
        text: Cow::Borrowed(""),
    });
    b.stack.push(0);

    let mut pos = 0usize;
    let len = bytes.len();
    while pos < len && b.dom.nodes.len() < MAX_NODES {
        let rel = match bytes.get(pos..).and_then(|r| memchr(b'<', r)) {
            Some(r) => r,
            None => {
                b.text(decode_entities(slice(src, pos, len)));
                break;
            }
        };
        let lt = pos + rel;
        if lt > pos {
            b.text(decode_entities(slice(src, pos, lt)));
        }
        let next = bytes.get(lt + 1).copied();
        match next {
            Some(b'!') => {
                if bytes.get(lt + 2..lt + 4) == Some(b"--") {
                    pos = match memchr::memmem::find(bytes.get(lt + 4..).unwrap_or(&[]), b"-->") {
                        Some(e) => lt + 4 + e + 3,
                        None => len,
                    };
                } else if bytes
                    .get(lt + 2..lt + 9)
                    .is_some_and(|s| s.eq_ignore_ascii_case(b"[CDATA["))
                {
                    let start = lt + 9;
                    let end = memchr::memmem::find(bytes.get(start..).unwrap_or(&[]), b"]]>")
                        .map_or(len, |e| start + e);
                    b.text(Cow::Borrowed(slice(src, start, end)));
                    pos = (end + 3).min(len);
                } else {
                    pos = memchr(b'>', bytes.get(lt..).unwrap_or(&[])).map_or(len, |e| lt + e + 1);
                }
            }
            Some(b'?') => {
                pos = memchr(b'>', bytes.get(lt..).unwrap_or(&[])).map_or(len, |e| lt + e + 1);
            }
            Some(b'/') => {
                let name_start = lt + 2;
                let mut i = name_start;
                if !bytes.get(i).is_some_and(|c| c.is_ascii_alphabetic()) {
                    // "</>" is dropped, "</ 3" is a bogus comment: both skip to '>'.
                    pos = memchr(b'>', bytes.get(lt..).unwrap_or(&[])).map_or(len, |e| lt + e + 1);
                    continue;
                }
                while i < len && !is_space(bytes[i]) && bytes[i] != b'>' && bytes[i] != b'/' {
                    i += 1;
                }
                let name = bytes.get(name_start..i).unwrap_or(&[]);
                let lname = name.to_ascii_lowercase();
                b.end_tag(Tag::from_lower(&lname), name);
                pos = memchr(b'>', bytes.get(i..).unwrap_or(&[])).map_or(len, |e| i + e + 1);
            }
            Some(c) if c.is_ascii_alphabetic() => {
                pos = start_tag(&mut b, src, lt + 1);
            }
            _ => {
                b.text(Cow::Borrowed("<"));
                pos = lt + 1;
            }
        }
    }
    b.dom
}

fn slice(src: &str, start: usize, end: usize) -> &str {
    src.get(start..end).unwrap_or("")
}

/// Parse a start tag whose name begins at `at`; returns the position after it (and after
/// the raw text content for script/style-like elements).
fn start_tag<'a>(b: &mut Builder<'a>, src: &'a str, at: usize) -> usize {
    let bytes = src.as_bytes();
    let len = bytes.len();
    let mut i = at;
    while i < len && !is_space(bytes[i]) && bytes[i] != b'>' && bytes[i] != b'/' {
        i += 1;
    }
    let raw_name = bytes.get(at..i).unwrap_or(&[]);
    let tag = if raw_name.len() <= 12 {
        Tag::from_lower(&raw_name.to_ascii_lowercase())
    } else {
        Tag::Other
    };
    let attr_start = b.dom.attrs.len() as u32;
    if tag == Tag::Other {
        b.dom.attrs.push(Attr {
            name: Cow::Borrowed("\0tag"),
            value: Cow::Borrowed(slice(src, at, i)),
        });
    }
    let mut self_closing = false;
    // Attributes.
    loop {
        while i < len && (is_space(bytes[i]) || bytes[i] == b'/') {
            if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'>') {
                self_closing = true;
            }
            i += 1;
        }
        if i >= len {
            break;
        }
        if bytes[i] == b'>' {
            i += 1;
            break;
        }
        let ns = i;
        i += 1; // the first character may be '=' or a quote, taken into the name.
        while i < len && !is_space(bytes[i]) && !matches!(bytes[i], b'>' | b'/' | b'=') {
            i += 1;
        }
        let name = slice(src, ns, i);
        while i < len && is_space(bytes[i]) {
            i += 1;
        }
        let mut value = "";
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            while i < len && is_space(bytes[i]) {
                i += 1;
            }
            match bytes.get(i) {
                Some(&q) if q == b'"' || q == b'\'' => {
                    let vs = i + 1;
                    let ve = memchr(q, bytes.get(vs..).unwrap_or(&[])).map_or(len, |e| vs + e);
                    value = slice(src, vs, ve);
                    i = (ve + 1).min(len);
                }
                _ => {
                    let vs = i;
                    while i < len && !is_space(bytes[i]) && bytes[i] != b'>' {
                        i += 1;
                    }
                    value = slice(src, vs, i);
                }
            }
        }
        // Keep a bounded number of attributes per element (hostile pages repeat them).
        if (b.dom.attrs.len() as u32 - attr_start) < 64 && !name.is_empty() {
            b.dom.attrs.push(Attr {
                name: lower(name),
                value: decode_entities(value),
            });
        }
    }
    let attr_end = b.dom.attrs.len() as u32;
    b.start_tag(tag, (attr_start, attr_end), self_closing);
    if tag.is_raw_text() && !self_closing {
        let name = raw_name.to_ascii_lowercase();
        let end = find_end_tag(bytes, i, &name).unwrap_or(len);
        let content = slice(src, i, end);
        if !content.is_empty() {
            let text = if matches!(tag, Tag::Title | Tag::Textarea) {
                decode_entities(content)
            } else {
                Cow::Borrowed(content)
            };
            b.text(text);
        }
        // Pop the raw-text element we just opened (if it was pushed).
        if b.current_tag() == tag {
            b.stack.pop();
        }
        if end >= len {
            return len;
        }
        return memchr(b'>', bytes.get(end..).unwrap_or(&[])).map_or(len, |e| end + e + 1);
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags_under(dom: &Dom, id: NodeId) -> Vec<Tag> {
        dom.children(id).map(|c| dom.node(c).tag).collect()
    }

    #[test]
    fn implied_paragraph_and_list_item_ends() {
        let dom = parse("<div><p>one<p>two<ul><li>a<li>b</ul></div>");
        let div = dom.node(0).first_child;
        assert_eq!(dom.node(div).tag, Tag::Div);
        assert_eq!(tags_under(&dom, div), vec![Tag::P, Tag::P, Tag::Ul]);
        let ul = dom.node(div).last_child;
        assert_eq!(tags_under(&dom, ul), vec![Tag::Li, Tag::Li]);
        assert_eq!(dom.text_of(div), "one two a b");
    }

    #[test]
    fn script_content_is_raw_and_entities_decode() {
        let dom = parse("<p>a&amp;b &laquo;c&raquo;<script>if (a<b) x='</p>';</script>d</p>");
        let p = dom.node(0).first_child;
        assert_eq!(dom.text_of(p), "a&b «c»d");
    }

    #[test]
    fn attributes_in_all_quoting_styles() {
        let dom = parse(r#"<a HREF="/x?a=1&amp;b=2" class='c d' data-x=y disabled>t</a>"#);
        let a = dom.node(0).first_child;
        assert_eq!(dom.attr(a, "href"), Some("/x?a=1&b=2"));
        assert_eq!(dom.attr(a, "class"), Some("c d"));
        assert_eq!(dom.attr(a, "data-x"), Some("y"));
        assert_eq!(dom.attr(a, "disabled"), Some(""));
    }

    #[test]
    fn table_cells_close_each_other() {
        let dom = parse("<table><tr><td>a<td>b<tr><td>c</table>");
        let table = dom.node(0).first_child;
        let rows: Vec<_> = dom.children(table).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(tags_under(&dom, rows[0]), vec![Tag::Td, Tag::Td]);
    }

    #[test]
    fn deep_nesting_is_flattened_not_recursed() {
        let html = "<div>".repeat(100_000) + "x";
        let dom = parse(&html);
        assert!(dom.nodes.iter().all(|n| (n.depth as usize) <= MAX_DEPTH));
        assert_eq!(dom.text_of(0), "x");
    }

    #[test]
    fn node_count_is_capped() {
        let html = "<a>".repeat(MAX_NODES + 10);
        let dom = parse(&html);
        assert!(dom.nodes.len() <= MAX_NODES + 2);
    }

    #[test]
    fn stray_and_truncated_markup_does_not_panic() {
        for s in [
            "<",
            "</",
            "<a",
            "<a href=",
            "<a href='x",
            "<!--",
            "<![CDATA[",
            "</3>",
            "<p>a</b>c",
            "<script>",
            "<<<>>>",
            "<a\u{0}b>",
            "</p></p></div>",
            "<table><td>x</tr></td>",
        ] {
            let dom = parse(s);
            let _ = dom.text_of(0);
        }
    }
}
