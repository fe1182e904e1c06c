package dev.sendout.api.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.ProblemType;
import dev.sendout.api.tenant.Tenant;
import dev.sendout.core.support.WriteAdmission;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class LimitsTest {

  private static final Tenant ACME = new Tenant("acme");
  private static final Tenant GLOBEX = new Tenant("globex");

  /** An upload of responses, which holds its place among the writes for the whole request. */
  private static MockHttpServletRequest upload() {
    return upload("/v1/sendouts/x/responses");
  }

  private static MockHttpServletRequest upload(String path) {
    return upload(path, ACME);
  }

  /** An upload by {@code tenant}, whom the interceptors below find on the request. */
  private static MockHttpServletRequest upload(String path, Tenant tenant) {
    var request = new MockHttpServletRequest("POST", path);
    request.setContentType("text/csv");
    request.setAttribute(TENANT, tenant);
    return request;
  }

  private static final String TENANT = "tenant";

  @Test
  void aTenantOverItsRequestBudgetIsRefusedAtOnceAndOthersAreNot() {
    TenantLimits limits =
        new TenantLimits(
            new LimitProperties(2, 1000, 150, 30, 4, 128, Duration.ZERO, 0, 0, Duration.ZERO));

    limits.takeRequest(ACME);
    limits.takeRequest(ACME);

    assertThatThrownBy(() -> limits.takeRequest(ACME))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            p -> {
              assertThat(p.type()).isEqualTo(ProblemType.RATE_LIMITED);
              assertThat(p.retryAfter()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
            });
    assertThatNoException().isThrownBy(() -> limits.takeRequest(GLOBEX));
  }

  @Test
  void recipientsCountAgainstAPerMinuteBudgetWithRetryAfterUntilItRefills() {
    TenantLimits limits =
        new TenantLimits(
            new LimitProperties(100, 10, 150, 30, 4, 128, Duration.ZERO, 0, 0, Duration.ZERO));

    limits.takeRecipients(ACME, 8);

    assertThatThrownBy(() -> limits.takeRecipients(ACME, 5))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            p -> {
              assertThat(p.type()).isEqualTo(ProblemType.RATE_LIMITED);
              assertThat(p.retryAfter()).isBetween(Duration.ofSeconds(1), Duration.ofMinutes(1));
            });
    assertThatNoException().isThrownBy(() -> limits.takeRecipients(ACME, 2));
    assertThatThrownBy(() -> limits.takeRecipients(GLOBEX, 11))
        .hasMessageContaining("exceed the limit of 10 a minute");
  }

  @Test
  void writesBeyondTheBoundAre429AtOnceUntilOneFinishesAndReadsAreNotBounded() {
    var properties =
        new LimitProperties(100, 1000, 150, 30, 1, 128, Duration.ZERO, 0, 0, Duration.ZERO);
    var interceptor = withoutBacklogBounds(properties, new WriteBulkheads(properties));
    var first = upload();
    var response = new MockHttpServletResponse();

    interceptor.preHandle(first, response, null);

    assertThatThrownBy(
            () -> interceptor.preHandle(upload("/v1/suppressions", GLOBEX), response, null))
        .isInstanceOfSatisfying(
            ApiProblem.class, p -> assertThat(p.type()).isEqualTo(ProblemType.OVERLOADED));
    assertThatNoException()
        .isThrownBy(
            () ->
                interceptor.preHandle(
                    new MockHttpServletRequest("GET", "/v1/sendouts/x"), response, null));
    interceptor.afterCompletion(first, response, null, null);
    assertThatNoException().isThrownBy(() -> interceptor.preHandle(upload(), response, null));
  }

  /**
   * Found by the fourth hostile sweep: six creates from one tenant, each sending its JSON body
   * slowly, held every place among the writes while their bodies came, and every other tenant's
   * creates and uploads were refused for as long as they lasted. Imports of responses and
   * suppressions, which read their body in their transaction too, held a database connection
   * outside any bound.
   */
  @Test
  void aTenantsCreatesAndUploadsHoldHalfThePlacesAtMostAndImportsTakeOne() {
    var properties =
        new LimitProperties(100, 1000, 150, 30, 4, 128, Duration.ZERO, 0, 0, Duration.ZERO);
    var interceptor = withoutBacklogBounds(properties, new WriteBulkheads(properties));
    var response = new MockHttpServletResponse();
    var create = new MockHttpServletRequest("POST", "/v1/sendouts");
    create.setContentType("application/json");
    interceptor.preHandle(create, response, null);
    interceptor.preHandle(upload("/v1/sendouts/x/responses"), response, null);

    assertThatThrownBy(() -> interceptor.preHandle(create, response, null))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            p -> assertThat(p.getMessage()).contains("2 creates and uploads in progress"));
    interceptor.preHandle(upload("/v1/suppressions", GLOBEX), response, null);
    interceptor.preHandle(upload("/v1/sendouts/x/responses", GLOBEX), response, null);
    assertThatThrownBy(
            () ->
                interceptor.preHandle(
                    upload("/v1/suppressions", new Tenant("initech")), response, null))
        .as("every place taken: the imports took theirs")
        .isInstanceOf(ApiProblem.class);
  }

  /**
   * Found by the fourth hostile sweep: a create sent to /v1;x/sendouts or /%761/sendouts, which
   * Spring MVC routes to the same handler, took no write place, and fifty of them at once drained
   * the database pool (503s, another tenant's reads 5 s late). Uploads hold their place for the
   * request whatever the path's spelling.
   */
  @Test
  void aWriteSpelledAnotherWayTakesItsPlaceAllTheSame() {
    var properties =
        new LimitProperties(100, 1000, 150, 30, 1, 128, Duration.ZERO, 0, 0, Duration.ZERO);
    var interceptor = withoutBacklogBounds(properties, new WriteBulkheads(properties));
    var response = new MockHttpServletResponse();
    interceptor.preHandle(upload("/v1;x/sendouts/x/responses"), response, null);
    // The uploads of recipients have twice the places of the writes: both taken.
    interceptor.preHandle(upload("/v1;x/sendouts/x/recipients"), response, null);
    interceptor.preHandle(
        upload("/v1/sendouts;a/w/recipients", new Tenant("initech")), response, null);

    for (String path :
        new String[] {
          "/%761/suppressions",
          "/v1/suppressions;a=b",
          "/v1/sendouts/x/recipients;x",
          "/%761/sendouts/y/recipients"
        }) {
      assertThatThrownBy(() -> interceptor.preHandle(upload(path, GLOBEX), response, null))
          .as(path)
          .isInstanceOfSatisfying(
              ApiProblem.class, p -> assertThat(p.type()).isEqualTo(ProblemType.OVERLOADED));
    }
  }

  @Test
  void jsonAdditionsTakeAPlaceAmongTheWaitingAdditionsAndTheirTransactionOneAmongTheWrites() {
    var properties =
        new LimitProperties(100, 1000, 150, 30, 1, 1, Duration.ZERO, 0, 0, Duration.ZERO);
    var writes = new WriteBulkheads(properties);
    var interceptor = withoutBacklogBounds(properties, writes);
    var response = new MockHttpServletResponse();
    var create = upload("/v1/suppressions");
    interceptor.preHandle(create, response, null);
    var json = new MockHttpServletRequest("POST", "/v1/sendouts/x/recipients");
    json.setContentType("application/json; charset=utf-8");
    var upload = new MockHttpServletRequest("POST", "/v1/sendouts/x/recipients");
    upload.setContentType("application/x-ndjson");

    assertThat(interceptor.preHandle(json, response, null)).isTrue();
    assertThat(interceptor.preHandle(upload, response, null))
        .as("an upload of recipients takes no place among the writes while it is sent")
        .isTrue();
    assertThatThrownBy(() -> interceptor.preHandle(json, response, null))
        .as("the one place among the waiting additions is taken")
        .isInstanceOf(ApiProblem.class);
    assertThatThrownBy(() -> writes.write(() -> "stored"))
        .as("the addition's transaction waits for the import's place")
        .isInstanceOfSatisfying(
            WriteAdmission.WriteRefused.class,
            r -> assertThat(((ApiProblem) r.reason()).type()).isEqualTo(ProblemType.OVERLOADED));

    interceptor.afterCompletion(create, response, null, null);
    assertThat(writes.write(() -> "stored")).isEqualTo("stored");
    interceptor.afterCompletion(json, response, null, null);
    assertThat(interceptor.preHandle(json, response, null)).isTrue();
  }

  /**
   * Found by a hostile sweep: two tenants' three uploads of recipients each, sent just above the
   * minimum body rate, held every place among the writes while their bodies came (for hours, for a
   * large file), and every other tenant's creates were 429. An upload of recipients is read to its
   * end into a file before it is stored: it holds a place among the uploads while it is sent, and
   * one among the writes only to be stored.
   */
  @Test
  void anUploadOfRecipientsHoldsAPlaceAmongTheUploadsWhileItIsSentAndOneAmongTheWritesToBeStored() {
    // Four places among the writes, two a tenant; eight among the uploads, two a tenant.
    var properties =
        new LimitProperties(100, 1000, 150, 30, 4, 128, Duration.ZERO, 0, 0, Duration.ZERO);
    var writes = new WriteBulkheads(properties, Duration.ofMillis(100));
    var interceptor = withoutBacklogBounds(properties, writes);
    var response = new MockHttpServletResponse();
    var sent = upload("/v1/sendouts/x/recipients");
    assertThat(interceptor.preHandle(sent, response, null)).isTrue();
    assertThat(interceptor.preHandle(upload("/v1/sendouts/y/recipients"), response, null)).isTrue();

    assertThatThrownBy(
            () -> interceptor.preHandle(upload("/v1/sendouts/z/recipients"), response, null))
        .as("the tenant's share of the uploads")
        .isInstanceOfSatisfying(
            ApiProblem.class, p -> assertThat(p.getMessage()).contains("2 uploads of recipients"));
    assertThatNoException()
        .as("the uploads being sent hold none of the tenant's places among the writes")
        .isThrownBy(
            () -> {
              interceptor.preHandle(create(ACME), response, null);
              interceptor.preHandle(create(ACME), response, null);
            });
    assertThatThrownBy(() -> writes.storeUpload(ACME.id(), () -> "stored"))
        .as("stored, an upload takes one of the tenant's places, which its creates hold")
        .isInstanceOfSatisfying(
            ApiProblem.class, p -> assertThat(p.type()).isEqualTo(ProblemType.OVERLOADED));
    var created = create(GLOBEX);
    assertThat(
            writes.storeUpload(
                GLOBEX.id(),
                () -> {
                  assertThat(interceptor.preHandle(created, response, null)).isTrue();
                  assertThatThrownBy(() -> interceptor.preHandle(create(GLOBEX), response, null))
                      .as("while it is stored, it holds one of its tenant's two places")
                      .isInstanceOfSatisfying(
                          ApiProblem.class,
                          p -> assertThat(p.getMessage()).contains("2 creates and uploads"));
                  return "stored";
                }))
        .isEqualTo("stored");
    assertThatNoException()
        .as("and gives it back once stored")
        .isThrownBy(() -> interceptor.preHandle(create(GLOBEX), response, null));
    interceptor.afterCompletion(sent, response, null, null);
    assertThat(interceptor.preHandle(upload("/v1/sendouts/z/recipients"), response, null)).isTrue();
  }

  /** A store that fails gives its places back. */
  @Test
  void anUploadWhoseStoreFailsGivesItsPlacesBack() {
    var properties =
        new LimitProperties(100, 1000, 150, 30, 2, 128, Duration.ZERO, 0, 0, Duration.ZERO);
    var writes = new WriteBulkheads(properties, Duration.ofMillis(100));
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(
              () ->
                  writes.storeUpload(
                      ACME.id(),
                      () -> {
                        throw new IllegalStateException("the store failed");
                      }))
          .hasMessage("the store failed");
    }
    assertThat(writes.storeUpload(ACME.id(), () -> "stored")).isEqualTo("stored");
  }

  @Test
  void aWriteWaitsBrieflyForAPlaceAndTakesTheOneThatFrees() throws Exception {
    var properties =
        new LimitProperties(100, 1000, 150, 30, 1, 128, Duration.ofSeconds(5), 0, 0, Duration.ZERO);
    var interceptor = withoutBacklogBounds(properties, new WriteBulkheads(properties));
    var first = upload();
    var response = new MockHttpServletResponse();
    interceptor.preHandle(first, response, null);

    Thread finisher =
        new Thread(
            () -> {
              try {
                Thread.sleep(200);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              interceptor.afterCompletion(first, response, null, null);
            });
    finisher.start();
    long started = System.nanoTime();

    assertThat(interceptor.preHandle(upload("/v1/suppressions", GLOBEX), response, null)).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    finisher.join();
  }

  /**
   * Found by issue 15's benchmark: one-recipient sendouts created at 50 a second were refused a few
   * times a minute, each time four creates of the tenant happened to be in flight at once (its
   * share of six places is three), while places among the writes were free. The tenant's share is
   * waited for like any place, within the same wait.
   */
  @Test
  void aTenantAtItsShareWaitsBrieflyForOneOfItsOwnPlacesWhileOthersGoAhead() throws Exception {
    var properties =
        new LimitProperties(100, 1000, 150, 30, 4, 128, Duration.ofSeconds(5), 0, 0, Duration.ZERO);
    var interceptor = withoutBacklogBounds(properties, new WriteBulkheads(properties));
    var response = new MockHttpServletResponse();
    var first = upload();
    interceptor.preHandle(first, response, null);
    interceptor.preHandle(upload(), response, null);
    var third =
        CompletableFuture.supplyAsync(() -> interceptor.preHandle(upload(), response, null));
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!isWaitingForAPlace() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(isWaitingForAPlace()).as("the tenant's third write waits for its share").isTrue();

    assertThat(interceptor.preHandle(upload("/v1/suppressions", GLOBEX), response, null))
        .as("another tenant takes a free place at once")
        .isTrue();
    assertThat(third).isNotDone();
    interceptor.afterCompletion(first, response, null, null);
    assertThat(third.get(5, TimeUnit.SECONDS)).isTrue();
  }

  /**
   * A tenant's callers waiting for its share are bounded apart from those waiting for a place among
   * the writes: a flood of one tenant's creates never takes another tenant's chance to wait.
   */
  @Test
  void aTenantsCallersWaitingForItsShareLeaveAnotherTenantItsWaitForAPlace() throws Exception {
    var properties =
        new LimitProperties(100, 1000, 150, 30, 2, 128, Duration.ofSeconds(5), 0, 0, Duration.ZERO);
    var interceptor = withoutBacklogBounds(properties, new WriteBulkheads(properties));
    var response = new MockHttpServletResponse();
    // A thread each: the common pool may have fewer threads than callers blocked here.
    var callers = Executors.newCachedThreadPool();
    try {
      interceptor.preHandle(upload(), response, null);
      var acme =
          Stream.generate(
                  () -> callers.submit(() -> interceptor.preHandle(upload(), response, null)))
              .limit(3)
              .toList();
      untilWaiting(2);
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (acme.stream().noneMatch(Future::isDone) && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(acme.stream().filter(Future::isDone))
          .as("the third beyond acme's share finds both turns to wait for it taken")
          .hasSize(1);
      var globex = upload("/v1/suppressions", GLOBEX);
      interceptor.preHandle(globex, response, null);

      var initech =
          callers.submit(
              () ->
                  interceptor.preHandle(
                      upload("/v1/suppressions", new Tenant("initech")), response, null));
      untilWaiting(3);
      interceptor.afterCompletion(globex, response, null, null);
      assertThat(initech.get(5, TimeUnit.SECONDS)).as("initech waited for globex's place").isTrue();
    } finally {
      callers.shutdownNow();
      assertThat(callers.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }
  }

  /** A create refused a place among the writes gives its tenant's place back. */
  @Test
  void aWriteRefusedAPlaceGivesItsTenantsPlaceBack() {
    var properties =
        new LimitProperties(100, 1000, 150, 30, 2, 128, Duration.ZERO, 0, 0, Duration.ZERO);
    var interceptor = withoutBacklogBounds(properties, new WriteBulkheads(properties));
    var response = new MockHttpServletResponse();
    interceptor.preHandle(upload(), response, null);
    var globex = upload("/v1/suppressions", GLOBEX);
    interceptor.preHandle(globex, response, null);
    var initech = new Tenant("initech");

    assertThatThrownBy(
            () -> interceptor.preHandle(upload("/v1/suppressions", initech), response, null))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            p -> assertThat(p.getMessage()).contains("handling as many new sendouts as it can"));
    interceptor.afterCompletion(globex, response, null, null);
    assertThat(interceptor.preHandle(upload("/v1/suppressions", initech), response, null))
        .as("initech's one place came back with the refusal")
        .isTrue();
  }

  @Test
  void onlyAsManyCallersWaitForAPlaceAsThereArePlacesAndTheOthersAreRefusedAtOnce()
      throws Exception {
    var properties =
        new LimitProperties(100, 1000, 150, 30, 1, 128, Duration.ofSeconds(5), 0, 0, Duration.ZERO);
    var interceptor = withoutBacklogBounds(properties, new WriteBulkheads(properties));
    var response = new MockHttpServletResponse();
    var first = upload();
    interceptor.preHandle(first, response, null);
    var waiter =
        CompletableFuture.supplyAsync(
            () -> interceptor.preHandle(upload("/v1/suppressions", GLOBEX), response, null));
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!isWaitingForAPlace() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(isWaitingForAPlace()).as("the second caller waits for the place").isTrue();
    long started = System.nanoTime();

    assertThatThrownBy(
            () ->
                interceptor.preHandle(
                    upload("/v1/sendouts/y/responses", new Tenant("initech")), response, null))
        .as("a second caller does not wait beside the first")
        .isInstanceOf(ApiProblem.class);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));

    interceptor.afterCompletion(first, response, null, null);
    assertThat(waiter.get(5, TimeUnit.SECONDS)).isTrue();
  }

  /** The tenant limits and the write bounds of {@code properties}, with the given backlog bound. */
  private static RequestLimitsInterceptor interceptor(
      LimitProperties properties, WriteBulkheads writes, BacklogBound backlog) {
    return new RequestLimitsInterceptor(
        new TenantLimits(properties),
        writes,
        backlog,
        r -> r.getAttribute(TENANT) instanceof Tenant tenant ? tenant : ACME);
  }

  private static RequestLimitsInterceptor withoutBacklogBounds(
      LimitProperties properties, WriteBulkheads writes) {
    return interceptor(
        properties,
        writes,
        new BacklogBound(() -> 0, Map::of, 0, Map::of, () -> 0, 0, Duration.ZERO));
  }

  private static boolean isWaitingForAPlace() {
    return callersWaitingForAPlace() > 0;
  }

  private static long callersWaitingForAPlace() {
    return Thread.getAllStackTraces().entrySet().stream()
        .filter(
            t ->
                t.getKey().getState() == Thread.State.TIMED_WAITING
                    && Arrays.stream(t.getValue())
                        .anyMatch(
                            f ->
                                f.getClassName().endsWith("WriteBulkheads")
                                    && f.getMethodName().equals("acquire")))
        .count();
  }

  /** Waits up to 5 s until {@code callers} wait for a place. */
  private static void untilWaiting(long callers) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (callersWaitingForAPlace() < callers && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(callersWaitingForAPlace()).isEqualTo(callers);
  }

  @Test
  void writesAreRefusedWith429WhileTheBacklogIsOverItsBoundAndReadsGoOn() {
    var properties =
        new LimitProperties(100, 1000, 150, 30, 4, 128, Duration.ZERO, 0, 0, Duration.ZERO);
    AtomicInteger backlog = new AtomicInteger(1001);
    var bound = new BacklogBound(backlog::get, Map::of, 1000, Map::of, () -> 0, 0, Duration.ZERO);
    var interceptor = interceptor(properties, new WriteBulkheads(properties), bound);
    var response = new MockHttpServletResponse();
    bound.refresh();

    assertThatThrownBy(
            () ->
                interceptor.preHandle(
                    new MockHttpServletRequest("POST", "/v1/sendouts"), response, null))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            p -> {
              assertThat(p.type()).isEqualTo(ProblemType.OVERLOADED);
              assertThat(p.getMessage()).contains("over its bound of 1000 messages behind");
              assertThat(p.retryAfter()).isPositive();
            });
    assertThatNoException()
        .isThrownBy(
            () ->
                interceptor.preHandle(
                    new MockHttpServletRequest("GET", "/v1/sendouts/x"), response, null));

    backlog.set(1000);
    bound.refresh();
    assertThatNoException()
        .isThrownBy(
            () ->
                interceptor.preHandle(
                    new MockHttpServletRequest("POST", "/v1/sendouts"), response, null));
  }

  /**
   * Found by a security audit: one tenant's eleven SMS sendouts of 10,000 put the backlog over its
   * bound, and every other tenant's create was refused for the minutes they took to send. Over the
   * bound, a tenant is refused only at or over its share of it.
   */
  @Test
  void overTheBacklogsBoundOnlyTheTenantsHoldingItAreRefused() {
    var properties =
        new LimitProperties(100, 1000, 150, 30, 4, 128, Duration.ZERO, 0, 0, Duration.ZERO);
    var byTenant = new AtomicReference<>(Map.of("acme", 1001));
    var bound =
        new BacklogBound(() -> 1001, byTenant::get, 1000, Map::of, () -> 0, 0, Duration.ZERO);
    var interceptor = interceptor(properties, new WriteBulkheads(properties), bound);
    var response = new MockHttpServletResponse();
    bound.refresh();

    assertThatThrownBy(() -> interceptor.preHandle(create(ACME), response, null))
        .isInstanceOfSatisfying(
            ApiProblem.class, p -> assertThat(p.getMessage()).contains("1001 of them are yours"));
    assertThatNoException().isThrownBy(() -> interceptor.preHandle(create(GLOBEX), response, null));

    // A tenant counted with nothing behind takes no share.
    byTenant.set(Map.of("acme", 1001, "initech", 0));
    bound.refresh();
    assertThatThrownBy(() -> interceptor.preHandle(create(ACME), response, null))
        .isInstanceOfSatisfying(
            ApiProblem.class, p -> assertThat(p.getMessage()).contains("1001 of them are yours"));

    // Two tenants behind: each has half of the bound.
    byTenant.set(Map.of("acme", 600, "globex", 401));
    bound.refresh();
    assertThatThrownBy(() -> interceptor.preHandle(create(ACME), response, null))
        .isInstanceOf(ApiProblem.class);
    assertThatNoException().isThrownBy(() -> interceptor.preHandle(create(GLOBEX), response, null));

    // Not counted by tenant: every tenant is refused, as before.
    byTenant.set(Map.of());
    bound.refresh();
    assertThatThrownBy(() -> interceptor.preHandle(create(GLOBEX), response, null))
        .isInstanceOf(ApiProblem.class);
  }

  /** The same for the workflows' pending work: a flood of one tenant's small sendouts. */
  @Test
  void overThePendingWorkBoundOnlyTheTenantsHoldingItAreRefused() {
    var properties =
        new LimitProperties(100, 1000, 150, 30, 4, 128, Duration.ZERO, 0, 0, Duration.ZERO);
    var bound = pendingWorkBound(() -> Map.of("acme", 480, "initech", 30), () -> 0);
    var interceptor = interceptor(properties, new WriteBulkheads(properties), bound);
    var response = new MockHttpServletResponse();
    bound.refresh();

    assertThatThrownBy(() -> interceptor.preHandle(create(ACME), response, null))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            p -> assertThat(p.getMessage()).contains("510 sendouts", "480 of them are yours"));
    assertThatNoException().isThrownBy(() -> interceptor.preHandle(create(GLOBEX), response, null));
  }

  /** A bound on the workflows' pending work only: 500 at least, or 20 s at their pace. */
  private static BacklogBound pendingWorkBound(
      Supplier<Map<String, Integer>> pending, IntSupplier sentInPaceWindow) {
    return new BacklogBound(
        () -> 0, Map::of, 1000, pending, sentInPaceWindow, 500, Duration.ofSeconds(20));
  }

  private static MockHttpServletRequest create(Tenant tenant) {
    var request = new MockHttpServletRequest("POST", "/v1/sendouts");
    request.setAttribute(TENANT, tenant);
    return request;
  }

  @Test
  void writesAreRefusedWith429WhileTheWorkflowsAreBehindOnSmallSendouts() {
    var properties =
        new LimitProperties(100, 1000, 150, 30, 4, 128, Duration.ZERO, 0, 0, Duration.ZERO);
    AtomicInteger pending = new AtomicInteger(501);
    var bound = pendingWorkBound(() -> Map.of("acme", pending.get()), () -> 0);
    var interceptor = interceptor(properties, new WriteBulkheads(properties), bound);
    var response = new MockHttpServletResponse();
    bound.refresh();

    assertThatThrownBy(
            () ->
                interceptor.preHandle(
                    new MockHttpServletRequest("POST", "/v1/sendouts"), response, null))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            p -> {
              assertThat(p.type()).isEqualTo(ProblemType.OVERLOADED);
              assertThat(p.getMessage()).contains("501 sendouts and additions");
              assertThat(p.retryAfter()).isPositive();
            });

    pending.set(500);
    bound.refresh();
    assertThatNoException()
        .isThrownBy(
            () ->
                interceptor.preHandle(
                    new MockHttpServletRequest("POST", "/v1/sendouts"), response, null));
  }

  @Test
  void theBoundOnWorkflowWorkFollowsThePaceOfTheWorkflowsAndNeverFallsBelowItsFloor() {
    var properties =
        new LimitProperties(100, 1000, 150, 30, 4, 128, Duration.ZERO, 0, 0, Duration.ZERO);
    AtomicInteger pending = new AtomicInteger(900);
    AtomicInteger sentInPaceWindow = new AtomicInteger(500);
    var bound = pendingWorkBound(() -> Map.of("acme", pending.get()), sentInPaceWindow::get);
    var interceptor = interceptor(properties, new WriteBulkheads(properties), bound);
    var response = new MockHttpServletResponse();
    var create = new MockHttpServletRequest("POST", "/v1/sendouts");

    // 500 sent in the last 10 s is 50 a second: 20 s of it is 1,000, over the floor of 500.
    bound.refresh();
    assertThatNoException().isThrownBy(() -> interceptor.preHandle(create, response, null));

    pending.set(1001);
    bound.refresh();
    assertThatThrownBy(() -> interceptor.preHandle(create, response, null))
        .isInstanceOfSatisfying(
            ApiProblem.class,
            p ->
                assertThat(p.getMessage()).contains("1001 sendouts", "bound of 1000", "least 500"));

    // Nothing sent lately (Temporal unreachable, say): the floor holds.
    pending.set(501);
    sentInPaceWindow.set(0);
    bound.refresh();
    assertThatThrownBy(() -> interceptor.preHandle(create, response, null))
        .isInstanceOf(ApiProblem.class);
    pending.set(500);
    bound.refresh();
    assertThatNoException().isThrownBy(() -> interceptor.preHandle(create, response, null));
  }
}
