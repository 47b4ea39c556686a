//! SSRF protection: which addresses the crawler may connect to.
//!
//! Names are resolved by us ([`GuardedResolver`], installed into the HTTP client), every
//! resolved address is checked, and only checked addresses are handed to the connector, so a
//! DNS answer cannot smuggle in a private address between check and connect. Literal IP
//! hosts never reach a resolver and are checked by [`AddressPolicy::check_url`]. The fetcher
//! runs that check on every redirect hop.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use url::{Host, Url};

use crate::FetchError;

/// Which destinations are allowed.
///
/// Public addresses always are; a non-public one (private, loopback, link-local, ...) only
/// through an [`AllowedHost`] naming the URL's host (and port) as written. The allowance is
/// per URL, not per address, so allowing a test server at `127.0.0.1:8080` does not let a
/// redirect, a discovered feed or a robots.txt sitemap reach `127.0.0.1:22`, `10.0.0.1` or
/// `169.254.169.254`, nor a public name whose DNS answer is private.
#[derive(Debug, Clone, Default)]
pub struct AddressPolicy {
    /// Hosts that may be non-public (`--allow-host`: tests, intranets).
    pub allowed_hosts: Vec<AllowedHost>,
    /// Fixed answers for names, used instead of DNS (pinning, tests). Still checked.
    pub dns_overrides: HashMap<String, Vec<IpAddr>>,
}

/// One `--allow-host` entry: `HOST` (any port) or `HOST:PORT`; HOST is a name, an IPv4
/// address or a bracketed IPv6 address (`[::1]:8080`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedHost {
    host: Host<String>,
    port: Option<u16>,
}

impl std::str::FromStr for AllowedHost {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let bad = |why: &str| format!("{s:?}: {why}; write HOST or HOST:PORT (IPv6 as [::1]:8080)");
        // A port is split off only after a bracketed IPv6 address or from a host without
        // other colons; a bare IPv6 address has no port.
        let (host, port) = match s.rfind(':') {
            Some(i) if s.starts_with('[') && s.get(..i).is_some_and(|h| h.ends_with(']')) => {
                (s.get(..i).unwrap_or(s), s.get(i + 1..))
            }
            Some(i) if !s.starts_with('[') && s.matches(':').count() == 1 => {
                (s.get(..i).unwrap_or(s), s.get(i + 1..))
            }
            _ => (s, None),
        };
        let host = if host.contains(':') && !host.starts_with('[') {
            format!("[{host}]")
        } else {
            host.to_owned()
        };
        if host.is_empty() || host.contains(['/', '@', '?', '#']) {
            return Err(bad("not a host"));
        }
        let host = Host::parse(&host).map_err(|e| bad(&e.to_string()))?;
        let port = match port {
            Some(p) => Some(p.parse::<u16>().map_err(|_| bad("bad port"))?),
            None => None,
        };
        Ok(AllowedHost { host, port })
    }
}

impl std::fmt::Display for AllowedHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.port {
            Some(p) => write!(f, "{}:{p}", self.host),
            None => write!(f, "{}", self.host),
        }
    }
}

impl AllowedHost {
    /// Whether the URL's host and port are this entry's (the scheme's default port counts).
    pub fn matches(&self, url: &Url) -> bool {
        let same_host = match (url.host(), &self.host) {
            (Some(Host::Domain(d)), Host::Domain(a)) => d
                .trim_end_matches('.')
                .eq_ignore_ascii_case(a.trim_end_matches('.')),
            (Some(Host::Ipv4(u)), Host::Ipv4(a)) => u == *a,
            (Some(Host::Ipv6(u)), Host::Ipv6(a)) => u == *a,
            _ => false,
        };
        same_host
            && self
                .port
                .is_none_or(|p| url.port_or_known_default() == Some(p))
    }

    fn names(&self, host: &str) -> bool {
        matches!(&self.host, Host::Domain(a) if a.trim_end_matches('.').eq_ignore_ascii_case(host))
    }
}

/// Whether an address is on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        || a >= 240
        || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (18..20).contains(&b))) // benchmarking
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let seg = ip.segments();
    let first = seg.first().copied().unwrap_or(0);
    // NAT64 embeds an IPv4 address in the last 32 bits.
    if first == 0x64 && seg.get(1) == Some(&0xff9b) {
        let o = ip.octets();
        let v4 = Ipv4Addr::new(o[12], o[13], o[14], o[15]);
        return is_public_v4(v4);
    }
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local
        || (first & 0xffc0) == 0xfe80 // link-local
        || (first & 0xffc0) == 0xfec0 // site-local (deprecated)
        || (first == 0x2001 && seg.get(1) == Some(&0x0db8)) // documentation
        || seg.iter().take(6).all(|s| *s == 0)) // IPv4-compatible (deprecated)
}

