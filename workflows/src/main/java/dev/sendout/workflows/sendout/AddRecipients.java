package dev.sendout.workflows.sendout;

/**
 * Recipients the API has stored as QUEUED messages of a running sendout, to be released and sent.
 * The range, not the recipients, travels through Temporal: 10,000 recipients would make a payload
 * far above what a history event should carry.
 */
public record AddRecipients(SeqRange messages, SupportAction by) {}
