-- API keys: each belongs to a tenant, whose sendouts alone it can see and touch. Only a SHA-256
-- of the key is stored: keys are 256 random bits, so a fast hash is as safe as a slow one (there is
-- nothing to guess), and it lets every request be checked with one indexed lookup. The prefix is
-- the first characters of the key, shown in listings so that a person can tell keys apart.
create table api_key (
    id          uuid         not null primary key,
    tenant_id   varchar(64)  not null,
    name        varchar(128) not null,
    prefix      varchar(16)  not null,
    key_hash    varchar(64)  not null,
    created_at  timestamptz  not null,
    revoked_at  timestamptz,
    constraint api_key_hash_unique unique (key_hash)
);

create index api_key_tenant_idx on api_key (tenant_id);
