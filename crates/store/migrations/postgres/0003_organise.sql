-- khronika store, schema version 3 (PostgreSQL): the organise stage's decisions, as in
-- migrations/sqlite/0003 (see there for what each column means).
ALTER TABLE articles ADD COLUMN duplicate_of BIGINT REFERENCES articles(id) ON DELETE SET NULL;
ALTER TABLE articles ADD COLUMN rubric TEXT;
CREATE INDEX articles_rubric_time ON articles (rubric, sort_ts, id);
CREATE INDEX articles_duplicate_of ON articles (duplicate_of) WHERE duplicate_of IS NOT NULL;
CREATE INDEX articles_unorganised ON articles (id) WHERE rubric IS NULL;

ALTER TABLE stories ADD COLUMN sources BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stories ADD COLUMN articles BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stories ADD COLUMN entities TEXT NOT NULL DEFAULT '[]';
ALTER TABLE stories ADD COLUMN rubric TEXT;
ALTER TABLE stories ADD COLUMN merged_into BIGINT;
ALTER TABLE stories ADD COLUMN retired BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE stories ADD COLUMN last_ts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stories ADD COLUMN updated_at TIMESTAMPTZ;
UPDATE stories SET
    last_ts = EXTRACT(EPOCH FROM last_seen)::BIGINT,
    articles = (SELECT COUNT(*) FROM story_articles sa WHERE sa.story_id = stories.id),
    updated_at = last_seen;
CREATE INDEX stories_live ON stories (last_ts, id) WHERE merged_into IS NULL AND NOT retired;
CREATE INDEX stories_live_rubric ON stories (rubric, last_ts, id)
    WHERE merged_into IS NULL AND NOT retired;
CREATE INDEX stories_merged_into ON stories (merged_into) WHERE merged_into IS NOT NULL;
CREATE UNIQUE INDEX story_articles_article ON story_articles (article_id);
