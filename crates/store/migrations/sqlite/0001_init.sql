-- khronika store, schema version 1 (SQLite).
-- Times are kept twice where they are filtered on: RFC 3339 text as given, and unix seconds.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO meta (key, value) VALUES ('change_seq', 0);

CREATE TABLE sources (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT NOT NULL UNIQUE,
    home_url        TEXT NOT NULL,
    feeds           TEXT NOT NULL DEFAULT '[]',
    sitemaps        TEXT NOT NULL DEFAULT '[]',
    lang            TEXT,
    display         TEXT NOT NULL DEFAULT 'lead_and_link',
    hidden          INTEGER NOT NULL DEFAULT 0,
    delay_ms        INTEGER,
    max_concurrency INTEGER,
    created_at      TEXT NOT NULL
);

-- Every HTTP response (or local file) the pipeline looked at, raw body compressed.
CREATE TABLE fetches (
    id            INTEGER PRIMARY KEY,
    source_id     INTEGER REFERENCES sources(id) ON DELETE SET NULL,
    url           TEXT NOT NULL,
    final_url     TEXT NOT NULL,
    status        INTEGER NOT NULL,
    content_type  TEXT,
    etag          TEXT,
    last_modified TEXT,
    fetched_at    TEXT NOT NULL,
    body_encoding TEXT NOT NULL,
    body          BLOB,
    body_len      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX fetches_url ON fetches (url);

-- One row per URL ever requested: the state conditional GET and resumption need.
CREATE TABLE pages (
    url           TEXT PRIMARY KEY,
    source_id     INTEGER REFERENCES sources(id) ON DELETE SET NULL,
    status        INTEGER NOT NULL,
    etag          TEXT,
    last_modified TEXT,
    fetched_at    TEXT NOT NULL,
    last_fetch_id INTEGER,
    article_id    INTEGER
);

-- AUTOINCREMENT: an id is never reused, so a deletion in the change feed stays unambiguous.
CREATE TABLE articles (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id     INTEGER REFERENCES sources(id) ON DELETE CASCADE,
    url           TEXT NOT NULL UNIQUE,
    title         TEXT,
    lead          TEXT,
    image         TEXT,
    lang          TEXT,
    published_at  TEXT,
    first_seen    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    sort_ts       INTEGER NOT NULL,
    version       INTEGER NOT NULL,
    content_hash  TEXT NOT NULL,
    change_seq    INTEGER NOT NULL,
    hidden        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX articles_seq ON articles (change_seq);
CREATE INDEX articles_hash ON articles (content_hash);
CREATE INDEX articles_time ON articles (sort_ts, id);
CREATE INDEX articles_source_time ON articles (source_id, sort_ts, id);

-- Every URL known to lead to an article (fetched, final, canonical, duplicates).
CREATE TABLE article_urls (
    url        TEXT PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE
);
CREATE INDEX article_urls_article ON article_urls (article_id);

CREATE TABLE article_versions (
    article_id   INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    version      INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    fetch_id     INTEGER,
    stored_at    TEXT NOT NULL,
    article      TEXT NOT NULL,
    analysis     TEXT,
    PRIMARY KEY (article_id, version)
);

-- Articles removed from the archive, so incremental readers (the search index) drop them.
CREATE TABLE tombstones (
    article_id INTEGER PRIMARY KEY,
    change_seq INTEGER NOT NULL
);
CREATE INDEX tombstones_seq ON tombstones (change_seq);

CREATE TABLE entities (
    id   INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    -- Unicode lower case (SQLite's lower() only folds ASCII).
    name_lc TEXT NOT NULL,
    UNIQUE (kind, name)
);
CREATE INDEX entities_name_lc ON entities (name_lc);
CREATE TABLE entity_aliases (
    entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    alias     TEXT NOT NULL,
    alias_lc  TEXT NOT NULL,
    PRIMARY KEY (entity_id, alias)
);
CREATE INDEX entity_aliases_lc ON entity_aliases (alias_lc);
-- Mentions, quotes and tags describe the current version of each article only.
CREATE TABLE mentions (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    entity_id  INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    start      INTEGER NOT NULL,
    end        INTEGER NOT NULL,
    text       TEXT NOT NULL
);
CREATE INDEX mentions_entity ON mentions (entity_id, article_id);
CREATE INDEX mentions_article ON mentions (article_id);

CREATE TABLE quotes (
    article_id        INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    speaker_entity_id INTEGER REFERENCES entities(id) ON DELETE SET NULL,
    speaker           TEXT,
    role              TEXT,
    text              TEXT NOT NULL,
    start             INTEGER NOT NULL,
    end               INTEGER NOT NULL,
    direct            INTEGER NOT NULL
);
CREATE INDEX quotes_article ON quotes (article_id);
CREATE INDEX quotes_speaker ON quotes (speaker_entity_id);

CREATE TABLE tags (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE article_tags (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    tag_id     INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (article_id, tag_id)
);
CREATE INDEX article_tags_tag ON article_tags (tag_id, article_id);

-- Stories come with the organise stage; the tables exist so it needs no migration of articles.
CREATE TABLE stories (
    id         INTEGER PRIMARY KEY,
    title      TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen  TEXT NOT NULL
);
CREATE TABLE story_articles (
    story_id   INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (story_id, article_id)
);

-- Portal view counts per article per hour: counts only, nothing about the reader.
CREATE TABLE page_views (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    hour       INTEGER NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (article_id, hour)
);
CREATE INDEX page_views_hour ON page_views (hour);
