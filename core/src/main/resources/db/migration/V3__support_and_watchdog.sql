-- Support actions, release deadlines and the watchdog's findings.

-- Set while support staff have paused the sendout: delivery activities wait instead of sending.
alter table sendout add column paused_at timestamptz;
alter table sendout add column cancelled_at timestamptz;

-- The watchdog scans for these few rows across all sendouts; partial indexes keep each scan to the
-- rows in that state, which are few in a healthy system however large the table grows.
create index message_queued_idx on message (queued_at) where status = 'QUEUED';
create index message_accepted_idx on message (accepted_at) where status = 'ACCEPTED';
create index message_unconfirmed_idx on message (unconfirmed_at) where status = 'UNCONFIRMED';
-- Sendouts not finished yet: the ones whose workflow the watchdog checks.
create index sendout_open_idx on sendout (created_at) where completed_at is null;

-- Something the watchdog found wrong with a sendout. One open row per sendout and reason: a
-- problem that persists for hours is one finding whose last_seen_at moves, not one per watchdog
-- run. cleared_at is set when the watchdog no longer finds it. No foreign key: an orphan
-- workflow's finding names a sendout that is gone.
create table finding (
    id               bigint generated always as identity primary key,
    sendout_id       uuid        not null,
    tenant_id        varchar(64),
    channel          varchar(16),
    reason           varchar(32) not null,
    detail           text        not null,
    message_count    integer     not null default 0,
    since            timestamptz not null,
    first_seen_at    timestamptz not null,
    last_seen_at     timestamptz not null,
    cleared_at       timestamptz,
    acknowledged_at  timestamptz,
    acknowledged_by  varchar(256),
    acknowledge_note text
);

create unique index finding_open_idx on finding (sendout_id, reason) where cleared_at is null;
create index finding_open_list_idx on finding (first_seen_at, id) where cleared_at is null;

-- Who did what to a sendout and when: support actions from the API or the Temporal UI, and what
-- the watchdog did on its own (a restarted workflow). action_id makes a retried write harmless.
create table audit_event (
    id          bigint generated always as identity primary key,
    sendout_id  uuid         not null,
    action_id   varchar(256) not null,
    action      varchar(32)  not null,
    actor       varchar(256) not null,
    note        text,
    messages    integer      not null default 0,
    at          timestamptz  not null,
    constraint audit_event_action_unique unique (sendout_id, action_id)
);

-- Recipients added to a running sendout, one row per call: the Idempotency-Key makes a retried
-- call return the first call's range instead of adding the recipients twice.
create table recipient_addition (
    sendout_id      uuid         not null references sendout (id),
    idempotency_key varchar(255) not null,
    request_hash    varchar(64)  not null,
    from_seq        integer      not null,
    to_seq          integer      not null,
    created_at      timestamptz  not null,
    constraint recipient_addition_pk primary key (sendout_id, idempotency_key)
);
