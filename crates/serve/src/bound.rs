//! Bounds on the work and output of one request, whatever size an article reached the store
//! at (the fetcher takes pages up to 8 MiB, `import` lines up to 16 MiB).
//!
//! An article is cut down right after it is read ([`article`]): title, lead, authors, tags
//! and the analysis lists get fixed caps, and the body is served in pages of about
//! [`BODY_PAGE_BYTES`] of text ([`body_pages`]): the portal links "continue" pages
//! (`/article/{id}?page=N`), the API pages `blocks` with `blocks_from`. So a page costs
//! about the same to render for a 2 KB article and a 14 MB one, and every answer fits the
//! page cache (a 14 MB answer was over one cache shard and re-rendered on every request).

use std::ops::Range;

use khronika_model::Block;
use khronika_store::StoredArticle;

/// About how much body text one portal page or one API answer carries. A long read (a
/// 10,000-word feature) is ~80 KB of Cyrillic UTF-8, so nearly every real article is one page.
pub const BODY_PAGE_BYTES: usize = 128 * 1024;
/// Longest title shown; headlines are under 300 characters.
const TITLE_CHARS: usize = 500;
/// Longest lead shown; leads are a paragraph.
const LEAD_CHARS: usize = 3_000;
const AUTHORS: usize = 20;
const AUTHOR_CHARS: usize = 200;
const TAGS: usize = 50;
const TAG_CHARS: usize = 100;
/// Quotes and entity mentions kept from the analysis: far above a news article's (tens of
/// quotes, a few hundred mentions in a 10,000-word feature), low enough that ranking
/// entities and marking quotes stays in the milliseconds and the API's entity list small.
const QUOTES: usize = 500;
const MENTIONS: usize = 5_000;
/// Images kept: a news page has a main image and a handful in the text.
const IMAGES: usize = 50;

/// `s` cut to at most `max` characters (at a char boundary).
pub fn clip_chars(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => s.get(..i).unwrap_or(s),
        None => s,
    }
}

fn clip_owned(s: &mut String, max: usize) {
    let keep = clip_chars(s, max).len();
    if keep < s.len() {
        s.truncate(keep);
        s.shrink_to_fit();
    }
}

/// `v` cut to `max` items, its spare capacity given back: a cut-down article is kept in
/// memory, and `truncate` alone keeps the whole allocation (100,000 entity mentions cut to
/// 5,000 held 7 MB of empty slots).
fn keep_first<T>(v: &mut Vec<T>, max: usize) {
    if v.len() > max {
        v.truncate(max);
        v.shrink_to_fit();
    }
}

/// A title for display: the article's own (clipped), else its URL when that is a public
/// http(s) address, else a neutral label. A server path (`file:///…`) is never shown.
pub fn display_title(title: Option<&str>, url: &str) -> String {
    match title.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => clip_chars(t, TITLE_CHARS).to_string(),
        None => public_url(url).map_or_else(|| "Без заголовка".to_string(), str::to_string),
    }
}

/// `Some(url)` only for http(s) URLs: what the public may see of where an article came from.
/// Articles ingested from local files carry `file://` URLs, i.e. paths on the server.
pub fn public_url(raw: &str) -> Option<&str> {
    let t = raw.trim();
    let scheme = t.split_once(':')?.0;
    (scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")).then_some(t)
}

/// Cuts a just-loaded article down to what any one answer may show: fixed caps on the
/// metadata and analysis, each body block to [`BODY_PAGE_BYTES`] of text (the body itself
/// is paged with [`body_pages`]).
pub fn article(a: &mut StoredArticle) {
    let art = &mut a.article;
    art.blocks.iter_mut().for_each(clip_block);
    if let Some(t) = art.title.as_mut() {
        clip_owned(t, TITLE_CHARS);
    }
    if let Some(l) = art.lead.as_mut() {
        clip_owned(l, LEAD_CHARS);
    }
    keep_first(&mut art.authors, AUTHORS);
    art.authors
        .iter_mut()
        .for_each(|x| clip_owned(x, AUTHOR_CHARS));
    keep_first(&mut art.tags, TAGS);
    art.tags.iter_mut().for_each(|x| clip_owned(x, TAG_CHARS));
    keep_first(&mut art.images, IMAGES);
    if let Some(an) = a.analysis.as_mut() {
        keep_first(&mut an.quotes, QUOTES);
        keep_first(&mut an.entities, MENTIONS);
        // Sentence spans and date mentions are not shown anywhere; keep the answers small.
        an.sentences = Vec::new();
        keep_first(&mut an.dates, QUOTES);
    }
}

fn clip_bytes(s: &mut String, max: usize) {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
        s.shrink_to_fit();
    }
}

