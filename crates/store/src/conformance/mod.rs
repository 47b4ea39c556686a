//! The behaviour every [`Store`] backend must show, as async checks over `&dyn Store`.
//!
//! Each check expects a fresh, empty store and returns `Err(description)` on the first
//! broken expectation. The SQLite tests run them all (`tests/conformance.rs`); the PostgreSQL
//! backend runs the same list against a fresh database.
//!
//! This file holds the registry ([`CHECKS`], [`run_check`]) and the helpers the checks
//! share; the checks themselves live by area: `sources` (sources, fetches, page state),
//! `articles` (versions, listing, change feed), `entities` (entities, quotes, tags), `views`
//! (view counts, takedowns), `health` (source health), `stories` (stories and merges) and `organisation`
//! (duplicates, rubrics, clearing, seeds, failed batches).

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, TimeZone, Utc};
use khronika_model::{Article, Block, Rubric};

use crate::types::*;
use crate::{content_hash, Store};

pub type CheckResult = Result<(), String>;

macro_rules! ensure {
    ($cond:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err(format!("{}:{}: {}", file!(), line!(), format!($($fmt)+)));
        }
    };
}

mod articles;
mod entities;
mod frontier;
mod health;
mod organisation;
mod sources;
mod stories;
mod views;

pub use articles::{change_feed, listing_and_filters, versions_and_dedup};
pub use entities::{entities_and_quotes, entity_registry};
pub use frontier::frontier;
pub use health::source_health;
pub use organisation::{
    organisation_clear_and_rebuild, organisation_failed_batch, organisation_hidden_articles,
    organisation_roundtrip, organise_seeds,
};
pub use sources::{fetches_and_pages, sources_roundtrip};
pub use stories::{stories, story_merges};
pub use views::views_and_takedowns;

/// The future a check returns, borrowing the store it runs on.
pub type CheckFuture<'a> = Pin<Box<dyn Future<Output = CheckResult> + Send + 'a>>;

/// One conformance check: its name and the function that runs it.
#[derive(Clone, Copy, Debug)]
pub struct Check {
    pub name: &'static str,
    pub run: for<'a> fn(&'a dyn Store) -> CheckFuture<'a>,
}

impl Check {
    /// Run this check on `store`; an error message starts with the check's name.
    pub async fn run_on(&self, store: &dyn Store) -> CheckResult {
        (self.run)(store)
            .await
            .map_err(|m| format!("{}: {m}", self.name))
    }
}

/// A [`Check`] for the check function of that name (the name cannot drift from the function).
macro_rules! check {
    ($f:ident) => {
        Check {
            name: stringify!($f),
            run: |store| Box::pin($f(store)),
        }
    };
}

/// Every check, in order. Run each on a fresh, empty store ([`Check::run_on`] or
/// [`run_check`]). Adding a check is one line here.
pub const CHECKS: &[Check] = &[
    check!(sources_roundtrip),
    check!(versions_and_dedup),
    check!(listing_and_filters),
    check!(change_feed),
    check!(entities_and_quotes),
    check!(entity_registry),
    check!(views_and_takedowns),
    check!(fetches_and_pages),
    check!(stories),
    check!(organisation_roundtrip),
    check!(story_merges),
    check!(organisation_hidden_articles),
    check!(organisation_clear_and_rebuild),
    check!(organise_seeds),
    check!(organisation_failed_batch),
    check!(source_health),
    check!(frontier),
];

/// Run the check called `name` (one of [`CHECKS`]) on `store`; an unknown name is an error.
pub async fn run_check(name: &str, store: &dyn Store) -> CheckResult {
    match CHECKS.iter().find(|c| c.name == name) {
        Some(check) => check.run_on(store).await,
        None => Err(format!("{name}: no such check {name:?}")),
    }
}

fn e<E: std::fmt::Display>(err: E) -> String {
    err.to_string()
}

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 4, day.clamp(1, 28), hour.min(23), 0, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// A small article; `body` decides its content hash.
pub fn sample(url: &str, title: &str, body: &str, day: u32, tags: &[&str]) -> NewArticle {
    let published = at(day, 10).fixed_offset();
    let article = Article {
        url: url.parse().ok(),
        title: Some(title.to_owned()),
        lead: Some(format!("Лид: {title}")),
        blocks: vec![Block::Paragraph {
            text: body.to_owned(),
        }],
        published: Some(published),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        ..Default::default()
    };
    NewArticle {
        source_id: None,
        url: url.to_owned(),
        other_urls: Vec::new(),
        content_hash: content_hash(&article),
        article,
        analysis: None,
        seen_at: at(day, 12),
        fetch: None,
    }
}

fn news_source(name: &str) -> NewSource {
    NewSource {
        name: name.to_owned(),
        home_url: format!("https://{name}.example/"),
        feeds: vec![format!("https://{name}.example/rss")],
        sitemaps: Vec::new(),
        lang: Some("ru".into()),
        display: DisplayPolicy::default(),
        politeness: Politeness::default(),
    }
}

fn story_update(id: ArticleId, title: &str, first: u32, last: u32, n: u32) -> StoryUpdate {
    StoryUpdate {
        id: StoryId(id.0),
        title: title.to_owned(),
        first_seen: at(first, 10),
        last_seen: at(last, 10),
        sources: 1,
        article_count: n,
        entities: vec!["Москва".into()],
        rubric: Some(Rubric::Society),
    }
}

fn placed(
    article: ArticleId,
    story: Option<StoryId>,
    duplicate_of: Option<ArticleId>,
    rubric: Rubric,
) -> ArticleOrganisation {
    ArticleOrganisation {
        article,
        story,
        duplicate_of,
        rubric,
    }
}

/// Store `n` small articles, day `i` for the i-th (1-based); their ids in order.
async fn articles(store: &dyn Store, prefix: &str, n: u32) -> Result<Vec<ArticleId>, String> {
    let batch: Vec<NewArticle> = (1..=n)
        .map(|i| {
            sample(
                &format!("https://{prefix}.example/{i}"),
                &format!("{prefix} {i}"),
                &format!("Текст {prefix} {i}."),
                i,
                &[],
            )
        })
        .collect();
    Ok(store
        .put_articles(&batch)
        .await
        .map_err(e)?
        .iter()
        .map(|o| o.id())
        .collect())
}

fn page(limit: usize) -> PageRequest {
    PageRequest {
        cursor: None,
        limit,
    }
}

fn ids_of(page: &Page<ArticleSummary>) -> Vec<ArticleId> {
    page.items.iter().map(|a| a.id).collect()
}

async fn listed(store: &dyn Store, filter: ArticleFilter) -> Result<Vec<ArticleId>, String> {
    Ok(ids_of(
        &store.list_articles(&filter, &page(100)).await.map_err(e)?,
    ))
}

/// Apply a batch and return how many change-feed entries it produced.
async fn changes_of(store: &dyn Store, batch: &OrganiseBatch) -> Result<usize, String> {
    let before = store.current_change_seq().await.map_err(e)?;
    store.apply_organisation(batch).await.map_err(e)?;
    Ok(store
        .articles_changed_since(before, 1000)
        .await
        .map_err(e)?
        .len())
}
