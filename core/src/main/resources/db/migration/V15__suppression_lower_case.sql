-- Email addresses on the suppression list are compared lower-cased whole, the part before the @
-- too (SuppressionKey): an unsubscribe from Ana@example.com must stop mail to ana@example.com.
-- Entries that differ only by that case become one: the first put on the list stays, with its
-- reason and source. Data only: jOOQ's code generation, which reads these files for the schema,
-- skips it.
-- [jooq ignore start]
delete from suppression later
 using suppression earlier
 where later.channel = 'EMAIL'
   and earlier.channel = 'EMAIL'
   and earlier.tenant_id = later.tenant_id
   and lower(earlier.address) = lower(later.address)
   and (earlier.created_at, earlier.id) < (later.created_at, later.id);

update suppression
   set address = lower(address)
 where channel = 'EMAIL'
   and address <> lower(address);
-- [jooq ignore stop]
