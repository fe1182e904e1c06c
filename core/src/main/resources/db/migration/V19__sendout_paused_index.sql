-- The unfinished sendouts support staff paused, for the sendout.oldest.paused.age gauge (a pause
-- nobody lifted holds its messages without a flag: deliberately not stuck): a handful of rows,
-- read every 15 s without scanning the sendouts.
create index sendout_paused_idx on sendout (channel, paused_at)
    where paused_at is not null and completed_at is null and cancelled_at is null;
