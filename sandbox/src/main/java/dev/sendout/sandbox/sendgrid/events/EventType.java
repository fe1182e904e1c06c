package dev.sendout.sandbox.sendgrid.events;

/** The Event Webhook event types the sandbox emits, with their names on the wire. */
enum EventType {
  PROCESSED("processed"),
  DEFERRED("deferred"),
  DELIVERED("delivered"),
  BOUNCE("bounce"),
  DROPPED("dropped");

  private final String wireName;

  EventType(String wireName) {
    this.wireName = wireName;
  }

  String wireName() {
    return wireName;
  }
}
