//! Keeping an index in step with the store: the one owner of "which store change is in the
//! index". Every writer of the archive (`khronika ingest`, `import`, `reprocess`,
//! `reorganise`) calls [`sync_index`] when it is done, and every portal server calls it on a
//! timer, so the index follows the store's change sequence wherever it lives: in the data
//! directory beside an embedded SQLite store, or as a server's local replica of a shared
//! PostgreSQL archive (a server starting on an empty disk replays the whole sequence).
//!
//! Applying a change is idempotent (an upsert or delete by article id), and the sequence the
//! index has reached is committed in the same tantivy commit as the documents, so a sync
//! interrupted at any point resumes where its last commit left it.

use std::sync::Arc;

use khronika_store::{Store, StoredArticle};

use crate::{IndexDoc, IndexError, SearchIndex};

/// Why a sync stopped.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Store(#[from] khronika_store::StoreError),
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error("index sync task failed: {0}")]
    Join(String),
}

impl SyncError {
    /// Another process holds this index's writer (a running server on the same data
    /// directory): it follows the change sequence itself, so the caller may skip its sync.
    pub fn is_busy(&self) -> bool {
        matches!(self, SyncError::Index(IndexError::Busy { .. }))
    }
}

/// Changes read from the store per round trip (and per index commit).
const CHANGES_PER_BATCH: usize = 500;

/// A sync that applied this many changes (a first load, `reindex`, a big import) merges the
/// index into one segment: the bulk load leaves a dozen, and searches pay per segment.
pub const OPTIMIZE_AFTER_CHANGES: usize = 5_000;

/// Characters of a body that go into the search index (news articles are well under 50,000;
/// long reads and transcripts under 300,000).
pub const MAX_INDEXED_BODY_CHARS: usize = 300_000;

/// What the index stores of an article (display policy does not matter here: search needs
/// the words; snippets are short).
pub fn index_doc(a: &StoredArticle) -> IndexDoc {
    let art = &a.article;
    let mut body = art.body_text();
    // Only the start of a giant body is indexed: words past the first few hundred thousand
    // characters add nothing a reader searches for, while tokenising a 14 MB "article"
    // costs the indexer hundreds of MB and seconds of CPU (issue #17's hostile page).
    if let Some((cut, _)) = body.char_indices().nth(MAX_INDEXED_BODY_CHARS) {
        body.truncate(cut);
    }
    let mut entities: Vec<String> = a
        .analysis
        .as_ref()
        .map(|an| an.entities.iter().map(|m| m.normal.clone()).collect())
        .unwrap_or_default();
    entities.sort();
    entities.dedup();
    IndexDoc {
        id: a.id.0.max(0) as u64,
        url: Some(a.url.clone()),
        title: art.title.clone().unwrap_or_default(),
        lead: art.lead.clone().unwrap_or_default(),
        body,
        source: a
            .source_id
            .map(|s| s.0.to_string())
            .unwrap_or_else(|| "local".into()),
        tags: art.tags.clone(),
        entities,
        story: a.story_id.map(|s| s.0.to_string()),
        rubric: a.rubric.map(|r| r.code().to_string()),
        duplicate_of: a.duplicate_of.map(|d| d.0.max(0) as u64),
        published: art.published.map(|p| p.with_timezone(&chrono::Utc)),
        first_seen: Some(a.first_seen),
    }
}

/// Applies the store's changes since the index's last commit; returns how many were applied.
pub async fn sync_index(store: &dyn Store, index: &Arc<SearchIndex>) -> Result<usize, SyncError> {
    let mut applied = 0;
    loop {
        let seq = index.last_seq()?.unwrap_or(0);
        let changes = store.articles_changed_since(seq, CHANGES_PER_BATCH).await?;
        let Some(last) = changes.last().map(|c| c.seq) else {
            break;
        };
        let idx = Arc::clone(index);
        let n = changes.len();
        tokio::task::spawn_blocking(move || -> Result<(), IndexError> {
            for c in &changes {
                match &c.article {
                    Some(a) if !a.hidden => idx.upsert(&[index_doc(a)])?,
                    _ => idx.delete(c.article_id.0.max(0) as u64)?,
                }
            }
            idx.commit(Some(last))
        })
        .await
        .map_err(|e| SyncError::Join(e.to_string()))??;
        applied += n;
    }
    if applied >= OPTIMIZE_AFTER_CHANGES {
        let idx = Arc::clone(index);
        tokio::task::spawn_blocking(move || idx.optimize())
            .await
            .map_err(|e| SyncError::Join(e.to_string()))??;
    }
    Ok(applied)
}

/// How far the index trails the store: changes not yet applied (0 when current).
pub async fn lag(store: &dyn Store, index: &SearchIndex) -> Result<u64, SyncError> {
    let head = store.current_change_seq().await?;
    let at = index.last_seq()?.unwrap_or(0);
    Ok(head.saturating_sub(at))
}

/// Drops the index and rebuilds it from the store's whole change feed.
pub async fn reindex(store: &dyn Store, index: &Arc<SearchIndex>) -> Result<usize, SyncError> {
    let idx = Arc::clone(index);
    tokio::task::spawn_blocking(move || -> Result<(), IndexError> {
        idx.clear()?;
        idx.commit(Some(0))
    })
    .await
    .map_err(|e| SyncError::Join(e.to_string()))??;
    sync_index(store, index).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use khronika_store::conformance::sample;

    fn rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// A sync applies the feed once, resumes from its commit, and follows hides.
    #[test]
    fn sync_follows_the_change_sequence() {
        rt().block_on(async {
            let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
            let store = khronika_store::open_sqlite(dir.path())
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            let index = Arc::new(SearchIndex::in_memory().unwrap_or_else(|e| panic!("{e}")));
            let batch = [
                sample(
                    "https://a.example/1",
                    "Саммит в Казани",
                    "Текст один.",
                    1,
                    &[],
                ),
                sample("https://a.example/2", "Выборы", "Текст два.", 2, &[]),
            ];
            let out = store
                .put_articles(&batch)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(lag(store.as_ref(), &index).await.ok(), Some(2));
            let n = sync_index(store.as_ref(), &index)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(n, 2);
            assert_eq!(index.num_docs(), 2);
            assert_eq!(lag(store.as_ref(), &index).await.ok(), Some(0));
            // Nothing new: nothing applied.
            assert_eq!(sync_index(store.as_ref(), &index).await.ok(), Some(0));
            store
                .set_article_hidden(out[0].id(), true)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(sync_index(store.as_ref(), &index).await.ok(), Some(1));
            assert_eq!(index.num_docs(), 1);
            // A rebuild replays each article once, at its latest change.
            assert_eq!(reindex(store.as_ref(), &index).await.ok(), Some(2));
            assert_eq!(index.num_docs(), 1);
        });
    }

    #[test]
    fn giant_bodies_are_cut() {
        let mut a = sample("https://a.example/1", "T", "", 1, &[]);
        a.article.blocks = vec![khronika_model::Block::Paragraph {
            text: "ж".repeat(MAX_INDEXED_BODY_CHARS + 10),
        }];
        let stored = StoredArticle {
            id: khronika_store::ArticleId(1),
            source_id: None,
            url: a.url,
            version: 1,
            content_hash: a.content_hash,
            first_seen: a.seen_at,
            updated_at: a.seen_at,
            hidden: false,
            display: Default::default(),
            article: a.article,
            analysis: None,
            change_seq: 1,
            story_id: None,
            duplicate_of: None,
            rubric: None,
        };
        assert_eq!(
            index_doc(&stored).body.chars().count(),
            MAX_INDEXED_BODY_CHARS
        );
    }
}
