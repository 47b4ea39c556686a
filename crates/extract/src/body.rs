//! Finding the article body and turning it into [`Block`]s.
//!
//! Three passes over the arena, all linear:
//! 1. bottom-up statistics per element: visible text length, text inside links, and
//!    whether the element is chrome by tag or by class/id name;
//! 2. scoring: every paragraph-like element gives points (length, commas) to its
//!    ancestors, damped by distance, weighted by class/id hints and by link density; the
//!    best-scoring element is the body container (a list, quote, cell or section winner
//!    gives way to an ancestor scoring nearly as well), extended to siblings that score well;
//! 3. output: a walk of the container emitting paragraphs, headings, lists, quotes,
//!    tables, while skipping chrome subtrees (share bars, related/latest/popular lists,
//!    captions, bylines, comments) and boilerplate lines ("Читайте также", "Фото: …").
//!    Inline prose is kept whatever its class; when class names removed three quarters of
//!    the body's readable text, a lenient second walk ignores them and the longer result
//!    wins (the fallback trafilatura makes to a second extractor); when nothing at all
//!    came out, a last lenient pass reads `<body>` (trafilatura's baseline).
//!
//! The signals are general (density, hints in English and Russian transliteration,
//! position) rather than per-site rules.

use crate::boilerplate::is_boilerplate_line;
use crate::dom::{Dom, NodeId, Tag, NONE};
use khronika_model::Block;

/// Per-element statistics from the bottom-up pass.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stats {
    /// Visible non-whitespace characters in the subtree.
    pub text: u32,
    /// Of those, characters inside links.
    pub link: u32,
    /// Commas and sentence ends in the subtree (a proxy for prose).
    pub punct: u32,
    /// The element (or an ancestor) is never content: script, nav, form, ...
    pub skip: bool,
    /// Class/id hint weight of the element itself (-1 chrome, +1 content, 0 none).
    pub hint: i8,
    /// The element or an ancestor is named as comments, sidebar, footer, related, ... :
    /// whatever scores there is not the article.
    pub in_chrome: bool,
}

/// Tags whose subtree is never article text.
fn skip_tag(tag: Tag) -> bool {
    matches!(
        tag,
        Tag::Script
            | Tag::Style
            | Tag::Noscript
            | Tag::Template
            | Tag::Svg
            | Tag::Math
            | Tag::Canvas
            | Tag::Iframe
            | Tag::Object
            | Tag::Embed
            | Tag::Button
            | Tag::Select
            | Tag::Input
            | Tag::Textarea
            | Tag::Nav
            | Tag::Head
            | Tag::Title
            | Tag::Audio
            | Tag::Video
            | Tag::Dialog
            | Tag::Noembed
            | Tag::Noframes
            | Tag::Label
            | Tag::Menu
    )
}

/// Class/id tokens that mark chrome (exact match; short or ambiguous words).
fn neg_exact(t: &[u8]) -> bool {
    matches!(
        t,
        b"about"
            | b"ad"
            | b"ads"
            | b"adv"
            | b"advt"
            | b"also"
            | b"aside"
            | b"bio"
            | b"card"
            | b"cards"
            | b"contact"
            | b"date"
            | b"dek"
            | b"disqus"
            | b"embed"
            | b"extra"
            | b"feed"
            | b"figure"
            | b"fixed"
            | b"gallery"
            | b"head"
            | b"header"
            | b"hidden"
            | b"hide"
            | b"image"
            | b"img"
            | b"info"
            | b"inline"
            | b"kicker"
            | b"latest"
            | b"links"
            | b"list"
            | b"media"
            | b"menu"
            | b"meta"
            | b"more"
            | b"nav"
            | b"next"
            | b"note"
            | b"other"
            | b"photo"
            | b"prev"
            | b"rambler"
            | b"similar"
            | b"source"
            | b"sticky"
            | b"subtitle"
            | b"tag"
            | b"tags"
            | b"time"
            | b"tools"
            | b"top"
            | b"topics"
            | b"video"
            | b"views"
    )
}