/// One block cut to [`BODY_PAGE_BYTES`] of text: a list or table keeps its first items or
/// rows that fit.
fn clip_block(b: &mut Block) {
    let mut left = BODY_PAGE_BYTES;
    let mut take = |s: &mut String| {
        clip_bytes(s, left);
        left -= s.len();
        left > 0
    };
    match b {
        Block::Paragraph { text }
        | Block::Heading { text, .. }
        | Block::Quote { text }
        | Block::Preformatted { text } => {
            take(text);
        }
        Block::List { items, .. } => {
            let mut keep = 0;
            for i in items.iter_mut() {
                keep += 1;
                if !take(i) {
                    break;
                }
            }
            keep_first(items, keep);
        }
        Block::Table { rows } => {
            let mut keep = 0;
            for r in rows.iter_mut() {
                keep += 1;
                // Every cell goes through `take` (no short-circuit): past the budget the
                // rest of the row is emptied.
                let mut fits = true;
                for c in r.iter_mut() {
                    fits &= take(c);
                }
                if !fits {
                    break;
                }
            }
            keep_first(rows, keep);
        }
    }
}

/// The heap bytes an article holds: the capacity of every string and list in it (not their
/// lengths: a string cut by `truncate` keeps its allocation), the inline size of list
/// items, plus an eighth for the allocator's size classes (mimalloc rounds a request up to
/// one of four classes per power of two: at most a quarter more, an eighth on average).
/// What the article cache's budget (module `cache`) is counted in.
pub fn heap_bytes(a: &StoredArticle) -> usize {
    let art = &a.article;
    let url_len = |u: &Option<url::Url>| u.as_ref().map_or(0, |u| u.as_str().len());
    let blocks = vec_bytes(&art.blocks) + art.blocks.iter().map(block_heap).sum::<usize>();
    let images = vec_bytes(&art.images)
        + art
            .images
            .iter()
            .map(|i| i.url.as_str().len() + opt_cap(&i.caption) + opt_cap(&i.credit))
            .sum::<usize>();
    let article = url_len(&art.url)
        + url_len(&art.canonical_url)
        + opt_cap(&art.title)
        + opt_cap(&art.lead)
        + blocks
        + strings_bytes(&art.authors)
        + strings_bytes(&art.tags)
        + images
        + opt_cap(&art.site_name)
        + art.lang.as_ref().map_or(0, |l| l.0.capacity())
        + opt_cap(&art.section);
    let analysis = a.analysis.as_ref().map_or(0, |an| {
        vec_bytes(&an.sentences)
            + vec_bytes(&an.entities)
            + an.entities
                .iter()
                .map(|m| m.text.capacity() + m.normal.capacity())
                .sum::<usize>()
            + vec_bytes(&an.quotes)
            + an.quotes
                .iter()
                .map(|q| q.text.capacity() + opt_cap(&q.speaker) + opt_cap(&q.role))
                .sum::<usize>()
            + vec_bytes(&an.dates)
            + an.dates
                .iter()
                .map(|d| d.text.capacity() + date_value_heap(&d.when))
                .sum::<usize>()
    });
    let held = std::mem::size_of::<StoredArticle>()
        + a.url.capacity()
        + a.content_hash.capacity()
        + article
        + analysis;
    held + held / 8
}

fn opt_cap(s: &Option<String>) -> usize {
    s.as_ref().map_or(0, String::capacity)
}

/// The list's own allocation: its capacity in items.
fn vec_bytes<T>(v: &Vec<T>) -> usize {
    v.capacity() * std::mem::size_of::<T>()
}

fn strings_bytes(v: &Vec<String>) -> usize {
    vec_bytes(v) + v.iter().map(String::capacity).sum::<usize>()
}

fn date_value_heap(v: &khronika_model::DateValue) -> usize {
    match v {
        khronika_model::DateValue::Point { value } => value.capacity(),
        khronika_model::DateValue::Interval { from, to } => opt_cap(from) + opt_cap(to),
    }
}

/// Heap bytes of one block (its strings' and lists' capacities).
fn block_heap(b: &Block) -> usize {
    match b {
        Block::Paragraph { text }
        | Block::Heading { text, .. }
        | Block::Quote { text }
        | Block::Preformatted { text } => text.capacity(),
        Block::List { items, .. } => strings_bytes(items),
        Block::Table { rows } => vec_bytes(rows) + rows.iter().map(strings_bytes).sum::<usize>(),
    }
}

