package dev.sendout.core.suppression;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.core.StoreTest;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.workflows.message.MessageStatus;
import dev.sendout.workflows.sendout.Channel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What the suppression list costs the release: a 100,000-recipient email sendout released with none
 * of its tenant's addresses suppressed, then with 1,000,000 entries on the tenant's list (10,000 of
 * them its recipients), on the same database in the same run, three sendouts each. Prints the times
 * and the query plan of the gate's statement, and writes them to {@code
 * target/suppression-release-benchmark.txt}.
 *
 * <p>A benchmark, not a test of the build: its name matches none of Surefire's default patterns, so
 * it runs only when asked for, with {@code bench/suppression-release.sh} or {@code ./mvnw -pl core
 * -am test -Dtest=SuppressionReleaseBenchmark -Dsurefire.failIfNoSpecifiedTests=false}. It checks
 * what the release did (how many messages it suppressed), never how long it took.
 */
class SuppressionReleaseBenchmark extends StoreTest {

  static final int RECIPIENTS = 100_000;
  static final int LIST_SIZE = 1_000_000;
  static final int SUPPRESSED_RECIPIENTS = 10_000;
  static final int RUNS = 5;

  @Autowired SendoutStore sendouts;
  @Autowired DSLContext db;
  @Autowired TransactionTemplate transactions;
  @Autowired SuppressionGate gate;

  private final StringBuilder report = new StringBuilder();

  @Test
  void releaseOf100kRecipientsWithAnEmptyListAndWithAMillionEntries() throws IOException {
    String listed = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    String unlisted = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    line(
        "Release of %,d recipients; tenant %s has no list, %s one of %,d",
        RECIPIENTS, unlisted, listed, LIST_SIZE);
    line("Postgres: %s", db.fetchValue("select version()"));

    long loading = System.nanoTime();
    fillList(listed);
    line(
        "Loaded %,d entries in %d ms (then ANALYZE)",
        LIST_SIZE, (System.nanoTime() - loading) / 1_000_000);

    // Alternated, so that both see the same database and the same load from the rest of the
    // machine.
    List<Long> empty = new ArrayList<>();
    List<Long> full = new ArrayList<>();
    List<Long> emptyGate = new ArrayList<>();
    List<Long> fullGate = new ArrayList<>();
    for (int run = 0; run < RUNS; run++) {
      empty.add(release(unlisted, 0, emptyGate));
      full.add(release(listed, SUPPRESSED_RECIPIENTS, fullGate));
    }

    line("");
    line("gate statement alone, no list:          %s ms (median %d)", emptyGate, median(emptyGate));
    line(
        "gate statement alone, list of %,d: %s ms (median %d)",
        LIST_SIZE, fullGate, median(fullGate));
    line("release, no list:          %s ms (median %d)", empty, median(empty));
    line("release, list of %,d: %s ms (median %d)", LIST_SIZE, full, median(full));
    List<Long> added = new ArrayList<>();
    for (int run = 0; run < RUNS; run++) {
      added.add(full.get(run) - empty.get(run));
    }
    line("added by the list, run by run: %s ms (median %d)", added, median(added));
    line("load average after the runs: %s", loadAverage());
    explain(listed);
    Path out = Path.of("target", "suppression-release-benchmark.txt");
    Files.writeString(out, report);
    System.out.println(report);
  }

  /**
   * Creates a sendout of the tenant and releases it; returns the release's time in ms. Before,
   * times the gate's statement alone on the same sendout, in a transaction rolled back, into {@code
   * gateTimes}.
   */
  private long release(String tenant, int expectSuppressed, List<Long> gateTimes) {
    UUID id = sendouts.create(emailSendout(tenant, RECIPIENTS, null)).sendout().id();
    db.execute("analyze message");
    transactions.executeWithoutResult(
        status -> {
          long gateStart = System.nanoTime();
          int suppressed = gate.suppressQueued(id, OffsetDateTime.now());
          gateTimes.add((System.nanoTime() - gateStart) / 1_000_000);
          assertThat(suppressed).isEqualTo(expectSuppressed);
          status.setRollbackOnly();
        });
    long start = System.nanoTime();
    int count = sendouts.release(id);
    long ms = (System.nanoTime() - start) / 1_000_000;
    var counts = sendouts.countByStatus(id);
    assertThat(count).isEqualTo(RECIPIENTS);
    assertThat(counts.get(MessageStatus.SUPPRESSED)).isEqualTo(expectSuppressed);
    assertThat(counts.get(MessageStatus.RELEASED)).isEqualTo(RECIPIENTS - expectSuppressed);
    return ms;
  }

  /**
   * The tenant's list: every tenth recipient of its sendouts (user0, user10... at example.com) and
   * addresses that none of them has, a million in all.
   */
  private void fillList(String tenant) {
    db.execute(
        """
        insert into suppression (tenant_id, channel, address, reason, source, created_at)
        select {0}, 'EMAIL', 'user' || (g * 10) || '@example.com', 'HARD_BOUNCE', 'bench', now()
          from generate_series(0, {1} - 1) g
        """,
        DSL.val(tenant), DSL.val(SUPPRESSED_RECIPIENTS));
    db.execute(
        """
        insert into suppression (tenant_id, channel, address, reason, source, created_at)
        select {0}, 'EMAIL', 'someone' || g || '@elsewhere.example', 'UNSUBSCRIBED', 'bench', now()
          from generate_series(1, {1}) g
        """,
        DSL.val(tenant), DSL.val(LIST_SIZE - SUPPRESSED_RECIPIENTS));
    db.execute("analyze suppression");
    line(
        "Table suppression: %s with its indexes",
        db.fetchValue("select pg_size_pretty(pg_total_relation_size('suppression'))"));
  }

  /** The plans of the release's two statements, run on a fresh sendout and rolled back. */
  private void explain(String tenant) {
    UUID id = sendouts.create(emailSendout(tenant, RECIPIENTS, null)).sendout().id();
    db.execute("analyze message");
    transactions.executeWithoutResult(
        status -> {
          line("");
          line("EXPLAIN (ANALYZE, BUFFERS) of the gate at the release (SuppressionGate):");
          plan(
              SuppressionGate.statement(Channel.EMAIL),
              DSL.val(OffsetDateTime.now()),
              DSL.val(id),
              DSL.val("QUEUED"),
              DSL.val(0),
              DSL.val(Integer.MAX_VALUE),
              DSL.val(tenant),
              DSL.val("EMAIL"));
          line("");
          line(
              "EXPLAIN (ANALYZE, BUFFERS) of the release of the rest (MessageTransitions.moveTo):");
          plan(
              """
              update message set status = 'RELEASED', released_at = now(), send_started_at = null
               where sendout_id = '%s' and status in ('QUEUED')
              """
                  .formatted(id));
          status.setRollbackOnly();
        });
  }

  private void plan(String statement, Object... binds) {
    db.fetch("explain (analyze, buffers) " + statement, binds)
        .forEach(row -> line("  %s", row.get(0, String.class)));
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).strip();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static long median(List<Long> times) {
    return times.stream().sorted().toList().get(times.size() / 2);
  }

  private void line(String format, Object... args) {
    report.append(format.formatted(args)).append('\n');
  }
}
