pub mod analyze;
pub mod extract;
pub mod input;
pub mod export;
pub mod import;
pub mod ingest;
pub mod reprocess;
pub mod source;
