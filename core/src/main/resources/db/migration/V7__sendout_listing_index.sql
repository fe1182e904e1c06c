-- The plain listing of a tenant's sendouts (GET /v1/sendouts) pages newest first by keyset on
-- (created_at, id): this index serves the tenant's rows in exactly that order, so a page reads its
-- limit of rows however many sendouts the tenant has, and the created range is a range of it.
create index sendout_tenant_created_idx on sendout (tenant_id, created_at desc, id desc);