/// Class/id tokens that mark chrome (prefix match).
fn neg_prefix(t: &[u8]) -> bool {
    let cands: &[&[u8]] = match t.first() {
        Some(c) => match c {
            b'a' => &[
                b"adfox",
                b"adriver",
                b"advert",
                b"announce",
                b"aside",
                b"author",
            ],
            b'b' => &[b"banner", b"below", b"bottom", b"breadcrumb", b"byline"],
            b'c' => &[
                b"caption",
                b"comment",
                b"complain",
                b"cookie",
                b"copyright",
                b"counter",
                b"credit",
            ],
            b'd' => &[b"dateline", b"disclaimer", b"donate"],
            b'e' => &[b"enlarge", b"error"],
            b'f' => &[b"feedback", b"footer"],
            b'h' => &[b"hashtag"],
            b'i' => &[b"infobox", b"injected"],
            b'l' => &[b"lenta", b"likes", b"login"],
            b'm' => &[b"masthead", b"modal", b"mostread"],
            b'n' => &[b"navbar", b"navigation", b"newsletter"],
            b'o' => &[b"outbrain"],
            b'p' => &[
                b"pager",
                b"pagination",
                b"paywall",
                b"photosource",
                b"poll",
                b"popular",
                b"popup",
                b"print",
                b"promo",
                b"publish",
            ],
            b'r' => &[
                b"rating",
                b"readalso",
                b"readmore",
                b"recommend",
                b"related",
                b"rubric",
            ],
            b's' => &[
                b"seealso",
                b"share",
                b"sharing",
                b"sidebar",
                b"signup",
                b"social",
                b"sponsor",
                b"subscri",
                b"subscription",
                b"survey",
            ],
            b't' => &[
                b"taboola",
                b"teaser",
                b"telegram",
                b"tgchannel",
                b"timestamp",
                b"toolbar",
                b"trending",
            ],
            b'w' => &[b"widget"],
            b'y' => &[b"yandex"],
            _ => &[],
        },
        None => &[],
    };
    cands.iter().any(|p| t.starts_with(p))
}

/// Class/id tokens that mark article text.
fn pos_exact(t: &[u8]) -> bool {
    matches!(
        t,
        b"article"
            | b"articlebody"
            | b"blog"
            | b"body"
            | b"content"
            | b"detail"
            | b"entry"
            | b"full"
            | b"hentry"
            | b"main"
            | b"material"
            | b"news"
            | b"page"
            | b"post"
            | b"prose"
            | b"publication"
            | b"rich"
            | b"single"
            | b"statya"
            | b"story"
            | b"text"
            | b"txt"
            // camelCase names arrive as one lowercased token
            | b"articletext"
            | b"articlecontent"
            | b"newstext"
            | b"newsbody"
            | b"newscontent"
            | b"newsdetail"
            | b"postbody"
            | b"posttext"
            | b"postcontent"
            | b"entrycontent"
            | b"entrytext"
            | b"storybody"
            | b"storytext"
            | b"storycontent"
            | b"maintext"
            | b"fulltext"
            | b"fullstory"
            | b"detailtext"
            | b"textbody"
            | b"bodytext"
            | b"contentbody"
            | b"contenttext"
            | b"mainarticle"
    )
}

/// Names that mark a whole region as not-the-article (comments, sidebars, footers).
fn strong_prefix(t: &[u8]) -> bool {
    let cands: &[&[u8]] = match t.first() {
        Some(c) => match c {
            b'b' => &[b"breadcrumb"],
            b'c' => &[b"comment", b"cookie"],
            b'd' => &[b"disqus"],
            b'f' => &[b"footer"],
            b'm' => &[b"mostread"],
            b'n' => &[b"newsletter"],
            b'o' => &[b"outbrain"],
            b'p' => &[b"popular"],
            b'r' => &[b"recommend", b"related"],
            b's' => &[b"sidebar"],
            b't' => &[b"taboola", b"trending"],
            _ => &[],
        },
        None => &[],
    };
    cands.iter().any(|p| t.starts_with(p))
}

/// Class/id words, split on anything not alphanumeric and at camelCase humps
/// ("imageEmbedCaption" → image, embed, caption); no allocation, callers compare
/// case-insensitively.
fn tokens(s: &str) -> impl Iterator<Item = &str> + '_ {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .flat_map(CamelParts::new)
        .filter(|t| !t.is_empty() && t.len() <= 40)
}

/// Splits an ASCII word before each uppercase letter that follows a lowercase one.
struct CamelParts<'a> {
    rest: &'a str,
}

impl<'a> CamelParts<'a> {
    fn new(word: &'a str) -> Self {
        CamelParts { rest: word }
    }
}

impl<'a> Iterator for CamelParts<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        if self.rest.is_empty() {
            return None;
        }
        let b = self.rest.as_bytes();
        let cut = (1..b.len())
            .find(|&i| b[i].is_ascii_uppercase() && b[i - 1].is_ascii_lowercase())
            .unwrap_or(b.len());
        let (head, tail) = self.rest.split_at(cut);
        self.rest = tail;
        Some(head)
    }
}

/// Lowercase a class token into `buf` (tokens are ASCII alphanumeric, at most 40 bytes).
fn lower_token<'b>(t: &str, buf: &'b mut [u8; 40]) -> &'b [u8] {
    let n = t.len().min(40);
    for (d, s) in buf.iter_mut().zip(t.as_bytes()) {
        *d = s.to_ascii_lowercase();
    }
    buf.get(..n).unwrap_or(&[])
}

