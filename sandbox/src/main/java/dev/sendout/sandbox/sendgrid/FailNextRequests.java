package dev.sendout.sandbox.sendgrid;

/**
 * A deterministic fault: the next {@code count} mail sends are answered with {@code status},
 * whatever the random rates say, so tests can script a retry sequence exactly.
 *
 * @param status 429 or a 5xx status
 * @param count how many requests still get that status
 */
public record FailNextRequests(int status, int count) {}
