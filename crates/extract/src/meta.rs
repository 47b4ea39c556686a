//! Page metadata from machine-readable sources: JSON-LD, OpenGraph and other `<meta>`,
//! `<link rel=canonical>`, microdata (`itemprop`), `<html lang>`, `<title>`.
//!
//! One pass over the arena collects every candidate; `resolve` later decides
//! between them (and the visible markup). Nothing here guesses: values are as the page
//! states them, trimmed.

use crate::dom::{Dom, NodeId, Tag};
use serde_json::Value;

/// The article-level facts one JSON-LD object states.
#[derive(Debug, Default, Clone)]
pub struct JsonLdArticle {
    pub headline: Option<String>,
    pub description: Option<String>,
    pub date_published: Option<String>,
    pub date_modified: Option<String>,
    pub authors: Vec<String>,
    /// The author is stated to be an organisation (the outlet itself).
    pub outlet_author: bool,
    pub images: Vec<ImageMeta>,
    pub publisher: Option<String>,
    pub keywords: Vec<String>,
    pub article_body: Option<String>,
    pub url: Option<String>,
    pub in_language: Option<String>,
    /// `articleSection` (a string, or the first of an array).
    pub section: Option<String>,
}

/// An image as JSON-LD states it: an address, and for an `ImageObject` its caption,
/// credit and size.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImageMeta {
    pub url: String,
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

/// Everything the head and machine-readable markup say about the page.
#[derive(Debug, Default)]
pub struct PageMeta {
    pub title_tag: Option<String>,
    pub og_title: Option<String>,
    pub og_description: Option<String>,
    pub og_image: Option<String>,
    /// `og:image:width` / `og:image:height` as stated (parsed where used).
    pub og_image_width: Option<String>,
    pub og_image_height: Option<String>,
    pub og_url: Option<String>,
    pub og_site_name: Option<String>,
    pub og_locale: Option<String>,
    pub twitter_title: Option<String>,
    pub meta_description: Option<String>,
    pub keywords: Vec<String>,
    pub news_keywords: Vec<String>,
    pub article_tags: Vec<String>,
    /// `<meta property="article:section">`, or microdata `itemprop=articleSection`.
    pub article_section: Option<String>,
    pub published: Vec<String>,
    pub modified: Vec<String>,
    pub meta_authors: Vec<String>,
    pub canonical: Option<String>,
    pub html_lang: Option<String>,
    pub jsonld: Option<JsonLdArticle>,
    /// The publisher / site name of any JSON-LD object (Organization, WebSite).
    pub jsonld_site_name: Option<String>,
    /// The item names of the first JSON-LD `BreadcrumbList`, in position order.
    pub breadcrumbs: Vec<String>,
    pub micro_headline: Option<String>,
    pub micro_published: Vec<String>,
    pub micro_modified: Vec<String>,
    pub micro_authors: Vec<String>,
    /// Microdata states the author is an organisation (the outlet itself).
    pub micro_outlet_author: bool,
    /// `itemprop=articleBody` elements (candidates for the body container).
    pub micro_body: Vec<NodeId>,
    /// All `<h1>` elements in document order.
    pub h1s: Vec<NodeId>,
}

