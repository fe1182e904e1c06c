-- Every sendout keeps its own receipt timeout: the store no longer knows a sendout without one, so
-- the workflow settings and the watchdog need no default for it. Rows written before V2 added the
-- column were email sendouts, which waited the email default of 24 hours.
update sendout set receipt_timeout_seconds = 86400 where receipt_timeout_seconds is null;
alter table sendout alter column receipt_timeout_seconds set not null;
