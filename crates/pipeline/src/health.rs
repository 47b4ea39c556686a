//! Source health: why fetches failed (for ingest's closing table and the store), and the
//! judgement `khronika status` shows — whether a source's extraction broke.

use chrono::{DateTime, Utc};
use khronika_ingest::FetchError;
use khronika_store::{ExtractionCounts, HealthWindow, SourceHealth, SourceId, Store};
use serde::Serialize;

use crate::PipelineError;

/// The newest 40 pages of a source are compared with the 200 before them: 40 is about a
/// day of a mid-sized outlet, long enough that a few odd pages (a gallery without a date,
/// a live blog without a lead) do not move the share much.
pub const HEALTH_WINDOW: HealthWindow = HealthWindow {
    recent: 40,
    earlier: 200,
};
/// Fewer pages than this on either side and no comparison is made.
const MIN_RECENT: u64 = 10;
const MIN_EARLIER: u64 = 20;
/// A part is flagged when its share fell by at least this much (absolute). A template change
/// removes a part from every page at once (the share drops from near all to near none),
/// while a source's normal mix of page kinds moves it by a few points.
const MIN_DROP: f64 = 0.5;
/// Failures an ingest run keeps for its closing table; more are only counted.
pub const MAX_FAILURES_LISTED: usize = 1_000;

/// One failed URL of an ingest run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    pub source: String,
    pub url: String,
    /// `timeout`, `network`, `dns`, `robots`, `refused`, `too_large`, `redirect`, `url`,
    /// `http`, `feed`, `extraction`.
    pub kind: &'static str,
    pub reason: String,
}

/// The kind and the reason of a failed fetch.
pub fn failure_of(e: &FetchError) -> (&'static str, String) {
    let kind = match e {
        FetchError::Refused { .. } => "refused",
        FetchError::Dns { .. } => "dns",
        FetchError::Disallowed(_) => "robots",
        FetchError::TooLarge { .. } => "too_large",
        FetchError::TooManyRedirects(_) | FetchError::BadRedirect(_) => "redirect",
        FetchError::BadUrl(_) => "url",
        FetchError::Client(_) => "client",
        // The HTTP client's errors arrive as text (`FetchError::Http`); its timeout is the
        // one network failure an operator acts on differently (a slow site, not a dead one).
        FetchError::Http(m) if m.contains("timed out") || m.contains("timeout") => "timeout",
        FetchError::Http(_) => "network",
    };
    let reason = match e {
        FetchError::Disallowed(_) => "disallowed by robots.txt".to_owned(),
        FetchError::Http(m) if kind == "timeout" => format!("timed out ({m})"),
        other => other.to_string(),
    };
    (kind, reason)
}

/// A source's health as `khronika status` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct SourceStatus {
    pub id: SourceId,
    pub name: String,
    pub hidden: bool,
    #[serde(flatten)]
    pub health: SourceHealth,
    /// Parts extraction stopped finding, e.g. "0 dates in the last 40 pages, was 100 %".
    pub flags: Vec<String>,
}

/// Every source's health at `now`, with its extraction flags.
pub async fn source_status(
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Result<Vec<SourceStatus>, PipelineError> {
    let sources = store.list_sources().await?;
    let health = store.source_health(now, HEALTH_WINDOW).await?;
    Ok(health
        .into_iter()
        .filter_map(|h| {
            let s = sources.iter().find(|s| s.id == h.source_id)?;
            Some(SourceStatus {
                id: s.id,
                name: s.name.clone(),
                hidden: s.hidden,
                flags: extraction_flags(&h.recent, &h.earlier),
                health: h,
            })
        })
        .collect())
}

/// The parts whose share on the newest pages fell far below the source's own history.
pub fn extraction_flags(recent: &ExtractionCounts, earlier: &ExtractionCounts) -> Vec<String> {
    if recent.pages < MIN_RECENT || earlier.pages < MIN_EARLIER {
        return Vec::new();
    }
    let share = |n: u64, of: u64| n as f64 / of as f64;
    [
        ("titles", recent.with_title, earlier.with_title),
        ("bodies", recent.with_body, earlier.with_body),
        ("dates", recent.with_date, earlier.with_date),
    ]
    .into_iter()
    .filter(|&(_, now, before)| share(before, earlier.pages) - share(now, recent.pages) >= MIN_DROP)
    .map(|(part, now, before)| {
        format!(
            "{now} {part} in the last {} pages, was {:.0} %",
            recent.pages,
            100.0 * share(before, earlier.pages)
        )
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(pages: u64, title: u64, body: u64, date: u64) -> ExtractionCounts {
        ExtractionCounts {
            pages,
            with_title: title,
            with_body: body,
            with_date: date,
        }
    }

    #[test]
    fn lost_dates_are_flagged() {
        let flags = extraction_flags(&counts(40, 40, 40, 0), &counts(200, 200, 198, 200));
        assert_eq!(flags, vec!["0 dates in the last 40 pages, was 100 %"]);
    }

    #[test]
    fn ordinary_variation_is_not_flagged() {
        // A source that always dated 80 % of its pages and now dates 70 %.
        let flags = extraction_flags(&counts(40, 40, 40, 28), &counts(200, 200, 200, 160));
        assert!(flags.is_empty(), "{flags:?}");
    }

    #[test]
    fn too_little_history_is_not_judged() {
        let flags = extraction_flags(&counts(40, 0, 0, 0), &counts(5, 5, 5, 5));
        assert!(flags.is_empty(), "{flags:?}");
        let flags = extraction_flags(&counts(3, 0, 0, 0), &counts(200, 200, 200, 200));
        assert!(flags.is_empty(), "{flags:?}");
    }

    #[test]
    fn fetch_errors_have_kinds() {
        let (kind, reason) = failure_of(&FetchError::Disallowed("https://a.example/x".into()));
        assert_eq!(
            (kind, reason.as_str()),
            ("robots", "disallowed by robots.txt")
        );
        let (kind, _) = failure_of(&FetchError::Http(
            "error sending request: operation timed out".into(),
        ));
        assert_eq!(kind, "timeout");
        let (kind, _) = failure_of(&FetchError::Http("connection reset".into()));
        assert_eq!(kind, "network");
    }
}
