//! Local files (HTML, WARC), JSONL import/export round trip, offline reprocessing.

mod support;

use std::sync::Arc;

use khronika_pipeline::{
    export, import_jsonl, import_jsonl_listed, ingest_files, reprocess, CancellationToken,
    ExportFormat, ExportOptions, FileOptions, PipelineOptions,
};
use khronika_store::{SqliteStore, Store};
use support::site::article_html;

fn quiet() -> PipelineOptions {
    PipelineOptions {
        analyze: false,
        batch_size: 8,
        progress: false,
    }
}

async fn fresh() -> (tempfile::TempDir, Arc<dyn Store>) {
    let dir = tempfile::tempdir().expect("tmp");
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.path()).await.expect("store"));
    (dir, store)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn html_and_warc_files_are_ingested_and_reprocessed_offline() {
    let (dir, store) = fresh().await;
    let addr: std::net::SocketAddr = "127.0.0.1:9".parse().expect("addr");
    let html_path = dir.path().join("page.html");
    std::fs::write(
        &html_path,
        article_html("Файловая статья", "/files/one", "", addr, 1),
    )
    .expect("write");
    let mut warc = Vec::new();
    for (slug, title) in [("/w/1", "Первая из архива"), ("/w/2", "Вторая из архива")]
    {
        let body = article_html(title, slug, "", addr, 2);
        khronika_ingest::warc::write_response_record(
            &mut warc,
            &format!("http://{addr}{slug}"),
            "2025-04-02T10:00:00Z",
            "Content-Type: text/html; charset=utf-8\r\n",
            body.as_bytes(),
        );
    }
    let warc_path = dir.path().join("crawl.warc.gz");
    {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&warc).expect("gz");
        std::fs::write(&warc_path, gz.finish().expect("gz")).expect("write");
    }
    let missing = dir.path().join("missing.html");
    let opts = FileOptions {
        pipeline: quiet(),
        ..Default::default()
    };
    let counts = ingest_files(
        store.clone(),
        &[html_path.clone(), warc_path, missing],
        &opts,
    )
    .await
    .expect("ingest");
    assert_eq!(counts.created, 3, "{counts}");
    assert_eq!(counts.errors, 1, "the missing file is an error: {counts}");
    // The HTML file's canonical link names it; the WARC records keep their target URIs.
    let one = store
        .article_by_url(&format!("http://{addr}/files/one"))
        .await
        .expect("q")
        .expect("html file");
    assert!(one
        .article
        .title
        .as_deref()
        .is_some_and(|t| t.contains("Файловая статья")));
    assert!(store
        .article_by_url(&format!("http://{addr}/w/2"))
        .await
        .expect("q")
        .is_some());
    // Same files again: nothing new.
    let again = ingest_files(store.clone(), &[html_path], &opts)
        .await
        .expect("again");
    assert_eq!((again.created, again.unchanged), (0, 1), "{again}");
    // Reprocess from the stored raw pages: no network involved, same content, no new versions.
    let re = reprocess(store.clone(), &quiet(), CancellationToken::new())
        .await
        .expect("reprocess");
    assert_eq!(re.unchanged, 3, "{re}");
    assert_eq!(re.fetched, 0);
    assert_eq!(store.stats().await.expect("stats").versions, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_then_export_round_trips() {
    let (_dir, store) = fresh().await;
    let input = r#"{"title":"Первый","text":"Абзац один.\nАбзац два.","url":"https://a.example/1?utm_source=x","published":"2025-04-02T10:00:00+05:00","source":"a.example","tags":["политика"],"authors":["Иван Петров"]}
{"title":"Второй","text":"Другой текст.","url":"https://b.example/2","published":"2025-04-03","source":"b.example","lead":"Лид второго"}
not json
{"title":"Без URL","text":"x","url":"ftp://nope"}
"#;
    let counts = import_jsonl(store.clone(), input.as_bytes(), &quiet())
        .await
        .expect("import");
    assert_eq!((counts.created, counts.errors), (2, 2), "{counts}");
    let mut out = Vec::new();
    let n = export(store.clone(), &mut out, &ExportOptions::default())
        .await
        .expect("export");
    assert_eq!(n, 2);
    let text = String::from_utf8(out.clone()).expect("utf8");
    let rows: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    let first = rows
        .iter()
        .find(|r| r["title"] == "Первый")
        .expect("first exported");
    assert_eq!(first["url"], "https://a.example/1");
    assert_eq!(first["text"], "Абзац один.\nАбзац два.");
    assert_eq!(first["source"], "a.example");
    assert_eq!(first["tags"][0], "политика");
    assert_eq!(first["authors"][0], "Иван Петров");
    assert_eq!(first["versions"].as_array().map(|v| v.len()), Some(1));
    let second = rows
        .iter()
        .find(|r| r["title"] == "Второй")
        .expect("second exported");
    assert_eq!(second["lead"], "Лид второго");
    // The export is importable and changes nothing.
    let back = import_jsonl(store.clone(), out.as_slice(), &quiet())
        .await
        .expect("re-import");
    assert_eq!(
        (back.created, back.updated, back.unchanged),
        (0, 0, 2),
        "{back}"
    );
    // Filters and CSV.
    let mut csv = Vec::new();
    let n = export(
        store.clone(),
        &mut csv,
        &ExportOptions {
            format: ExportFormat::Csv,
            source: Some("b.example".into()),
            ..Default::default()
        },
    )
    .await
    .expect("csv");
    assert_eq!(n, 1);
    let csv = String::from_utf8(csv).expect("utf8");
    assert!(csv.starts_with("id,url,source,title"));
    assert!(csv.contains("Второй") && !csv.contains("Первый"));
    let since = chrono::DateTime::parse_from_rfc3339("2025-04-02T12:00:00Z")
        .expect("date")
        .to_utc();
    let mut recent = Vec::new();
    let n = export(
        store.clone(),
        &mut recent,
        &ExportOptions {
            since: Some(since),
            ..Default::default()
        },
    )
    .await
    .expect("since");
    assert_eq!(n, 1);
}

/// One rule for every bad record: a line that is not UTF-8 is skipped, counted and listed by
/// line number like a line that is not JSON, and the lines after it are still imported.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_records_of_every_kind_are_skipped_and_listed_by_line() {
    let (_dir, store) = fresh().await;
    let rec = |n: u32| {
        format!(
            r#"{{"title":"Новость {n}","text":"Текст новости номер {n}.","url":"https://a.example/{n}"}}"#
        )
    };
    let mut input = Vec::new();
    input.extend_from_slice(rec(1).as_bytes());
    input.extend_from_slice(
        b"\n{\"title\":\"\xD0\xCF\xF2\",\"text\":\"x\",\"url\":\"https://a.example/b\"}\n",
    );
    input.extend_from_slice(rec(3).as_bytes());
    input.extend_from_slice(b"\nnot json\n\n");
    input.extend_from_slice(rec(6).as_bytes());
    input.extend_from_slice(b"\n{\"title\":\"t\",\"url\":\"file:///etc/passwd\"}\n");
    let got = import_jsonl_listed(store.clone(), input.as_slice(), &quiet())
        .await
        .expect("a bad record does not abort the import");
    assert_eq!(
        (got.counts.created, got.counts.errors),
        (3, 3),
        "{}",
        got.counts
    );
    let lines: Vec<u64> = got.bad.iter().map(|b| b.line).collect();
    assert_eq!(lines, vec![2, 4, 7], "{:?}", got.bad);
    assert!(got.bad[0].reason.contains("UTF-8"), "{:?}", got.bad[0]);
    assert_eq!(store.stats().await.expect("stats").articles, 3);
}

