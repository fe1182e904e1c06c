-- An inbound SMS (STOP, START) names the recipient's number and our sender, not a tenant: the
-- tenants it concerns are those that sent SMS from that sender to that number (SmsReplies). This
-- index finds a number's messages without reading the whole message table. Partial: only SMS
-- addresses start with +, so email messages, the bulk of the table, cost nothing more to write.
--
-- Not CONCURRENTLY: Flyway holds its Postgres lock in a transaction, which CREATE INDEX
-- CONCURRENTLY would wait for forever. On a large message table, build it by hand first with
--   create index concurrently if not exists message_sms_address_idx on message (address)
--       where address like '+%';
-- (docs/operations.md, "Upgrading"); this statement then finds it and does nothing.
-- jOOQ's code generator (H2) cannot index a text column, and an index generates no code.
/* [jooq ignore start] */
create index if not exists message_sms_address_idx on message (address) where address like '+%';
/* [jooq ignore stop] */
