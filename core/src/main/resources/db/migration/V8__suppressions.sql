-- The tenant's suppression list: addresses and numbers that must not be sent to again, because
-- they bounced hard, reported spam, unsubscribed, sent STOP, or a person put them there. address is
-- normalised (email: local part as given, domain lower-cased ASCII; SMS: E.164 with its +), so that
-- one address is one row, and the release compares it with the message's address in the same form.
-- The primary key is what the release's join probes: (tenant, channel, address). address is at most
-- 254 characters, the longest email address EmailAddress accepts.
create table suppression (
    id          bigint generated always as identity,
    tenant_id   varchar(64)  not null,
    channel     varchar(16)  not null,
    address     varchar(254) not null,
    reason      varchar(16)  not null,
    source      varchar(512) not null,
    created_at  timestamptz  not null,
    constraint suppression_pk primary key (tenant_id, channel, address),
    constraint suppression_id_unique unique (id),
    constraint suppression_channel_check check (channel in ('EMAIL', 'SMS')),
    constraint suppression_reason_check
        check (reason in ('HARD_BOUNCE', 'SPAM_REPORT', 'UNSUBSCRIBED', 'SMS_STOP', 'MANUAL'))
);

-- GET /v1/suppressions pages newest first by keyset on (created_at, id), filtered by channel or
-- reason: each filter has an index in that order, so a page reads its limit of rows however long
-- the list is.
create index suppression_tenant_created_idx on suppression (tenant_id, created_at desc, id desc);
create index suppression_tenant_channel_created_idx
    on suppression (tenant_id, channel, created_at desc, id desc);
create index suppression_tenant_reason_created_idx
    on suppression (tenant_id, reason, created_at desc, id desc);

-- The audit trail also records what is done to a tenant's suppression list (a removal above all),
-- which concerns no sendout: such an entry names its tenant and its subject instead.
alter table audit_event alter column sendout_id drop not null;
alter table audit_event add column tenant_id varchar(64);
alter table audit_event add column subject text;
create index audit_event_tenant_idx on audit_event (tenant_id, id) where sendout_id is null;
