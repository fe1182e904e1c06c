-- When the watchdog last told the sendout's workflow of its findings (the watchdogFindings
-- signal); null while there is news to tell: a finding new, changed (its count or detail) or
-- cleared. A pass tells those, and every open finding again an hour after it was last told, so a
-- signal lost after the pass committed (a Temporal blip, a worker that died mid-pass, a workflow
-- reset that dropped its signals) is sent again, not forgotten until the findings next change.
alter table finding add column told_at timestamptz;
-- What was open before this was told then, as far as anyone knows.
/* [jooq ignore start] */
update finding set told_at = now();
/* [jooq ignore stop] */
-- What a pass reads for whom to tell: every open finding and the cleared ones not yet told (the
-- cleared ones told, most of the table in time, are left out).
/* [jooq ignore start] */
create index finding_to_tell_idx on finding (sendout_id) where told_at is null or cleared_at is null;
/* [jooq ignore stop] */
