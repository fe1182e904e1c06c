-- The acknowledgements of a sendout, looked up for every UNCONFIRMED message the watchdog, the
-- gauges and the receipt checks read (MessageSettlement.NOTHING_WAITS_FOR_IT): through the
-- audit trail's own index, each lookup filtered all of the sendout's entries, one per addition.
create index audit_event_acknowledged_idx on audit_event (sendout_id, at)
    where action = 'ACKNOWLEDGE';
