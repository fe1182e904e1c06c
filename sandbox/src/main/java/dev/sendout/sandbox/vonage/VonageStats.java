package dev.sendout.sandbox.vonage;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/**
 * The counters shown by {@code GET /sandbox/vonage/stats}, since the last clear.
 *
 * @param requests {@code POST /v1/messages} requests received, whatever their outcome
 * @param accepted requests answered 202
 * @param distinctMessages accepted messages with distinct {@code client_ref}s (our message ids);
 *     one without a {@code client_ref}, or past the records' cap, counts as distinct
 * @param duplicates {@code client_ref}s accepted more than once: messages sent twice, among those
 *     recorded
 * @param untracked accepted messages past the records' cap ({@code max-recorded-messages}), counted
 *     as distinct: a duplicate among them is not seen
 * @param throttled requests answered 429
 * @param invalid requests answered 400 or 422
 * @param unauthorized requests answered 401
 * @param serverErrors requests answered with a 5xx status
 * @param maxRequestsInOneSecond the most requests, throttled ones included, that arrived within one
 *     second of the clock: the measure the rate limit applies
 * @param maxRequestsInAnySlidingSecond the most requests, throttled ones included, that arrived
 *     within any sliding window of 1,000 ms: stricter, and high for a bursty sender
 * @param firstRequestAt when the first request arrived, or null before any
 * @param lastRequestAt when the latest request arrived, or null before any
 * @param statusesPosted status webhook POSTs the receiver answered with a 2xx status, each
 *     duplicate counted
 * @param statusPostFailures status webhook POST attempts that failed, retried or not
 * @param statusesPending status webhook POSTs waiting for their time, in flight or to be retried
 * @param statusesDropped status webhook POSTs given up on: after the last attempt, because status
 *     webhooks were switched off meanwhile, or because too many were pending
 */
@JsonPropertyOrder({
  "requests",
  "accepted",
  "distinctMessages",
  "duplicates",
  "untracked",
  "throttled",
  "invalid",
  "unauthorized",
  "serverErrors",
  "maxRequestsInOneSecond",
  "maxRequestsInAnySlidingSecond",
  "firstRequestAt",
  "lastRequestAt",
  "statusesPosted",
  "statusPostFailures",
  "statusesPending",
  "statusesDropped"
})
public record VonageStats(
    long requests,
    long accepted,
    long distinctMessages,
    long duplicates,
    long untracked,
    long throttled,
    long invalid,
    long unauthorized,
    long serverErrors,
    int maxRequestsInOneSecond,
    int maxRequestsInAnySlidingSecond,
    Instant firstRequestAt,
    Instant lastRequestAt,
    long statusesPosted,
    long statusPostFailures,
    long statusesPending,
    long statusesDropped) {}
