-- Thank-you messages (issue 18). A sendout may declare a thank-you (its own subject and text): each
-- recipient who responds before the survey closes is thanked once, by a message of the sendout
-- like a reminder, numbered after the others (recipient_count stays the next free sequence number;
-- thank_you_messages says how many of those are thank-yous).
alter table sendout add column thank_you jsonb;
alter table sendout add column thank_you_messages integer not null default 0;

-- A thank-you names the invitation whose response it answers: at most one per invitation.
alter table message add column thanks_message_id uuid;
create unique index message_thank_you_unique on message (thanks_message_id)
    where thanks_message_id is not null;
-- The thank-yous per status that the sendout view shows apart from the invitations.
create index message_thank_you_status_idx on message (sendout_id, status)
    where thanks_message_id is not null;

-- When the survey closed (the workflow's close): no thank-you is queued after it, whatever the
-- clocks of the api and the workflow say.
alter table sendout add column closed_at timestamptz;
