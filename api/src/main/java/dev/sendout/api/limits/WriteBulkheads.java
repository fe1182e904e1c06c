package dev.sendout.api.limits;

import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.ProblemType;
import dev.sendout.api.problem.RequestBodyLimitFilter;
import dev.sendout.core.config.RequestPath;
import dev.sendout.core.support.WriteAdmission;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/**
 * The bounds on writes, shared by all tenants: an overload becomes fast 429 {@code overloaded}
 * refusals with Retry-After (on a connection that stays open, see {@link ConcurrentRequests}),
 * never requests queueing until they time out.
 *
 * <ul>
 *   <li><b>writes</b> ({@code max-concurrent-writes}): the transactions that hold a database
 *       connection for a COPY. A create or an upload of responses or suppressions (which read their
 *       body inside their transaction) takes its place for the whole request, so that no more
 *       create bodies than places are read into memory at once; one tenant's hold half the places
 *       at most, since six slow bodies from one tenant refused every tenant's creates. An upload of
 *       recipients is read to its end into a temporary file first and takes its place only to be
 *       stored ({@link #storeUpload}): two tenants' three uploads each, sent at the minimum body
 *       rate, held every place for as long as they took (hours for a large file), and every other
 *       tenant's creates were refused. JSON additions take one per combined transaction ({@link
 *       WriteAdmission}), whoever runs it.
 *   <li><b>uploads</b> (twice {@code max-concurrent-writes}): uploads of recipients while they are
 *       sent and stored, which bounds their temporary files; one tenant's hold as many as its share
 *       of the writes at most, so that it takes four tenants' slow uploads, not two, to hold up
 *       another's. As many wait at once to be stored as there are writes.
 *   <li><b>additions</b> ({@code max-waiting-additions}): JSON additions in flight. Concurrent ones
 *       of a tenant wait, blocked, to be stored together in one transaction, so more of them at
 *       once cost the database a larger group, not more connections; this bound keeps the waiting
 *       callers, and the time they wait, in proportion.
 * </ul>
 *
 * <p>A caller that finds every place taken, or its tenant's share of them, may wait for one ({@code
 * write-wait}, one wait for both), so that a burst becomes a queue of a few milliseconds rather
 * than refusals; but only as many callers wait at once for a place among the writes as there are
 * places, and as many again for their tenant's share, and the others are refused at once: each
 * waiting caller holds a request thread, and an overload of a thousand requests a second parked a
 * hundred of them in the wait. The two waits are bounded apart because a caller waiting among the
 * writes already holds one of its tenant's places: one tenant has at most its share of them there,
 * so that its flood of creates beyond its share never takes another tenant's chance to wait among
 * the writes.
 */
@Component
public class WriteBulkheads implements WriteAdmission {

  /** How long an upload read to its end waits for a place to be stored in. */
  static final Duration UPLOAD_STORE_WAIT = Duration.ofSeconds(30);

  private final Places writes;
  private final Places additions;
  private final Semaphore waiting;
  private final Semaphore waitingForShare;
  private final long waitNanos;
  private final long uploadStoreWaitNanos;
  private final TenantPlaces byTenant;
  private final Places uploads;
  private final TenantPlaces uploadsByTenant;
  private final Semaphore waitingToStore;

  @Autowired
  public WriteBulkheads(LimitProperties properties) {
    this(properties, UPLOAD_STORE_WAIT);
  }

  WriteBulkheads(LimitProperties properties, Duration uploadStoreWait) {
    this.uploadStoreWaitNanos = uploadStoreWait.toNanos();
    this.writes = new Places(properties.maxConcurrentWrites());
    this.additions = new Places(properties.maxWaitingAdditions());
    this.waiting = new Semaphore(properties.maxConcurrentWrites());
    this.waitingForShare = new Semaphore(properties.maxConcurrentWrites());
    this.waitNanos = properties.writeWait().toNanos();
    this.byTenant = new TenantPlaces(properties.maxConcurrentWrites() / 2);
    this.uploads = new Places(2 * properties.maxConcurrentWrites());
    this.uploadsByTenant = new TenantPlaces(properties.maxConcurrentWrites() / 2);
    this.waitingToStore = new Semaphore(properties.maxConcurrentWrites());
  }

  /** What a request holds until it ends. */
  public interface Held {
    void leave();
  }

  /** Places of one kind: taken for a request or a transaction, given back when it ends. */
  public final class Places {
    private final Semaphore free;

    private Places(int places) {
      this.free = new Semaphore(places);
    }

    /** Takes a place, waiting for one only while few others do; false if none was had. */
    private boolean take() {
      return acquire(free, System.nanoTime() + waitNanos, waiting);
    }

    /** Gives the place back. */
    public void leave() {
      free.release();
    }
  }

