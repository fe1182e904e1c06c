-- When support staff last resumed the sendout: the watchdog's send grace counts from it, so that a
-- sendout resumed after a provider outage is not flagged NOT_SENT again at once, with its messages'
-- release before the pause as the start of the wait, while its first sends are still on their way.
alter table sendout add column resumed_at timestamptz;
