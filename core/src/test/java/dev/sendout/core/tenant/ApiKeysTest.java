package dev.sendout.core.tenant;

import static dev.sendout.core.store.jooq.Tables.API_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.core.StoreTest;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class ApiKeysTest extends StoreTest {

  @Autowired ApiKeys keys;
  @Autowired DSLContext db;
  @Autowired DataSource dataSource;

  @Test
  void aRevokedKeyIsRefusedAtOnceThoughItWasRememberedAsValid() {
    var issued = keys.issue("tenant-keys", "ci");
    assertThat(keys.tenantOf(issued.key())).contains("tenant-keys");

    assertThat(keys.revoke(issued.info().id())).isTrue();

    assertThat(keys.tenantOf(issued.key())).isEmpty();
  }

  @Test
  void revokingTheOthersOfANameLeavesTheKeptKeyAndTheOtherNamesAndTenants() {
    var earlier = keys.issue("tenant-others", "development");
    var kept = keys.register("tenant-others", "development", ApiKeys.newKey());
    var ci = keys.issue("tenant-others", "ci");
    var elsewhere = keys.issue("tenant-elsewhere", "development");
    assertThat(keys.tenantOf(earlier.key())).as("remembered as valid").isPresent();

    assertThat(keys.revokeOthers("tenant-others", "development", kept.info().id())).isOne();

    assertThat(keys.tenantOf(earlier.key())).isEmpty();
    assertThat(keys.tenantOf(kept.key())).contains("tenant-others");
    assertThat(keys.tenantOf(ci.key())).contains("tenant-others");
    assertThat(keys.tenantOf(elsewhere.key())).contains("tenant-elsewhere");
    assertThat(keys.revokeOthers("tenant-others", "development", kept.info().id())).isZero();
  }

  @Test
  void aLookupThatReadTheKeyBeforeARevocationCommittedDoesNotRememberIt() {
    var issued = keys.issue("tenant-keys", "racing");
    var racing = new AtomicReference<ApiKeys>();
    var revokeOnce = new AtomicBoolean(true);
    // Revokes the key between the lookup's query and its remembering the answer.
    ExecuteListener revokeAfterTheLookupRead =
        new ExecuteListener() {
          @Override
          public void executeEnd(ExecuteContext ctx) {
            if (ctx.sql().startsWith("select") && revokeOnce.getAndSet(false)) {
              racing.get().revoke(issued.info().id());
            }
          }
        };
    racing.set(
        new ApiKeys(
            DSL.using(db.configuration().derive(revokeAfterTheLookupRead)), Clock.systemUTC()));

    assertThat(racing.get().tenantOf(issued.key())).contains("tenant-keys");

    assertThat(racing.get().tenantOf(issued.key())).isEmpty();
  }

  @Test
  void aValidKeyIsRememberedForAFewSecondsAndAskedForAgainAfterThat() throws Exception {
    var issued = keys.issue("tenant-keys", "replica");
    assertThat(keys.tenantOf(issued.key())).contains("tenant-keys");
    // Revoked by another api replica: this one's memory still holds the key for a few seconds.
    db.update(API_KEY)
        .set(API_KEY.REVOKED_AT, OffsetDateTime.now())
        .where(API_KEY.ID.eq(issued.info().id()))
        .execute();

    assertThat(keys.tenantOf(issued.key())).contains("tenant-keys");
    Thread.sleep(ApiKeys.REMEMBERED_FOR.plusMillis(100).toMillis());
    assertThat(keys.tenantOf(issued.key())).isEmpty();
  }

  @Test
  void requestsWithAKeyThatIsNotRememberedWaitForOneLookupRatherThanEachMakingIt()
      throws Exception {
    var issued = keys.issue("tenant-keys", "burst");
    List<CompletableFuture<Optional<String>>> callers = new ArrayList<>();
    ExecutorService requests = Executors.newFixedThreadPool(5);
    try (Connection lock = dataSource.getConnection()) {
      // Every lookup of the key blocks until this transaction ends.
      lock.setAutoCommit(false);
      lock.createStatement().execute("LOCK TABLE api_key IN ACCESS EXCLUSIVE MODE");
      for (int i = 0; i < 5; i++) {
        callers.add(CompletableFuture.supplyAsync(() -> keys.tenantOf(issued.key()), requests));
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (lookupsWaiting() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      Thread.sleep(300); // time for the other four to make lookups of their own, if they would

      assertThat(lookupsWaiting()).isEqualTo(1);
      lock.rollback();
    }
    for (var caller : callers) {
      assertThat(caller.get(5, TimeUnit.SECONDS)).contains("tenant-keys");
    }
    requests.shutdown();
  }

  private int lookupsWaiting() {
    return db.fetchOne(
            "select count(*) from pg_stat_activity where wait_event_type = 'Lock'"
                + " and query like '%api_key%' and pid <> pg_backend_pid()")
        .get(0, Integer.class);
  }

  @Test
  void anUnknownKeyIsUnknown() {
    assertThat(keys.tenantOf("sok_never-issued")).isEmpty();
  }
}
