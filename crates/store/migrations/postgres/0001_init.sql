-- khronika store, schema version 1 (PostgreSQL): the same tables as migrations/sqlite/0001,
-- in PostgreSQL's types (BIGINT ids, TIMESTAMPTZ times, BOOLEAN flags, BYTEA bodies).
-- `published_at` stays text: it keeps the page's own offset as given.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('change_seq', 0);

CREATE TABLE sources (
    id              BIGSERIAL PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    home_url        TEXT NOT NULL,
    feeds           TEXT NOT NULL DEFAULT '[]',
    sitemaps        TEXT NOT NULL DEFAULT '[]',
    lang            TEXT,
    display         TEXT NOT NULL DEFAULT 'lead_and_link',
    hidden          BOOLEAN NOT NULL DEFAULT FALSE,
    delay_ms        BIGINT,
    max_concurrency BIGINT,
    created_at      TIMESTAMPTZ NOT NULL
);

CREATE TABLE fetches (
    id            BIGSERIAL PRIMARY KEY,
    source_id     BIGINT REFERENCES sources(id) ON DELETE SET NULL,
    url           TEXT NOT NULL,
    final_url     TEXT NOT NULL,
    status        BIGINT NOT NULL,
    content_type  TEXT,
    etag          TEXT,
    last_modified TEXT,
    fetched_at    TIMESTAMPTZ NOT NULL,
    body_encoding TEXT NOT NULL,
    body          BYTEA,
    body_len      BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX fetches_url ON fetches (url);

CREATE TABLE pages (
    url           TEXT PRIMARY KEY,
    source_id     BIGINT REFERENCES sources(id) ON DELETE SET NULL,
    status        BIGINT NOT NULL,
    etag          TEXT,
    last_modified TEXT,
    fetched_at    TIMESTAMPTZ NOT NULL,
    last_fetch_id BIGINT,
    article_id    BIGINT
);

-- A sequence never reuses an id, so a deletion in the change feed stays unambiguous.
CREATE TABLE articles (
    id            BIGSERIAL PRIMARY KEY,
    source_id     BIGINT REFERENCES sources(id) ON DELETE CASCADE,
    url           TEXT NOT NULL UNIQUE,
    title         TEXT,
    lead          TEXT,
    image         TEXT,
    lang          TEXT,
    published_at  TEXT,
    first_seen    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    sort_ts       BIGINT NOT NULL,
    version       BIGINT NOT NULL,
    content_hash  TEXT NOT NULL,
    change_seq    BIGINT NOT NULL,
    hidden        BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX articles_seq ON articles (change_seq);
CREATE INDEX articles_hash ON articles (content_hash);
CREATE INDEX articles_time ON articles (sort_ts, id);
CREATE INDEX articles_source_time ON articles (source_id, sort_ts, id);

CREATE TABLE article_urls (
    url        TEXT PRIMARY KEY,
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE
);
CREATE INDEX article_urls_article ON article_urls (article_id);

CREATE TABLE article_versions (
    article_id   BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    version      BIGINT NOT NULL,
    content_hash TEXT NOT NULL,
    fetch_id     BIGINT,
    stored_at    TIMESTAMPTZ NOT NULL,
    article      TEXT NOT NULL,
    analysis     TEXT,
    PRIMARY KEY (article_id, version)
);

CREATE TABLE tombstones (
    article_id BIGINT PRIMARY KEY,
    change_seq BIGINT NOT NULL
);
CREATE INDEX tombstones_seq ON tombstones (change_seq);

CREATE TABLE entities (
    id      BIGSERIAL PRIMARY KEY,
    kind    TEXT NOT NULL,
    name    TEXT NOT NULL,
    name_lc TEXT NOT NULL,
    UNIQUE (kind, name)
);
CREATE INDEX entities_name_lc ON entities (name_lc);
CREATE TABLE entity_aliases (
    entity_id BIGINT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    alias     TEXT NOT NULL,
    alias_lc  TEXT NOT NULL,
    PRIMARY KEY (entity_id, alias)
);
CREATE INDEX entity_aliases_lc ON entity_aliases (alias_lc);
CREATE TABLE mentions (
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    entity_id  BIGINT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    start      BIGINT NOT NULL,
    "end"      BIGINT NOT NULL,
    text       TEXT NOT NULL
);
CREATE INDEX mentions_entity ON mentions (entity_id, article_id);
CREATE INDEX mentions_article ON mentions (article_id);

CREATE TABLE quotes (
    article_id        BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    speaker_entity_id BIGINT REFERENCES entities(id) ON DELETE SET NULL,
    speaker           TEXT,
    role              TEXT,
    text              TEXT NOT NULL,
    start             BIGINT NOT NULL,
    "end"             BIGINT NOT NULL,
    direct            BOOLEAN NOT NULL
);
CREATE INDEX quotes_article ON quotes (article_id);
CREATE INDEX quotes_speaker ON quotes (speaker_entity_id);

CREATE TABLE tags (
    id   BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE article_tags (
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    tag_id     BIGINT NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (article_id, tag_id)
);
CREATE INDEX article_tags_tag ON article_tags (tag_id, article_id);

CREATE TABLE stories (
    id         BIGINT PRIMARY KEY,
    title      TEXT NOT NULL,
    first_seen TIMESTAMPTZ NOT NULL,
    last_seen  TIMESTAMPTZ NOT NULL
);
CREATE TABLE story_articles (
    story_id   BIGINT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (story_id, article_id)
);

CREATE TABLE page_views (
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    hour       BIGINT NOT NULL,
    count      BIGINT NOT NULL,
    PRIMARY KEY (article_id, hour)
);
CREATE INDEX page_views_hour ON page_views (hour);
