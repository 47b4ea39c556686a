-- khronika store, schema version 4 (PostgreSQL): source health, as migrations/sqlite/0004.
CREATE TABLE extractions (
    id        BIGSERIAL PRIMARY KEY,
    source_id BIGINT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    url       TEXT NOT NULL,
    at        TIMESTAMPTZ NOT NULL,
    has_title BOOLEAN NOT NULL,
    has_body  BOOLEAN NOT NULL,
    has_date  BOOLEAN NOT NULL
);
CREATE INDEX extractions_source ON extractions (source_id, id);

CREATE TABLE fetch_failures (
    id        BIGSERIAL PRIMARY KEY,
    source_id BIGINT REFERENCES sources(id) ON DELETE CASCADE,
    url       TEXT NOT NULL,
    at        TIMESTAMPTZ NOT NULL,
    kind      TEXT NOT NULL,
    detail    TEXT NOT NULL
);
CREATE INDEX fetch_failures_source ON fetch_failures (source_id, at);
CREATE INDEX fetches_source ON fetches (source_id, id);
