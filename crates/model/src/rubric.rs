//! Rubrics: the seven categories of the Telegram Data Clustering Contest plus "not news".

use serde::{Deserialize, Serialize};

/// The rubric of an article. Serialised as the contest's English code (`"society"`, …,
/// `"not_news"`); shown to readers with [`Rubric::label_ru`].
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rubric {
    Society,
    Economy,
    Technology,
    Sports,
    Entertainment,
    Science,
    Other,
    NotNews,
}

impl Rubric {
    /// Every rubric, in menu order (news first, `NotNews` last).
    pub const ALL: [Rubric; 8] = [
        Rubric::Society,
        Rubric::Economy,
        Rubric::Technology,
        Rubric::Sports,
        Rubric::Entertainment,
        Rubric::Science,
        Rubric::Other,
        Rubric::NotNews,
    ];

    /// The stable code used in JSON, URLs, the store and exports.
    pub fn code(self) -> &'static str {
        match self {
            Rubric::Society => "society",
            Rubric::Economy => "economy",
            Rubric::Technology => "technology",
            Rubric::Sports => "sports",
            Rubric::Entertainment => "entertainment",
            Rubric::Science => "science",
            Rubric::Other => "other",
            Rubric::NotNews => "not_news",
        }
    }

    /// The name readers see on the portal.
    pub fn label_ru(self) -> &'static str {
        match self {
            Rubric::Society => "Общество",
            Rubric::Economy => "Экономика",
            Rubric::Technology => "Технологии",
            Rubric::Sports => "Спорт",
            Rubric::Entertainment => "Культура и развлечения",
            Rubric::Science => "Наука",
            Rubric::Other => "Разное",
            Rubric::NotNews => "Не новости",
        }
    }

    /// Parse a code (as [`Rubric::code`] writes it; `-` accepted for `_`, any case).
    pub fn parse(s: &str) -> Option<Rubric> {
        let s = s.trim().to_ascii_lowercase().replace('-', "_");
        Rubric::ALL.into_iter().find(|r| r.code() == s)
    }

    /// Whether articles of this rubric are news (may join stories, appear in top lists).
    pub fn is_news(self) -> bool {
        self != Rubric::NotNews
    }
}

impl std::fmt::Display for Rubric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_through_parse_and_serde() {
        for r in Rubric::ALL {
            assert_eq!(Rubric::parse(r.code()), Some(r));
            let json = serde_json::to_string(&r).expect("serialise");
            assert_eq!(json, format!("\"{}\"", r.code()));
        }
        assert_eq!(Rubric::parse("Not-News"), Some(Rubric::NotNews));
        assert_eq!(Rubric::parse("politics"), None);
    }
}
