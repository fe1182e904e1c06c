-- A sendout is one distribution of one survey to many recipients over one channel.
-- It doubles as the transactional outbox: workflow_started_at stays null until the relay has
-- started its workflow, so a sendout accepted while Temporal is down is started when it returns.
create table sendout (
    id                  uuid        not null primary key,
    tenant_id           varchar(64) not null,
    channel             varchar(16) not null,
    status              varchar(16) not null,
    content             jsonb       not null,
    recipient_count     integer     not null,
    send_at             timestamptz not null,
    idempotency_key     varchar(255),
    request_hash        varchar(64),
    created_at          timestamptz not null,
    workflow_started_at timestamptz,
    released_at         timestamptz,
    completed_at        timestamptz,
    constraint sendout_channel_check check (channel in ('EMAIL', 'SMS')),
    constraint sendout_idempotency_key_unique unique (tenant_id, idempotency_key)
);

create index sendout_outbox_idx on sendout (created_at) where workflow_started_at is null;

-- One row per recipient. Each state is visited at most once (the state machine only moves
-- forward), so one timestamp column per non-final state plus finished_at records every transition.
-- send_started_at is set just before the provider call and cleared once its outcome is known:
-- a row still carrying it on a retry was in flight when a worker died, so its fate is unknown.
create table message (
    id                  uuid        not null primary key,
    sendout_id          uuid        not null references sendout (id),
    seq                 integer     not null,
    address             text        not null,
    display_name        text,
    variables           jsonb       not null,
    status              varchar(16) not null,
    provider_message_id varchar(128),
    attempt_count       integer     not null default 0,
    last_error          text,
    send_started_at     timestamptz,
    queued_at           timestamptz not null,
    released_at         timestamptz,
    accepted_at         timestamptz,
    unconfirmed_at      timestamptz,
    finished_at         timestamptz,
    constraint message_seq_unique unique (sendout_id, seq)
);

-- Serves the per-status counts and the keyset-paginated listing filtered by status.
create index message_sendout_status_seq_idx on message (sendout_id, status, seq);
