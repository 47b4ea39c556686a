//! The organise stage wired to the store: every article the writer stores (new or changed)
//! is placed by [`khronika_organise::Organiser`] and the decisions are written in one
//! transaction per batch.
//!
//! The organiser's window lives in memory. On start it is rebuilt from the store
//! (`organise_window`: the recent articles with their stored decisions), then any article
//! never organised (`unorganised`: stored before this stage existed, or whose decisions
//! were lost in a crash between the article's transaction and the organisation's) is
//! placed. Organisation is derived data: `reorganise` clears it and places every article
//! again, oldest first.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use khronika_model::{Analysis, Article};
use khronika_organise::{rubric, Arrival, Config, FeatureInput, Features, Organiser, Placement};
use khronika_store::{
    ArticleId, ArticleOrganisation, OrganiseBatch, OrganiseSeed, SourceId, Store, StoryId,
    StoryUpdate,
};

use crate::PipelineError;

/// Articles read from the store per call when catching up.
const PAGE: usize = 1_000;
/// The newest articles restored into the window when a writer starts (the organiser then
/// keeps those within its time window of the newest). Bounds the start-up cost of every
/// run whatever the archive's size.
const RESTORE: usize = 20_000;

/// The time an article is placed at: what the page states, else when it was first seen.
fn article_time(article: &Article, seen: DateTime<Utc>) -> DateTime<Utc> {
    article
        .published
        .map(|p| p.with_timezone(&Utc))
        .unwrap_or(seen)
}

/// Everything the organiser needs of one article. Pure and CPU-only.
pub fn arrival(
    id: ArticleId,
    source: Option<SourceId>,
    url: &str,
    seen: DateTime<Utc>,
    article: &Article,
    analysis: Option<&Analysis>,
) -> Arrival {
    let title = article.title.clone().unwrap_or_default();
    let text = article.text();
    let features = Features::extract(&FeatureInput {
        title: &title,
        text: &text,
        entities: analysis.map(|a| a.entities.as_slice()).unwrap_or(&[]),
    });
    let rubric = rubric::classify(&rubric::RubricInput {
        title: &title,
        text: &text,
        url: Some(url),
        section: article.section.as_deref(),
        site_tags: &article.tags,
    });
    Arrival {
        id: id.0,
        source: source.map(|s| s.0),
        time: article_time(article, seen),
        title,
        rubric,
        features,
    }
}

fn seed_arrival(s: &OrganiseSeed) -> Arrival {
    let mut a = arrival(
        s.id,
        s.source_id,
        &s.url,
        s.first_seen,
        &s.article,
        s.analysis.as_ref(),
    );
    a.time = s.time;
    a
}

/// The organiser plus the decisions not yet written.
pub struct OrganiseStage {
    organiser: Organiser,
    pending: Vec<Placement>,
    /// Articles placed since the stage started.
    pub placed: u64,
}

impl OrganiseStage {
    /// Rebuild the window from the store, then place whatever was never organised.
    pub async fn start(store: &dyn Store) -> Result<Self, PipelineError> {
        let cfg = Config::default();
        // By article time relative to the newest stored article, not the wall clock: an
        // imported archive of last year threads like today's news.
        let since = DateTime::<Utc>::MIN_UTC;
        let max = RESTORE.min(cfg.max_docs);
        let mut stage = OrganiseStage {
            organiser: Organiser::new(cfg),
            pending: Vec::new(),
            placed: 0,
        };
        let seeds = store.organise_window(since, max).await?;
        let mut later = Vec::new();
        for s in &seeds {
            if s.rubric.is_some() {
                stage.organiser.restore(
                    seed_arrival(s),
                    s.story_id.map(|x| x.0),
                    s.duplicate_of.map(|x| x.0),
                );
            } else {
                later.push(seed_arrival(s));
            }
        }
        for a in later {
            stage.place(a);
        }
        stage.flush(store).await?;
        stage.catch_up(store).await?;
        Ok(stage)
    }

