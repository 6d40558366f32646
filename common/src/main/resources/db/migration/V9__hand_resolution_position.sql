-- An alert resolved by hand (agent report fixed/wont_fix, or the API) remembers how far its app
-- had been scored at that moment. The scorer judges a fix only on data after it: the same
-- pattern and dimension value does not open again while its window still reaches back before
-- that position (otherwise the minutes before the fix would re-open the alert at once).
ALTER TABLE alerts ADD COLUMN resolved_position timestamptz;

CREATE FUNCTION alerts_resolved_position() RETURNS trigger AS $$
BEGIN
    IF NEW.status = 'resolved' AND OLD.status <> 'resolved'
            AND coalesce(NEW.resolution ->> 'reason', '') <> 'recovered' THEN
        NEW.resolved_position := (SELECT coalesce(s.evaluated_until, s.watermark) FROM scoring_state s
                                  WHERE s.project_id = NEW.project_id AND s.app_id = NEW.app_id);
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER alerts_resolved_position BEFORE UPDATE OF status ON alerts
    FOR EACH ROW EXECUTE FUNCTION alerts_resolved_position();
