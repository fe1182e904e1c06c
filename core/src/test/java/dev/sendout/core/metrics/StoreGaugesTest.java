package dev.sendout.core.metrics;

import static dev.sendout.core.store.jooq.Tables.AUDIT_EVENT;
import static dev.sendout.core.store.jooq.Tables.FINDING;
import static dev.sendout.core.store.jooq.Tables.MESSAGE;
import static dev.sendout.core.store.jooq.Tables.SENDOUT;
import static dev.sendout.workflows.message.MessageStatus.ACCEPTED;
import static dev.sendout.workflows.message.MessageStatus.DELIVERED;
import static dev.sendout.workflows.message.MessageStatus.FAILED;
import static dev.sendout.workflows.message.MessageStatus.QUEUED;
import static dev.sendout.workflows.message.MessageStatus.RELEASED;
import static dev.sendout.workflows.message.MessageStatus.UNCONFIRMED;
import static dev.sendout.workflows.sendout.Channel.EMAIL;
import static dev.sendout.workflows.sendout.Channel.SMS;
import static dev.sendout.workflows.sendout.StuckReason.NOT_RELEASED;
import static dev.sendout.workflows.sendout.StuckReason.NO_RECEIPT;
import static dev.sendout.workflows.sendout.StuckReason.ORPHAN_WORKFLOW;
import static dev.sendout.workflows.sendout.StuckReason.WORKFLOW_NOT_RUNNING;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.core.StoreTest;
import dev.sendout.workflows.message.MessageStatus;
import dev.sendout.workflows.sendout.Channel;
import dev.sendout.workflows.sendout.SendoutStatus;
import dev.sendout.workflows.sendout.StuckReason;
import dev.sendout.workflows.sendout.SupportActionType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

/**
 * The store gauges against real Postgres. The gauges count the whole store, which the other tests
 * share and fill, so each test migrates a schema of its own and knows every row in it.
 */
class StoreGaugesTest extends StoreTest {

  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

  @Value("${spring.datasource.url}")
  String url;

  @Value("${spring.datasource.username}")
  String username;

  @Value("${spring.datasource.password:}")
  String password;

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private Instant now = NOW;
  private String schema;
  private Connection connection;
  private DSLContext db;
  private StoreGauges gauges;

  @BeforeEach
  void ownSchema() throws SQLException {
    schema = "gauges_" + UUID.randomUUID().toString().replace("-", "");
    Flyway.configure()
        .dataSource(url, username, password)
        .schemas(schema)
        .locations("classpath:db/migration")
        .load()
        .migrate();
    connection = DriverManager.getConnection(url, username, password);
    connection.setSchema(schema);
    db = DSL.using(connection, SQLDialect.POSTGRES);
    gauges =
        new StoreGauges(
            new StoreCensus(db),
            meters,
            new Clock() {
              @Override
              public Instant instant() {
                return now;
              }

              @Override
              public ZoneId getZone() {
                return ZoneOffset.UTC;
              }

              @Override
              public Clock withZone(ZoneId zone) {
                throw new UnsupportedOperationException();
              }
            },
            Duration.ofSeconds(15));
  }

  @AfterEach
  void dropSchema() throws SQLException {
    connection.close();
    try (Connection admin = DriverManager.getConnection(url, username, password)) {
      admin.createStatement().execute("drop schema " + schema + " cascade");
    }
  }

  @Test
  void messagesOfUnfinishedSendoutsAreCountedByChannelAndStatusAndFinishedOnesLeftOut() {
    UUID email = sendout(EMAIL, NOW.minusSeconds(60), false);
    message(email, QUEUED, NOW.minusSeconds(60), null);
    message(email, QUEUED, NOW.minusSeconds(60), null);
    message(email, ACCEPTED, NOW.minusSeconds(60), NOW.minusSeconds(30));
    UUID sms = sendout(SMS, NOW.minusSeconds(60), false);
    message(sms, DELIVERED, NOW.minusSeconds(60), NOW.minusSeconds(30));
    message(sms, FAILED, NOW.minusSeconds(60), null);
    UUID finished = sendout(EMAIL, NOW.minus(Duration.ofDays(3)), true);
    for (int i = 0; i < 5; i++) {
      message(finished, DELIVERED, NOW.minus(Duration.ofDays(3)), NOW.minus(Duration.ofDays(3)));
    }

    gauges.refresh();

    assertThat(messages(EMAIL, QUEUED)).isEqualTo(2);
    assertThat(messages(EMAIL, ACCEPTED)).isEqualTo(1);
    assertThat(messages(EMAIL, DELIVERED)).as("the finished sendout's").isZero();
    assertThat(messages(SMS, DELIVERED)).isEqualTo(1);
    assertThat(messages(SMS, FAILED)).isEqualTo(1);
    assertThat(meters.find("sendout.messages").gauges())
        .as("every channel and status, 0 when none")
        .hasSize(Channel.values().length * MessageStatus.values().length);
    assertThat(meters.find("sendout.messages").gauges().stream().mapToDouble(g -> g.value()).sum())
        .isEqualTo(5);
  }