    /// A stage with an empty window (for `reorganise`, after the store was cleared).
    pub fn empty() -> Self {
        OrganiseStage {
            organiser: Organiser::new(Config::default()),
            pending: Vec::new(),
            placed: 0,
        }
    }

    /// Place every article the store has never organised, oldest id first.
    pub async fn catch_up(&mut self, store: &dyn Store) -> Result<u64, PipelineError> {
        let mut after = None;
        let mut n = 0;
        loop {
            let seeds = store.unorganised(after, PAGE).await?;
            let Some(last) = seeds.last() else { break };
            after = Some(last.id);
            for s in &seeds {
                self.place(seed_arrival(s));
                n += 1;
            }
            self.flush(store).await?;
        }
        Ok(n)
    }

    /// Decide for one article; written by the next [`OrganiseStage::flush`].
    pub fn place(&mut self, a: Arrival) {
        self.placed += 1;
        let p = self.organiser.place(a);
        self.pending.push(p);
    }

    /// Write the pending decisions in one transaction.
    pub async fn flush(&mut self, store: &dyn Store) -> Result<(), PipelineError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let batch = to_batch(std::mem::take(&mut self.pending));
        store.apply_organisation(&batch).await?;
        Ok(())
    }
}

/// Fold placements into one batch: the last decision about an article and the last state
/// of a story win; merges keep their order.
fn to_batch(placements: Vec<Placement>) -> OrganiseBatch {
    let mut articles: HashMap<i64, ArticleOrganisation> = HashMap::new();
    let mut article_order = Vec::new();
    let mut stories: HashMap<i64, StoryUpdate> = HashMap::new();
    let mut story_order = Vec::new();
    let mut merges = Vec::new();
    for p in placements {
        // The merged story's last update stays in the batch: the store writes updates
        // before merges, so a story created in this batch exists when it is merged away.
        for (from, into) in p.merges {
            merges.push((StoryId(from), StoryId(into)));
        }
        for s in p.stories {
            if !stories.contains_key(&s.id) {
                story_order.push(s.id);
            }
            stories.insert(
                s.id,
                StoryUpdate {
                    id: StoryId(s.id),
                    title: s.title,
                    first_seen: s.first_seen,
                    last_seen: s.last_seen,
                    sources: s.sources,
                    article_count: s.article_count,
                    entities: s.entities,
                    rubric: s.rubric,
                },
            );
        }
        for d in p.decisions {
            if !articles.contains_key(&d.article) {
                article_order.push(d.article);
            }
            articles.insert(
                d.article,
                ArticleOrganisation {
                    article: ArticleId(d.article),
                    story: d.story.map(StoryId),
                    duplicate_of: d.duplicate_of.map(ArticleId),
                    rubric: d.rubric,
                },
            );
        }
    }
    OrganiseBatch {
        articles: article_order
            .into_iter()
            .filter_map(|id| articles.remove(&id))
            .collect(),
        stories: story_order
            .into_iter()
            .filter_map(|id| stories.remove(&id))
            .collect(),
        merges,
    }
}

/// Clear every organisation decision and place every visible article again, oldest id
/// first. Returns how many articles were placed.
pub async fn reorganise(
    store: &dyn Store,
    cancel: &crate::CancellationToken,
) -> Result<u64, PipelineError> {
    store.clear_organisation().await?;
    let mut stage = OrganiseStage::empty();
    let mut after = None;
    loop {
        if cancel.is_cancelled() {
            break;
        }
        let seeds = store.unorganised(after, PAGE).await?;
        let Some(last) = seeds.last() else { break };
        after = Some(last.id);
        // Oldest first by article time within a page, as they would have arrived.
        let mut page: Vec<Arrival> = seeds.iter().map(seed_arrival).collect();
        page.sort_by_key(|a| (a.time, a.id));
        for a in page {
            stage.place(a);
        }
        stage.flush(store).await?;
    }
    Ok(stage.placed)
}