fn clean(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    crate::dom::push_collapsed(&mut out, s);
    let t = out.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn split_keywords(s: &str) -> Vec<String> {
    s.split([',', ';'])
        .filter_map(clean)
        .filter(|k| k.chars().count() <= 60)
        .collect()
}

/// Collect metadata in one pass over the document.
pub fn collect(dom: &Dom) -> PageMeta {
    let mut m = PageMeta::default();
    let mut jsonld: Vec<JsonLdArticle> = Vec::new();
    for (i, n) in dom.nodes.iter().enumerate() {
        let id = i as NodeId;
        match n.tag {
            Tag::Html if m.html_lang.is_none() => {
                m.html_lang = dom.attr(id, "lang").and_then(clean);
            }
            Tag::Title if m.title_tag.is_none() && !in_svg(dom, id) => {
                m.title_tag = clean(&dom.text_of(id));
            }
            Tag::Meta => meta_tag(dom, id, &mut m),
            Tag::Link => {
                let rel = dom.attr(id, "rel").unwrap_or("");
                if rel.eq_ignore_ascii_case("canonical") && m.canonical.is_none() {
                    m.canonical = dom.attr(id, "href").and_then(clean);
                }
            }
            Tag::Script => {
                let ty = dom.attr(id, "type").unwrap_or("");
                if ty.trim().eq_ignore_ascii_case("application/ld+json") {
                    let text = dom
                        .children(id)
                        .map(|c| dom.node(c).text.as_ref())
                        .collect::<String>();
                    let mut ld = JsonLd {
                        articles: &mut jsonld,
                        site: &mut m.jsonld_site_name,
                        breadcrumbs: &mut m.breadcrumbs,
                    };
                    parse_jsonld_into(&text, &mut ld);
                }
            }
            Tag::H1 => m.h1s.push(id),
            _ => {}
        }
        if n.tag != Tag::Text && n.tag != Tag::Meta {
            if let Some(prop) = dom.attr(id, "itemprop") {
                microdata(dom, id, prop, &mut m);
            }
        }
    }
    // Prefer the object with a headline and a body or date: pages also carry
    // WebPage/BreadcrumbList objects and sometimes related articles' stubs.
    jsonld.sort_by_key(|a| {
        std::cmp::Reverse(
            (a.headline.is_some() as u8) * 2
                + (a.article_body.is_some() as u8) * 2
                + (a.date_published.is_some() as u8),
        )
    });
    m.jsonld = jsonld.into_iter().next();
    m
}

fn in_svg(dom: &Dom, id: NodeId) -> bool {
    let mut cur = dom.node(id).parent;
    while cur != crate::dom::NONE {
        if dom.node(cur).tag == Tag::Svg {
            return true;
        }
        cur = dom.node(cur).parent;
    }
    false
}

fn meta_tag(dom: &Dom, id: NodeId, m: &mut PageMeta) {
    let key = dom
        .attr(id, "property")
        .or_else(|| dom.attr(id, "name"))
        .or_else(|| dom.attr(id, "itemprop"))
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if key.is_empty() {
        return;
    }
    let Some(content) = dom.attr(id, "content").and_then(clean) else {
        return;
    };
    let set = |slot: &mut Option<String>| {
        if slot.is_none() {
            *slot = Some(content.clone());
        }
    };
    match key.as_str() {
        "og:title" => set(&mut m.og_title),
        "twitter:title" => set(&mut m.twitter_title),
        "og:description" => set(&mut m.og_description),
        "description" => set(&mut m.meta_description),
        "og:image" | "og:image:url" | "og:image:secure_url" | "twitter:image" => {
            set(&mut m.og_image)
        }
        "og:image:width" => set(&mut m.og_image_width),
        "og:image:height" => set(&mut m.og_image_height),
        "og:url" => set(&mut m.og_url),
        "og:site_name" => set(&mut m.og_site_name),
        "og:locale" => set(&mut m.og_locale),
        "keywords" => m.keywords.extend(split_keywords(&content)),
        "news_keywords" => m.news_keywords.extend(split_keywords(&content)),
        "article:tag" => m.article_tags.extend(split_keywords(&content)),
        "article:section" | "articlesection" => set(&mut m.article_section),
        "article:published_time"
        | "og:published_time"
        | "datepublished"
        | "pubdate"
        | "publish-date"
        | "publish_date"
        | "date"
        | "dc.date"
        | "dc.date.issued"
        | "sailthru.date"
        | "parsely-pub-date"
        | "article.published"
        | "mediator_published_time" => m.published.push(content),
        "article:modified_time"
        | "og:updated_time"
        | "datemodified"
        | "last-modified"
        | "article.updated" => m.modified.push(content),
        "author" | "article:author" | "dc.creator" | "sailthru.author" | "parsely-author"
        // article:author is often a profile URL; those are not names.
        | "mediator_author"
            if !content.starts_with("http") =>
        {
            m.meta_authors.push(content)
        }
        _ => {}
    }
}

fn microdata(dom: &Dom, id: NodeId, prop: &str, m: &mut PageMeta) {
    let value = || {
        dom.attr(id, "content")
            .or_else(|| dom.attr(id, "datetime"))
            .and_then(clean)
            .or_else(|| clean(&dom.text_of(id)))
    };
    for p in prop.split_ascii_whitespace() {
        match p {
            "headline" if m.micro_headline.is_none() => m.micro_headline = value(),
            "datePublished" | "dateCreated" => m.micro_published.extend(value()),
            "dateModified" => m.micro_modified.extend(value()),
            "author" | "creator"
                if dom
                    .attr(id, "itemtype")
                    .is_some_and(|t| t.contains("Organization")) =>
            {
                m.micro_outlet_author = true
            }
            "author" | "creator" => {
                // An author item usually wraps a name: prefer its itemprop=name.
                let end = dom.subtree_end(id);
                let name = (id + 1..end)
                    .find(|&c| {
                        dom.attr(c, "itemprop")
                            .is_some_and(|v| v.split_ascii_whitespace().any(|x| x == "name"))
                    })
                    .and_then(|c| {
                        dom.attr(c, "content")
                            .and_then(clean)
                            .or_else(|| clean(&dom.text_of(c)))
                    });
                if let Some(v) = name.or_else(value) {
                    if !v.starts_with("http") && v.chars().count() <= 120 {
                        m.micro_authors.push(v);
                    }
                }
            }
            "articleBody" => m.micro_body.push(id),
            "articleSection" if m.article_section.is_none() => {
                m.article_section = value().filter(|v| v.chars().count() <= 60)
            }
            _ => {}
        }
    }
}

const ARTICLE_TYPES: &[&str] = &[
    "NewsArticle",
    "Article",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
    "BlogPosting",
    "LiveBlogPosting",
    "Report",
    "ScholarlyArticle",
    "SocialMediaPosting",
    "TechArticle",
];

/// Where `walk` puts what it finds in JSON-LD.
pub struct JsonLd<'a> {
    pub articles: &'a mut Vec<JsonLdArticle>,
    pub site: &'a mut Option<String>,
    pub breadcrumbs: &'a mut Vec<String>,
}

