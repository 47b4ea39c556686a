//! Opening a store for reading only: nothing is created, nothing can be written.

use khronika_store::{NewSource, SqliteStore, Store, StoreError};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_data_dir_is_reported_and_not_created() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("nothing-here");
    let r = SqliteStore::open_read_only(&dir).await;
    assert!(matches!(r, Err(StoreError::NoData { .. })), "{r:?}");
    assert!(!dir.exists(), "a read-only open created the data directory");
    // An existing directory without a database is no archive either.
    std::fs::create_dir(&dir).expect("mkdir");
    let r = SqliteStore::open_read_only(&dir).await;
    assert!(matches!(r, Err(StoreError::NoData { .. })), "{r:?}");
    assert_eq!(std::fs::read_dir(&dir).expect("ls").count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_store_reads_and_refuses_writes() {
    let tmp = tempfile::tempdir().expect("tmp");
    {
        let rw = SqliteStore::open(tmp.path()).await.expect("open");
        rw.add_source(&NewSource {
            name: "a".into(),
            home_url: "https://a.example/".into(),
            ..Default::default()
        })
        .await
        .expect("add");
    }
    let ro = SqliteStore::open_read_only(tmp.path())
        .await
        .expect("open read-only");
    let names: Vec<String> = ro
        .list_sources()
        .await
        .expect("list")
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, vec!["a"]);
    let w = ro
        .add_source(&NewSource {
            name: "b".into(),
            home_url: "https://b.example/".into(),
            ..Default::default()
        })
        .await;
    assert!(w.is_err(), "a write went through a read-only store");
}
