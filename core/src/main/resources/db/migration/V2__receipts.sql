-- Provider receipts (SendGrid events, later Vonage statuses), kept raw as they were verified.
-- The primary key is the provider's own event id, which is what makes redelivered events
-- (SendGrid sends each about three times) harmless: a second copy inserts nothing and applies
-- nothing. message_id is null when the receipt matched none of our messages; such receipts are
-- kept, so that they can be counted and investigated, and never fail the webhook.
create table receipt (
    provider            varchar(16)  not null,
    event_id            varchar(128) not null,
    event_type          varchar(32)  not null,
    message_id          uuid,
    provider_message_id varchar(255),
    occurred_at         timestamptz,
    received_at         timestamptz  not null,
    payload             jsonb        not null,
    constraint receipt_pk primary key (provider, event_id)
);

create index receipt_message_idx on receipt (message_id);
create index receipt_unmatched_idx on receipt (received_at) where message_id is null;

-- The batch a message was sent in, so that a receipt can wake exactly that batch's workflow.
alter table message add column batch_no integer;
-- How often the provider reported a temporary failure (SendGrid "deferred") and kept retrying.
alter table message add column deferral_count integer not null default 0;
-- Receipts that lack our message id are matched by the provider's id and the address.
create index message_provider_message_id_idx on message (provider_message_id)
    where provider_message_id is not null;

-- How long the sendout's accepted messages may wait for a receipt before they are flagged
-- UNCONFIRMED. Null for sendouts created before receipts were tracked.
alter table sendout add column receipt_timeout_seconds integer;
-- SENT (every message handed to the provider) and COMPLETED (every message settled) are now
-- separate steps; until now completed_at recorded SENT.
alter table sendout add column sent_at timestamptz;
update sendout set sent_at = completed_at where completed_at is not null;