/// One pass over an element's attributes: (hint, strongly negative, hidden).
fn classify(dom: &Dom, id: NodeId) -> (i8, bool, bool) {
    let (mut neg, mut pos, mut strong, mut hidden) = (false, false, false, false);
    for a in dom.attrs(id) {
        let v = a.value.as_ref();
        match a.name.as_ref() {
            "class" | "id" => {
                let mut buf = [0u8; 40];
                for t in tokens(v) {
                    let t = lower_token(t, &mut buf);
                    if neg_exact(t) || neg_prefix(t) {
                        neg = true;
                        strong |= strong_prefix(t);
                    } else if pos_exact(t) {
                        pos = true;
                    }
                }
            }
            "itemprop" => pos |= v.contains("articleBody") || v.contains("text"),
            "role" => {
                neg |= matches!(
                    v,
                    "navigation" | "complementary" | "banner" | "contentinfo" | "menu" | "dialog"
                )
            }
            "hidden" => hidden = true,
            "aria-hidden" => hidden |= v == "true",
            "style" => {
                let s: String = v
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect::<String>()
                    .to_ascii_lowercase();
                hidden |= s.contains("display:none") || s.contains("visibility:hidden");
            }
            _ => {}
        }
    }
    let hint = match (neg, pos) {
        (true, _) => -1,
        (false, true) => 1,
        _ => 0,
    };
    (hint, strong, hidden)
}

/// -1 chrome, +1 content, 0 neutral, from class and id.
#[cfg(test)]
fn hint(dom: &Dom, id: NodeId) -> i8 {
    classify(dom, id).0
}

/// Bottom-up pass: text and link lengths per element, chrome flags.
pub fn stats(dom: &Dom) -> Vec<Stats> {
    let n = dom.nodes.len();
    let mut st = vec![Stats::default(); n];
    // Top-down first: `skip` is inherited (document order visits parents first).
    for i in 0..n {
        let node = dom.node(i as NodeId);
        let parent_skip = st.get(node.parent as usize).is_some_and(|p| p.skip);
        let own = node.tag != Tag::Text && skip_tag(node.tag);
        let (hint, strong, hidden) = if node.tag == Tag::Text || node.tag == Tag::Root {
            (0, false, false)
        } else {
            classify(dom, i as NodeId)
        };
        let parent_chrome = st.get(node.parent as usize).is_some_and(|p| p.in_chrome);
        if let Some(s) = st.get_mut(i) {
            s.skip = parent_skip || own || hidden;
            s.hint = hint;
            s.in_chrome = parent_chrome || strong || matches!(node.tag, Tag::Footer | Tag::Aside);
        }
    }
    // Bottom-up sums (children have larger ids than parents).
    for i in (0..n).rev() {
        let node = dom.node(i as NodeId);
        let Some(&s) = st.get(i) else { continue };
        if s.skip {
            continue;
        }
        let (mut text, mut link, mut punct) = (s.text, s.link, s.punct);
        if node.tag == Tag::Text {
            // Byte-level: a character starts at every non-continuation byte; ASCII
            // whitespace is not text; `»` (C2 BB) counts with the ASCII punctuation.
            let mut prev = 0u8;
            for &b in node.text.as_bytes() {
                if b & 0xC0 != 0x80 && !b.is_ascii_whitespace() {
                    text += 1;
                }
                if matches!(b, b',' | b'.' | b'!' | b'?' | b';' | b'"')
                    || (b == 0xBB && prev == 0xC2)
                    || (matches!(b, 0x9C | 0x9D | 0xA6) && prev == 0x80)
                {
                    punct += 1;
                }
                // A no-break space (C2 A0) is whitespace: take back its lead byte.
                if b == 0xA0 && prev == 0xC2 {
                    text = text.saturating_sub(1);
                }
                prev = b;
            }
        } else if node.tag == Tag::A {
            link = text;
        }
        if let Some(me) = st.get_mut(i) {
            me.text = text;
            me.link = link;
            me.punct = punct;
        }
        if let Some(p) = st.get_mut(node.parent as usize) {
            p.text += text;
            p.link += link;
            p.punct += punct;
        }
    }
    st
}

/// Running text rather than chrome: long enough for a paragraph (captions, bylines,
/// bios and calls to action are shorter), sentences (a full stop or comma every 150
/// characters at least), and few links.
fn is_prose(s: &Stats) -> bool {
    s.text >= PROSE_MIN_CHARS && s.punct * 150 >= s.text && link_density(s) < 0.2
}

/// Shortest text taken for prose inside a chrome-named element; image captions and author
/// lines on the dev pages stay under it.
const PROSE_MIN_CHARS: u32 = 200;