  @Test
  void stuckCountsSendoutsWithAnOpenFindingNobodyAcknowledged() {
    finding(sendout(EMAIL, NOW, false), NOT_RELEASED, false, false);
    finding(sendout(EMAIL, NOW, false), NOT_RELEASED, true, false);
    UUID both = sendout(SMS, NOW, false);
    finding(both, NO_RECEIPT, false, false);
    finding(both, NOT_RELEASED, true, false);
    finding(sendout(SMS, NOW, false), NO_RECEIPT, false, true);

    gauges.refresh();

    assertThat(stuck(NOT_RELEASED)).as("the acknowledged one is not counted").isEqualTo(1);
    assertThat(stuck(NO_RECEIPT)).as("the cleared one is not counted").isEqualTo(1);
    assertThat(stuck(WORKFLOW_NOT_RUNNING)).isZero();
    assertThat(stuck(ORPHAN_WORKFLOW)).isZero();
  }

  @Test
  void oldestUnreleasedAgeRunsFromTheSendTimeOrFromWhenTheMessageWasAddedIfLater() {
    UUID dueTwoHoursAgo = sendout(EMAIL, NOW.minus(Duration.ofHours(2)), false);
    message(dueTwoHoursAgo, QUEUED, NOW.minus(Duration.ofHours(3)), null);
    UUID addedLater = sendout(EMAIL, NOW.minus(Duration.ofHours(5)), false);
    message(addedLater, RELEASED, NOW.minus(Duration.ofHours(5)), null);
    message(addedLater, QUEUED, NOW.minus(Duration.ofMinutes(30)), null);
    UUID notDueYet = sendout(SMS, NOW.plus(Duration.ofHours(1)), false);
    message(notDueYet, QUEUED, NOW.minus(Duration.ofHours(6)), null);
    // Held on purpose, cancelled or paused: not what the alert pages for (a support drill's).
    for (var held : List.of(SENDOUT.CANCELLED_AT, SENDOUT.PAUSED_AT)) {
      UUID id = sendout(SMS, NOW.minus(Duration.ofHours(8)), false);
      message(id, QUEUED, NOW.minus(Duration.ofHours(8)), null);
      db.update(SENDOUT).set(held, NOW.atOffset(ZoneOffset.UTC)).where(SENDOUT.ID.eq(id)).execute();
    }

    gauges.refresh();

    assertThat(age("sendout.oldest.unreleased.age", EMAIL)).isEqualTo(2 * 3600);
    assertThat(age("sendout.oldest.unreleased.age", SMS)).as("nothing due").isZero();
  }

  @Test
  void oldestUnconfirmedAgeRunsFromAcceptanceOfMessagesNoReceiptConfirmed() {
    UUID sms = sendout(SMS, NOW.minus(Duration.ofHours(4)), false);
    message(sms, ACCEPTED, NOW.minus(Duration.ofHours(4)), NOW.minus(Duration.ofHours(3)));
    message(sms, UNCONFIRMED, NOW.minus(Duration.ofHours(4)), NOW.minus(Duration.ofHours(1)));
    message(sms, UNCONFIRMED, NOW.minus(Duration.ofHours(9)), null);
    UUID email = sendout(EMAIL, NOW.minus(Duration.ofHours(10)), false);
    message(email, DELIVERED, NOW.minus(Duration.ofHours(10)), NOW.minus(Duration.ofHours(10)));
    message(email, UNCONFIRMED, NOW.minus(Duration.ofHours(1)), NOW.minus(Duration.ofMinutes(20)));

    gauges.refresh();

    assertThat(age("sendout.oldest.unconfirmed.age", SMS))
        .as("accepted 3 h ago; the one never accepted is left out")
        .isEqualTo(3 * 3600);
    assertThat(age("sendout.oldest.unconfirmed.age", EMAIL))
        .as("the delivered one is confirmed")
        .isEqualTo(20 * 60);
  }

