package dev.sendout.sandbox.sendgrid.events;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * How many accepted personalizations drew each fate. The first four are exclusive and add up to all
 * personalizations accepted while receipts were on; the last three count modifiers of delivered
 * ones.
 */
@JsonPropertyOrder({
  "delivered",
  "bounced",
  "dropped",
  "silent",
  "deferred",
  "bouncedAfterDelivery",
  "outOfOrder"
})
public record FateCounts(
    long delivered,
    long bounced,
    long dropped,
    long silent,
    long deferred,
    long bouncedAfterDelivery,
    long outOfOrder) {}