  /**
   * Takes a permit of {@code free}, waiting for one until {@code deadline} ({@link
   * System#nanoTime}) only if one of {@code waiters}, the callers that may wait at once, is free;
   * false if none was had.
   */
  private boolean acquire(Semaphore free, long deadline, Semaphore waiters) {
    if (free.tryAcquire()) {
      return true;
    }
    long left = deadline - System.nanoTime();
    if (left <= 0 || !waiters.tryAcquire()) {
      return false;
    }
    try {
      return free.tryAcquire(left, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      waiters.release();
    }
  }

  /**
   * Takes the place a create, an upload or a JSON addition holds for the whole request, or refuses
   * it with 429; null for a request that is none of them.
   */
  Held enter(HttpServletRequest request, String tenantId) {
    if (isCombinedAddition(request)) {
      if (!additions.take()) {
        throw overloaded();
      }
      return additions::leave;
    }
    if (isRecipientUpload(request)) {
      // Read to its end into a temporary file before it is stored: it holds a place among the
      // uploads while it is sent, which bounds those files too, and takes one among the writes
      // only to be stored (storeUpload). No wait for one: they are held for as long as uploads
      // are sent, and a wait would only take the creates' chance to wait.
      return take(
          uploadsByTenant, uploads, tenantId, 0, waitingForShare, waiting, "uploads of recipients");
    }
    if (!isCreate(request) && !RequestBodyLimitFilter.isUpload(request)) {
      return null;
    }
    return take(
        byTenant, writes, tenantId, waitNanos, waitingForShare, waiting, "creates and uploads");
  }

  /**
   * Runs the store of a recipient upload read to its end in a place among the writes and its
   * tenant's share of them, as a create's, waiting up to {@link #UPLOAD_STORE_WAIT} for one: its
   * client has sent it all, and a refusal now would have it send it all again. As many uploads wait
   * so at once as there are places; one more, or one that waited that long, is refused with 429.
   */
  public <T> T storeUpload(String tenantId, Supplier<T> store) {
    Held held =
        take(
            byTenant,
            writes,
            tenantId,
            uploadStoreWaitNanos,
            waitingToStore,
            waitingToStore,
            "creates and uploads");
    try {
      return store.get();
    } finally {
      held.leave();
    }
  }

  /**
   * Takes one of the tenant's {@code shares}, then one of {@code places}, in one wait of {@code
   * waitNanos}, or refuses with 429. Only as many callers wait at once for their tenant's share as
   * {@code waitersForShare} has permits (a caller waiting among the places already holds its
   * tenant's), and for the places as {@code waiters} has.
   */
  private Held take(
      TenantPlaces shares,
      Places places,
      String tenantId,
      long waitNanos,
      Semaphore waitersForShare,
      Semaphore waiters,
      String what) {
    long deadline = System.nanoTime() + waitNanos;
    if (!acquire(shares.of(tenantId), deadline, waitersForShare)) {
      throw new ApiProblem(
          ProblemType.OVERLOADED,
          "This tenant has %d %s in progress, its share; retry shortly"
              .formatted(shares.share(), what),
          Duration.ofSeconds(1));
    }
    if (!acquire(places.free, deadline, waiters)) {
      shares.leave(tenantId);
      throw overloaded();
    }
    return () -> {
      places.leave();
      shares.leave(tenantId);
    };
  }

  @Override
  public <T> T write(Supplier<T> work) {
    if (!writes.take()) {
      throw new WriteRefused(overloaded());
    }
    try {
      return work.get();
    } finally {
      writes.leave();
    }
  }

  private static ApiProblem overloaded() {
    return new ApiProblem(
        ProblemType.OVERLOADED,
        "The API is handling as many new sendouts as it can; retry shortly",
        Duration.ofSeconds(1));
  }

  /** A new sendout: {@code POST /v1/sendouts}. */
  static boolean isCreate(HttpServletRequest request) {
    return "POST".equals(request.getMethod()) && RequestPath.of(request).equals("/v1/sendouts");
  }

  /** Recipients uploaded as CSV or NDJSON, which are read to their end before they are stored. */
  private static boolean isRecipientUpload(HttpServletRequest request) {
    return RequestBodyLimitFilter.isUpload(request)
        && RequestPath.of(request).endsWith("/recipients");
  }

  /**
   * An addition of a JSON list of recipients, stored with the others of its tenant waiting at the
   * same time ({@code CombinedAdditions}). Uploads are read and stored as a stream, in a
   * transaction of their own.
   */
  private static boolean isCombinedAddition(HttpServletRequest request) {
    String type = request.getContentType();
    if (!"POST".equals(request.getMethod())
        || !RequestPath.of(request).endsWith("/recipients")
        || type == null) {
      return false;
    }
    try {
      return MediaType.APPLICATION_JSON.isCompatibleWith(MediaType.parseMediaType(type));
    } catch (InvalidMediaTypeException e) {
      return false; // answered 415 by the handler's own checks
    }
  }
}
