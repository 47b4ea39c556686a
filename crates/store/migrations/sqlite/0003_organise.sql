-- khronika store, schema version 3: what the organise stage decides (near-duplicates,
-- stories, rubrics). All of it is derived data: `clear_organisation` empties it for a rebuild.

-- The original this article is a near-duplicate copy of (NULL for originals); a deleted
-- original turns its copies into originals.
ALTER TABLE articles ADD COLUMN duplicate_of INTEGER REFERENCES articles(id) ON DELETE SET NULL;
-- Rubric code (khronika_model::Rubric::code); NULL = not organised yet.
ALTER TABLE articles ADD COLUMN rubric TEXT;
CREATE INDEX articles_rubric_time ON articles (rubric, sort_ts, id);
CREATE INDEX articles_duplicate_of ON articles (duplicate_of) WHERE duplicate_of IS NOT NULL;
CREATE INDEX articles_unorganised ON articles (id) WHERE rubric IS NULL;

-- A story's id is the id of its founding article. A story is live when it is neither
-- merged (merged_into = the story that absorbed it) nor retired (retired = 1: emptied, or
-- cleared for a rebuild; its id then resolves to the story holding the article with that id).
ALTER TABLE stories ADD COLUMN sources INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stories ADD COLUMN articles INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stories ADD COLUMN entities TEXT NOT NULL DEFAULT '[]';
ALTER TABLE stories ADD COLUMN rubric TEXT;
ALTER TABLE stories ADD COLUMN merged_into INTEGER;
ALTER TABLE stories ADD COLUMN retired INTEGER NOT NULL DEFAULT 0;
-- Unix seconds of last_seen, for ordering and filters.
ALTER TABLE stories ADD COLUMN last_ts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stories ADD COLUMN updated_at TEXT;
UPDATE stories SET
    last_ts = COALESCE(CAST(strftime('%s', last_seen) AS INTEGER), 0),
    articles = (SELECT COUNT(*) FROM story_articles sa WHERE sa.story_id = stories.id),
    updated_at = last_seen;
CREATE INDEX stories_live ON stories (last_ts, id) WHERE merged_into IS NULL AND retired = 0;
CREATE INDEX stories_live_rubric ON stories (rubric, last_ts, id)
    WHERE merged_into IS NULL AND retired = 0;
CREATE INDEX stories_merged_into ON stories (merged_into) WHERE merged_into IS NOT NULL;

-- An article is in one story at most.
CREATE UNIQUE INDEX story_articles_article ON story_articles (article_id);