/// Parse one `<script type="application/ld+json">`, collecting article objects.
#[cfg(test)]
fn parse_jsonld(text: &str, out: &mut Vec<JsonLdArticle>, site: &mut Option<String>) {
    let mut breadcrumbs = Vec::new();
    parse_jsonld_into(
        text,
        &mut JsonLd {
            articles: out,
            site,
            breadcrumbs: &mut breadcrumbs,
        },
    );
}

/// Parse one `<script type="application/ld+json">` into `ld`.
pub fn parse_jsonld_into(text: &str, ld: &mut JsonLd<'_>) {
    let t = text.trim();
    let t = t.strip_prefix("<![CDATA[").unwrap_or(t);
    let t = t
        .strip_suffix("]]>")
        .unwrap_or(t)
        .trim()
        .trim_end_matches(';');
    let value: Value = match serde_json::from_str(t) {
        Ok(v) => v,
        // Raw newlines inside strings are the usual breakage; retry with them as spaces.
        Err(_) => match serde_json::from_str(&t.replace(['\n', '\r', '\t'], " ")) {
            Ok(v) => v,
            Err(_) => return,
        },
    };
    walk(&value, ld, 0);
}

fn walk(v: &Value, ld: &mut JsonLd<'_>, depth: usize) {
    if depth > 8 {
        return;
    }
    match v {
        Value::Array(items) => items.iter().for_each(|i| walk(i, ld, depth + 1)),
        Value::Object(obj) => {
            if let Some(graph) = obj.get("@graph") {
                walk(graph, ld, depth + 1);
            }
            let types = type_names(obj.get("@type"));
            if types.iter().any(|t| ARTICLE_TYPES.contains(&t.as_str())) {
                ld.articles.push(article(obj));
            } else if types
                .iter()
                .any(|t| t == "WebSite" || t == "Organization" || t == "NewsMediaOrganization")
            {
                if ld.site.is_none() {
                    *ld.site = obj.get("name").and_then(Value::as_str).and_then(clean);
                }
            } else if types.iter().any(|t| t == "BreadcrumbList") {
                if ld.breadcrumbs.is_empty() {
                    *ld.breadcrumbs = breadcrumb_names(obj);
                }
            } else if let Some(main) = obj
                .get("mainEntity")
                .or_else(|| obj.get("mainEntityOfPage"))
            {
                if main.is_object() {
                    walk(main, ld, depth + 1);
                }
            }
            // A WebPage states its breadcrumb as a property.
            if ld.breadcrumbs.is_empty() {
                if let Some(b @ Value::Object(_)) = obj.get("breadcrumb") {
                    walk(b, ld, depth + 1);
                }
            }
        }
        _ => {}
    }
}

