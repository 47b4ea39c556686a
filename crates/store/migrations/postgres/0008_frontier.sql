-- khronika store, schema version 8 (PostgreSQL): the shared crawl frontier, as
-- migrations/sqlite/0008.
CREATE TABLE frontier (
    id             BIGSERIAL PRIMARY KEY,
    source_id      BIGINT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    url            TEXT NOT NULL UNIQUE,
    host           TEXT NOT NULL,
    kind           TEXT NOT NULL,
    depth          BIGINT NOT NULL,
    due_us         BIGINT,
    lease_owner    TEXT,
    lease_until_us BIGINT,
    fetches        BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX frontier_due ON frontier (due_us);

CREATE TABLE frontier_hosts (
    host    TEXT PRIMARY KEY,
    next_us BIGINT NOT NULL
);
