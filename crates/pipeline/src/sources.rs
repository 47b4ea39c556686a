//! Source lists from files: TOML (`[[source]]` tables) or OPML (feed reader exports).

use khronika_store::{DisplayPolicy, NewSource, Politeness};
use serde::Deserialize;
use url::Url;

use crate::PipelineError;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlFile {
    #[serde(default)]
    source: Vec<TomlSource>,
}

/// One `[[source]]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlSource {
    name: Option<String>,
    url: String,
    #[serde(default)]
    feeds: Vec<String>,
    #[serde(default)]
    sitemaps: Vec<String>,
    lang: Option<String>,
    display: Option<String>,
    delay_ms: Option<u64>,
    max_concurrency: Option<u32>,
}

fn host_name(u: &Url) -> String {
    u.host_str()
        .unwrap_or("source")
        .trim_start_matches("www.")
        .to_owned()
}

fn check_url(s: &str, what: &str) -> Result<Url, PipelineError> {
    let u = Url::parse(s.trim()).map_err(|e| PipelineError::Input(format!("{what} {s:?}: {e}")))?;
    if !matches!(u.scheme(), "http" | "https") {
        return Err(PipelineError::Input(format!("{what} {s:?}: only http(s)")));
    }
    Ok(u)
}

/// Parse a source list; OPML when it looks like XML, TOML otherwise.
pub fn parse_sources_file(text: &str) -> Result<Vec<NewSource>, PipelineError> {
    if text.trim_start().starts_with('<') {
        let feeds = khronika_ingest::opml::parse_opml(text.as_bytes())
            .map_err(|e| PipelineError::Input(format!("OPML: {e}")))?;
        let mut out = Vec::new();
        for f in feeds {
            let feed = check_url(&f.xml_url, "feed")?;
            let home = match &f.html_url {
                Some(h) => check_url(h, "home page")?,
                None => feed.join("/").unwrap_or_else(|_| feed.clone()),
            };
            out.push(NewSource {
                name: f.title.unwrap_or_else(|| host_name(&home)),
                home_url: home.to_string(),
                feeds: vec![feed.to_string()],
                ..Default::default()
            });
        }
        return Ok(out);
    }
    let file: TomlFile =
        toml::from_str(text).map_err(|e| PipelineError::Input(format!("TOML: {e}")))?;
    let mut out = Vec::new();
    for s in file.source {
        let home = check_url(&s.url, "url")?;
        let display = match s.display.as_deref() {
            None => DisplayPolicy::default(),
            Some(d) => DisplayPolicy::parse(d).ok_or_else(|| {
                PipelineError::Input(format!(
                    "display {d:?}: use \"full_text\" or \"lead_and_link\""
                ))
            })?,
        };
        let mut feeds = Vec::new();
        for f in &s.feeds {
            feeds.push(check_url(f, "feed")?.to_string());
        }
        let mut sitemaps = Vec::new();
        for f in &s.sitemaps {
            sitemaps.push(check_url(f, "sitemap")?.to_string());
        }
        out.push(NewSource {
            name: s.name.unwrap_or_else(|| host_name(&home)),
            home_url: home.to_string(),
            feeds,
            sitemaps,
            lang: s.lang,
            display,
            politeness: Politeness {
                delay_ms: s.delay_ms,
                max_concurrency: s.max_concurrency,
            },
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_and_opml() {
        let t = r#"
[[source]]
name = "Tengri"
url = "https://tengrinews.example/"
feeds = ["https://tengrinews.example/rss"]
display = "full_text"

[[source]]
url = "https://www.zakon.example/"
"#;
        let s = parse_sources_file(t).expect("toml");
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].display, DisplayPolicy::FullText);
        assert_eq!(s[1].name, "zakon.example");
        assert!(parse_sources_file("[[source]]\nurl = \"ftp://x\"").is_err());
        assert!(parse_sources_file("[[source]]\nurl = \"https://x.example\"\nbogus = 1").is_err());
        let o = r#"<opml version="1.0"><body><outline text="A" xmlUrl="https://a.example/feed"/></body></opml>"#;
        let s = parse_sources_file(o).expect("opml");
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].home_url, "https://a.example/");
        assert_eq!(s[0].feeds, vec!["https://a.example/feed".to_string()]);
    }
}
