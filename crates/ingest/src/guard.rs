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
#[derive(Debug, Clone, Default)]
pub struct AddressPolicy {
    /// Allow private, loopback, link-local and other non-public addresses (tests, intranets).
    pub allow_private: bool,
    /// Non-public addresses allowed one by one (e.g. a test server at 127.0.0.1).
    pub exempt: Vec<IpAddr>,
    /// Fixed answers for names, used instead of DNS (pinning, tests). Still checked.
    pub dns_overrides: HashMap<String, Vec<IpAddr>>,
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
    /// Allow everything (tests and intranet use).
    pub fn allow_all() -> Self {
        AddressPolicy {
            allow_private: true,
            ..Default::default()
        }
    }

    pub fn permits(&self, ip: IpAddr) -> bool {
        self.allow_private || self.exempt.contains(&ip) || is_public(ip)
    }

    /// Check the URL's scheme and, for a literal IP host, the address.
    pub fn check_url(&self, url: &Url) -> Result<(), FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::BadUrl(format!(
                "{url}: only http and https are fetched"
            )));
        }
        match url.host() {
            Some(Host::Ipv4(ip)) => self.check_ip(url.as_str(), IpAddr::V4(ip)),
            Some(Host::Ipv6(ip)) => self.check_ip(url.as_str(), IpAddr::V6(ip)),
            Some(Host::Domain(_)) => Ok(()),
            None => Err(FetchError::BadUrl(format!("{url}: no host"))),
        }
    }

    fn check_ip(&self, what: &str, ip: IpAddr) -> Result<(), FetchError> {
        if self.permits(ip) {
            Ok(())
        } else {
            Err(FetchError::Refused {
                target: what.to_owned(),
                addr: ip,
            })
        }
    }

    /// Resolve a name and check every answer; refuse if any answer is not allowed (a name
    /// that mixes public and private answers is not trusted at all).
    pub async fn resolve(&self, host: &str) -> Result<Vec<IpAddr>, FetchError> {
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
        for ip in &addrs {
            self.check_ip(&host, *ip)?;
        }
        Ok(addrs)
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

    #[test]
    fn literal_hosts_are_checked_and_exemptions_apply() {
        let strict = AddressPolicy::default();
        let u = Url::parse("http://127.0.0.1:8080/x").ok();
        assert!(u.as_ref().is_some_and(|u| strict.check_url(u).is_err()));
        let u6 = Url::parse("http://[::1]/").ok();
        assert!(u6.as_ref().is_some_and(|u| strict.check_url(u).is_err()));
        let exempt = AddressPolicy {
            exempt: vec![ip("127.0.0.1")],
            ..Default::default()
        };
        assert!(u.as_ref().is_some_and(|u| exempt.check_url(u).is_ok()));
        let file = Url::parse("file:///etc/passwd").ok();
        assert!(file.as_ref().is_some_and(|u| exempt.check_url(u).is_err()));
    }

    #[tokio::test]
    async fn dns_answers_are_checked() {
        let mut p = AddressPolicy::default();
        p.dns_overrides
            .insert("intranet.test".into(), vec![ip("8.8.8.8"), ip("10.0.0.7")]);
        p.dns_overrides
            .insert("ok.test".into(), vec![ip("8.8.8.8")]);
        assert!(matches!(
            p.resolve("intranet.test").await,
            Err(FetchError::Refused { .. })
        ));
        assert!(p.resolve("ok.test").await.is_ok());
        assert!(p.resolve("localhost").await.is_err());
    }
}
