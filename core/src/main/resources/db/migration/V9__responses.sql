-- Survey responses (issue 18). A recipient may carry the caller's own id, unique within its
-- sendout, and a message records when its recipient responded. responded_at is set once and never
-- changed (the first response wins), and it is no part of the delivery state machine: a recipient
-- may answer whatever became of our receipt.
alter table message add column external_id varchar(200);
alter table message add column responded_at timestamptz;

-- The caller's ids are unique within a sendout; this also serves the lookup of a response by id.
create unique index message_external_id_unique on message (sendout_id, external_id)
    where external_id is not null;
-- A response may name the recipient by address (normally one message per address and sendout),
-- compared without regard to case as mail systems compare them.
-- The jOOQ code generator simulates the DDL in H2, which cannot index a text column.
-- [jooq ignore start]
create index message_sendout_address_idx on message (sendout_id, lower(address));
-- [jooq ignore stop]
-- Who has not responded yet, in sequence order: what a reminder wave selects. The index shrinks as
-- responses arrive, so a wave over a sendout with half responded reads only the other half.
create index message_not_responded_idx on message (sendout_id, seq) where responded_at is null;
-- The responses per status that the sendout view shows beside the delivery counts: counted from
-- this index alone, as the delivery counts are from message_sendout_status_seq_idx, so the view
-- reads no table rows for them however large the sendout.
create index message_responded_status_idx on message (sendout_id, status) where responded_at is not null;
