-- Reminders and the closing date (issue 18). A sendout may declare reminders (each an offset from
-- the recipient's invitation being accepted, with optional content of its own) and a closing date.
-- Reminder messages are messages: they take sequence numbers after the sendout's others, so the
-- same release, sending, receipts and deadlines apply. recipient_count stays the next free
-- sequence number; reminder_messages says how many of those are reminders, not recipients.
alter table sendout add column reminders jsonb;
alter table sendout add column closes_at timestamptz;
alter table sendout add column reminder_messages integer not null default 0;
alter table sendout add column next_reminder_at timestamptz;

-- A reminder names the invitation it reminds about and which reminder it is (0-based); one wave's
-- messages carry the wave's id, so that a retried wave answers with what the first attempt made.
alter table message add column reminds_message_id uuid;
alter table message add column reminder_index smallint;
alter table message add column reminder_wave_id uuid;

-- At most one reminder of each index per invitation, whatever retries do.
create unique index message_reminder_unique on message (reminds_message_id, reminder_index)
    where reminds_message_id is not null;
create index message_reminder_wave_idx on message (sendout_id, reminder_wave_id)
    where reminder_wave_id is not null;
