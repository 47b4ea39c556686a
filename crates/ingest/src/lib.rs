//! # khronika-ingest: here is a site, give me its pages — politely and safely
//!
//! The first stage of the pipeline. It knows HTTP, robots.txt, feeds, sitemaps, links and
//! WARC files; it knows nothing about extraction, analysis or storage (the pipeline crate
//! wires those). **Invariant: ingest never depends on the store or later stages.**
//!
//! * [`Fetcher`]: one per run. Checks the [`AddressPolicy`] (SSRF: private, loopback and
//!   link-local addresses refused unless the URL's host and port are on the allow-list;
//!   names resolved and checked by us, the checked address is the one connected to; every
//!   hop checked again: redirects, robots.txt, discovered feeds and sitemaps), robots.txt
//!   (cached per origin, crawl-delay honoured), per-host politeness (delay between request
//!   starts, max concurrency, back-off on 429/5xx with Retry-After), conditional GET
//!   ([`Validators`]), size and time limits, a clear User-Agent.
//! * [`feeds`]: RSS/Atom/JSON feeds and sitemaps (with indexes and Google News tags) to
//!   article URLs. [`discover()`]: a site's feeds and sitemaps from its home page and robots.txt.
//! * [`canon`]: URL canonicalisation (tracking parameters, fragments).
//! * [`html`]: links of a page, for discovery and crawl mode. [`warc`]: WARC input.
//!
//! Cost model: fetching is I/O bound; parsing a feed or sitemap of 1,000 entries takes about a
//! millisecond. Not useful for: rendering JavaScript, logging in, or anything but GET.

pub mod canon;
pub mod discover;
pub mod feeds;
pub mod fetch;
pub mod guard;
pub mod html;
pub mod opml;
pub mod warc;

use std::net::IpAddr;

pub use discover::{discover, Discovered};
pub use fetch::{default_user_agent, FetchConfig, Fetcher, Response, RobotsInfo, Validators};
pub use guard::{AddressPolicy, AllowedHost};

/// Why a URL was not fetched.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("refused {target}: {addr} is a private, loopback or link-local address (allow one host with --allow-host HOST:PORT)")]
    Refused { target: String, addr: IpAddr },
    #[error("cannot resolve {host}: {message}")]
    Dns { host: String, message: String },
    #[error("robots.txt disallows {0}")]
    Disallowed(String),
    #[error("{url}: body over the {limit}-byte limit")]
    TooLarge { url: String, limit: usize },
    #[error("too many redirects from {0}")]
    TooManyRedirects(String),
    #[error("bad redirect: {0}")]
    BadRedirect(String),
    #[error("bad URL: {0}")]
    BadUrl(String),
    #[error("HTTP client setup: {0}")]
    Client(String),
    #[error("request failed: {0}")]
    Http(String),
}

impl From<reqwest::Error> for FetchError {
    fn from(e: reqwest::Error) -> Self {
        // A refusal from our resolver surfaces as a connect error; keep its message.
        let mut msg = e.to_string();
        let mut src: Option<&dyn std::error::Error> = std::error::Error::source(&e);
        while let Some(s) = src {
            if let Some(FetchError::Refused { target, addr }) = s.downcast_ref::<FetchError>() {
                return FetchError::Refused {
                    target: target.clone(),
                    addr: *addr,
                };
            }
            msg = format!("{msg}: {s}");
            src = s.source();
        }
        FetchError::Http(msg)
    }
}

impl FetchError {
    /// Whether the URL should be tried again on a later run (network trouble), as opposed to
    /// refusals that will not change.
    pub fn is_transient(&self) -> bool {
        matches!(self, FetchError::Dns { .. } | FetchError::Http(_))
    }
}