  /**
   * An acknowledgement silenced the sendout's flag but not this age, and the alert on it fired for
   * good (an ops check): what became UNCONFIRMED before it is left out, what became so after it is
   * not.
   */
  @Test
  void unconfirmedMessagesOfASendoutAcknowledgedSinceAreLeftOut() {
    UUID sms = sendout(SMS, NOW.minus(Duration.ofHours(9)), false);
    message(sms, UNCONFIRMED, NOW.minus(Duration.ofHours(9)), NOW.minus(Duration.ofHours(8)));
    message(sms, UNCONFIRMED, NOW.minus(Duration.ofHours(9)), NOW.minus(Duration.ofHours(5)));
    db.update(MESSAGE)
        .set(MESSAGE.UNCONFIRMED_AT, at(NOW.minus(Duration.ofHours(2))))
        .where(MESSAGE.SENDOUT_ID.eq(sms))
        .and(MESSAGE.SEQ.eq(0))
        .execute();
    db.update(MESSAGE)
        .set(MESSAGE.UNCONFIRMED_AT, at(NOW.minus(Duration.ofMinutes(10))))
        .where(MESSAGE.SENDOUT_ID.eq(sms))
        .and(MESSAGE.SEQ.eq(1))
        .execute();
    db.insertInto(AUDIT_EVENT)
        .set(AUDIT_EVENT.SENDOUT_ID, sms)
        .set(AUDIT_EVENT.ACTION_ID, "ack")
        .set(AUDIT_EVENT.ACTION, SupportActionType.ACKNOWLEDGE)
        .set(AUDIT_EVENT.ACTOR, "ann")
        .set(AUDIT_EVENT.AT, at(NOW.minus(Duration.ofHours(1))))
        .execute();

    gauges.refresh();

    assertThat(age("sendout.oldest.unconfirmed.age", SMS))
        .as("the first, accepted 8 h ago, was acknowledged; the second became UNCONFIRMED after")
        .isEqualTo(5 * 3600);
  }

  /** A pause clears a sendout's stuck flags on purpose: one nobody lifted showed nowhere. */
  @Test
  void oldestPausedAgeRunsFromThePauseOfUnfinishedSendouts() {
    paused(sendout(SMS, NOW, false), NOW.minus(Duration.ofHours(5)));
    paused(sendout(SMS, NOW, false), NOW.minus(Duration.ofHours(2)));
    paused(sendout(EMAIL, NOW, true), NOW.minus(Duration.ofHours(9)));

    gauges.refresh();

    assertThat(age("sendout.oldest.paused.age", SMS)).isEqualTo(5 * 3600);
    assertThat(age("sendout.oldest.paused.age", EMAIL)).as("the completed one").isZero();
  }

  private void paused(UUID sendoutId, Instant at) {
    db.update(SENDOUT).set(SENDOUT.PAUSED_AT, at(at)).where(SENDOUT.ID.eq(sendoutId)).execute();
  }

  @Test
  void gaugesReadNaNUntilTheFirstRefreshAndZeroOnAnEmptyStore() {
    assertThat(stuck(NOT_RELEASED)).isNaN();
    assertThat(age("sendout.oldest.unreleased.age", EMAIL)).isNaN();

    gauges.refresh();

    assertThat(stuck(NOT_RELEASED)).isZero();
    assertThat(messages(SMS, QUEUED)).isZero();
    assertThat(age("sendout.oldest.unreleased.age", EMAIL)).isZero();
    assertThat(age("sendout.oldest.unconfirmed.age", SMS)).isZero();
  }

