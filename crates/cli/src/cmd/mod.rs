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

/// Ctrl-C once: cancel `token` so the command stops cleanly (finishing its writes); twice:
/// exit at once with 130. Call inside the runtime.
pub fn install_ctrl_c(token: khronika_pipeline::CancellationToken) {
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("khronika: stopping after the work in flight (Ctrl-C again to quit now)");
            token.cancel();
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        }
    });
}