fn link_density(s: &Stats) -> f32 {
    if s.text == 0 {
        0.0
    } else {
        s.link as f32 / s.text as f32
    }
}

/// Whether an element holds text directly (not only through block children).
fn direct_text_len(dom: &Dom, st: &[Stats], id: NodeId) -> usize {
    dom.children(id)
        .filter(|&c| {
            let t = dom.node(c).tag;
            t == Tag::Text || (!t.is_block() && !skip_tag(t))
        })
        .map(|c| st.get(c as usize).map_or(0, |s| s.text as usize))
        .sum()
}

/// The chosen body: its container and extra sibling roots, in document order.
#[derive(Debug, Default)]
pub struct BodyChoice {
    pub roots: Vec<NodeId>,
}

fn base_score(tag: Tag) -> f32 {
    match tag {
        Tag::Div | Tag::Article | Tag::Section | Tag::Main => 5.0,
        Tag::Pre | Tag::Td | Tag::Blockquote => 3.0,
        Tag::Address | Tag::Ol | Tag::Ul | Tag::Dl | Tag::Dd | Tag::Dt | Tag::Li | Tag::Form => {
            -3.0
        }
        Tag::H1 | Tag::H2 | Tag::H3 | Tag::H4 | Tag::H5 | Tag::H6 | Tag::Th => -5.0,
        _ => 0.0,
    }
}

/// How far up the alternative-ancestor check looks, and the share of the winner's score an
/// ancestor needs to take its place.
const ALT_LEVELS: usize = 3;
const ALT_SHARE: f32 = 0.5;

/// Pick the body container by paragraph scoring.
pub fn choose(dom: &Dom, st: &[Stats], preferred: &[NodeId]) -> BodyChoice {
    let n = dom.nodes.len();
    let mut score = vec![f32::NAN; n];
    let get = |i: NodeId| st.get(i as usize).copied().unwrap_or_default();
    for i in 0..n as NodeId {
        let node = dom.node(i);
        let s = get(i);
        if s.skip || s.text < 25 {
            continue;
        }
        let para = match node.tag {
            Tag::P | Tag::Pre | Tag::Blockquote => true,
            Tag::Div | Tag::Section | Tag::Td | Tag::Article | Tag::Font | Tag::Span | Tag::Li => {
                direct_text_len(dom, st, i) >= 40
            }
            _ => false,
        };
        if !para {
            continue;
        }
        let ld = link_density(&s);
        if ld > 0.5 {
            continue;
        }
        let mut add = 1.0 + s.punct.min(30) as f32 + (s.text as f32 / 100.0).min(3.0);
        if s.hint < 0 {
            add *= 0.3;
        }
        // A div holding text directly is its own paragraph container (level 0).
        let mut anc = if node.tag == Tag::P
            || node.tag == Tag::Pre
            || node.tag == Tag::Blockquote
            || node.tag == Tag::Li
        {
            node.parent
        } else {
            i
        };
        let mut level = 0;
        while anc != NONE && level < 5 {
            let a = anc as usize;
            if get(anc).skip || matches!(dom.node(anc).tag, Tag::Footer | Tag::Aside) {
                break;
            }
            if let Some(sc) = score.get_mut(a) {
                if sc.is_nan() {
                    *sc = base_score(dom.node(anc).tag) + 25.0 * get(anc).hint as f32;
                }
                let div = match level {
                    0 => 1.0,
                    1 => 2.0,
                    l => l as f32 * 3.0,
                };
                *sc += add / div;
            }
            anc = dom.node(anc).parent;
            level += 1;
        }
    }
    let mut best = NONE;
    let mut best_score = f32::MIN;
    let adjusted = |i: NodeId| -> f32 {
        let sc = score.get(i as usize).copied().unwrap_or(f32::NAN);
        let s = get(i);
        let mut adj = sc * (1.0 - link_density(&s));
        if s.hint < 0 {
            adj *= 0.5;
        }
        if s.in_chrome {
            adj *= 0.2;
        }
        adj
    };
    for i in 0..n as NodeId {
        let adj = adjusted(i);
        if !adj.is_nan() && adj > best_score {
            best_score = adj;
            best = i;
        }
    }
    // A strong alternative: an ancestor a few levels up that scores nearly as well as the
    // winner and holds more text at a low link density is the article, the winner one
    // fragment of it (a long bulleted passage, one sub-section). Readability.js promotes an
    // ancestor of its top candidate for the same reason; seen on Dragnet blog posts whose
    // longest passage is a list and on CleanEval essays split in sections.
    // Only a winner that is a fragment by its tag (a list, a quote, a table cell, a
    // section) is replaced: an `article` or a plain `div` winner is the whole text as often
    // as its parent is the text plus its comment thread.
    let fragment = best != NONE
        && matches!(
            dom.node(best).tag,
            Tag::Ul | Tag::Ol | Tag::Blockquote | Tag::Td | Tag::Section | Tag::Pre | Tag::Dl
        );
    if fragment {
        let mut cur = dom.node(best).parent;
        for _ in 0..ALT_LEVELS {
            if cur == NONE || matches!(dom.node(cur).tag, Tag::Body | Tag::Html | Tag::Root) {
                break;
            }
            let s = get(cur);
            let adj = adjusted(cur);
            if s.skip || s.in_chrome {
                break;
            }
            if !adj.is_nan()
                && adj >= ALT_SHARE * best_score
                && s.hint >= 0
                && link_density(&s) < 0.25
            {
                best = cur;
            }
            cur = dom.node(cur).parent;
        }
    }
    // An itemprop=articleBody container that holds most of the winner's text wins.
    for &p in preferred {
        let ps = get(p);
        if ps.skip || ps.text < 100 {
            continue;
        }
        if best == NONE
            || is_ancestor(dom, p, best)
            || ps.text as f32 >= 0.6 * get(best).text as f32
        {
            best = p;
            break;
        }
    }
    if best == NONE {
        return BodyChoice::default();
    }
    // Climb while the parent holds nearly the same text (the winner is a bare wrapper).
    let mut top = best;
    loop {
        let p = dom.node(top).parent;
        if p == NONE || p == 0 {
            break;
        }
        let ps = get(p);
        if ps.skip || dom.node(p).tag == Tag::Body {
            break;
        }
        if (ps.text as f32) <= get(top).text as f32 * 1.08 && ps.hint >= 0 {
            top = p;
        } else {
            break;
        }
    }
    // Siblings that score close to the winner belong with it (split article bodies).
    let mut roots = Vec::new();
    let parent = dom.node(top).parent;
    let threshold = (best_score * 0.2).max(10.0);
    if parent != NONE {
        for sib in dom.children(parent) {
            if sib == top {
                roots.push(sib);
                continue;
            }
            let s = get(sib);
            if s.skip || s.hint < 0 || s.text == 0 {
                continue;
            }
            let sc = score.get(sib as usize).copied().unwrap_or(f32::NAN);
            let ld = link_density(&s);
            let same_class = dom.attr(sib, "class").is_some()
                && dom.attr(sib, "class") == dom.attr(top, "class");
            let bar = if same_class {
                threshold * 0.5
            } else {
                threshold
            };
            // A same-class sibling is the next chunk of a split body even when it was too
            // far above its paragraphs to be scored.
            let chunk =
                same_class && !s.in_chrome && ld < 0.3 && s.text * 5 >= get(top).text.min(2500);
            let ok = chunk
                || (!sc.is_nan() && sc * (1.0 - ld) >= bar && !s.in_chrome && ld < 0.4)
                || (dom.node(sib).tag == Tag::P && ld < 0.25 && s.text > 80);
            if ok {
                roots.push(sib);
            }
        }
    } else {
        roots.push(top);
    }
    BodyChoice { roots }
}

