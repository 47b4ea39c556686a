//! Search over khronika articles: "here is a Russian query and some filters, give me the
//! best articles with a highlighted snippet each".
//!
//! A [`SearchIndex`] is a tantivy index in a directory of the data dir (or in memory for
//! tests). Text fields go through a Russian analyser (lower case, `ё` folded to `е`,
//! our light Russian suffix stemmer, see [`stem_ru`]), so "саммита" finds "саммит" and "саммите"; quoted phrases
//! ("мирный саммит") match as phrases. Filters are exact terms on source, tag, entity and
//! story, rubric, originals only (near-duplicate copies left out) plus a publication date range. Ranking mixes BM25 with recency, or sorts purely by
//! date on request.
//!
//! The index is *derived* data: the store is the truth. [`SearchIndex::upsert`] replaces an
//! article's document by id, [`SearchIndex::commit`] records the store sequence number the
//! index has caught up to (in tantivy's commit payload), so a caller can index incrementally
//! with the store's change feed and rebuild from scratch with [`SearchIndex::clear`].
//!
//! Cost model: a search touches only postings and fast fields plus the stored documents of
//! the hits it returns (`limit`, capped at [`MAX_LIMIT`]); never fetch thousands of hits.
//! Writers are single: one process holds the index writer lock at a time.

mod analyzer;
mod schema;
mod search;
mod snippet;
mod stemmer;
pub mod sync;

use std::path::Path;
use std::sync::Mutex;

use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Term};

pub use analyzer::{normalise_term, russian_analyzer};
pub use schema::{IndexDoc, SCHEMA_VERSION};
pub use search::{Hit, SearchQuery, SearchResults, SortBy, MAX_LIMIT, MAX_OFFSET, MAX_QUERY_CHARS};
pub use snippet::Snippet;
pub use stemmer::stem_ru;

use schema::{payload, payload_prefix, schema, to_document, Fields, RU_ANALYZER};

/// Writer memory: tantivy's minimum per thread is 15 MB; one thread is plenty for news.
const WRITER_HEAP: usize = 50_000_000;
/// Doc-store block size: about one article's stored fields.
const DOC_STORE_BLOCK_BYTES: usize = 4096;

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index directory {path}: {source}")]
    Dir {
        path: String,
        source: std::io::Error,
    },
    #[error("search index directory {path}: {message}")]
    OpenDir { path: String, message: String },
    #[error("search index writer lock poisoned")]
    Poisoned,
    #[error("search index {path} is being written by another process (a running server follows the store by itself)")]
    Busy { path: String },
    #[error("search index at {path} was written for another schema")]
    Schema { path: String },
}

pub type Result<T, E = IndexError> = std::result::Result<T, E>;