/// The names of a schema.org `BreadcrumbList`'s items, ordered by `position` (document
/// order when positions are missing). An item names itself (`name`) or its `item` does.
fn breadcrumb_names(obj: &serde_json::Map<String, Value>) -> Vec<String> {
    let Some(Value::Array(items)) = obj.get("itemListElement") else {
        return Vec::new();
    };
    let mut named: Vec<(i64, usize, String)> = items
        .iter()
        .take(32)
        .enumerate()
        .filter_map(|(i, it)| {
            let o = it.as_object()?;
            let pos = match o.get("position") {
                Some(Value::Number(n)) => n.as_i64(),
                Some(Value::String(s)) => s.trim().parse().ok(),
                _ => None,
            }
            .unwrap_or(i as i64);
            let name = o
                .get("name")
                .and_then(Value::as_str)
                .and_then(clean)
                .or_else(|| match o.get("item") {
                    Some(Value::Object(item)) => {
                        item.get("name").and_then(Value::as_str).and_then(clean)
                    }
                    _ => None,
                })?;
            Some((pos, i, name))
        })
        .collect();
    named.sort_by_key(|&(pos, i, _)| (pos, i));
    named.into_iter().map(|(_, _, n)| n).collect()
}

fn type_names(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.rsplit('/').next().unwrap_or(s).to_string()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(|s| s.rsplit('/').next().unwrap_or(s).to_string())
            .collect(),
        _ => Vec::new(),
    }
}

fn string_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => clean(s),
        Value::Array(a) => a.iter().find_map(|x| string_of(Some(x))),
        Value::Object(o) => string_of(o.get("name").or_else(|| o.get("@value"))),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// True when `v` (an `author` value) is an Organization, or a list of nothing else.
fn is_organization(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Object(o)) => type_names(o.get("@type"))
            .iter()
            .any(|t| t.contains("Organization")),
        Some(Value::Array(a)) => !a.is_empty() && a.iter().all(|x| is_organization(Some(x))),
        _ => false,
    }
}

fn names_of(v: Option<&Value>) -> Vec<String> {
    match v {
        // An organisation credited as author is the outlet, not a byline.
        Some(Value::Object(o))
            if type_names(o.get("@type"))
                .iter()
                .any(|t| t.contains("Organization")) =>
        {
            Vec::new()
        }
        Some(Value::String(s)) => clean(s).into_iter().collect(),
        Some(Value::Array(a)) => a.iter().flat_map(|x| names_of(Some(x))).collect(),
        Some(Value::Object(o)) => o
            .get("name")
            .and_then(Value::as_str)
            .and_then(clean)
            .into_iter()
            .collect(),
        _ => Vec::new(),
    }
}

/// Images of a JSON-LD `image` / `thumbnailUrl` value: plain addresses, or `ImageObject`s
/// with `caption`, a credit (`creditText`, else `copyrightHolder` / `author` names) and size.
fn images_of(v: Option<&Value>, depth: usize) -> Vec<ImageMeta> {
    if depth > 4 {
        return Vec::new();
    }
    match v {
        Some(Value::String(s)) => clean(s)
            .map(|url| ImageMeta {
                url,
                ..Default::default()
            })
            .into_iter()
            .collect(),
        Some(Value::Array(a)) => a
            .iter()
            .take(32)
            .flat_map(|x| images_of(Some(x), depth + 1))
            .collect(),
        Some(Value::Object(o)) => {
            let Some(url) = o
                .get("url")
                .or_else(|| o.get("contentUrl"))
                .and_then(Value::as_str)
                .and_then(clean)
            else {
                return Vec::new();
            };
            let credit = string_of(o.get("creditText"))
                .or_else(|| names_of(o.get("copyrightHolder")).into_iter().next())
                .or_else(|| names_of(o.get("author")).into_iter().next());
            vec![ImageMeta {
                url,
                caption: string_of(o.get("caption")),
                credit,
                width: pixels(o.get("width")),
                height: pixels(o.get("height")),
            }]
        }
        _ => Vec::new(),
    }
}

