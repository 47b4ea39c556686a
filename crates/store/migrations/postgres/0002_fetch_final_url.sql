-- Reprocessing reads the latest stored body per final URL.
CREATE INDEX fetches_final_url ON fetches (final_url, id);
