-- A signal no longer copies its event's payload: the readers take it from the event row (same
-- project, event id and event time; the primary key of events), so the scorer writes each payload
-- once. Rows written before keep theirs, and the readers prefer a stored payload.
ALTER TABLE signals ALTER COLUMN payload DROP NOT NULL;
