package dev.sendout.api.response;

import dev.sendout.api.CanonicalUuid;
import dev.sendout.api.Rfc3339;
import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.receipt.ReceiptNotifier;
import dev.sendout.api.response.ResponsesAnswer.Outcome;
import dev.sendout.api.response.ResponsesAnswer.Result;
import dev.sendout.api.response.ResponsesAnswer.ResultError;
import dev.sendout.api.response.ResponsesAnswer.Totals;
import dev.sendout.api.response.ResponsesRequest.Response;
import dev.sendout.api.sendout.TextRules;
import dev.sendout.api.tenant.Tenant;
import dev.sendout.api.tenant.TenantSendouts;
import dev.sendout.api.upload.NdjsonLines;
import dev.sendout.api.upload.ReadErrors;
import dev.sendout.api.upload.StrictText;
import dev.sendout.core.channel.email.EmailAddress;
import dev.sendout.core.channel.sms.PhoneNumbers;
import dev.sendout.core.receipt.MessageSettlement;
import dev.sendout.core.response.RecordedResponse;
import dev.sendout.core.response.ReportedResponse;
import dev.sendout.core.response.ResponseStore;
import dev.sendout.core.response.ThankYous;
import dev.sendout.workflows.sendout.Channel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;

/**
 * Records the responses a survey platform reports: each is checked on its own (a wrong one is an
 * INVALID result, not a failed call), and the valid ones are recorded a thousand at a time, each
 * thousand one statement ({@link ResponseStore}), with the thank-yous it calls for ({@link
 * ThankYous}) in the same transaction. Recording is idempotent, so a call that failed half way (the
 * database went away) is simply repeated.
 */
@Service
public class ResponseService {

  /** The most responses one JSON call carries; bulk imports use NDJSON. */
  public static final int MAX_PER_REQUEST = ResponseStore.MAX_BATCH;

  /**
   * How far ahead of our clock a reported response time may be: the caller's clock may run fast.
   */
  static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

  static final int MAX_EXTERNAL_ID_LENGTH = 200;

  /** An address is at most 254 characters (email); a phone number far fewer. */
  static final int MAX_ADDRESS_LENGTH = 254;

  /** Invalid NDJSON lines whose reasons the answer lists; the rest are INVALID without them. */
  static final int MAX_NDJSON_ERRORS = 1000;

  private final TenantSendouts tenantSendouts;
  private final ThankYous recorder;
  private final MessageSettlement settlement;
  private final ReceiptNotifier notifier;
  private final ObjectMapper json;
  private final Clock clock;

  public ResponseService(
      TenantSendouts tenantSendouts,
      ThankYous recorder,
      MessageSettlement settlement,
      ReceiptNotifier notifier,
      ObjectMapper json,
      Clock clock) {
    this.tenantSendouts = tenantSendouts;
    this.recorder = recorder;
    this.settlement = settlement;
    this.notifier = notifier;
    this.json = json;
    this.clock = clock;
  }

  /** Records 1 to 1,000 responses given as JSON; the answer names every one by its index. */
  public ResponsesAnswer record(Tenant tenant, UUID id, ResponsesRequest request) {
    Target target = target(tenant, id);
    List<Response> responses = request == null ? null : request.responses();
    if (responses == null || responses.isEmpty()) {
      throw ApiProblem.invalid("/responses", "at least one response is required");
    }
    if (responses.size() > MAX_PER_REQUEST) {
      throw ApiProblem.invalid(
          "/responses",
          "at most %d responses per request, got %d; send more as application/x-ndjson"
              .formatted(MAX_PER_REQUEST, responses.size()));
    }
    Instant now = clock.instant();
    Result[] results = new Result[responses.size()];
    List<ReportedResponse> valid = new ArrayList<>();
    for (int i = 0; i < responses.size(); i++) {
      List<ResultError> errors = new ArrayList<>();
      ReportedResponse parsed = parse(i, responses.get(i), "/responses/" + i, target, now, errors);
      if (parsed == null) {
        results[i] = new Result(i, Outcome.INVALID, null, null, errors);
      } else {
        valid.add(parsed);
      }
    }
    for (RecordedResponse r : recorded(id, valid)) {
      results[r.item()] =
          new Result(r.item(), outcome(r.outcome()), r.messageId(), r.respondedAt(), List.of());
    }
    List<Result> list = List.of(results);
    return new ResponsesAnswer(list, totals(list));
  }

