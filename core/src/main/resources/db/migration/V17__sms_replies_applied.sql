-- The STOP and START replies applied, by the provider's event (vonage:inbound:<message_uuid>): a
-- reply posted again, by the provider's retry or by whoever captured a signed call within its
-- age, is applied once; and a START lifts a STOP only if no STOP from that number, to any of our
-- senders, is as late or later (SmsReplies), which reads it in plain SQL: jOOQ's code generator (H2) cannot
-- index a text column.
/* [jooq ignore start] */
create table sms_reply (
  source     text primary key,
  number     text not null,
  sender     text not null,
  keyword    text not null,
  sent_at    timestamptz not null,
  applied_at timestamptz not null default now()
);

create index sms_reply_by_number on sms_reply (number, sent_at);
/* [jooq ignore stop] */
