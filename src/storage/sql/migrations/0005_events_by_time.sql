-- Reads as of a past instant ask for the events in effect after it; a write
-- asks for the latest change to one object.
CREATE INDEX events_by_at ON events(at);