fn is_ancestor(dom: &Dom, anc: NodeId, mut id: NodeId) -> bool {
    while id != NONE {
        if id == anc {
            return true;
        }
        id = dom.node(id).parent;
    }
    false
}

/// Emits blocks for the chosen roots.
struct Emitter<'d, 'a> {
    dom: &'d Dom<'a>,
    st: &'d [Stats],
    blocks: Vec<Block>,
    cur: String,
    /// Readable text characters of the chosen body (comment threads, related lists and
    /// other strongly named regions inside it left out); a chrome-named element holding
    /// half of it is the article itself with an unlucky class name.
    body_text: u32,
    exclude: NodeId,
    /// Second pass after the first found (almost) nothing: class names no longer drop an
    /// element, only tags, strong region names, link density and teaser shapes do.
    lenient: bool,
}

impl Emitter<'_, '_> {
    fn st(&self, id: NodeId) -> Stats {
        self.st.get(id as usize).copied().unwrap_or_default()
    }

    fn flush(&mut self) {
        let t = self.cur.trim().to_string();
        self.cur.clear();
        if t.is_empty() || is_boilerplate_line(&t) {
            return;
        }
        self.blocks.push(Block::Paragraph { text: t });
    }

    fn is_chrome(&self, id: NodeId) -> bool {
        let node = self.dom.node(id);
        let s = self.st(id);
        if s.skip || id == self.exclude {
            return true;
        }
        // Half counts: WSJ prints a story block twice, once class-hidden for a script to
        // choose (Dragnet), so each copy is exactly half.
        let big = s.text as f32 >= 0.5 * self.body_text as f32;
        if matches!(node.tag, Tag::Aside | Tag::Footer | Tag::Figcaption)
            || (matches!(node.tag, Tag::Form | Tag::Header | Tag::Nav) && !big)
        {
            return true;
        }
        if node.tag == Tag::H1 {
            return true; // the headline is the title, not body
        }
        // Links inside text keep their words whatever their class ("tag" links to topics).
        // Prose keeps its words whatever its class too: Blogger posts pasted from Google Docs
        // sit in `<b id="internal-source-marker…">`, WSJ stories in "artSnippetTop" blocks,
        // photo-blog paragraphs in "image-meta" wrappers (Dragnet), CleanEval blog entries in
        // "info"/"note" boxes. Comments, sidebars, related lists are named strongly
        // (`in_chrome`) and stay out however much they read like prose.
        // Only inline prose: an inline element (`b`, `span`, `font`) is never a page region,
        // so prose there is the article's (captions and credits are shorter than prose). A
        // block of prose under a chrome name may be a donation appeal or an author bio; it
        // is kept only when it is half the body (`big`).
        let prose = is_prose(&s) && !s.in_chrome && !node.tag.is_block();
        let named_only = self.lenient && !s.in_chrome;
        if s.hint < 0 && !big && node.tag != Tag::A && !prose && !named_only {
            return true;
        }
        let ld = link_density(&s);
        let container = matches!(
            node.tag,
            Tag::Div
                | Tag::Ul
                | Tag::Ol
                | Tag::Section
                | Tag::Table
                | Tag::Dl
                | Tag::Header
                | Tag::Article
                | Tag::Li
                | Tag::Figure
        );
        // A list item is judged with its list: one item that is a link inside a list of
        // prose items is part of the text (link-heavy items of newsletters and release
        // notes, Readability and Dragnet), while a list of links fails as a whole.
        let in_prose_list = node.tag == Tag::Li && {
            let parent = self.st(node.parent);
            link_density(&parent) <= 0.45
        };
        if container && !big && ld > 0.45 && s.text > 0 && !in_prose_list {
            return true;
        }
        if container && !big && self.is_teaser_list(id) {
            return true;
        }
        if node.tag == Tag::P && ld > 0.75 && s.text < 300 {
            return true;
        }
        false
    }

