//! The polite fetcher: one HTTP client for a whole run, robots.txt per origin, a gate per
//! host (minimum delay between request starts, maximum concurrency, back-off after 429/5xx),
//! redirects followed by us with every hop checked (address policy and robots), size and
//! time limits, conditional requests.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{Mutex, OnceCell, Semaphore};
use tokio::time::Instant;
use url::Url;

use crate::guard::{AddressPolicy, GuardedResolver};
use crate::FetchError;

/// Everything that shapes how the fetcher behaves.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    pub user_agent: String,
    pub policy: AddressPolicy,
    /// Largest body accepted, after content decoding (a zip bomb hits the same limit).
    pub max_bytes: usize,
    /// Whole-request time limit (connect, headers and body).
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub max_redirects: usize,
    /// Minimum gap between request starts on one host, unless robots.txt asks for more.
    pub default_delay: Duration,
    /// Crawl-delay values above this are capped (a site cannot stall us for hours).
    pub max_delay: Duration,
    /// Requests in flight per host.
    pub per_host_concurrency: usize,
    /// Retries after 429, 5xx and transport errors.
    pub max_retries: u32,
    /// First back-off when the server gives no Retry-After; doubles per retry.
    pub retry_base: Duration,
    /// Retry-After values above this are capped.
    pub max_retry_after: Duration,
    /// Honour robots.txt (always on outside benchmarks of our own server).
    pub respect_robots: bool,
}

/// The product token robots.txt rules are matched against.
pub const ROBOTS_AGENT: &str = "khronika";

/// `khronika/<version> (+<info url>)`.
pub fn default_user_agent() -> String {
    format!(
        "khronika/{} (+https://example.invalid/khronika/bot)",
        env!("CARGO_PKG_VERSION")
    )
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            user_agent: default_user_agent(),
            policy: AddressPolicy::default(),
            max_bytes: 8 * 1024 * 1024,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_redirects: 5,
            default_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            per_host_concurrency: 2,
            max_retries: 2,
            retry_base: Duration::from_secs(2),
            max_retry_after: Duration::from_secs(120),
            respect_robots: true,
        }
    }
}

/// Validators from an earlier response, for a conditional request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

impl Validators {
    pub fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }
}

/// A final (non-redirect) response.
#[derive(Debug, Clone)]
pub struct Response {
    /// The URL asked for.
    pub url: Url,
    /// The URL that answered (after redirects).
    pub final_url: Url,
    /// Every redirect target, in order.
    pub redirects: Vec<Url>,
    pub status: u16,
    pub content_type: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub fetched_at: DateTime<Utc>,
    /// Decoded body (content encodings removed); empty for 304.
    pub body: Vec<u8>,
}

impl Response {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
    pub fn not_modified(&self) -> bool {
        self.status == 304
    }
}

/// What robots.txt says for one origin.
#[derive(Debug)]
pub struct RobotsInfo {
    robot: Option<texting_robots::Robot>,
    /// robots.txt could not be read (5xx, network): assume everything is disallowed.
    disallow_all: bool,
    pub sitemaps: Vec<String>,
    pub crawl_delay: Option<Duration>,
}

impl RobotsInfo {
    pub fn allowed(&self, url: &Url) -> bool {
        if self.disallow_all {
            return false;
        }
        match &self.robot {
            Some(r) => r.allowed(url.as_str()),
            None => true,
        }
    }
}

struct HostGate {
    slots: Semaphore,
    next_start: Mutex<Instant>,
    /// A per-site delay replacing the default (robots.txt may still ask for more).
    delay: Option<Duration>,
}

/// The fetcher. Share one per run (`Arc<Fetcher>`); it is cheap to call concurrently.
pub struct Fetcher {
    client: reqwest::Client,
    config: FetchConfig,
    robots: std::sync::Mutex<HashMap<String, Arc<OnceCell<Arc<RobotsInfo>>>>>,
    gates: std::sync::Mutex<HashMap<String, Arc<HostGate>>>,
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher")
            .field("config", &self.config)
            .finish()
    }
}

fn origin_key(url: &Url) -> String {
    format!(
        "{}://{}:{}",
        url.scheme(),
        url.host_str().unwrap_or(""),
        url.port_or_known_default().unwrap_or(0)
    )
}

fn header(resp: &reqwest::Response, name: reqwest::header::HeaderName) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// Retry-After as seconds or an HTTP date.
fn retry_after(resp: &reqwest::Response) -> Option<Duration> {
    let v = header(resp, reqwest::header::RETRY_AFTER)?;
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = DateTime::parse_from_rfc2822(&v).ok()?;
    let delta = when.with_timezone(&Utc) - Utc::now();
    delta.to_std().ok().or(Some(Duration::ZERO))
}