  @Test
  void failedRefreshKeepsTheLastValues() throws SQLException {
    UUID sms = sendout(SMS, NOW.minus(Duration.ofHours(1)), false);
    message(sms, QUEUED, NOW.minus(Duration.ofHours(1)), null);
    finding(sms, NOT_RELEASED, false, false);
    gauges.refresh();

    connection.close();
    gauges.refresh();

    assertThat(messages(SMS, QUEUED)).isEqualTo(1);
    assertThat(stuck(NOT_RELEASED)).isEqualTo(1);
    assertThat(age("sendout.oldest.unreleased.age", SMS)).isEqualTo(3600);
  }

  /** Gauges kept through an outage are stale: how stale shows, so that an alert can say so. */
  @Test
  void theGaugesAgeRunsFromTheLastRefreshThatSucceeded() throws SQLException {
    now = NOW.plusSeconds(30);
    assertThat(gaugesAge()).as("never refreshed: since the gauges were made").isEqualTo(30);
    gauges.refresh();
    assertThat(gaugesAge()).isZero();

    now = NOW.plusSeconds(120);
    connection.close();
    gauges.refresh();

    assertThat(gaugesAge()).isEqualTo(90);
  }

  private double gaugesAge() {
    return meters.get("sendout.store.gauges.age").timeGauge().value(TimeUnit.SECONDS);
  }

  private double messages(Channel channel, MessageStatus status) {
    return meters
        .get("sendout.messages")
        .tags("channel", channel.name(), "status", status.name())
        .gauge()
        .value();
  }

  private double stuck(StuckReason reason) {
    return meters.get("sendout.stuck").tag("reason", reason.name()).gauge().value();
  }

  private double age(String name, Channel channel) {
    return meters.get(name).tag("channel", channel.name()).timeGauge().value(TimeUnit.SECONDS);
  }

  private UUID sendout(Channel channel, Instant sendAt, boolean completed) {
    UUID id = UUID.randomUUID();
    db.insertInto(SENDOUT)
        .set(SENDOUT.ID, id)
        .set(SENDOUT.TENANT_ID, "tenant-a")
        .set(SENDOUT.CHANNEL, channel)
        .set(SENDOUT.STATUS, completed ? SendoutStatus.COMPLETED : SendoutStatus.SENDING)
        .set(SENDOUT.CONTENT, JSONB.valueOf("{}"))
        .set(SENDOUT.RECIPIENT_COUNT, 0)
        .set(SENDOUT.SEND_AT, at(sendAt))
        .set(SENDOUT.RECEIPT_TIMEOUT_SECONDS, 86_400)
        .set(SENDOUT.CREATED_AT, at(sendAt))
        .set(SENDOUT.COMPLETED_AT, completed ? at(NOW.minusSeconds(60)) : null)
        .execute();
    return id;
  }

  private void message(UUID sendoutId, MessageStatus status, Instant queuedAt, Instant acceptedAt) {
    int seq = db.fetchCount(MESSAGE, MESSAGE.SENDOUT_ID.eq(sendoutId));
    db.insertInto(MESSAGE)
        .set(MESSAGE.ID, UUID.randomUUID())
        .set(MESSAGE.SENDOUT_ID, sendoutId)
        .set(MESSAGE.SEQ, seq)
        .set(MESSAGE.ADDRESS, "user" + seq + "@example.com")
        .set(MESSAGE.VARIABLES, JSONB.valueOf("{}"))
        .set(MESSAGE.STATUS, status)
        .set(MESSAGE.QUEUED_AT, at(queuedAt))
        .set(MESSAGE.ACCEPTED_AT, acceptedAt == null ? null : at(acceptedAt))
        .execute();
  }

  private void finding(UUID sendoutId, StuckReason reason, boolean acknowledged, boolean cleared) {
    OffsetDateTime since = at(NOW.minus(Duration.ofHours(1)));
    db.insertInto(FINDING)
        .set(FINDING.SENDOUT_ID, sendoutId)
        .set(FINDING.REASON, reason)
        .set(FINDING.DETAIL, "test")
        .set(FINDING.SINCE, since)
        .set(FINDING.FIRST_SEEN_AT, since)
        .set(FINDING.LAST_SEEN_AT, since)
        .set(FINDING.ACKNOWLEDGED_AT, acknowledged ? since : null)
        .set(FINDING.CLEARED_AT, cleared ? since : null)
        .execute();
  }

  private static OffsetDateTime at(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
