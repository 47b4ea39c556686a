-- khronika store, schema version 4: what an operator needs to see whether a source works.

-- One row per article page the extractor read for a source: which parts it found. Only the
-- newest rows per source are kept (the store prunes on write); health compares the latest
-- pages with the ones before them.
CREATE TABLE extractions (
    id        INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    url       TEXT NOT NULL,
    at        TEXT NOT NULL,
    has_title INTEGER NOT NULL,
    has_body  INTEGER NOT NULL,
    has_date  INTEGER NOT NULL
);
CREATE INDEX extractions_source ON extractions (source_id, id);

-- Fetches that failed (network, timeout, robots.txt, HTTP error status, too large), with the
-- kind and the reason; kept for a limited time.
CREATE TABLE fetch_failures (
    id        INTEGER PRIMARY KEY,
    source_id INTEGER REFERENCES sources(id) ON DELETE CASCADE,
    url       TEXT NOT NULL,
    at        TEXT NOT NULL,
    kind      TEXT NOT NULL,
    detail    TEXT NOT NULL
);
CREATE INDEX fetch_failures_source ON fetch_failures (source_id, at);
CREATE INDEX fetches_source ON fetches (source_id, id);
