-- Accounts of `stocktake serve`: passwords, bearer tokens and sessions.
-- No secret is stored: a password as its argon2id string, a token and a
-- session id as a hex digest (BLAKE2b) of their random bytes.

CREATE TABLE person_passwords (
  person     TEXT PRIMARY KEY REFERENCES people(email) ON DELETE CASCADE,
  hash       TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE api_tokens (
  id         {{AUTO_ID}},
  person     TEXT NOT NULL REFERENCES people(email) ON DELETE CASCADE,
  name       TEXT NOT NULL,
  hash       TEXT NOT NULL UNIQUE,
  scope      TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT,
  revoked_at BIGINT
);
-- A name names one live token of a person; a revoked token frees its name.
CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens(person, name) WHERE revoked_at IS NULL;

CREATE TABLE login_sessions (
  id_hash    TEXT PRIMARY KEY,
  person     TEXT NOT NULL REFERENCES people(email) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX login_sessions_by_expiry ON login_sessions(expires_at);
