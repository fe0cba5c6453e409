-- Reading a release's slips (and any one kind of event) without scanning all
-- of the release's events.
CREATE INDEX events_by_kind ON events(kind, release_version, at);
