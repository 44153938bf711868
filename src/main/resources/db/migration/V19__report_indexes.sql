-- Reports select the incidents opened in a period (whatever their status) and read their timelines;
-- incident_status (status, opened_at) does not serve a range over opened_at alone.
CREATE INDEX incident_opened_at ON incident (opened_at, id);
