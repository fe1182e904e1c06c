package dev.sendout.sandbox.sendgrid.events;

import java.util.List;

/**
 * Events that leave together in one POST.
 *
 * @param ledger the run they belong to; a batch never mixes runs
 * @param events the events, in the order they are written
 */
record EventBatch(ReceiptLedger ledger, List<PendingEvent> events) {}