impl AddressPolicy {
    /// A policy allowing these hosts besides the public internet.
    pub fn allowing(hosts: impl IntoIterator<Item = AllowedHost>) -> Self {
        AddressPolicy {
            allowed_hosts: hosts.into_iter().collect(),
            ..Default::default()
        }
    }

    fn allows_url(&self, url: &Url) -> bool {
        self.allowed_hosts.iter().any(|a| a.matches(url))
    }

    /// Check the URL's scheme and, for a literal IP host (or `localhost`), the address,
    /// without any network access. Other names are checked when they are resolved
    /// ([`AddressPolicy::check_target`], [`GuardedResolver`]).
    pub fn check_url(&self, url: &Url) -> Result<(), FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::BadUrl(format!(
                "{url}: only http and https are fetched"
            )));
        }
        let ip = match url.host() {
            Some(Host::Ipv4(ip)) => IpAddr::V4(ip),
            Some(Host::Ipv6(ip)) => IpAddr::V6(ip),
            // Loopback by definition (RFC 6761), known without asking DNS.
            Some(Host::Domain(d)) if is_localhost(d) => IpAddr::V4(Ipv4Addr::LOCALHOST),
            Some(Host::Domain(_)) => return Ok(()),
            None => return Err(FetchError::BadUrl(format!("{url}: no host"))),
        };
        if is_public(ip) || self.allows_url(url) {
            Ok(())
        } else {
            Err(refused(url.as_str(), ip))
        }
    }

    /// Check a URL completely before anything is sent to it: scheme, literal address, and
    /// every address its name resolves to (refused if any is non-public, unless the URL's
    /// host and port are allowed). Run on every hop by the fetcher.
    pub async fn check_target(&self, url: &Url) -> Result<(), FetchError> {
        self.check_url(url)?;
        if let Some(Host::Domain(name)) = url.host() {
            let allowed = self.allows_url(url);
            for ip in self.lookup(name).await? {
                if !allowed && !is_public(ip) {
                    return Err(refused(url.as_str(), ip));
                }
            }
        }
        Ok(())
    }

    async fn lookup(&self, host: &str) -> Result<Vec<IpAddr>, FetchError> {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let addrs: Vec<IpAddr> = match self.dns_overrides.get(&host) {
            Some(fixed) => fixed.clone(),
            None => tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map_err(|e| FetchError::Dns {
                    host: host.clone(),
                    message: e.to_string(),
                })?
                .map(|s| s.ip())
                .collect(),
        };
        if addrs.is_empty() {
            return Err(FetchError::Dns {
                host,
                message: "no addresses".into(),
            });
        }
        Ok(addrs)
    }

    /// Resolve a name for the HTTP client and check every answer; refuse if any answer is
    /// not public (a name that mixes public and private answers is not trusted at all),
    /// unless the name is on the allow-list. The client does not say which port it will
    /// use, so the port of an entry is enforced by [`AddressPolicy::check_target`], which
    /// the fetcher runs on the same URL just before.
    pub async fn resolve(&self, host: &str) -> Result<Vec<IpAddr>, FetchError> {
        let addrs = self.lookup(host).await?;
        let name = host.trim_end_matches('.');
        if !self.allowed_hosts.iter().any(|a| a.names(name)) {
            if let Some(ip) = addrs.iter().copied().find(|ip| !is_public(*ip)) {
                return Err(refused(name, ip));
            }
        }
        Ok(addrs)
    }
}

fn is_localhost(name: &str) -> bool {
    let name = name.trim_end_matches('.');
    name.eq_ignore_ascii_case("localhost")
        || name
            .len()
            .checked_sub(".localhost".len())
            .and_then(|i| name.get(i..))
            .is_some_and(|tail| tail.eq_ignore_ascii_case(".localhost"))
}

fn refused(target: &str, addr: IpAddr) -> FetchError {
    FetchError::Refused {
        target: target.to_owned(),
        addr,
    }
}

