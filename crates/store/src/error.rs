//! The store's error type, shared by every backend.

/// Errors of any [`Store`](crate::Store) backend.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the data directory {path}: {source}")]
    Open {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("no archive in {path}: nothing has been stored there yet (check --data-dir or KHRONIKA_DATA_DIR)")]
    NoData { path: String },
    #[error("the database schema is version {found}, older than this khronika's ({known}); run a command that writes (e.g. `khronika reindex`) once to upgrade it")]
    SchemaTooOld { found: i64, known: i64 },
    #[error("the database schema is version {found}, newer than this khronika knows ({known}); upgrade khronika")]
    SchemaTooNew { found: i64, known: i64 },
    #[error("the database schema is version {found}, older than this khronika's ({known}); run `khronika migrate` first")]
    NotMigrated { found: i64, known: i64 },
    #[error("not found: {0}")]
    NotFound(String),
    #[error("already exists: {0}")]
    Conflict(String),
    #[error("invalid input: {0}")]
    Invalid(String),
    #[error("database error: {0}")]
    Backend(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("the store's worker thread failed: {0}")]
    Worker(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e {
            rusqlite::Error::SqliteFailure(code, ref msg)
                if code.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                StoreError::Conflict(msg.clone().unwrap_or_else(|| e.to_string()))
            }
            other => StoreError::Backend(other.to_string()),
        }
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Corrupt(e.to_string())
    }
}
