-- khronika store, schema version 8: the shared crawl frontier (`khronika ingest --worker`).
-- Times are microseconds since the Unix epoch, so both backends compare plain integers.

-- One row per URL to fetch. `due_us` NULL = done for good; otherwise the URL may be leased
-- from that time on (new URLs: when added; lists and re-crawls: when the next pass is due).
-- A lease is `lease_owner` until `lease_until_us`; an expired lease is free for anyone, so
-- the URLs of a worker that died are taken over.
CREATE TABLE frontier (
    id             INTEGER PRIMARY KEY,
    source_id      INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    url            TEXT NOT NULL UNIQUE,
    host           TEXT NOT NULL,
    kind           TEXT NOT NULL,
    depth          INTEGER NOT NULL,
    due_us         INTEGER,
    lease_owner    TEXT,
    lease_until_us INTEGER,
    fetches        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX frontier_due ON frontier (due_us);

-- Per host (host:port): the earliest time the next request may start, shared by all workers.
CREATE TABLE frontier_hosts (
    host    TEXT PRIMARY KEY,
    next_us INTEGER NOT NULL
);
