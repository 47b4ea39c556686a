//! `khronika demo`: the bundled real pages (see `demo/pages/README.md`) ingested into a
//! fresh data directory (a temporary one unless `--data-dir` is given), then served.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{anyhow, Context, Result};
use clap::Args;
use khronika_pipeline::{FileOptions, PipelineOptions};
use khronika_store::{DisplayPolicy, NewSource, Store};

use crate::cmd::serve::{lock_dir, open_index, serve_store, WebOpts};
use crate::cmd::source::runtime;
use crate::GlobalOpts;

/// The pages, compiled in so the demo works from any directory. Pages that are also
/// extractor test fixtures are taken from there rather than kept twice.
const PAGES: &[(&str, &[u8])] = &[
    (
        "aif-ru-terakt-franciya.html",
        include_bytes!("../../demo/pages/aif-ru-terakt-franciya.html"),
    ),
    (
        "bizmedia-kz-article.html",
        include_bytes!("../../../extract/tests/fixtures/bizmedia-kz-article.html"),
    ),
    (
        "demo-asia-kyrgyzstan-sammit.html",
        include_bytes!("../../demo/pages/demo-asia-kyrgyzstan-sammit.html"),
    ),
    (
        "demo-step-mid-sammit.html",
        include_bytes!("../../demo/pages/demo-step-mid-sammit.html"),
    ),
    (
        "football-ua-podolski.html",
        include_bytes!("../../../extract/tests/fixtures/football-ua-podolski.html"),
    ),
    (
        "gazeta-windows-update.html",
        include_bytes!("../../../extract/tests/fixtures/gazeta-windows-update.html"),
    ),
    (
        "inform-kz-sko-ptica.html",
        include_bytes!("../../../extract/tests/fixtures/inform-kz-sko-ptica.html"),
    ),
    (
        "kommersant-masterhost.html",
        include_bytes!("../../demo/pages/kommersant-masterhost.html"),
    ),
    (
        "lenta-rubl-frs.html",
        include_bytes!("../../demo/pages/lenta-rubl-frs.html"),
    ),
    (
        "mk-lukashenko-inauguraciya.html",
        include_bytes!("../../demo/pages/mk-lukashenko-inauguraciya.html"),
    ),
    (
        "mk-oren-avtomobili.html",
        include_bytes!("../../demo/pages/mk-oren-avtomobili.html"),
    ),
    (
        "mk-serpuhov-prisyazhnye.html",
        include_bytes!("../../demo/pages/mk-serpuhov-prisyazhnye.html"),
    ),
    (
        "mk-volgograd-maslenica.html",
        include_bytes!("../../../extract/tests/fixtures/mk-volgograd-maslenica.html"),
    ),
    (
        "ria-konfiskaciya-konstituciya.html",
        include_bytes!("../../demo/pages/ria-konfiskaciya-konstituciya.html"),
    ),
    (
        "tass-ckad-5.html",
        include_bytes!("../../../extract/tests/fixtures/tass-ckad-5.html"),
    ),
    (
        "unn-moldova-sandu.html",
        include_bytes!("../../demo/pages/unn-moldova-sandu.html"),
    ),
];
const MANIFEST: &str = include_str!("../../demo/pages/manifest.tsv");

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Address to listen on (the next free port is tried when the default is taken).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "HOST:PORT")]
    pub addr: SocketAddr,
    /// Ingest and index, print where the data is, then exit without serving.
    #[arg(long)]
    pub no_serve: bool,
    /// Skip the language layer (entities, quotes) to start faster.
    #[arg(long)]
    pub no_analysis: bool,
    #[command(flatten)]
    pub web: WebOpts,
}

struct Row<'a> {
    file: &'a str,
    url: &'a str,
    source: &'a str,
    home: &'a str,
    display: DisplayPolicy,
}

