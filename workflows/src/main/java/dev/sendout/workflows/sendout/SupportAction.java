package dev.sendout.workflows.sendout;

/**
 * Who asked for a support action (pause, resume, cancel, resend, acknowledge), and why. Kept in the
 * sendout's audit trail.
 *
 * @param by the person or system; the API fills in its caller
 * @param note free text, may be null
 */
public record SupportAction(String by, String note) {}