    /// A list of headline teasers: most items start with (or are) a link of headline
    /// length, often followed by a snippet or a timestamp. Article lists rarely look so.
    fn is_teaser_list(&self, id: NodeId) -> bool {
        let mut items = 0usize;
        let mut teasers = 0usize;
        for c in self.dom.children(id) {
            let cn = self.dom.node(c);
            if cn.tag == Tag::Text || self.st(c).text == 0 {
                continue;
            }
            items += 1;
            // The first link with a headline-length text inside the item (a thumbnail link
            // with no text often comes first).
            let end = self.dom.subtree_end(c);
            let first_link =
                (c..end).find(|&x| self.dom.node(x).tag == Tag::A && self.st(x).text >= 20);
            if let Some(a) = first_link {
                let at = self.st(a).text;
                if at >= 20 && (cn.tag != Tag::P || at * 2 >= self.st(c).text) {
                    teasers += 1;
                }
            }
        }
        items >= 3 && teasers * 10 >= items * 7
    }

    fn walk(&mut self, id: NodeId, depth: usize) {
        let node = self.dom.node(id);
        if node.tag == Tag::Text {
            crate::dom::push_collapsed(&mut self.cur, &node.text);
            return;
        }
        if self.is_chrome(id) || depth > crate::dom::MAX_DEPTH {
            // Inline chrome (a "Фото:" span) must not glue the words around it.
            if node.tag.is_block() {
                self.flush();
            }
            return;
        }
        match node.tag {
            Tag::H2 | Tag::H3 | Tag::H4 | Tag::H5 | Tag::H6 => {
                self.flush();
                let text = self.inline_text(id);
                if !text.is_empty() && !is_boilerplate_line(&text) {
                    let level = node.tag.heading_level().unwrap_or(2);
                    self.blocks.push(Block::Heading { level, text });
                }
            }
            Tag::Ul | Tag::Ol => {
                self.flush();
                let items: Vec<String> = self
                    .dom
                    .children(id)
                    .filter(|&c| self.dom.node(c).tag == Tag::Li && !self.is_chrome(c))
                    .map(|c| self.inline_text(c))
                    .filter(|t| !t.is_empty() && !is_boilerplate_line(t))
                    .collect();
                if !items.is_empty() {
                    self.blocks.push(Block::List {
                        ordered: node.tag == Tag::Ol,
                        items,
                    });
                }
            }
            Tag::Blockquote => {
                self.flush();
                let before = self.blocks.len();
                for c in self.dom.children(id) {
                    self.walk(c, depth + 1);
                }
                self.flush();
                // A quote is its paragraphs joined; embedded tweets etc. stay paragraphs.
                let paras: Vec<String> = self
                    .blocks
                    .drain(before..)
                    .map(|b| b.plain_text())
                    .collect();
                let text = paras.join("\n");
                if !text.is_empty() {
                    self.blocks.push(Block::Quote { text });
                }
            }
            Tag::Pre => {
                self.flush();
                let text = self.dom.text_of(id);
                if !text.is_empty() {
                    self.blocks.push(Block::Preformatted { text });
                }
            }
            Tag::Table => {
                self.flush();
                let mut rows = Vec::new();
                self.table_rows(id, &mut rows, 0);
                // Layout tables (one cell per row holding paragraphs) are walked as text.
                let cells: usize = rows.iter().map(Vec::len).sum();
                if rows.len() >= 2 && cells > rows.len() {
                    self.blocks.push(Block::Table { rows });
                } else {
                    for c in self.dom.children(id) {
                        self.walk(c, depth + 1);
                    }
                    self.flush();
                }
            }
            Tag::Br => {
                self.flush();
            }
            t => {
                let block = t.is_block();
                if block {
                    self.flush();
                }
                for c in self.dom.children(id) {
                    self.walk(c, depth + 1);
                }
                if block {
                    self.flush();
                } else if matches!(t, Tag::Img | Tag::Wbr) {
                    // nothing
                }
            }
        }
    }

