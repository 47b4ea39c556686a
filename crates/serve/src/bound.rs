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

/// `s` cut to at most `max` characters (at a char boundary).
pub fn clip_chars(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => s.get(..i).unwrap_or(s),
        None => s,
    }
}

fn clip_owned(s: &mut String, max: usize) {
    let keep = clip_chars(s, max).len();
    s.truncate(keep);
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
    art.authors.truncate(AUTHORS);
    art.authors
        .iter_mut()
        .for_each(|x| clip_owned(x, AUTHOR_CHARS));
    art.tags.truncate(TAGS);
    art.tags.iter_mut().for_each(|x| clip_owned(x, TAG_CHARS));
    if let Some(an) = a.analysis.as_mut() {
        an.quotes.truncate(QUOTES);
        an.entities.truncate(MENTIONS);
        // Sentence spans and date mentions are not shown anywhere; keep the answers small.
        an.sentences = Vec::new();
        an.dates.truncate(QUOTES);
    }
}

fn clip_bytes(s: &mut String, max: usize) {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
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
            items.truncate(keep);
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
            rows.truncate(keep);
        }
    }
}

/// About how many bytes an article takes in memory (text, plus a guess per analysis item).
pub fn approx_bytes(a: &StoredArticle) -> usize {
    let art = &a.article;
    let body: usize = art.blocks.iter().map(|b| block_bytes(b) + 32).sum();
    let analysis = a.analysis.as_ref().map_or(0, |an| {
        an.entities
            .iter()
            .map(|m| m.text.len() + m.normal.len() + 64)
            .sum::<usize>()
            + an.quotes.iter().map(|q| q.text.len() + 96).sum::<usize>()
            + (an.dates.len() + an.sentences.len()) * 64
    });
    body + analysis + a.url.len() + 1024
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