/// The HTTP client's resolver: answers only with addresses the policy allows.
#[derive(Debug, Clone)]
pub struct GuardedResolver {
    pub policy: Arc<AddressPolicy>,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.policy.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs = policy
                .resolve(&host)
                .await
                .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)?;
            let iter: reqwest::dns::Addrs =
                Box::new(addrs.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(iter)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
    }

    #[test]
    fn private_loopback_link_local_are_not_public() {
        for a in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "224.0.0.1",
        ] {
            assert!(!is_public(ip(a)), "{a} counted as public");
        }
        for a in ["8.8.8.8", "95.59.1.1", "2a00:1450:4001::1"] {
            assert!(is_public(ip(a)), "{a} counted as private");
        }
    }

    fn allow(s: &str) -> AllowedHost {
        s.parse()
            .unwrap_or_else(|e| panic!("{s} does not parse: {e}"))
    }

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn allow_host_entries_parse_and_name_host_and_port() {
        for (entry, yes, no) in [
            (
                "127.0.0.1:8080",
                "http://127.0.0.1:8080/x",
                "http://127.0.0.1:8081/x",
            ),
            ("127.0.0.1", "http://127.0.0.1:9999/", "http://127.0.0.2/"),
            ("[::1]:8080", "http://[::1]:8080/", "http://[::1]/"),
            ("::1", "http://[::1]:1/", "http://127.0.0.1/"),
            (
                "Intranet.Example:80",
                "http://intranet.example/",
                "https://intranet.example/",
            ),
        ] {
            let a = allow(entry);
            assert!(a.matches(&url(yes)), "{entry} should allow {yes}");
            assert!(!a.matches(&url(no)), "{entry} should not allow {no}");
        }
        for bad in [
            "",
            "http://x/",
            "host:port",
            "a:1:2:3:z",
            "user@host",
            "[::1",
        ] {
            assert!(bad.parse::<AllowedHost>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn literal_hosts_are_checked_per_host_and_port() {
        let strict = AddressPolicy::default();
        assert!(strict.check_url(&url("http://127.0.0.1:8080/x")).is_err());
        assert!(strict.check_url(&url("http://[::1]/")).is_err());
        let p = AddressPolicy::allowing([allow("127.0.0.1:8080")]);
        assert!(p.check_url(&url("http://127.0.0.1:8080/x")).is_ok());
        // The allowance is the test server, not loopback, not private space.
        for other in [
            "http://127.0.0.1:22/",
            "http://127.0.0.1/",
            "http://10.0.0.1/admin",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::ffff:127.0.0.1]:8080/",
        ] {
            assert!(
                matches!(p.check_url(&url(other)), Err(FetchError::Refused { .. })),
                "{other} allowed"
            );
        }
        assert!(p.check_url(&url("file:///etc/passwd")).is_err());
        // localhost is loopback without asking DNS.
        for local in ["http://localhost:8080/", "http://news.LOCALHOST./"] {
            assert!(strict.check_url(&url(local)).is_err(), "{local} allowed");
        }
        let p = AddressPolicy::allowing([allow("localhost:8080")]);
        assert!(p.check_url(&url("http://localhost:8080/")).is_ok());
        assert!(p.check_url(&url("http://localhost:8081/")).is_err());
    }

    #[tokio::test]
    async fn dns_answers_are_checked() {
        let mut p = AddressPolicy::default();
        p.dns_overrides
            .insert("intranet.test".into(), vec![ip("8.8.8.8"), ip("10.0.0.7")]);
        p.dns_overrides
            .insert("ok.test".into(), vec![ip("8.8.8.8")]);
        p.dns_overrides
            .insert("metadata.test".into(), vec![ip("169.254.169.254")]);
        assert!(matches!(
            p.resolve("intranet.test").await,
            Err(FetchError::Refused { .. })
        ));
        assert!(p.resolve("ok.test").await.is_ok());
        assert!(p.resolve("localhost").await.is_err());
        // Allowing an address does not allow names that resolve to it, nor other ports of an
        // allowed name.
        p.allowed_hosts = vec![allow("169.254.169.254"), allow("intranet.test:8080")];
        assert!(p.resolve("metadata.test").await.is_err());
        assert!(p.check_target(&url("http://metadata.test/")).await.is_err());
        assert!(p
            .check_target(&url("http://intranet.test:8080/"))
            .await
            .is_ok());
        assert!(matches!(
            p.check_target(&url("http://intranet.test:9090/")).await,
            Err(FetchError::Refused { .. })
        ));
    }
}