    fn table_rows(&self, id: NodeId, rows: &mut Vec<Vec<String>>, depth: usize) {
        if depth > 4 {
            return;
        }
        for c in self.dom.children(id) {
            match self.dom.node(c).tag {
                Tag::Tr => {
                    let cells: Vec<String> = self
                        .dom
                        .children(c)
                        .filter(|&x| matches!(self.dom.node(x).tag, Tag::Td | Tag::Th))
                        .map(|x| self.inline_text(x))
                        .collect();
                    if cells.iter().any(|x| !x.is_empty()) {
                        rows.push(cells);
                    }
                }
                Tag::Tbody | Tag::Thead | Tag::Tfoot => self.table_rows(c, rows, depth + 1),
                _ => {}
            }
        }
    }

    /// Text of an element with chrome descendants left out, whitespace collapsed.
    fn inline_text(&self, id: NodeId) -> String {
        let mut out = String::new();
        let end = self.dom.subtree_end(id);
        let mut i = id + 1;
        while i < end {
            let n = self.dom.node(i);
            if n.tag == Tag::Text {
                crate::dom::push_collapsed(&mut out, &n.text);
                i += 1;
            } else if self.is_chrome(i) {
                i = self.dom.subtree_end(i);
            } else {
                if n.tag.is_block() {
                    out.push(' ');
                }
                i += 1;
            }
        }
        let mut clean = String::with_capacity(out.len());
        crate::dom::push_collapsed(&mut clean, &out);
        clean.trim().to_string()
    }
}

/// Emit the blocks of the chosen body. `exclude` (the headline) is left out.
pub fn emit(dom: &Dom, st: &[Stats], choice: &BodyChoice, exclude: NodeId) -> Vec<Block> {
    let body_text: u32 = choice
        .roots
        .iter()
        .map(|&r| readable_text(dom, st, r))
        .sum();
    let blocks = emit_pass(dom, st, choice, exclude, body_text, false);
    // Fallback, as trafilatura falls back to a second extractor and keeps the better result:
    // when class names removed most of a body that reads as text, walk it again without them
    // and keep whichever pass found more. Seen on WordPress blogs of Dragnet (every post
    // carries `status-publish`, read as a "published date" name, so the post went and only
    // its comment thread was left) and on CleanEval and ScrapingHub pages whose article
    // wrapper has a chrome word in its class (the bench's regression report lists them).
    let found: u32 = blocks.iter().map(text_chars).sum();
    if found * FALLBACK_SHARE < body_text {
        let second = emit_pass(dom, st, choice, exclude, body_text, true);
        if second.iter().map(text_chars).sum::<u32>() > found {
            return second;
        }
    }
    if blocks.is_empty() {
        return baseline(dom, st, exclude);
    }
    blocks
}

/// Prose characters (outside links) a page needs before the last-resort pass reads it.
const BASELINE_MIN_CHARS: u32 = 200;

