-- Protocols, their evidence and stage history, and lazy-consensus proposals.
-- Portable SQL for SQLite and PostgreSQL; {{AUTO_ID}} is the one dialect word.
-- A proposal's state is never stored: it is computed from its actions and the
-- clock, so proposal_actions is append-only like events.

CREATE TABLE protocols (
  name            TEXT PRIMARY KEY,
  ordinal         INTEGER NOT NULL,
  summary         TEXT NOT NULL,
  stage           TEXT NOT NULL,
  design_path     TEXT NOT NULL,
  design_commit   TEXT NOT NULL,
  version         TEXT NOT NULL,
  compat_promises TEXT NOT NULL
);

CREATE TABLE protocol_owners (
  protocol TEXT NOT NULL REFERENCES protocols(name) ON DELETE CASCADE,
  ordinal  INTEGER NOT NULL,
  email    TEXT NOT NULL,
  PRIMARY KEY (protocol, ordinal)
);

-- refs holds one reference (message-id, commit, URL) per line.
CREATE TABLE protocol_implementations (
  protocol  TEXT NOT NULL REFERENCES protocols(name) ON DELETE CASCADE,
  ordinal   INTEGER NOT NULL,
  code_base TEXT NOT NULL,
  role      TEXT NOT NULL,
  state     TEXT NOT NULL,
  refs      TEXT NOT NULL,
  PRIMARY KEY (protocol, ordinal)
);

-- Append-only: one row per stage change, oldest first by ordinal.
CREATE TABLE protocol_stage_history (
  protocol    TEXT NOT NULL REFERENCES protocols(name) ON DELETE CASCADE,
  ordinal     INTEGER NOT NULL,
  at          BIGINT NOT NULL,
  by_email    TEXT NOT NULL,
  from_stage  TEXT NOT NULL,
  to_stage    TEXT NOT NULL,
  proposal_id BIGINT NOT NULL,
  reason      TEXT NOT NULL,
  commit_ref  TEXT NOT NULL,
  PRIMARY KEY (protocol, ordinal)
);

CREATE TABLE protocol_waivers (
  protocol  TEXT NOT NULL REFERENCES protocols(name) ON DELETE CASCADE,
  stage     TEXT NOT NULL,
  criterion TEXT NOT NULL,
  by_email  TEXT NOT NULL,
  at        BIGINT NOT NULL,
  reason    TEXT NOT NULL,
  PRIMARY KEY (protocol, stage, criterion)
);

-- Proposals and objections take their numbers from this one sequence, so a
-- number typed on the command line names exactly one of them.
CREATE TABLE lifecycle_numbers (
  id   {{AUTO_ID}},
  kind TEXT NOT NULL
);

-- window is a time span ("72h", "7d"); empty means the process's proposal window.
CREATE TABLE proposals (
  id          BIGINT PRIMARY KEY,
  protocol    TEXT NOT NULL REFERENCES protocols(name),
  from_stage  TEXT NOT NULL,
  to_stage    TEXT NOT NULL,
  proposer    TEXT NOT NULL,
  thread      TEXT NOT NULL,
  opened_at   BIGINT NOT NULL,
  window_span TEXT NOT NULL
);
CREATE INDEX proposals_by_protocol ON proposals(protocol, id);

-- Append-only. objection_id is the objection raised (kind 'object') or acted on.
CREATE TABLE proposal_actions (
  id           {{AUTO_ID}},
  proposal_id  BIGINT NOT NULL REFERENCES proposals(id),
  kind         TEXT NOT NULL,
  at           BIGINT NOT NULL,
  by_email     TEXT NOT NULL,
  objection_id BIGINT NOT NULL,
  text         TEXT NOT NULL,
  message_id   TEXT NOT NULL
);
CREATE INDEX proposal_actions_by_proposal ON proposal_actions(proposal_id, id);
CREATE INDEX proposal_actions_by_objection ON proposal_actions(objection_id);
