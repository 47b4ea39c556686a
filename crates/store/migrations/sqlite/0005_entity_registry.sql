-- khronika store, schema version 5: the entity registry. One entity per real person,
-- organisation or place, keyed by the folded canonical name (khronika_store::registry::fold);
-- mentions keep the kind the analysis gave them, so the entity's kind is their majority.

ALTER TABLE entities ADD COLUMN fold TEXT;
-- Folded last word of a person's full name, for linking lone surnames.
ALTER TABLE entities ADD COLUMN surname TEXT;
-- 1 for a surname-only person not (yet) attributable to one known full name.
ALTER TABLE entities ADD COLUMN partial INTEGER NOT NULL DEFAULT 0;
-- 1 when the kind and name come from the gazetteer (no vote changes them).
ALTER TABLE entities ADD COLUMN fixed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE entity_aliases ADD COLUMN fold TEXT;
ALTER TABLE mentions ADD COLUMN kind TEXT;

-- Entities made before the registry were keyed by (kind, exact name): the same person under
-- several names. They are dropped here and rebuilt from the stored analyses when the store
-- opens (meta 'relink_entities'); nothing else refers to them.
DELETE FROM mentions;
UPDATE quotes SET speaker_entity_id = NULL;
DELETE FROM entity_aliases;
DELETE FROM entities;
INSERT OR REPLACE INTO meta (key, value) VALUES ('relink_entities', 1);

CREATE UNIQUE INDEX entities_fold ON entities (fold);
CREATE INDEX entities_surname ON entities (surname) WHERE surname IS NOT NULL;
CREATE INDEX entity_aliases_fold ON entity_aliases (fold);
-- Co-occurrence evidence for a lone surname asks "does article A mention entity E?".
CREATE INDEX mentions_article_entity ON mentions (article_id, entity_id);
