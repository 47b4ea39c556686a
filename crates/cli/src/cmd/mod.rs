pub mod analyze;
pub mod demo;
pub mod export;
pub mod extract;
pub mod import;
pub mod ingest;
pub mod input;
pub mod reindex;
pub mod reorganise;
pub mod reprocess;
pub mod search;
pub mod serve;
pub mod source;
pub mod stories;
pub mod takedown;

/// The documented exit code of a batch command (ARCHITECTURE.md, README): 130 when it was
/// stopped by Ctrl-C, 1 when some inputs failed (bad records, failed pages), 0 otherwise.
pub fn batch_exit(counts: &khronika_pipeline::Counts) -> std::process::ExitCode {
    if counts.cancelled {
        std::process::ExitCode::from(130)
    } else if counts.errors > 0 {
        std::process::ExitCode::from(1)
    } else {
        std::process::ExitCode::SUCCESS
    }
}
