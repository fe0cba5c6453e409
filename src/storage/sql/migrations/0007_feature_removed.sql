-- A feature taken off the books (`feature remove`) keeps its row and its
-- history; lists, reports and checks leave it out until it is restored.
ALTER TABLE features ADD COLUMN removed INTEGER NOT NULL DEFAULT 0;
