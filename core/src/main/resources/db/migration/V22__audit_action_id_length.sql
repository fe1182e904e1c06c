-- An addition's action id is "add-" and its Idempotency-Key, which may be 255 characters: with the
-- column at 256, a key of 253 or more failed the addition's insert (a 500).
alter table audit_event alter column action_id type varchar(512);
