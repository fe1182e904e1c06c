-- Recipients added through the API are answered 202 once stored; the stored addition is the outbox
-- of its hand-off to the sendout's workflow. handed_over_at is set once the workflow was told (or
-- could never be told: the messages were then cancelled), so the relay reads only what is pending.
alter table recipient_addition add column handed_over_at timestamptz;
-- Additions stored before this column existed were handed over synchronously.
update recipient_addition set handed_over_at = created_at;
create index recipient_addition_pending_idx on recipient_addition (created_at)
    where handed_over_at is null;
