package dev.sendout.sandbox.sendgrid;

/**
 * A failure the fault injector chose for one request.
 *
 * @param status the HTTP status to answer with
 * @param retryAfterSeconds how far ahead a 429 sets its reset time
 */
record InjectedFault(int status, int retryAfterSeconds) {}
