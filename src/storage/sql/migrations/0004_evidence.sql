-- Evidence: mails, threads, patch series, trailers and commits read by
-- `stocktake ingest`, where each came from (for incremental runs), the rules
-- that link evidence to features and protocols, and the links they made.
-- Threads, series and links are derived: every ingest run that adds mail
-- rebuilds them from all stored messages (see docs/storage-schema.md).

CREATE TABLE messages (
  message_id   TEXT PRIMARY KEY,
  synthetic_id INTEGER NOT NULL,
  date         BIGINT,
  from_name    TEXT NOT NULL,
  from_email   TEXT NOT NULL,
  subject      TEXT NOT NULL,
  in_reply_to  TEXT NOT NULL,
  list_id      TEXT NOT NULL,
  source_file  TEXT NOT NULL,
  source_offset BIGINT NOT NULL,
  thread_root  TEXT NOT NULL
);
CREATE INDEX messages_by_thread ON messages(thread_root);

-- The ids of a message's References header, in order.
CREATE TABLE message_references (
  message_id TEXT NOT NULL REFERENCES messages(message_id) ON DELETE CASCADE,
  ordinal    INTEGER NOT NULL,
  referenced TEXT NOT NULL,
  PRIMARY KEY (message_id, ordinal)
);

CREATE TABLE threads (
  root_id       TEXT PRIMARY KEY,
  subject       TEXT NOT NULL,
  message_count INTEGER NOT NULL,
  first_date    BIGINT,
  last_date     BIGINT
);

-- One row per posted version of a series; `lineage` is the id of the first
-- series of its lineage (v1 of v1 -> v2 -> v3).
CREATE TABLE series (
  id              TEXT PRIMARY KEY,
  ordinal         INTEGER NOT NULL,
  name            TEXT NOT NULL,
  cover_letter    TEXT NOT NULL,
  submitter_name  TEXT NOT NULL,
  submitter_email TEXT NOT NULL,
  date            BIGINT,
  version         INTEGER NOT NULL,
  total           INTEGER NOT NULL,
  is_rfc          INTEGER NOT NULL,
  is_resend       INTEGER NOT NULL,
  tags            TEXT NOT NULL,
  missing         TEXT NOT NULL,
  lineage         TEXT NOT NULL
);

CREATE TABLE series_patches (
  series     TEXT NOT NULL REFERENCES series(id) ON DELETE CASCADE,
  patch_index INTEGER NOT NULL,
  message_id TEXT NOT NULL,
  PRIMARY KEY (series, patch_index)
);

-- A trailer as written in a message or a commit (source_kind 'message' or
-- 'commit'); `ordinal` orders the trailers of one source.
CREATE TABLE trailers (
  source_kind   TEXT NOT NULL,
  source_id     TEXT NOT NULL,
  ordinal       INTEGER NOT NULL,
  trailer_key   TEXT NOT NULL,
  canonical_key TEXT NOT NULL,
  value         TEXT NOT NULL,
  person_name   TEXT NOT NULL,
  person_email  TEXT NOT NULL,
  PRIMARY KEY (source_kind, source_id, ordinal)
);
CREATE INDEX trailers_by_key ON trailers(canonical_key);

-- Which message trailer applies to which patch (scope 'patch', target a
-- patch's message id) or whole series (scope 'series', target a series id).
CREATE TABLE series_trailers (
  series         TEXT NOT NULL REFERENCES series(id) ON DELETE CASCADE,
  ordinal        INTEGER NOT NULL,
  scope          TEXT NOT NULL,
  target_id      TEXT NOT NULL,
  source_id      TEXT NOT NULL,
  trailer_ordinal INTEGER NOT NULL,
  PRIMARY KEY (series, ordinal)
);

CREATE TABLE commits (
  sha            TEXT PRIMARY KEY,
  repository     TEXT NOT NULL,
  parents        TEXT NOT NULL,
  author_name    TEXT NOT NULL,
  author_email   TEXT NOT NULL,
  author_date    BIGINT NOT NULL,
  committer_name TEXT NOT NULL,
  committer_email TEXT NOT NULL,
  commit_date    BIGINT NOT NULL,
  subject        TEXT NOT NULL
);

CREATE TABLE commit_paths (
  sha  TEXT NOT NULL REFERENCES commits(sha) ON DELETE CASCADE,
  path TEXT NOT NULL,
  PRIMARY KEY (sha, path)
);
CREATE INDEX commit_paths_by_path ON commit_paths(path);

-- What the last run read from each source: a mailbox file (its size and the
-- offset of its last message) or a repository and range (its head).
CREATE TABLE ingest_sources (
  source      TEXT PRIMARY KEY,
  kind        TEXT NOT NULL,
  size        BIGINT NOT NULL,
  last_offset BIGINT NOT NULL,
  fingerprint TEXT NOT NULL,
  last_head   TEXT NOT NULL,
  ingested_at BIGINT NOT NULL
);

-- Linking rules of features and protocols (owner_kind 'feature' or
-- 'protocol'); rule_kind is 'subject', 'path' or 'tag'.
CREATE TABLE evidence_rules (
  owner_kind TEXT NOT NULL,
  owner      TEXT NOT NULL,
  ordinal    INTEGER NOT NULL,
  rule_kind  TEXT NOT NULL,
  pattern    TEXT NOT NULL,
  PRIMARY KEY (owner_kind, owner, ordinal)
);

-- What the rules linked: target_kind 'message', 'series' or 'commit'.
CREATE TABLE evidence_links (
  owner_kind  TEXT NOT NULL,
  owner       TEXT NOT NULL,
  target_kind TEXT NOT NULL,
  target_id   TEXT NOT NULL,
  rule        TEXT NOT NULL,
  at          BIGINT,
  PRIMARY KEY (owner_kind, owner, target_kind, target_id)
);

-- NAKs found in a proposal's thread, waiting for the Czar to confirm them as
-- objections (state 'draft', 'confirmed' or 'dismissed').
CREATE TABLE draft_objections (
  message_id  TEXT PRIMARY KEY,
  proposal_id BIGINT NOT NULL,
  by_email    TEXT NOT NULL,
  at          BIGINT NOT NULL,
  text        TEXT NOT NULL,
  state       TEXT NOT NULL
);
