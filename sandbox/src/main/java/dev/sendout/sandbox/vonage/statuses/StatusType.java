package dev.sendout.sandbox.vonage.statuses;

/** The Messages API statuses the sandbox posts for SMS, with their names on the wire. */
enum StatusType {
  SUBMITTED("submitted"),
  DELIVERED("delivered"),
  REJECTED("rejected"),
  UNDELIVERABLE("undeliverable");

  private final String wireName;

  StatusType(String wireName) {
    this.wireName = wireName;
  }

  String wireName() {
    return wireName;
  }
}