/// A pixel size as JSON-LD writes it: a number, a string ("800", "800px") or a
/// `QuantitativeValue` with `value`.
fn pixels(v: Option<&Value>) -> Option<u32> {
    match v? {
        Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        Value::String(s) => parse_pixels(s),
        Value::Object(o) => pixels(o.get("value")),
        _ => None,
    }
    .filter(|&n| n > 0)
}

/// "800", "800px", " 800 " → 800; anything else (percentages, "auto") → none.
pub fn parse_pixels(s: &str) -> Option<u32> {
    let t = s.trim();
    let t = t.strip_suffix("px").unwrap_or(t).trim();
    // Sizes beyond this are markup errors, not images anyone lays out.
    t.parse::<u32>().ok().filter(|&n| (1..=20_000).contains(&n))
}

fn article(obj: &serde_json::Map<String, Value>) -> JsonLdArticle {
    let keywords = match obj.get("keywords") {
        Some(Value::String(s)) => split_keywords(s),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .filter_map(clean)
            .collect(),
        _ => Vec::new(),
    };
    let url = match obj.get("mainEntityOfPage") {
        Some(Value::String(s)) => clean(s),
        Some(Value::Object(o)) => o.get("@id").and_then(Value::as_str).and_then(clean),
        _ => None,
    }
    .or_else(|| obj.get("url").and_then(Value::as_str).and_then(clean));
    JsonLdArticle {
        headline: string_of(obj.get("headline")).or_else(|| string_of(obj.get("name"))),
        description: string_of(obj.get("description")),
        date_published: string_of(obj.get("datePublished"))
            .or_else(|| string_of(obj.get("dateCreated"))),
        date_modified: string_of(obj.get("dateModified")),
        authors: names_of(obj.get("author")),
        outlet_author: is_organization(obj.get("author")),
        images: images_of(obj.get("image"), 0)
            .into_iter()
            .chain(images_of(obj.get("thumbnailUrl"), 0))
            .collect(),
        publisher: obj.get("publisher").and_then(|p| string_of(Some(p))),
        keywords,
        article_body: obj
            .get("articleBody")
            .and_then(Value::as_str)
            .map(str::to_string),
        url,
        in_language: string_of(obj.get("inLanguage")),
        section: string_of(obj.get("articleSection")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonld_graph_arrays_and_nested_names() {
        let src = r#"{"@context":"https://schema.org","@graph":[
            {"@type":"WebSite","name":"Сайт"},
            {"@type":["ReportageNewsArticle"],"headline":"Заголовок",
             "datePublished":"2025-04-02T21:32:00+05:00",
             "author":[{"@type":"Person","name":"Иван Петров"},{"name":"Анна Сидорова"}],
             "image":{"@type":"ImageObject","url":"https://x.kz/a.jpg"},
             "publisher":{"@type":"Organization","name":"X.kz"},
             "keywords":"Казахстан, Россия"}]}"#;
        let mut out = Vec::new();
        let mut site = None;
        parse_jsonld(src, &mut out, &mut site);
        assert_eq!(out.len(), 1);
        let a = &out[0];
        assert_eq!(a.headline.as_deref(), Some("Заголовок"));
        assert_eq!(a.authors, vec!["Иван Петров", "Анна Сидорова"]);
        assert_eq!(
            a.images.iter().map(|i| i.url.as_str()).collect::<Vec<_>>(),
            vec!["https://x.kz/a.jpg"]
        );
        assert_eq!(a.publisher.as_deref(), Some("X.kz"));
        assert_eq!(a.keywords, vec!["Казахстан", "Россия"]);
        assert_eq!(site.as_deref(), Some("Сайт"));
    }

    #[test]
    fn broken_jsonld_is_ignored_or_repaired() {
        let mut out = Vec::new();
        let mut site = None;
        parse_jsonld("{not json", &mut out, &mut site);
        assert!(out.is_empty());
        parse_jsonld(
            "{\"@type\":\"NewsArticle\",\"headline\":\"a\nb\"}",
            &mut out,
            &mut site,
        );
        assert_eq!(out.len(), 1);
    }
}
