-- A sendout's audit trail is read a page at a time, in the order of its entries: the unique
-- (sendout_id, action_id) constraint's index found a sendout's entries but left them to be sorted,
-- all of them for every page.
create index audit_event_sendout_idx on audit_event (sendout_id, id);
