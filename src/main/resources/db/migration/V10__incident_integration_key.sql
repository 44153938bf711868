-- Which integration key opened an incident. An event acts only on incidents opened through its own
-- key, as PagerDuty does: an acknowledge or resolve from another routing key is dropped, and a
-- trigger with the same dedup key through another key opens an incident of its own. Only the key's
-- SHA-256 is kept (a routing key is a credential, like an API token). The open_key of such an
-- incident is the hash and the dedup key, not the service, so an acknowledge without the labels a
-- routing rule moved the trigger by still finds it. Incidents opened before this version have no
-- key and keep their (service, dedup key) open_key: any key of their service still reaches them
-- until they resolve.
ALTER TABLE incident ADD COLUMN integration_key_hash VARCHAR(64);