/// Bytes of text a block holds (what it costs to render and send).
fn block_bytes(b: &Block) -> usize {
    match b {
        Block::Paragraph { text }
        | Block::Heading { text, .. }
        | Block::Quote { text }
        | Block::Preformatted { text } => text.len(),
        Block::List { items, .. } => items.iter().map(String::len).sum(),
        Block::Table { rows } => rows.iter().flatten().map(String::len).sum(),
    }
}

/// The body split into consecutive pages of whole blocks, each of about `budget` bytes of
/// text at most (a single larger block is a page alone; the renderer clips it). Always at
/// least one page, empty for an empty body.
pub fn body_pages(blocks: &[Block], budget: usize) -> Vec<Range<usize>> {
    let mut pages = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, b) in blocks.iter().enumerate() {
        let n = block_bytes(b);
        if i > start && bytes + n > budget {
            pages.push(start..i);
            start = i;
            bytes = 0;
        }
        bytes += n;
    }
    if start < blocks.len() || pages.is_empty() {
        pages.push(start..blocks.len());
    }
    pages
}

/// The blocks of the body window that starts at block `from`: whole blocks up to about
/// [`BODY_PAGE_BYTES`] of text (at least one block; empty past the end).
pub fn blocks_window(blocks: &[Block], from: usize) -> Range<usize> {
    let rest = blocks.get(from..).unwrap_or_default();
    let first = body_pages(rest, BODY_PAGE_BYTES)
        .into_iter()
        .next()
        .unwrap_or_default();
    let start = from.min(blocks.len());
    start + first.start..start + first.end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(n: usize) -> Block {
        Block::Paragraph {
            text: "я".repeat(n / 2),
        }
    }

    #[test]
    fn pages_cover_the_body_in_order_within_the_budget() {
        let blocks: Vec<Block> = (0..100).map(|i| para(100 + i * 10)).collect();
        let pages = body_pages(&blocks, 2_000);
        assert!(pages.len() > 5, "{pages:?}");
        let mut next = 0;
        for p in &pages {
            assert_eq!(p.start, next, "gap or overlap: {pages:?}");
            assert!(!p.is_empty());
            let bytes: usize = blocks[p.clone()].iter().map(block_bytes).sum();
            assert!(bytes <= 2_000 || p.len() == 1, "{p:?}: {bytes}");
            next = p.end;
        }
        assert_eq!(next, blocks.len());
        // One block over the budget is a page of its own.
        let pages = body_pages(&[para(10), para(5_000), para(10)], 2_000);
        assert_eq!(pages, vec![0..1, 1..2, 2..3]);
        assert_eq!(body_pages(&[], 2_000), vec![0..0]);
    }

    #[test]
    fn huge_blocks_are_cut_to_one_page() {
        let big = "ы".repeat(BODY_PAGE_BYTES); // twice the budget in bytes
        let mut blocks = vec![
            Block::Paragraph { text: big.clone() },
            Block::List {
                ordered: false,
                items: vec![big.clone(); 50],
            },
            Block::Table {
                rows: vec![vec!["ячейка".repeat(1000); 10]; 100],
            },
        ];
        blocks.iter_mut().for_each(clip_block);
        for b in &blocks {
            let n = block_bytes(b);
            assert!(n <= BODY_PAGE_BYTES && n > BODY_PAGE_BYTES / 2, "{n}");
        }
        // A window of the API never passes two pages' worth.
        let many: Vec<Block> = (0..10_000).map(|_| para(1_000)).collect();
        let w = blocks_window(&many, 0);
        assert_eq!(w.start, 0);
        let n: usize = many[w.clone()].iter().map(block_bytes).sum();
        assert!(n <= BODY_PAGE_BYTES, "{n}");
        let w2 = blocks_window(&many, w.end);
        assert_eq!(w2.start, w.end);
        assert!(blocks_window(&many, 20_000).is_empty());
    }

    /// Heap bytes of a string list counted item by item, independently of `heap_bytes`.
    fn strings_held(v: &[String], cap: usize) -> usize {
        cap * std::mem::size_of::<String>() + v.iter().map(String::capacity).sum::<usize>()
    }

    #[test]
    fn cut_articles_give_back_what_they_drop_and_are_counted_for_what_they_hold() {
        use khronika_model::{Analysis, Article, EntityKind, Mention, Quote};
        // The shape of the hostile 14 MB article, smaller: giant title, lead and paragraph,
        // far more mentions and quotes than are kept.
        let mut blocks: Vec<Block> = (0..300).map(|_| para(10_000)).collect();
        blocks.push(Block::Paragraph {
            text: "Ъ".repeat(500_000),
        });
        let mention = |i: usize| Mention {
            start: 0,
            end: 0,
            kind: EntityKind::Person,
            text: format!("Персона {i}"),
            normal: format!("Персона {i}"),
        };
        let quote = |i: usize| Quote {
            start: 0,
            end: 0,
            text: format!("Цитата номер {i}"),
            speaker: Some(format!("Спикер {i}")),
            role: None,
            direct: true,
        };
        let mut a = StoredArticle {
            id: khronika_store::ArticleId(1),
            source_id: None,
            url: "https://big.example/huge".into(),
            version: 1,
            content_hash: "h".repeat(64),
            first_seen: chrono::DateTime::UNIX_EPOCH,
            updated_at: chrono::DateTime::UNIX_EPOCH,
            hidden: false,
            display: khronika_store::DisplayPolicy::FullText,
            article: Article {
                title: Some("о бюджете ".repeat(5_000)),
                lead: Some("Лид. ".repeat(20_000)),
                blocks,
                tags: (0..1_000).map(|i| format!("тег {i}")).collect(),
                ..Default::default()
            },
            analysis: Some(Analysis {
                entities: (0..100_000).map(mention).collect(),
                quotes: (0..5_000).map(quote).collect(),
                ..Default::default()
            }),
            change_seq: 0,
            story_id: None,
            duplicate_of: None,
            rubric: None,
        };
        article(&mut a);
        let an = a.analysis.as_ref().map(|an| (&an.entities, &an.quotes));
        let Some((entities, quotes)) = an else {
            panic!("analysis lost")
        };
        // What was cut is given back, not kept as spare capacity.
        assert!(entities.capacity() <= MENTIONS, "{}", entities.capacity());
        assert!(quotes.capacity() <= QUOTES, "{}", quotes.capacity());
        let art = &a.article;
        assert!(art.tags.capacity() <= TAGS);
        for s in art.title.iter().chain(art.lead.iter()) {
            assert_eq!(s.capacity(), s.len());
        }
        let Some(Block::Paragraph { text: giant }) = art.blocks.last() else {
            panic!("last block")
        };
        assert!(giant.capacity() <= BODY_PAGE_BYTES, "{}", giant.capacity());

        // Everything it still holds, walked here field by field.
        let blocks_held = art.blocks.capacity() * std::mem::size_of::<Block>()
            + art
                .blocks
                .iter()
                .map(|b| match b {
                    Block::Paragraph { text } => text.capacity(),
                    _ => 0,
                })
                .sum::<usize>();
        let held = std::mem::size_of::<StoredArticle>()
            + a.url.capacity()
            + a.content_hash.capacity()
            + art.title.as_ref().map_or(0, String::capacity)
            + art.lead.as_ref().map_or(0, String::capacity)
            + blocks_held
            + strings_held(&art.tags, art.tags.capacity())
            + entities.capacity() * std::mem::size_of::<Mention>()
            + entities
                .iter()
                .map(|m| m.text.capacity() + m.normal.capacity())
                .sum::<usize>()
            + quotes.capacity() * std::mem::size_of::<Quote>()
            + quotes
                .iter()
                .map(|q| q.text.capacity() + q.speaker.as_ref().map_or(0, String::capacity))
                .sum::<usize>();
        let counted = heap_bytes(&a);
        assert!(counted >= held, "counted {counted} < held {held}");
        // And not so far above that the cache's budget would mean little.
        assert!(
            counted <= held + held / 4,
            "counted {counted} ≫ held {held}"
        );
    }

    #[test]
    fn local_paths_are_never_public() {
        assert_eq!(public_url("https://a.kz/x"), Some("https://a.kz/x"));
        assert_eq!(public_url(" HTTP://a.kz/"), Some("HTTP://a.kz/"));
        for bad in [
            "file:///home/u/page.html",
            "/srv/data/x.html",
            "data:,x",
            "",
        ] {
            assert_eq!(public_url(bad), None, "{bad}");
            assert_eq!(display_title(None, bad), "Без заголовка");
        }
        assert_eq!(display_title(Some("  "), "https://a.kz/"), "https://a.kz/");
        assert_eq!(
            display_title(Some(&"ж".repeat(10_000)), "").chars().count(),
            TITLE_CHARS
        );
    }
}
