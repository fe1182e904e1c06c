-- Quiet hours. A sendout may carry a delivery window (start and end as local times, the days of the
-- week it opens on) and a time zone, the last fallback for its recipients' zones.
alter table sendout add column delivery_window jsonb;
alter table sendout add column time_zone varchar(64);

-- Each message keeps the IANA zone its window is applied in, resolved once when it is stored, so
-- that every release reads the zone rather than working it out again. window_opens_at is set while
-- a QUEUED message waits for its window: it is when the message is due, for the API and for the
-- watchdog, and is cleared by the release. release_id names the windowed release that released the
-- message, so that a retried release answers with the same messages as the attempt that committed.
alter table message add column time_zone varchar(64);
alter table message add column window_opens_at timestamptz;
alter table message add column release_id uuid;

create index message_release_idx on message (sendout_id, release_id) where release_id is not null;
