package dev.sendout.activities;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.sendout.core.store.jooq.Tables.SENDOUT;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.sendout.core.StoreTest;
import dev.sendout.core.delivery.DeliveryStore;
import dev.sendout.core.message.MessageReads;
import dev.sendout.core.message.StoredMessage;
import dev.sendout.core.sendout.NewSendout;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.workflows.batch.DeliveryActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Base of the tests of a channel's delivery activity: the activity runs in Temporal's activity
 * environment, on real Postgres, against a WireMock provider that the subclass starts and points
 * the activity at. Each channel's test only says how its provider answers and what it expects, so
 * that the harness is the same for every channel.
 *
 * @param <A> the channel's delivery activity, injected by its own type since every channel's bean
 *     is a {@link DeliveryActivities}
 */
@SpringBootTest(classes = ActivitiesTestApplication.class)
public abstract class DeliveryActivitiesTestBase<A extends DeliveryActivities> extends StoreTest {

  @Autowired protected A activities;
  @Autowired protected SendoutStore sendouts;
  @Autowired protected DeliveryStore deliveries;
  @Autowired protected MessageReads messages;
  @Autowired protected DSLContext db;

  protected TestActivityEnvironment temporal;

  /** The activity as a workflow calls it: one attempt, so that a test sees each failure. */
  protected DeliveryActivities delivery;

  /**
   * A WireMock server on a free port, started now so that a subclass can hand its address to Spring
   * before the context starts.
   */
  protected static WireMockServer startedProvider() {
    WireMockServer provider = new WireMockServer(options().dynamicPort());
    provider.start();
    return provider;
  }

  /** The fake provider the subclass started, reset before each test. */
  protected abstract WireMockServer provider();

  /** A new sendout of this channel with this many recipients. */
  protected abstract NewSendout sendout(int recipients);

  @BeforeEach
  void setUp() {
    provider().resetAll();
    temporal = TestActivityEnvironment.newInstance();
    temporal.registerActivitiesImplementations(activities);
    delivery =
        temporal.newActivityStub(
            DeliveryActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(30))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());
  }

  @AfterEach
  void tearDown() {
    temporal.close();
  }

  protected UUID releasedSendout(int recipients) {
    UUID id = sendouts.create(sendout(recipients)).sendout().id();
    sendouts.release(id);
    return id;
  }

  protected List<StoredMessage> all(UUID id) {
    return messages.page(id, null, -1, 1000);
  }

  /** A delivery window, every day, from {@code from} hours after this hour to {@code to} after. */
  protected void windowFromNow(UUID id, int from, int to) {
    int hour = LocalTime.now(ZoneOffset.UTC).getHour();
    db.update(SENDOUT)
        .set(
            SENDOUT.DELIVERY_WINDOW,
            JSONB.valueOf(
                "{\"start\":\"%02d:00\",\"end\":\"%02d:00\",\"days\":[]}"
                    .formatted(Math.floorMod(hour + from, 24), Math.floorMod(hour + to, 24))))
        .where(SENDOUT.ID.eq(id))
        .execute();
  }
}