/// A saved page was served at an unknown time: neither its file's modification time nor
/// the moment it is read dates it, and a relative header date ("Сегодня, 10:15") has
/// nothing to resolve against. A WARC record's own date is when it was served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_page_is_never_dated_by_its_file_or_the_clock() {
    let (dir, store) = fresh().await;
    let page = |slug: &str| {
        format!(
            "<html><body><article><h1>Мост через Есентай открыли для машин</h1>\
             <div class=\"date\">Сегодня, 10:15</div><div class=\"article-body\">\
             <p>В Алматы открыли новый мост через реку Есентай, сообщили в акимате города.</p>\
             <p>Строительство, по словам подрядчика, заняло два года и обошлось в четыре миллиарда.</p>\
             <p>Страница {slug}.</p></div></article></body></html>"
        )
    };
    let path = dir.path().join("saved.html");
    std::fs::write(&path, page("saved")).expect("write");
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .and_then(|f| f.set_modified(old))
        .expect("mtime");
    let mut warc = Vec::new();
    khronika_ingest::warc::write_response_record(
        &mut warc,
        "https://example.kz/w/1",
        "2025-04-02T10:00:00Z",
        "Content-Type: text/html; charset=utf-8\r\n",
        page("warc").as_bytes(),
    );
    let warc_path = dir.path().join("crawl.warc");
    std::fs::write(&warc_path, warc).expect("write");
    let opts = FileOptions {
        pipeline: quiet(),
        url: None,
        ..Default::default()
    };
    let counts = ingest_files(store.clone(), &[path, warc_path], &opts)
        .await
        .expect("ingest");
    assert_eq!(counts.created, 2, "{counts}");
    let all = store
        .list_articles(
            &Default::default(),
            &khronika_store::PageRequest {
                cursor: None,
                limit: 10,
            },
        )
        .await
        .expect("list");
    let mut saw_file = false;
    for s in &all.items {
        let a = store.get_article(s.id).await.expect("q").expect("article");
        if a.url.starts_with("file:") {
            saw_file = true;
            assert_eq!(a.article.published, None, "a saved file dated");
            assert!(
                a.first_seen.timestamp() > 1_500_000_000,
                "first seen = mtime"
            );
        } else {
            // "Сегодня, 10:15" on the day the WARC record says the page was served, in the
            // site's zone (a .kz site: UTC+5 since 2024).
            let p = a
                .article
                .published
                .expect("the WARC date resolves «Сегодня»");
            assert_eq!(p.to_rfc3339(), "2025-04-02T10:15:00+05:00");
        }
    }
    assert!(saw_file, "{:?}", all.items);
}