/// Last resort when no container gave any text, as trafilatura's baseline reads the whole
/// `<body>`: the lenient walk over the body, so navigation, footers, asides, link lists and
/// teaser lists still stay out. For pages with no paragraph-like element at all (text held
/// by `<br>` lines in a `<td>` or `<font>`, CleanEval pages of the early web) and for pages
/// whose only candidate sat in a chrome region. A page without that much prose outside
/// links stays empty: it has no article.
fn baseline(dom: &Dom, st: &[Stats], exclude: NodeId) -> Vec<Block> {
    let Some(body) = (0..dom.nodes.len() as NodeId).find(|&i| dom.node(i).tag == Tag::Body) else {
        return Vec::new();
    };
    let s = st.get(body as usize).copied().unwrap_or_default();
    if s.text.saturating_sub(s.link) < BASELINE_MIN_CHARS {
        return Vec::new();
    }
    let choice = BodyChoice { roots: vec![body] };
    let body_text = readable_text(dom, st, body);
    emit_pass(dom, st, &choice, exclude, body_text, true)
}

/// The first pass must keep at least 1/`FALLBACK_SHARE` of the body's readable text, or the
/// lenient pass runs.
const FALLBACK_SHARE: u32 = 4;

fn text_chars(b: &Block) -> u32 {
    let n = b
        .plain_text()
        .chars()
        .filter(|c| !c.is_whitespace())
        .count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Text of `root` without the strongly named regions inside it (comments, related lists,
/// sidebars), unless the root itself is one.
fn readable_text(dom: &Dom, st: &[Stats], root: NodeId) -> u32 {
    let get = |i: NodeId| st.get(i as usize).copied().unwrap_or_default();
    let all = get(root);
    if all.in_chrome {
        return all.text;
    }
    let end = dom.subtree_end(root);
    let mut chrome = 0u32;
    let mut i = root + 1;
    while i < end {
        let s = get(i);
        if s.in_chrome {
            chrome = chrome.saturating_add(s.text);
            i = dom.subtree_end(i);
        } else {
            i += 1;
        }
    }
    all.text.saturating_sub(chrome)
}

fn emit_pass(
    dom: &Dom,
    st: &[Stats],
    choice: &BodyChoice,
    exclude: NodeId,
    body_text: u32,
    lenient: bool,
) -> Vec<Block> {
    let mut e = Emitter {
        dom,
        st,
        blocks: Vec::new(),
        cur: String::new(),
        body_text,
        exclude,
        lenient,
    };
    for &r in &choice.roots {
        if st.get(r as usize).is_some_and(|s| s.skip) {
            continue;
        }
        e.walk_root(r);
    }
    e.flush();
    // A heading with nothing after it titles a block we removed ("Comments", "Related").
    while matches!(e.blocks.last(), Some(Block::Heading { .. })) {
        e.blocks.pop();
    }
    e.blocks
}

impl Emitter<'_, '_> {
    fn walk_root(&mut self, r: NodeId) {
        // The root itself is never dropped as chrome: it was chosen as the body.
        let node = self.dom.node(r);
        if node.tag == Tag::Text {
            self.walk(r, 0);
            return;
        }
        if matches!(
            node.tag,
            Tag::P | Tag::Blockquote | Tag::Ul | Tag::Ol | Tag::Table | Tag::Pre
        ) || node.tag.heading_level().is_some()
        {
            self.walk(r, 0);
            return;
        }
        self.flush();
        for c in self.dom.children(r) {
            self.walk(c, 1);
        }
        self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_read_class_tokens() {
        let dom = crate::dom::parse(
            r#"<div class="article__text"></div><div class="b-share-bar"></div><div id="comments"></div><div class="x"></div>"#,
        );
        let ids: Vec<_> = dom.children(0).collect();
        assert_eq!(hint(&dom, ids[0]), 1);
        assert_eq!(hint(&dom, ids[1]), -1);
        assert_eq!(hint(&dom, ids[2]), -1);
        assert_eq!(hint(&dom, ids[3]), 0);
    }

    #[test]
    fn boilerplate_lines() {
        assert!(is_boilerplate_line("Читайте также: Как выбрать депозит"));
        assert!(is_boilerplate_line("Фото: ТАСС / Иван Петров"));
        assert!(is_boilerplate_line("Продолжая тему:"));
        assert!(!is_boilerplate_line(
            "Он подчеркнул, что Кыргызстан действительно желает прекращения конфликта."
        ));
        // Real sentences that merely start like a label stay.
        assert!(!is_boilerplate_line(
            "Реклама в интернете растёт быстрее, чем на телевидении."
        ));
        assert!(!is_boilerplate_line(
            "Subscribers of the service grew by a third."
        ));
        assert!(!is_boilerplate_line(
            "Comments by the minister drew criticism."
        ));
        assert!(is_boilerplate_line("Комментарии (3)"));
        assert!(is_boilerplate_line("Подписывайтесь на наш Telegram-канал"));
        assert!(is_boilerplate_line("Posted: Fri 6:45 PM, Feb 16, 2018"));
        assert!(!is_boilerplate_line("В 2024 году выпуск вырос на 12%."));
    }
}
