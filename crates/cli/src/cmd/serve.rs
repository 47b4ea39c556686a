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
    /// Also serve Prometheus `/metrics` (and `/healthz`) on this address; keep it on
    /// loopback or an internal network. Without it there is no `/metrics` at all.
    #[arg(long, value_name = "HOST:PORT")]
    pub admin_addr: Option<SocketAddr>,
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
    /// Most open connections (default: three quarters of the open-file limit, at most
    /// 16,384); at the cap the longest-open idle connection is closed for a new one.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: Option<u32>,
}

impl WebOpts {
    pub fn config(&self) -> Result<ServeConfig> {
        let tz = self.tz.parse::<chrono_tz::Tz>().map_err(|_| {
            anyhow!(
                "unknown time zone {:?} (try Asia/Almaty, Europe/Moscow, UTC)",
                self.tz
            )
        })?;
        let mut cfg = ServeConfig {
            site_name: self.site_name.clone(),
            default_tz: tz,
            cors_origins: self.cors_origins.clone(),
            ..Default::default()
        };
        if let Some(n) = self.max_connections {
            cfg.max_connections = n as usize;
        }
        Ok(cfg)
    }
}

/// Opens the search index of a data directory (`<data>/index`).
pub fn open_index(data: &Path) -> Result<Arc<SearchIndex>> {
    let dir = data.join("index");
    Ok(Arc::new(SearchIndex::open_or_create(&dir).with_context(
        || format!("opening the search index in {}", dir.display()),
    )?))
}

/// Takes the data directory's server lock (`<dir>/serve.lock`) for as long as the result
/// lives: a second server on the same directory would never get the index writer.
pub fn lock_dir(dir: &Path) -> Result<khronika_serve::DirLock> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(khronika_serve::lock_data_dir(dir)?)
}

/// Catches the index up with the store, then serves until Ctrl-C.
pub async fn serve_store(
    store: Arc<dyn Store>,
    index: Arc<SearchIndex>,
    cfg: ServeConfig,
    listener: tokio::net::TcpListener,
    admin: Option<tokio::net::TcpListener>,
) -> Result<()> {
    let n = khronika_index::sync::sync_index(store.as_ref(), &index)
        .await
        .context("updating the search index")?;
    if n > 0 {
        eprintln!("khronika: indexed {n} changed articles");
    }
    let app = App::new(store, index, cfg).await?;
    let addr = listener.local_addr()?;
    eprintln!("khronika: serving on http://{addr}/  (API: http://{addr}/api/v1/openapi.json; Ctrl-C stops)");
    if let Some(a) = admin.as_ref().and_then(|l| l.local_addr().ok()) {
        eprintln!("khronika: metrics on http://{a}/metrics");
    }
    khronika_serve::serve_with_admin(app, listener, admin, shutdown_signal()).await?;
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
        let _lock = lock_dir(&dir)?;
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
        let admin = match args.admin_addr {
            Some(a) => Some(
                tokio::net::TcpListener::bind(a)
                    .await
                    .with_context(|| format!("listening on the admin address {a}"))?,
            ),
            None => None,
        };
        serve_store(store, index, cfg, listener, admin).await?;
        Ok(ExitCode::SUCCESS)
    })
}
