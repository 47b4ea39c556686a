//! Feed summaries are text to a reader that renders them as HTML (the RSS 2.0 convention for
//! `<description>`, Atom's `type="html"`): a lead holding markup must come out as text.

mod common;

use common::{get, new_article, plain, seed_time, start};
use quick_xml::events::Event;

const HOSTILE: &str = "Лид \"><img src=x onerror=alert(1)> и <script>alert(2)</script> & «ёлочки»";

/// The text content of every `element` in an XML document, XML entities resolved: what an
/// XML parser hands to the reader's HTML renderer.
fn texts_of(xml: &str, element: &[u8]) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.local_name().as_ref() == element => {
                current = Some(String::new())
            }
            Ok(Event::Text(t)) => {
                if let Some(c) = current.as_mut() {
                    c.push_str(&t.decode().unwrap_or_else(|e| panic!("{e}")));
                }
            }
            Ok(Event::CData(t)) => {
                if let Some(c) = current.as_mut() {
                    c.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Ok(Event::GeneralRef(r)) => {
                if let Some(c) = current.as_mut() {
                    match r.resolve_char_ref() {
                        Ok(Some(ch)) => c.push(ch),
                        _ => c.push(match r.as_ref() {
                            b"amp" => '&',
                            b"lt" => '<',
                            b"gt" => '>',
                            b"quot" => '"',
                            b"apos" => '\'',
                            other => panic!("unknown entity {:?}", String::from_utf8_lossy(other)),
                        }),
                    }
                }
            }
            Ok(Event::End(e)) if e.local_name().as_ref() == element => {
                out.extend(current.take());
            }
            Ok(Event::Eof) => break,
            Err(e) => panic!("the feed is not well-formed XML: {e}\n{xml}"),
            _ => {}
        }
    }
    out
}

/// What an HTML parser shows of a fragment with no elements: the character references
/// resolved. Panics if the fragment holds markup (a tag would be parsed as an element).
fn html_text(fragment: &str) -> String {
    assert!(
        !fragment.contains('<'),
        "the summary holds markup an HTML renderer would run: {fragment}"
    );
    fragment
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lead_with_markup_is_text_in_rss_and_atom() {
    let s = start(0, khronika_serve::ServeConfig::default()).await;
    s.store
        .put_articles(&[new_article(
            Some(s.sources[0]),
            "https://bizmedia.kz/news/hostile",
            plain("Заголовок", HOSTILE, "Текст.", &[], seed_time()),
            None,
        )])
        .await
        .unwrap_or_else(|e| panic!("put: {e}"));
    s.app.sync_index().await.unwrap_or_else(|e| panic!("{e}"));
    for (path, element) in [
        ("/feed.rss", &b"description"[..]),
        ("/feed.atom", &b"summary"[..]),
    ] {
        let r = get(s.addr, path, &[]).await;
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        let summaries = texts_of(&r.body, element);
        let shown: Vec<String> = summaries.iter().map(|t| html_text(t)).collect();
        assert!(
            shown.iter().any(|t| t == HOSTILE),
            "{path}: the lead is not shown as its own text: {shown:?}"
        );
    }
    let atom = get(s.addr, "/feed.atom", &[]).await;
    assert!(
        atom.body.contains("<summary type=\"html\">"),
        "{}",
        atom.body
    );
}