/// Reprocessing with the analysis layer brings articles stored without it (or by an older
/// analyser) into the registry and gives them ranked tags, without new versions.
#[cfg(feature = "analysis")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reprocess_brings_old_articles_into_the_registry() {
    let (dir, store) = fresh().await;
    let addr: std::net::SocketAddr = "127.0.0.1:9".parse().expect("addr");
    let extra = "Президент Казахстана Касым-Жомарт Токаев прибыл в Нур-Султан. \
                 Токаев провёл встречу с Александром Лукашенко в Астане. \
                 Александр Григорьевич поблагодарил за приём.";
    let path = dir.path().join("page.html");
    std::fs::write(
        &path,
        article_html("Токаев в Астане", "/f/1", extra, addr, 1),
    )
    .expect("write");
    let opts = FileOptions {
        pipeline: quiet(),
        ..Default::default()
    };
    ingest_files(store.clone(), std::slice::from_ref(&path), &opts)
        .await
        .expect("ingest");
    let url = format!("http://{addr}/f/1");
    let id = store
        .article_by_url(&url)
        .await
        .expect("q")
        .expect("stored")
        .id;
    assert!(store.article_entities(id).await.expect("q").is_empty());
    let with_analysis = PipelineOptions {
        analyze: true,
        ..quiet()
    };
    let re = reprocess(store.clone(), &with_analysis, CancellationToken::new())
        .await
        .expect("reprocess");
    assert_eq!(re.unchanged, 1, "{re}");
    let names: Vec<String> = store
        .article_entities(id)
        .await
        .expect("q")
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert!(
        names.iter().any(|n| n == "Касым-Жомарт Токаев"),
        "{names:?}"
    );
    // Given name and patronymic in an article naming Лукашенко: the same person.
    assert!(
        names.iter().any(|n| n == "Александр Лукашенко"),
        "{names:?}"
    );
    assert!(
        !names.iter().any(|n| n.contains("Григорьевич")),
        "{names:?}"
    );
    // Нур-Султан and Астана are one place under its current name.
    assert_eq!(
        names.iter().filter(|n| *n == "Астана").count(),
        1,
        "{names:?}"
    );
    assert!(!names.iter().any(|n| n == "Нур-Султан"), "{names:?}");
    let tags = store.article_tags(id).await.expect("tags");
    assert!(tags.iter().any(|t| t == "Касым-Жомарт Токаев"), "{tags:?}");
    assert_eq!(store.stats().await.expect("stats").versions, 1);
}
