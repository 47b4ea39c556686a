//! OPML subscription lists (`<outline xmlUrl=… htmlUrl=… text=…>`), as feed readers export.

use quick_xml::events::Event;

/// One subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpmlFeed {
    pub title: Option<String>,
    pub xml_url: String,
    pub html_url: Option<String>,
}

/// Every outline with an `xmlUrl`, in document order (nesting ignored).
pub fn parse_opml(bytes: &[u8]) -> Result<Vec<OpmlFeed>, String> {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut buf = Vec::new();
    let mut out = Vec::new();
    let mut saw_opml = false;
    loop {
        match reader
            .read_event_into(&mut buf)
            .map_err(|e| e.to_string())?
        {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.local_name().as_ref().to_ascii_lowercase();
                if name == b"opml" {
                    saw_opml = true;
                }
                if name != b"outline" {
                    buf.clear();
                    continue;
                }
                let mut title = None;
                let mut text = None;
                let mut xml_url = None;
                let mut html_url = None;
                for attr in e.attributes().flatten() {
                    let key = attr.key.local_name().as_ref().to_ascii_lowercase();
                    let Ok(value) = attr.decoded_and_normalized_value(
                        quick_xml::XmlVersion::Explicit1_0,
                        reader.decoder(),
                    ) else {
                        continue;
                    };
                    let value = value.trim().to_owned();
                    match key.as_slice() {
                        b"title" => title = Some(value),
                        b"text" => text = Some(value),
                        b"xmlurl" => xml_url = Some(value),
                        b"htmlurl" => html_url = Some(value),
                        _ => {}
                    }
                }
                if let Some(xml_url) = xml_url.filter(|u| !u.is_empty()) {
                    if out.len() < 100_000 {
                        out.push(OpmlFeed {
                            title: title.or(text).filter(|t| !t.is_empty()),
                            xml_url,
                            html_url: html_url.filter(|u| !u.is_empty()),
                        });
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !saw_opml {
        return Err("no <opml> element".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_outlines() {
        let x = r#"<?xml version="1.0"?><opml version="2.0"><head/><body>
<outline text="Новости"><outline text="Tengri &amp; Co" type="rss" xmlUrl="https://t.example/rss" htmlUrl="https://t.example/"/></outline>
<outline text="Bad"/></body></opml>"#;
        let feeds = parse_opml(x.as_bytes()).expect("parses");
        assert_eq!(feeds.len(), 1);
        assert_eq!(feeds[0].title.as_deref(), Some("Tengri & Co"));
        assert_eq!(feeds[0].html_url.as_deref(), Some("https://t.example/"));
        assert!(parse_opml(b"<html/>").is_err());
    }
}
