//! URL canonicalisation: one spelling per article URL, so the same page reached through a
//! newsletter link, a feed and a share button is fetched and stored once.

use url::Url;

/// Query parameters that only track where a reader came from.
const TRACKING_EXACT: &[&str] = &[
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "yclid",
    "ysclid",
    "msclkid",
    "mc_cid",
    "mc_eid",
    "igshid",
    "_openstat",
    "_ga",
    "_gl",
    "ref_src",
    "cmpid",
    "from",
    "utm",
];
const TRACKING_PREFIXES: &[&str] = &["utm_", "hsa_", "pk_", "mtm_", "ga_"];

fn is_tracking(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    TRACKING_EXACT.contains(&n.as_str()) || TRACKING_PREFIXES.iter().any(|p| n.starts_with(p))
}

/// The canonical form: http(s) only, fragment and tracking parameters removed, an empty
/// query dropped, host lower-cased and default port removed (the `url` crate does those two).
/// Returns `None` for URLs that are not http(s).
pub fn canonicalize(url: &Url) -> Option<Url> {
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return None;
    }
    let mut out = url.clone();
    out.set_fragment(None);
    if url.query().is_some() {
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| !is_tracking(k))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            out.set_query(None);
        } else {
            out.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    Some(out)
}

/// Parse and canonicalise in one step (relative to `base` when given).
pub fn canonicalize_str(s: &str, base: Option<&Url>) -> Option<Url> {
    let parsed = match base {
        Some(b) => b.join(s.trim()).ok()?,
        None => Url::parse(s.trim()).ok()?,
    };
    canonicalize(&parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> String {
        canonicalize_str(s, None)
            .map(|u| u.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn drops_tracking_and_fragments_keeps_real_parameters() {
        assert_eq!(
            c("HTTPS://News.Example:443/a/b?id=5&utm_source=tg&utm_medium=x&fbclid=1#comments"),
            "https://news.example/a/b?id=5"
        );
        assert_eq!(c("http://n.example/a?utm_campaign=z"), "http://n.example/a");
        assert_eq!(c("http://n.example/a?page=2"), "http://n.example/a?page=2");
    }

    #[test]
    fn refuses_other_schemes() {
        assert_eq!(c("mailto:x@example.org"), "");
        assert_eq!(c("javascript:alert(1)"), "");
        assert_eq!(c("ftp://example.org/file"), "");
    }

    #[test]
    fn resolves_relative_links() {
        let base = Url::parse("https://n.example/news/1.html").ok();
        let got = canonicalize_str("../about?utm_source=a", base.as_ref()).map(|u| u.to_string());
        assert_eq!(got.as_deref(), Some("https://n.example/about"));
    }
}
