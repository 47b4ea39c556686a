//! Article bodies as HTML, from our own block model: every text escaped, quotes found by
//! the analysis highlighted in place and listed with their speakers.

use khronika_model::{Analysis, Article, Block, Quote};

use crate::html::esc_into;

/// Longest text we render in one block (bounded output on pathological input).
const MAX_BLOCK_CHARS: usize = 50_000;
/// Most blocks rendered for one article.
const MAX_BLOCKS: usize = 2_000;
/// Direct quotes looked for in the body: each is searched in every block of the page, so
/// the cost is quotes × text; a news article has at most a few dozen.
const MAX_MARKED_QUOTES: usize = 100;
/// Rendering stops adding blocks, list items and table rows past this much HTML: a page of
/// the body is about [`crate::bound::BODY_PAGE_BYTES`] of text, but one block (a list or
/// table) can hold far more.
const MAX_HTML_BYTES: usize = 1 << 20;

/// The body's blocks as HTML, direct quotes marked. Quotes are located by their text inside
/// each block (robust to how the analysed text joined the blocks).
pub fn body_html(article: &Article, analysis: Option<&Analysis>) -> String {
    blocks_html(&article.blocks, analysis)
}

/// Page `page` (1-based) of the body as HTML, cut by [`crate::bound::body_pages`], with
/// links to the other pages of article `id` when there are several; `None` past the last.
pub fn body_page_html(
    article: &Article,
    analysis: Option<&Analysis>,
    page: usize,
    id: i64,
) -> Option<String> {
    let pages = crate::bound::body_pages(&article.blocks, crate::bound::BODY_PAGE_BYTES);
    let range = pages.get(page.checked_sub(1)?)?.clone();
    let mut o = blocks_html(article.blocks.get(range)?, analysis);
    if pages.len() > 1 {
        o.push_str("<nav class=\"pages\" aria-label=\"Страницы статьи\"><p>");
        o.push_str(&format!("Страница {page} из {}", pages.len()));
        for (label, to) in [("← назад", page - 1), ("Продолжение →", page + 1)]
        {
            if (1..=pages.len()).contains(&to) {
                o.push_str(&format!(
                    " · <a href=\"/article/{id}?page={to}\">{label}</a>"
                ));
            }
        }
        o.push_str("</p></nav>\n");
    }
    Some(o)
}

fn blocks_html(blocks: &[Block], analysis: Option<&Analysis>) -> String {
    let quotes: Vec<&Quote> = analysis
        .map(|a| {
            a.quotes
                .iter()
                .filter(|q| q.direct && q.text.chars().count() >= 3)
                .take(MAX_MARKED_QUOTES)
                .collect()
        })
        .unwrap_or_default();
    let mut o = String::new();
    for block in blocks.iter().take(MAX_BLOCKS) {
        if o.len() > MAX_HTML_BYTES {
            break;
        }
        match block {
            Block::Paragraph { text } => {
                o.push_str("<p>");
                marked_text(&mut o, clip(text), &quotes);
                o.push_str("</p>\n");
            }
            Block::Heading { level, text } => {
                // The page's h1 is the title; body headings start at h2.
                let l = (*level).clamp(2, 6);
                o.push_str(&format!("<h{l}>"));
                esc_into(&mut o, clip(text));
                o.push_str(&format!("</h{l}>\n"));
            }
            Block::List { ordered, items } => {
                let tag = if *ordered { "ol" } else { "ul" };
                o.push_str(&format!("<{tag}>"));
                for item in items {
                    if o.len() > MAX_HTML_BYTES {
                        break;
                    }
                    o.push_str("<li>");
                    marked_text(&mut o, clip(item), &quotes);
                    o.push_str("</li>");
                }
                o.push_str(&format!("</{tag}>\n"));
            }
            Block::Quote { text } => {
                o.push_str("<blockquote><p>");
                esc_into(&mut o, clip(text));
                o.push_str("</p></blockquote>\n");
            }
            Block::Preformatted { text } => {
                o.push_str("<pre>");
                esc_into(&mut o, clip(text));
                o.push_str("</pre>\n");
            }
            Block::Table { rows } => {
                o.push_str("<div class=\"table\"><table class=\"list\">");
                for row in rows {
                    if o.len() > MAX_HTML_BYTES {
                        break;
                    }
                    o.push_str("<tr>");
                    for cell in row.iter().take(64) {
                        o.push_str("<td>");
                        esc_into(&mut o, clip(cell));
                        o.push_str("</td>");
                    }
                    o.push_str("</tr>");
                }
                o.push_str("</table></div>\n");
            }
        }
    }
    o
}

/// At most [`MAX_BLOCK_CHARS`] characters of `s` (a lead or a block), cut at a character.
pub(crate) fn clip(s: &str) -> &str {
    crate::bound::clip_chars(s, MAX_BLOCK_CHARS)
}

