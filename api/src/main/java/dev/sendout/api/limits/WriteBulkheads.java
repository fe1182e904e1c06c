package dev.sendout.api.limits;

import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.ProblemType;
import dev.sendout.core.support.WriteAdmission;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.function.Supplier;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/**
 * The bounds on writes, shared by all tenants, as Resilience4j bulkheads whose wait is short
 * ({@code sendout.api.limits.write-wait}): an overload becomes fast 503s with Retry-After, never
 * requests queueing until they time out.
 *
 * <ul>
 *   <li><b>writes</b> ({@code max-concurrent-writes}): the transactions that hold a database
 *       connection for a COPY. A create or an upload takes its place for the whole request; JSON
 *       additions take one per combined transaction ({@link WriteAdmission}), whoever runs it.
 *   <li><b>additions</b> ({@code max-waiting-additions}): JSON additions in flight. Concurrent ones
 *       to a sendout wait, blocked, to be stored together in one transaction, so more of them at
 *       once cost the database a larger group, not more connections; this bound keeps the waiting
 *       callers, and the time they wait, in proportion.
 * </ul>
 */
@Component
public class WriteBulkheads implements WriteAdmission {

  private final Bulkhead writes;
  private final Bulkhead additions;

  public WriteBulkheads(LimitProperties properties) {
    this.writes = bulkhead("writes", properties.maxConcurrentWrites(), properties.writeWait());
    this.additions =
        bulkhead("additions", properties.maxWaitingAdditions(), properties.writeWait());
  }

  private static Bulkhead bulkhead(String name, int places, Duration wait) {
    return Bulkhead.of(
        name, BulkheadConfig.custom().maxConcurrentCalls(places).maxWaitDuration(wait).build());
  }

  /** Takes the request's place, or refuses it with 503; returns the bulkhead to give it back to. */
  Bulkhead enter(HttpServletRequest request) {
    Bulkhead bulkhead = isCombinedAddition(request) ? additions : writes;
    if (!bulkhead.tryAcquirePermission()) {
      throw overloaded();
    }
    return bulkhead;
  }

  @Override
  public <T> T write(Supplier<T> work) {
    if (!writes.tryAcquirePermission()) {
      throw new WriteRefused(overloaded());
    }
    try {
      return work.get();
    } finally {
      writes.onComplete();
    }
  }

  private static ApiProblem overloaded() {
    return new ApiProblem(
        ProblemType.OVERLOADED,
        "The API is handling as many new sendouts as it can; retry shortly",
        Duration.ofSeconds(1));
  }

  /**
   * An addition of a JSON list of recipients, stored with the others waiting for the same sendout
   * ({@code CombinedAdditions}). Uploads are read and stored as a stream, in a transaction of their
   * own.
   */
  private static boolean isCombinedAddition(HttpServletRequest request) {
    String type = request.getContentType();
    if (!request.getRequestURI().endsWith("/recipients") || type == null) {
      return false;
    }
    try {
      return MediaType.APPLICATION_JSON.isCompatibleWith(MediaType.parseMediaType(type));
    } catch (InvalidMediaTypeException e) {
      return false; // answered 415 by the handler's own checks
    }
  }
}
