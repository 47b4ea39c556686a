//! "Главное": how important a story is right now.
//!
//! Importance grows with the number of distinct sources that reported the story (the
//! signal Yandex News describes first: independent coverage), a little with the number of
//! articles, with the weight of its sources, and decays with the age of its latest
//! article, so a story that keeps being reported stays up while a one-day burst sinks.
//! Computed when a page is built, from what the store keeps, so it is always current.

use chrono::{DateTime, Utc};

/// Half-life of a story's importance, in hours since its latest article.
pub const HALF_LIFE_HOURS: f64 = 12.0;

/// What the ranking reads of a story.
#[derive(Debug, Clone, Copy)]
pub struct StoryStats {
    pub sources: u32,
    pub articles: u32,
    pub last_seen: DateTime<Utc>,
    /// Sum of the weights of its distinct sources (1.0 each by default); `None` when
    /// unknown, taken as `sources`.
    pub source_weight: Option<f64>,
}

/// The importance of a story at `now`; higher is more important, 0 for an empty story.
pub fn importance(s: &StoryStats, now: DateTime<Utc>) -> f64 {
    if s.articles == 0 {
        return 0.0;
    }
    let weight = s.source_weight.unwrap_or(f64::from(s.sources)).max(0.0);
    let coverage = 1.0 + weight.ln_1p() * 2.0 + f64::from(s.articles).ln_1p() * 0.5;
    let age_hours = ((now - s.last_seen).num_seconds().max(0) as f64) / 3600.0;
    coverage * 0.5f64.powf(age_hours / HALF_LIFE_HOURS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn at(sources: u32, articles: u32, hours_ago: i64, now: DateTime<Utc>) -> f64 {
        importance(
            &StoryStats {
                sources,
                articles,
                last_seen: now - Duration::hours(hours_ago),
                source_weight: None,
            },
            now,
        )
    }

    #[test]
    fn more_sources_rank_higher_and_age_decays() {
        let now = Utc::now();
        assert!(at(5, 5, 1, now) > at(1, 5, 1, now));
        assert!(at(3, 3, 1, now) > at(3, 3, 30, now));
        // Independent coverage beats one source repeating itself.
        assert!(at(4, 4, 2, now) > at(1, 10, 2, now));
        assert_eq!(at(0, 0, 0, now), 0.0);
    }
}