/// A tantivy index of articles. Cheap to share behind an `Arc`; searches run concurrently,
/// writes are serialised by an internal lock.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<Option<IndexWriter>>,
    fields: Fields,
    path: Option<std::path::PathBuf>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Opens the index in `dir`, creating the directory and an empty index if needed.
    ///
    /// An index written for another schema (an older khronika) is derived data: it is
    /// deleted and created empty, with no recorded sequence, so the next sync rebuilds it
    /// from the store. Only a directory holding a tantivy `meta.json` is ever deleted.
    pub fn open_or_create(dir: &Path) -> Result<Self> {
        match Self::open_dir(dir) {
            Err(IndexError::Schema { path }) if dir.join("meta.json").is_file() => {
                tracing::warn!(%path, "search index has an older schema: rebuilding it from the store");
                std::fs::remove_dir_all(dir).map_err(|source| IndexError::Dir {
                    path: path.clone(),
                    source,
                })?;
                Self::open_dir(dir)
            }
            other => other,
        }
    }

    fn open_dir(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|source| IndexError::Dir {
            path: dir.display().to_string(),
            source,
        })?;
        let (schema, fields) = schema();
        let mmap =
            tantivy::directory::MmapDirectory::open(dir).map_err(|e| IndexError::OpenDir {
                path: dir.display().to_string(),
                message: e.to_string(),
            })?;
        let index = Index::open_or_create(mmap, schema.clone()).map_err(|e| match e {
            tantivy::TantivyError::SchemaError(_) => IndexError::Schema {
                path: dir.display().to_string(),
            },
            other => IndexError::Tantivy(other),
        })?;
        let other_version = index
            .load_metas()?
            .payload
            .is_some_and(|p| !p.starts_with(&payload_prefix()));
        if index.schema() != schema || other_version {
            return Err(IndexError::Schema {
                path: dir.display().to_string(),
            });
        }
        Self::finish(index, fields, Some(dir.to_path_buf()))
    }

    /// An index that lives in memory only (tests, one-off demos).
    pub fn in_memory() -> Result<Self> {
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        Self::finish(index, fields, None)
    }

    fn finish(mut index: Index, fields: Fields, path: Option<std::path::PathBuf>) -> Result<Self> {
        // A hit's stored fields are read by decompressing its whole doc-store block; with
        // tantivy's 16 KiB blocks that is four articles for every hit shown. Segments
        // written from now on (new documents, merges) use the smaller block.
        index.settings_mut().docstore_blocksize = DOC_STORE_BLOCK_BYTES;
        index.tokenizers().register(RU_ANALYZER, russian_analyzer());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            writer: Mutex::new(None),
            fields,
            path,
        })
    }

    fn new_writer(&self) -> Result<IndexWriter> {
        let w: IndexWriter =
            self.index
                .writer_with_num_threads(1, WRITER_HEAP)
                .map_err(|e| match e {
                    tantivy::TantivyError::LockFailure(..) => IndexError::Busy {
                        path: self
                            .path
                            .as_ref()
                            .map_or_else(|| "(in memory)".into(), |p| p.display().to_string()),
                    },
                    other => IndexError::Tantivy(other),
                })?;
        // Merge sooner than tantivy's default (8 segments a level): every segment costs each
        // search a term-dictionary look-up per query term and field.
        let mut policy = tantivy::merge_policy::LogMergePolicy::default();
        policy.set_min_num_segments(4);
        w.set_merge_policy(Box::new(policy));
        Ok(w)
    }

    fn with_writer<R>(&self, f: impl FnOnce(&mut IndexWriter) -> Result<R>) -> Result<R> {
        let mut guard = self.writer.lock().map_err(|_| IndexError::Poisoned)?;
        if guard.is_none() {
            *guard = Some(self.new_writer()?);
        }
        match guard.as_mut() {
            Some(w) => f(w),
            None => Err(IndexError::Poisoned),
        }
    }

    /// Merges all segments into one and waits for it. A bulk load (first sync, `reindex`)
    /// leaves a dozen segments; one segment makes each search's fixed cost (term look-ups,
    /// scorer set-up, the count pass) several times smaller.
    pub fn optimize(&self) -> Result<()> {
        let mut guard = self.writer.lock().map_err(|_| IndexError::Poisoned)?;
        if let Some(mut w) = guard.take() {
            // Pending changes are committed under the sequence already recorded, so a sync
            // re-applies them (upserts are idempotent) rather than losing them.
            let mut prepared = w.prepare_commit()?;
            if let Some(seq) = self.last_seq()? {
                prepared.set_payload(&payload(seq));
            }
            prepared.commit()?;
            // Background merges hold segments a forced merge would need.
            w.wait_merging_threads()?;
        }
        let ids = self.index.searchable_segment_ids()?;
        let mut w = self.new_writer()?;
        if ids.len() > 1 {
            w.merge(&ids).wait()?;
        }
        // Old segment files are only deleted once no reader or merge refers to them.
        let _ = w.garbage_collect_files().wait();
        *guard = Some(w);
        drop(guard);
        self.reader.reload()?;
        Ok(())
    }

    /// Adds the documents, replacing any earlier document with the same id. Not visible to
    /// searches until [`commit`](Self::commit).
    pub fn upsert(&self, docs: &[IndexDoc]) -> Result<()> {
        let f = self.fields;
        self.with_writer(|w| {
            for d in docs {
                w.delete_term(Term::from_field_u64(f.id, d.id));
                w.add_document(to_document(&f, d))?;
            }
            Ok(())
        })
    }

    /// Removes an article (taken down, deleted). Visible after commit.
    pub fn delete(&self, id: u64) -> Result<()> {
        let f = self.fields;
        self.with_writer(|w| {
            w.delete_term(Term::from_field_u64(f.id, id));
            Ok(())
        })
    }

    /// Drops every document (for a rebuild); visible after commit.
    pub fn clear(&self) -> Result<()> {
        self.with_writer(|w| {
            w.delete_all_documents()?;
            Ok(())
        })
    }

    /// Makes pending changes visible and records `seq`, the store change sequence number the
    /// index now reflects.
    pub fn commit(&self, seq: Option<u64>) -> Result<()> {
        self.with_writer(|w| {
            let mut prepared = w.prepare_commit()?;
            if let Some(seq) = seq {
                prepared.set_payload(&payload(seq));
            }
            prepared.commit()?;
            Ok(())
        })?;
        self.reader.reload()?;
        Ok(())
    }

    /// The store sequence number recorded by the last commit, if any.
    pub fn last_seq(&self) -> Result<Option<u64>> {
        let metas = self.index.load_metas()?;
        Ok(metas.payload.and_then(|p| {
            p.trim()
                .strip_prefix(&payload_prefix())
                .and_then(|s| s.parse().ok())
        }))
    }

    /// Picks up commits made by another process or handle.
    pub fn reload(&self) -> Result<()> {
        self.reader.reload()?;
        Ok(())
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Searchable segments: each costs every search a term look-up per query term and field.
    pub fn num_segments(&self) -> usize {
        self.reader.searcher().segment_readers().len()
    }

    /// Bytes the index takes on disk (0 in memory).
    pub fn size_bytes(&self) -> u64 {
        let Some(dir) = &self.path else { return 0 };
        std::fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .filter_map(|e| e.metadata().ok())
                    .filter(|m| m.is_file())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0)
    }
}