fn retryable(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

impl Fetcher {
    pub fn new(config: FetchConfig) -> Result<Self, FetchError> {
        let resolver = GuardedResolver {
            policy: Arc::new(config.policy.clone()),
        };
        let client = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(resolver))
            .no_proxy()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .gzip(true)
            .brotli(true)
            .deflate(true)
            .pool_max_idle_per_host(config.per_host_concurrency.max(1) * 2)
            .build()
            .map_err(|e| FetchError::Client(e.to_string()))?;
        Ok(Fetcher {
            client,
            config,
            robots: std::sync::Mutex::new(HashMap::new()),
            gates: std::sync::Mutex::new(HashMap::new()),
        })
    }

    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    fn gate(&self, url: &Url) -> Arc<HostGate> {
        let key = origin_key(url);
        let mut gates = match self.gates.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        gates
            .entry(key)
            .or_insert_with(|| {
                Arc::new(HostGate {
                    slots: Semaphore::new(self.config.per_host_concurrency.max(1)),
                    next_start: Mutex::new(Instant::now()),
                    delay: None,
                })
            })
            .clone()
    }

    /// Per-site politeness overriding the defaults for the URL's origin: the minimum delay
    /// between request starts (robots.txt crawl-delay still wins when larger) and the
    /// requests in flight. Call before the first request to that site.
    pub fn set_host_politeness(
        &self,
        url: &Url,
        delay: Option<Duration>,
        concurrency: Option<usize>,
    ) {
        let key = origin_key(url);
        let mut gates = match self.gates.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        gates.insert(
            key,
            Arc::new(HostGate {
                slots: Semaphore::new(
                    concurrency
                        .unwrap_or(self.config.per_host_concurrency)
                        .clamp(1, 256),
                ),
                next_start: Mutex::new(Instant::now()),
                delay: delay.map(|d| d.min(self.config.max_delay)),
            }),
        );
    }

    /// robots.txt for the URL's origin, fetched once per fetcher.
    ///
    /// A boxed future: fetching robots.txt goes through the same fetch path that asks for
    /// robots, and the explicit type breaks that cycle for the compiler.
    pub fn robots<'a>(
        &'a self,
        url: &'a Url,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Arc<RobotsInfo>> + Send + 'a>> {
        Box::pin(async move {
            let key = origin_key(url);
            let cell = {
                let mut map = match self.robots.lock() {
                    Ok(m) => m,
                    Err(poisoned) => poisoned.into_inner(),
                };
                map.entry(key).or_default().clone()
            };
            cell.get_or_init(|| self.load_robots(url)).await.clone()
        })
    }

    async fn load_robots(&self, url: &Url) -> Arc<RobotsInfo> {
        let mut robots_url = url.clone();
        robots_url.set_path("/robots.txt");
        robots_url.set_query(None);
        robots_url.set_fragment(None);
        let info = match self.fetch_inner(&robots_url, None, false, None).await {
            Ok(resp) if resp.is_success() => {
                let body = resp.body.get(..512 * 1024).unwrap_or(&resp.body);
                match texting_robots::Robot::new(ROBOTS_AGENT, body) {
                    Ok(robot) => RobotsInfo {
                        sitemaps: robot.sitemaps.clone(),
                        crawl_delay: robot
                            .delay
                            .filter(|d| d.is_finite() && *d > 0.0)
                            .map(|d| Duration::from_secs_f32(d.min(86_400.0))),
                        robot: Some(robot),
                        disallow_all: false,
                    },
                    Err(e) => {
                        tracing::warn!(url = %robots_url, error = %e, "unparsable robots.txt, treating as allow-all");
                        RobotsInfo {
                            robot: None,
                            disallow_all: false,
                            sitemaps: Vec::new(),
                            crawl_delay: None,
                        }
                    }
                }
            }
            // 4xx: no robots.txt, everything allowed.
            Ok(resp) if (400..500).contains(&resp.status) => RobotsInfo {
                robot: None,
                disallow_all: false,
                sitemaps: Vec::new(),
                crawl_delay: None,
            },
            Ok(resp) => {
                tracing::warn!(url = %robots_url, status = resp.status, "robots.txt unavailable, not crawling this site now");
                RobotsInfo {
                    robot: None,
                    disallow_all: true,
                    sitemaps: Vec::new(),
                    crawl_delay: None,
                }
            }
            Err(e) => {
                tracing::warn!(url = %robots_url, error = %e, "robots.txt unreachable, not crawling this site now");
                RobotsInfo {
                    robot: None,
                    disallow_all: true,
                    sitemaps: Vec::new(),
                    crawl_delay: None,
                }
            }
        };
        Arc::new(info)
    }

    /// The gap this fetcher keeps between request starts on the URL's host.
    pub async fn host_delay(&self, url: &Url) -> Duration {
        let mut delay = self.gate(url).delay.unwrap_or(self.config.default_delay);
        if self.config.respect_robots {
            if let Some(d) = self.robots(url).await.crawl_delay {
                delay = delay.max(d.min(self.config.max_delay));
            }
        }
        delay
    }

    /// Fetch a URL: robots.txt and the address policy are checked for it and every redirect
    /// hop; the host's politeness gate is respected; 429/5xx are retried with back-off.
    /// Non-2xx final statuses are returned as responses (the caller decides), not errors.
    pub async fn fetch(
        &self,
        url: &Url,
        validators: Option<&Validators>,
    ) -> Result<Response, FetchError> {
        self.fetch_inner(url, validators, self.config.respect_robots, None)
            .await
    }

    /// Like [`Fetcher::fetch`] with a smaller body limit (feeds, sitemaps, robots).
    pub async fn fetch_limited(
        &self,
        url: &Url,
        validators: Option<&Validators>,
        max_bytes: usize,
    ) -> Result<Response, FetchError> {
        self.fetch_inner(url, validators, self.config.respect_robots, Some(max_bytes))
            .await
    }

    async fn fetch_inner(
        &self,
        url: &Url,
        validators: Option<&Validators>,
        check_robots: bool,
        max_bytes: Option<usize>,
    ) -> Result<Response, FetchError> {
        let max_bytes = max_bytes
            .unwrap_or(self.config.max_bytes)
            .min(self.config.max_bytes);
        let mut current = url.clone();
        let mut redirects = Vec::new();
        loop {
            // Every hop (redirects, robots.txt, discovered feeds and sitemaps all come through
            // here) is checked before anything is sent; the client's resolver re-checks the
            // addresses it connects to.
            self.config.policy.check_target(&current).await?;
            if check_robots && !self.robots(&current).await.allowed(&current) {
                return Err(FetchError::Disallowed(current.to_string()));
            }
            let delay = if check_robots {
                self.host_delay(&current).await
            } else {
                self.gate(&current)
                    .delay
                    .unwrap_or(self.config.default_delay)
            };
            let resp = self.send_with_retries(&current, validators, delay).await?;
            let status = resp.status().as_u16();
            if (300..400).contains(&status) && status != 304 {
                let Some(location) = header(&resp, reqwest::header::LOCATION) else {
                    return Err(FetchError::BadRedirect(format!(
                        "{current}: {status} without Location"
                    )));
                };
                if redirects.len() >= self.config.max_redirects {
                    return Err(FetchError::TooManyRedirects(url.to_string()));
                }
                let next = current.join(&location).map_err(|e| {
                    FetchError::BadRedirect(format!("{current} -> {location:?}: {e}"))
                })?;
                tracing::debug!(from = %current, to = %next, status, "redirect");
                redirects.push(next.clone());
                current = next;
                continue;
            }
            let content_type = header(&resp, reqwest::header::CONTENT_TYPE);
            let etag = header(&resp, reqwest::header::ETAG);
            let last_modified = header(&resp, reqwest::header::LAST_MODIFIED);
            let body = if status == 304 {
                Vec::new()
            } else {
                read_body(resp, max_bytes, &current).await?
            };
            return Ok(Response {
                url: url.clone(),
                final_url: current,
                redirects,
                status,
                content_type,
                etag,
                last_modified,
                fetched_at: Utc::now(),
                body,
            });
        }
    }

    async fn send_with_retries(
        &self,
        url: &Url,
        validators: Option<&Validators>,
        delay: Duration,
    ) -> Result<reqwest::Response, FetchError> {
        let gate = self.gate(url);
        let mut attempt = 0u32;
        loop {
            let permit = gate
                .slots
                .acquire()
                .await
                .map_err(|_| FetchError::Client("host gate closed".into()))?;
            {
                let mut next = gate.next_start.lock().await;
                let now = Instant::now();
                if *next > now {
                    tokio::time::sleep_until(*next).await;
                }
                *next = Instant::now() + delay;
            }
            let mut req = self.client.get(url.clone());
            if let Some(v) = validators {
                if let Some(etag) = &v.etag {
                    req = req.header(reqwest::header::IF_NONE_MATCH, etag);
                }
                if let Some(lm) = &v.last_modified {
                    req = req.header(reqwest::header::IF_MODIFIED_SINCE, lm);
                }
            }
            let result = req.send().await;
            drop(permit);
            let wait = match &result {
                Ok(resp) if retryable(resp.status().as_u16()) => retry_after(resp),
                Ok(_) => return result.map_err(FetchError::from),
                Err(e) if e.is_timeout() || e.is_connect() => None,
                Err(_) => return result.map_err(FetchError::from),
            };
            if attempt >= self.config.max_retries {
                return result.map_err(FetchError::from);
            }
            let backoff = wait
                .unwrap_or_else(|| self.config.retry_base.saturating_mul(1 << attempt.min(16)))
                .min(self.config.max_retry_after);
            tracing::info!(%url, attempt, backoff_ms = backoff.as_millis() as u64, "retrying after back-off");
            {
                // The whole host backs off, not just this request.
                let mut next = gate.next_start.lock().await;
                let until = Instant::now() + backoff;
                if *next < until {
                    *next = until;
                }
            }
            attempt += 1;
        }
    }
}

async fn read_body(
    mut resp: reqwest::Response,
    max_bytes: usize,
    url: &Url,
) -> Result<Vec<u8>, FetchError> {
    if let Some(len) = resp.content_length() {
        if len > max_bytes as u64 {
            return Err(FetchError::TooLarge {
                url: url.to_string(),
                limit: max_bytes,
            });
        }
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        if body.len() + chunk.len() > max_bytes {
            return Err(FetchError::TooLarge {
                url: url.to_string(),
                limit: max_bytes,
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