/// Escapes `text`, wrapping each quote's first occurrence in `<mark class="quote">`.
fn marked_text(o: &mut String, text: &str, quotes: &[&Quote]) {
    // Byte ranges of quotes in this text, non-overlapping, in order.
    let mut ranges: Vec<(usize, usize, &Quote)> = Vec::new();
    for q in quotes {
        let needle = q.text.trim();
        if needle.is_empty() {
            continue;
        }
        if let Some(start) = text.find(needle) {
            let end = start + needle.len();
            if ranges.iter().all(|(s, e, _)| end <= *s || start >= *e) {
                ranges.push((start, end, q));
            }
        }
    }
    ranges.sort_by_key(|r| r.0);
    let mut pos = 0;
    for (start, end, q) in ranges {
        if let Some(before) = text.get(pos..start) {
            esc_into(o, before);
        }
        o.push_str("<mark class=\"quote\"");
        if let Some(sp) = &q.speaker {
            o.push_str(" title=\"Цитата: ");
            esc_into(o, sp);
            o.push('"');
        }
        o.push('>');
        if let Some(inner) = text.get(start..end) {
            esc_into(o, inner);
        }
        o.push_str("</mark>");
        pos = end;
    }
    if let Some(rest) = text.get(pos..) {
        esc_into(o, rest);
    }
}

/// "Кто что сказал": each quote with its attributed speaker and role, speakers linked.
/// `speaker_href` gives the page of a speaker the registry knows; others stay plain text.
pub fn quotes_html(
    analysis: Option<&Analysis>,
    speaker_href: &dyn Fn(&str) -> Option<String>,
) -> String {
    let Some(a) = analysis else {
        return String::new();
    };
    let quotes: Vec<&Quote> = a.quotes.iter().filter(|q| q.speaker.is_some()).collect();
    if quotes.is_empty() {
        return String::new();
    }
    let mut o = String::from(
        "<section class=\"quotes\" aria-labelledby=\"quotes-h\"><h2 id=\"quotes-h\">Кто что сказал</h2>\n",
    );
    for q in quotes.iter().take(50) {
        o.push_str("<figure>");
        if q.direct {
            o.push_str("<blockquote><p>«");
            esc_into(&mut o, clip(q.text.trim()));
            o.push_str("»</p></blockquote>");
        } else {
            o.push_str("<blockquote><p>");
            esc_into(&mut o, clip(q.text.trim()));
            o.push_str("</p></blockquote>");
        }
        if let Some(sp) = &q.speaker {
            o.push_str("<figcaption>— ");
            match speaker_href(sp) {
                Some(href) => {
                    o.push_str("<a href=\"");
                    esc_into(&mut o, &href);
                    o.push_str("\">");
                    esc_into(&mut o, sp);
                    o.push_str("</a>");
                }
                None => esc_into(&mut o, sp),
            }
            if let Some(role) = q.role.as_deref().filter(|r| !r.trim().is_empty()) {
                o.push_str(", ");
                esc_into(&mut o, role);
            }
            if !q.direct {
                o.push_str(" <span class=\"speaker\">(пересказ)</span>");
            }
            o.push_str("</figcaption>");
        }
        o.push_str("</figure>\n");
    }
    o.push_str("</section>\n");
    o
}

/// Distinct entity names of the analysis by number of mentions, most first.
pub fn top_entities(analysis: Option<&Analysis>, limit: usize) -> Vec<(String, &'static str)> {
    let Some(a) = analysis else {
        return Vec::new();
    };
    // By name, first kind seen (a linear scan per mention was quadratic in the mentions
    // of a huge article).
    let mut by_name: std::collections::HashMap<&str, (&'static str, usize)> =
        std::collections::HashMap::new();
    for m in &a.entities {
        let name = m.normal.trim();
        if name.is_empty() {
            continue;
        }
        by_name.entry(name).or_insert((m.kind.code(), 0)).1 += 1;
    }
    let mut counts: Vec<(String, &'static str, usize)> = by_name
        .into_iter()
        .map(|(n, (k, c))| (n.to_string(), k, c))
        .collect();
    counts.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    counts
        .into_iter()
        .take(limit)
        .map(|(n, k, _)| (n, k))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_marked_and_everything_escaped() {
        let article = Article {
            blocks: vec![Block::Paragraph {
                text: "«Мы <b>исходили</b> из интересов», — подчеркнул Смадияров.".into(),
            }],
            ..Default::default()
        };
        let analysis = Analysis {
            quotes: vec![Quote {
                start: 1,
                end: 30,
                text: "Мы <b>исходили</b> из интересов".into(),
                speaker: Some("Айбек <Смадияров>".into()),
                role: None,
                direct: true,
            }],
            ..Default::default()
        };
        let html = body_html(&article, Some(&analysis));
        assert!(html.contains("<mark class=\"quote\" title=\"Цитата: Айбек &lt;Смадияров&gt;\">Мы &lt;b&gt;исходили&lt;/b&gt; из интересов</mark>"), "{html}");
        assert!(!html.contains("<b>"));
        let q = quotes_html(Some(&analysis), &|sp| Some(format!("/entity/{sp}")));
        assert!(q.contains("Айбек &lt;Смадияров&gt;"), "{q}");
        assert!(!q.contains("<Смадияров>"));
    }
}