  /**
   * Records an NDJSON import, one response object per line, read as a stream and recorded a
   * thousand lines at a time: memory holds a batch and a few bytes per line, whatever the size. The
   * answer names every response by its line; blank lines are skipped.
   */
  public ResponsesAnswer importNdjson(Tenant tenant, UUID id, InputStream body, Charset charset) {
    Target target = target(tenant, id);
    var results = new CompactResults();
    List<ReportedResponse> batch = new ArrayList<>(MAX_PER_REQUEST);
    var lines = new NdjsonLines(new StrictText(body, charset));
    while (true) {
      String text;
      try {
        text = lines.next();
      } catch (NdjsonLines.LineTooLong tooLong) {
        int number = lines.number();
        results.invalid(
            results.add(number), List.of(new ResultError("#line=" + number, tooLong.reason())));
        continue;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (text == null) {
        break;
      }
      if (!text.isBlank()) {
        int number = lines.number();
        int position = results.add(number);
        List<ResultError> errors = new ArrayList<>();
        Response response = line(text, number, errors);
        ReportedResponse parsed =
            response == null
                ? null
                : parse(position, response, "#line=" + number, target, clock.instant(), errors);
        if (parsed == null) {
          results.invalid(position, errors);
        } else {
          batch.add(parsed);
          if (batch.size() == MAX_PER_REQUEST) {
            recordBatch(id, batch, results);
          }
        }
      }
    }
    recordBatch(id, batch, results);
    if (results.size() == 0) {
      throw ApiProblem.invalid("#line=1", "the body holds no responses");
    }
    return new ResponsesAnswer(results.asList(), results.totals());
  }

  /** What checking a response needs of its sendout. */
  private record Target(Channel channel, Instant createdAt) {}

  private Target target(Tenant tenant, UUID id) {
    var sendout = tenantSendouts.get(tenant, id);
    return new Target(sendout.channel(), sendout.createdAt());
  }

  /**
   * Records the responses; if any is new, wakes the batches whose UNCONFIRMED messages it ends the
   * wait for (a response proves an invitation arrived), so that they settle now rather than at
   * their next timed check, up to an hour away.
   */
  private List<RecordedResponse> recorded(UUID id, List<ReportedResponse> batch) {
    List<RecordedResponse> recorded = recorder.record(id, batch);
    List<UUID> responded =
        recorded.stream()
            .filter(r -> r.outcome() == RecordedResponse.Outcome.RECORDED)
            .map(RecordedResponse::messageId)
            .toList();
    notifier.wake(settlement.batchesNothingWaitsFor(id, responded));
    return recorded;
  }

  private void recordBatch(UUID id, List<ReportedResponse> batch, CompactResults results) {
    for (RecordedResponse r : recorded(id, batch)) {
      results.set(r.item(), outcome(r.outcome()));
    }
    batch.clear();
  }

  private Response line(String text, int number, List<ResultError> errors) {
    try {
      Response response = json.readValue(text, Response.class);
      if (response == null) {
        errors.add(new ResultError("#line=" + number, "is null"));
      }
      return response;
    } catch (JacksonException e) {
      errors.add(
          new ResultError("#line=" + number, "not a response object: " + ReadErrors.reason(e)));
      return null;
    }
  }

  /**
   * The response, or null with its problems in {@code errors}.
   *
   * @param item where the response stands, echoed in its result
   * @param at the response's pointer, such as {@code /responses/3}
   */
  private ReportedResponse parse(
      int item, Response r, String at, Target target, Instant now, List<ResultError> errors) {
    if (r == null) {
      errors.add(new ResultError(at, "is null"));
      return null;
    }
    int keys =
        (r.externalId() != null ? 1 : 0)
            + (r.messageId() != null ? 1 : 0)
            + (r.address() != null ? 1 : 0);
    if (keys != 1) {
      errors.add(
          new ResultError(
              at,
              keys == 0
                  ? "name the recipient by one of externalId, messageId or address"
                  : "name the recipient by only one of externalId, messageId or address"));
    }
    UUID messageId = messageId(at + "/messageId", r.messageId(), errors);
    String externalId = text(at + "/externalId", r.externalId(), MAX_EXTERNAL_ID_LENGTH, errors);
    // Spaces around an address are not part of it, tabs and line breaks included, as creates,
    // additions and suppressions take it: stripped before its text is checked for control
    // characters (a probe: a tab around an address was INVALID here and taken everywhere else).
    String address =
        address(
            at + "/address",
            target.channel(),
            text(
                at + "/address",
                r.address() == null ? null : r.address().strip(),
                MAX_ADDRESS_LENGTH,
                errors),
            errors);
    Instant respondedAt =
        respondedAt(at + "/respondedAt", r.respondedAt(), target.createdAt(), now, errors);
    if (!errors.isEmpty()) {
      return null;
    }
    return new ReportedResponse(item, messageId, externalId, address, respondedAt);
  }

  private static UUID messageId(String at, String value, List<ResultError> errors) {
    if (value == null) {
      return null;
    }
    if (!CanonicalUuid.is(value)) {
      errors.add(new ResultError(at, "not a message id (a UUID)"));
      return null;
    }
    return UUID.fromString(value);
  }

  private static String text(String at, String value, int max, List<ResultError> errors) {
    if (value == null) {
      return null;
    }
    String problem =
        value.isBlank()
            ? "must not be blank"
            : value.length() > max
                ? "at most " + max + " characters"
                : TextRules.problem(value, TextRules.Kind.LINE);
    if (problem != null) {
      errors.add(new ResultError(at, problem));
      return null;
    }
    return value;
  }

  /**
   * The address in the form messages store it: an email address with its domain in ASCII, a phone
   * number in E.164 however it is spaced or punctuated (as creates and additions take it), either
   * without the spaces around it (as a suppression takes it). One that is neither is the caller's
   * mistake, INVALID with the reason, as a malformed message id is (a hostile sweep: it was
   * UNKNOWN, as if no recipient had that address).
   */
  private static String address(
      String at, Channel channel, String address, List<ResultError> errors) {
    if (address == null) {
      return null;
    }
    if (channel == Channel.SMS) {
      var e164 = PhoneNumbers.e164(address);
      if (e164.isEmpty()) {
        errors.add(new ResultError(at, "not a phone number (E.164, such as +447911123456)"));
      }
      return e164.orElse(null);
    }
    var checked = EmailAddress.check(address);
    if (!checked.valid()) {
      errors.add(new ResultError(at, "not an email address: " + checked.problem()));
      return null;
    }
    return checked.ascii();
  }

  /**
   * The response time: at most {@link #MAX_CLOCK_SKEW} ahead of our clock, and no earlier than that
   * before the sendout was created (nobody answers an invitation not yet made; the bound also keeps
   * out dates Postgres cannot hold).
   */
  private static Instant respondedAt(
      String at, String value, Instant createdAt, Instant now, List<ResultError> errors) {
    if (value == null) {
      return now;
    }
    try {
      Instant time = Rfc3339.instant(value);
      if (time.isAfter(now.plus(MAX_CLOCK_SKEW))) {
        errors.add(new ResultError(at, "is in the future"));
      } else if (time.isBefore(createdAt.minus(MAX_CLOCK_SKEW))) {
        errors.add(new ResultError(at, "is before the sendout was created (" + createdAt + ")"));
      }
      return time;
    } catch (DateTimeParseException e) {
      errors.add(new ResultError(at, "not an RFC 3339 date-time such as 2026-12-01T09:00:00Z"));
      return now;
    }
  }

  static Outcome outcome(RecordedResponse.Outcome outcome) {
    return switch (outcome) {
      case RECORDED -> Outcome.RECORDED;
      case ALREADY_RECORDED -> Outcome.ALREADY_RECORDED;
      case UNKNOWN -> Outcome.UNKNOWN;
    };
  }

  static Totals totals(List<Result> results) {
    long[] counts = new long[Outcome.values().length];
    for (Result r : results) {
      counts[r.result().ordinal()]++;
    }
    return totals(results.size(), counts);
  }

  static Totals totals(long received, long[] counts) {
    return new Totals(
        received,
        counts[Outcome.RECORDED.ordinal()],
        counts[Outcome.ALREADY_RECORDED.ordinal()],
        counts[Outcome.UNKNOWN.ordinal()],
        counts[Outcome.INVALID.ordinal()]);
  }
}
