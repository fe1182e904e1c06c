package dev.sendout.sandbox.sendgrid;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One entry of SendGrid's {@code errors} array. SendGrid always sends all three keys, with null for
 * the ones that do not apply, and clients such as the Java SDK expect that shape.
 */
@JsonPropertyOrder({"message", "field", "help"})
public record SendGridError(String message, String field, String help) {

  static SendGridError of(String message, String field) {
    return new SendGridError(message, field, null);
  }
}
