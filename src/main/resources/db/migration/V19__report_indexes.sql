-- Reports select the incidents opened in a period (whatever their status) and read their timelines;
-- incident_status (status, opened_at) does not serve a range over opened_at alone.
CREATE INDEX incident_opened_at ON incident (opened_at, id);
-- Pages per person in a period: the NOTIFIED entries recorded in it, whatever incident they belong to.
CREATE INDEX incident_entry_kind_at ON incident_entry (kind, at);
