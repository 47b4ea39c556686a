//! `khronika serve`: the portal, JSON API and feeds over the data directory.

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{anyhow, Context, Result};
use clap::Args;
use khronika_index::SearchIndex;
use khronika_serve::{App, ServeConfig};
use khronika_store::Store;

use crate::cmd::source::{data_dir, open_store, runtime};
use crate::GlobalOpts;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "HOST:PORT")]
    pub addr: SocketAddr,
    #[command(flatten)]
    pub web: WebOpts,
}

/// Settings shared by `serve` and `demo`.
#[derive(Debug, Clone, Args)]
pub struct WebOpts {
    /// Allow browser calls to the API from this origin (repeatable; `*` for any).
    #[arg(long = "cors-origin", value_name = "ORIGIN")]
    pub cors_origins: Vec<String>,
    /// Time zone for timestamps when the reader chose none.
    #[arg(long, default_value = "Asia/Almaty", value_name = "ZONE")]
    pub tz: String,
    /// The portal's name in its header.
    #[arg(long, default_value = "Хроника", value_name = "NAME")]
    pub site_name: String,
}

impl WebOpts {
    pub fn config(&self) -> Result<ServeConfig> {
        let tz = self.tz.parse::<chrono_tz::Tz>().map_err(|_| {
            anyhow!(
                "unknown time zone {:?} (try Asia/Almaty, Europe/Moscow, UTC)",
                self.tz
            )
        })?;
        Ok(ServeConfig {
            site_name: self.site_name.clone(),
            default_tz: tz,
            cors_origins: self.cors_origins.clone(),
            ..Default::default()
        })
    }
}

/// Opens the search index of a data directory (`<data>/index`).
pub fn open_index(data: &Path) -> Result<Arc<SearchIndex>> {
    let dir = data.join("index");
    Ok(Arc::new(SearchIndex::open_or_create(&dir).with_context(
        || format!("opening the search index in {}", dir.display()),
    )?))
}

/// Catches the index up with the store, then serves until Ctrl-C.
pub async fn serve_store(
    store: Arc<dyn Store>,
    index: Arc<SearchIndex>,
    cfg: ServeConfig,
    listener: tokio::net::TcpListener,
) -> Result<()> {
    let n = khronika_serve::sync_index(store.as_ref(), &index)
        .await
        .context("updating the search index")?;
    if n > 0 {
        eprintln!("khronika: indexed {n} changed articles");
    }
    let app = App::new(store, index, cfg).await?;
    let addr = listener.local_addr()?;
    eprintln!("khronika: serving on http://{addr}/  (API: http://{addr}/api/v1/openapi.json; Ctrl-C stops)");
    khronika_serve::serve_on(app, listener, shutdown_signal()).await?;
    Ok(())
}

/// Ctrl-C or SIGTERM: stop accepting, finish requests, flush view counts (and let `demo`
/// remove its temporary directory).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

pub fn run(global: &GlobalOpts, args: ServeArgs) -> Result<ExitCode> {
    let cfg = args.web.config()?;
    runtime()?.block_on(async move {
        let dir = data_dir(global)?;
        let store = open_store(global).await?;
        let index = open_index(&dir)?;
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| {
                format!(
                    "listening on {} (is another server running? try --addr)",
                    args.addr
                )
            })?;
        serve_store(store, index, cfg, listener).await?;
        Ok(ExitCode::SUCCESS)
    })
}
