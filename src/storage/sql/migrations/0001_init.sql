-- Releases, features, people and the event log.
-- Portable SQL for SQLite and PostgreSQL; {{AUTO_ID}} is the one dialect word.
-- Instants are seconds since the Unix epoch (UTC), dates are 'YYYY-MM-DD' text.

CREATE TABLE settings (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE statuses (
  id         TEXT PRIMARY KEY,
  ordinal    INTEGER NOT NULL,
  heading    TEXT NOT NULL,
  done       INTEGER NOT NULL,
  in_release INTEGER NOT NULL
);

CREATE TABLE people (
  email TEXT PRIMARY KEY,
  name  TEXT NOT NULL
);

CREATE TABLE person_emails (
  email  TEXT PRIMARY KEY,
  person TEXT NOT NULL REFERENCES people(email) ON DELETE CASCADE
);

CREATE TABLE person_roles (
  person TEXT NOT NULL REFERENCES people(email) ON DELETE CASCADE,
  role   TEXT NOT NULL,
  PRIMARY KEY (person, role)
);

CREATE TABLE releases (
  version         TEXT PRIMARY KEY,
  ordinal         INTEGER NOT NULL,
  start_date      TEXT NOT NULL,
  freeze_date     TEXT NOT NULL,
  release_date    TEXT NOT NULL,
  report_template TEXT NOT NULL
);

CREATE TABLE features (
  slug             TEXT PRIMARY KEY,
  release_version  TEXT NOT NULL REFERENCES releases(version),
  ordinal          INTEGER NOT NULL,
  title            TEXT NOT NULL,
  parent           TEXT REFERENCES features(slug) DEFERRABLE INITIALLY DEFERRED,
  status           TEXT NOT NULL REFERENCES statuses(id),
  external         INTEGER NOT NULL,
  must_have        INTEGER NOT NULL,
  short_title      TEXT NOT NULL,
  remark           TEXT NOT NULL,
  notes            TEXT NOT NULL,
  protocol         TEXT NOT NULL,
  freeze_exception TEXT NOT NULL,
  updated_at       BIGINT NOT NULL
);
CREATE INDEX features_by_release ON features(release_version, ordinal);

CREATE TABLE feature_code_bases (
  feature TEXT NOT NULL REFERENCES features(slug) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL,
  name    TEXT NOT NULL,
  PRIMARY KEY (feature, ordinal)
);

CREATE TABLE feature_owners (
  feature TEXT NOT NULL REFERENCES features(slug) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL,
  email   TEXT NOT NULL,
  PRIMARY KEY (feature, ordinal)
);

CREATE TABLE feature_dependencies (
  feature    TEXT NOT NULL REFERENCES features(slug) ON DELETE CASCADE,
  ordinal    INTEGER NOT NULL,
  depends_on TEXT NOT NULL REFERENCES features(slug) DEFERRABLE INITIALLY DEFERRED,
  PRIMARY KEY (feature, ordinal)
);

-- Append-only: the store has no statement that updates or deletes a row here.
CREATE TABLE events (
  id              {{AUTO_ID}},
  at              BIGINT NOT NULL,
  recorded_at     BIGINT NOT NULL,
  actor           TEXT NOT NULL,
  kind            TEXT NOT NULL,
  release_version TEXT NOT NULL,
  subject         TEXT NOT NULL,
  from_value      TEXT NOT NULL,
  to_value        TEXT NOT NULL,
  reason          TEXT NOT NULL,
  detail          TEXT NOT NULL
);
CREATE INDEX events_by_release ON events(release_version, at);
CREATE INDEX events_by_subject ON events(subject, kind, at);
