package dev.sendout.api.sendout;

import dev.sendout.api.ApiProperties;
import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.FieldProblem;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.util.unit.DataSize;

/**
 * The validator as the request validation tests of every channel build it, on a fixed clock, and
 * the way they read what it refused.
 */
final class ValidatorFixture {

  static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

  private ValidatorFixture() {}

  /** A validator at {@link #NOW} taking this many recipients, with the default limits otherwise. */
  static SendoutRequestValidator validator(int maxRecipients) {
    return new SendoutRequestValidator(
        new ApiProperties(
            maxRecipients,
            DataSize.ofMegabytes(1),
            DataSize.ofMegabytes(1),
            DataSize.ofMegabytes(1),
            Duration.ofHours(24),
            Duration.ofHours(72)),
        Clock.fixed(NOW, ZoneOffset.UTC));
  }

  /** The field problems for which the validator refuses the request, which it must refuse. */
  static List<FieldProblem> problems(
      SendoutRequestValidator validator, CreateSendoutRequest request) {
    try {
      validator.validate(request);
    } catch (ApiProblem problem) {
      return problem.errors();
    }
    throw new AssertionError("expected the request to be refused");
  }
}