fn manifest() -> Result<Vec<Row<'static>>> {
    let mut rows = Vec::new();
    for line in MANIFEST
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let f: Vec<&str> = line.split('\t').collect();
        let [file, url, source, home, display] = f.as_slice() else {
            return Err(anyhow!("bad demo manifest line: {line}"));
        };
        rows.push(Row {
            file,
            url,
            source,
            home,
            display: DisplayPolicy::parse(display).unwrap_or_default(),
        });
    }
    Ok(rows)
}

/// Stores the bundled pages in `store`, one source per outlet; returns articles created.
pub async fn ingest_demo(
    store: Arc<dyn Store>,
    pages_dir: &std::path::Path,
    analyze: bool,
) -> Result<u64> {
    std::fs::create_dir_all(pages_dir)
        .with_context(|| format!("creating {}", pages_dir.display()))?;
    let mut created = 0;
    for row in manifest()? {
        let Some((_, bytes)) = PAGES.iter().find(|(name, _)| *name == row.file) else {
            return Err(anyhow!("demo page {} is not bundled", row.file));
        };
        let path = pages_dir.join(row.file);
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
        let source = match store.source_by_name(row.source).await? {
            Some(s) => s.id,
            None => {
                store
                    .add_source(&NewSource {
                        name: row.source.to_string(),
                        home_url: row.home.to_string(),
                        lang: Some("ru".into()),
                        display: row.display,
                        ..Default::default()
                    })
                    .await?
            }
        };
        let opts = FileOptions {
            pipeline: PipelineOptions {
                analyze,
                progress: false,
                ..Default::default()
            },
            source: Some(source),
            url: Some(url::Url::parse(row.url).with_context(|| format!("demo URL {}", row.url))?),
        };
        let counts = khronika_pipeline::ingest_files(store.clone(), &[path], &opts)
            .await
            .with_context(|| format!("ingesting {}", row.file))?;
        created += counts.created;
    }
    Ok(created)
}

pub fn run(global: &GlobalOpts, args: DemoArgs) -> Result<ExitCode> {
    let cfg = args.web.config()?;
    runtime()?.block_on(async move {
        // A temporary directory unless the user named one; removed when the demo ends.
        let temp;
        let dir: PathBuf = match &global.data_dir {
            Some(d) => d.clone(),
            None => {
                temp = tempfile::Builder::new()
                    .prefix("khronika-demo-")
                    .tempdir()
                    .context("creating a temporary data directory")?;
                temp.path().to_path_buf()
            }
        };
        eprintln!("khronika: demo data in {}", dir.display());
        let _lock = lock_dir(&dir)?;
        let store = khronika_store::open_sqlite(&dir)
            .await
            .with_context(|| format!("opening the store in {}", dir.display()))?;
        let started = std::time::Instant::now();
        let created =
            ingest_demo(store.clone(), &dir.join("demo-pages"), !args.no_analysis).await?;
        let index = open_index(&dir)?;
        let n = khronika_index::sync::sync_index(store.as_ref(), &index).await?;
        eprintln!(
            "khronika: {created} articles stored, {} indexed ({n} changes) in {:.1} s",
            index.num_docs(),
            started.elapsed().as_secs_f64()
        );
        if args.no_serve {
            return Ok(ExitCode::SUCCESS);
        }
        let listener = bind_near(args.addr).await?;
        serve_store(store, index, cfg, listener, None).await?;
        Ok(ExitCode::SUCCESS)
    })
}

/// Binds `addr`, or one of the next ten ports if it is taken.
async fn bind_near(addr: SocketAddr) -> Result<tokio::net::TcpListener> {
    let mut last = None;
    for i in 0..=10u16 {
        let mut a = addr;
        a.set_port(addr.port().saturating_add(i));
        match tokio::net::TcpListener::bind(a).await {
            Ok(l) => return Ok(l),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && addr.port() != 0 => {
                last = Some(e)
            }
            Err(e) => return Err(e).with_context(|| format!("listening on {a}")),
        }
    }
    Err(anyhow!(
        "ports {}..{} are taken ({}); pass --addr 127.0.0.1:PORT",
        addr.port(),
        addr.port().saturating_add(10),
        last.map(|e| e.to_string()).unwrap_or_default()
    ))
}
