package dev.sendout.core.metrics;

import dev.sendout.core.metrics.StoreCensus.Census;
import dev.sendout.workflows.message.MessageStatus;
import dev.sendout.workflows.sendout.Channel;
import dev.sendout.workflows.sendout.StuckReason;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Gauges of what the store holds, for dashboards and alerts:
 *
 * <ul>
 *   <li>{@code sendout.messages{channel,status}}: messages of unfinished sendouts;
 *   <li>{@code sendout.stuck{reason}}: sendouts with an open finding nobody has acknowledged;
 *   <li>{@code sendout.oldest.unreleased.age{channel}}: how long the oldest due message has been
 *       waiting for its release;
 *   <li>{@code sendout.oldest.unconfirmed.age{channel}}: how long the oldest message the provider
 *       accepted has waited for its confirmation;
 *   <li>{@code sendout.oldest.paused.age{channel}}: how long the unfinished sendout paused longest
 *       ago has been paused (a pause holds its messages and its stuck flags: one forgotten shows
 *       only here);
 *   <li>{@code sendout.store.gauges.age}: how long ago the gauges above were last read from the
 *       store. A failed refresh leaves them as they were, so through a database outage an age just
 *       under its alert's threshold stayed there (an ops check): this one grows meanwhile.
 * </ul>
 *
 * <p>They are refreshed from Postgres on a schedule ({@code sendout.metrics.store-gauges.interval},
 * 15 s), never when scraped, so the database's load does not depend on how many scrapers there are
 * or how often they come. A failed refresh is logged and the gauges keep their last values; they
 * read NaN until the first refresh succeeds, so that a worker which cannot read the store does not
 * report an empty one. Every worker with {@code sendout.metrics.store-gauges.enabled} reports the
 * same values: aggregate them with max, not sum.
 */
@Component
@ConditionalOnProperty(name = "sendout.metrics.store-gauges.enabled", havingValue = "true")
public class StoreGauges implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(StoreGauges.class);

  private static final Meter MESSAGES =
      new Meter("sendout.messages", "Messages of unfinished sendouts, by channel and status");
  private static final Meter STUCK =
      new Meter(
          "sendout.stuck", "Sendouts with an open finding that nobody has acknowledged, by reason");
  private static final Meter OLDEST_UNRELEASED =
      new Meter(
          "sendout.oldest.unreleased.age",
          "Time the oldest due QUEUED message has waited for its release");
  private static final Meter OLDEST_UNCONFIRMED =
      new Meter(
          "sendout.oldest.unconfirmed.age",
          "Time since the provider accepted the oldest message it has not confirmed");

  private static final Meter GAUGES_AGE =
      new Meter(
          "sendout.store.gauges.age",
          "Time since the store's gauges were last read from Postgres; they keep their last values"
              + " while it cannot be read");

  private static final Meter OLDEST_PAUSED =
      new Meter(
          "sendout.oldest.paused.age",
          "Time the unfinished sendout paused longest ago has been paused");

  private final StoreCensus census;
  private final Clock clock;
  private final Duration interval;

  // Each gauge reads one of these; the maps hold them, so the gauges cannot be collected.
  private final Map<Channel, Map<MessageStatus, Level>> messages = new EnumMap<>(Channel.class);
  private final Map<StuckReason, Level> stuck = new EnumMap<>(StuckReason.class);
  private final Map<Channel, Level> oldestUnreleased = new EnumMap<>(Channel.class);
  private final Map<Channel, Level> oldestUnconfirmed = new EnumMap<>(Channel.class);
  private final Map<Channel, Level> oldestPaused = new EnumMap<>(Channel.class);

  /**
   * When the last refresh succeeded, or when these gauges were made until one has: a worker whose
   * first refresh never succeeds reports a growing age, not NaN, which no alert compares (a second
   * reader).
   */
  private volatile Instant refreshedAt;

  private ScheduledExecutorService scheduler;

  public StoreGauges(
      StoreCensus census,
      MeterRegistry meters,
      Clock clock,
      @Value("${sendout.metrics.store-gauges.interval:15s}") Duration interval) {
    this.census = census;
    this.clock = clock;
    this.interval = interval;
    this.refreshedAt = clock.instant();
    register(meters);
  }

  /** Reads the store once and updates every gauge, or leaves them all as they were. */
  public void refresh() {
    Census now;
    try {
      now = census.take(clock.instant());
    } catch (RuntimeException e) {
      log.warn("Store gauges not refreshed, they keep their last values: {}", e.toString());
      return;
    }
    now.messages()
        .forEach(
            (channel, byStatus) ->
                byStatus.forEach((status, count) -> messages.get(channel).get(status).set(count)));
    now.stuck().forEach((reason, count) -> stuck.get(reason).set(count));
    now.oldestUnreleased().forEach((channel, age) -> oldestUnreleased.get(channel).set(age));
    now.oldestUnconfirmed().forEach((channel, age) -> oldestUnconfirmed.get(channel).set(age));
    now.oldestPaused().forEach((channel, age) -> oldestPaused.get(channel).set(age));
    refreshedAt = clock.instant();
  }

  /**
   * Seconds since the last refresh that succeeded (or since the gauges were made), at the scrape.
   */
  private double secondsSinceRefresh() {
    return Duration.between(refreshedAt, clock.instant()).toMillis() / 1000.0;
  }

  private void register(MeterRegistry meters) {
    for (Channel channel : Channel.values()) {
      Map<MessageStatus, Level> byStatus = new EnumMap<>(MessageStatus.class);
      for (MessageStatus status : MessageStatus.values()) {
        Tags tags = Tags.of("channel", channel.name(), "status", status.name());
        byStatus.put(status, gauge(meters, MESSAGES, tags));
      }
      messages.put(channel, byStatus);
      oldestUnreleased.put(channel, age(meters, OLDEST_UNRELEASED, channel));
      oldestUnconfirmed.put(channel, age(meters, OLDEST_UNCONFIRMED, channel));
      oldestPaused.put(channel, age(meters, OLDEST_PAUSED, channel));
    }
    for (StuckReason reason : StuckReason.values()) {
      stuck.put(reason, gauge(meters, STUCK, Tags.of("reason", reason.name())));
    }
    TimeGauge.builder(GAUGES_AGE.name(), this, TimeUnit.SECONDS, StoreGauges::secondsSinceRefresh)
        .description(GAUGES_AGE.description())
        .strongReference(true)
        .register(meters);
  }

  private static Level gauge(MeterRegistry meters, Meter meter, Tags tags) {
    Level level = new Level();
    Gauge.builder(meter.name(), level, Level::value)
        .description(meter.description())
        .tags(tags)
        .strongReference(true)
        .register(meters);
    return level;
  }

  /** Seconds, the base unit, which Prometheus shows as {@code ..._age_seconds}. */
  private static Level age(MeterRegistry meters, Meter meter, Channel channel) {
    Level level = new Level();
    TimeGauge.builder(meter.name(), level, TimeUnit.SECONDS, Level::value)
        .description(meter.description())
        .tag("channel", channel.name())
        .strongReference(true)
        .register(meters);
    return level;
  }

  @Override
  public synchronized void start() {
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "store-gauges");
              t.setDaemon(true);
              return t;
            });
    scheduler.scheduleWithFixedDelay(this::refresh, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void stop() {
    scheduler.shutdownNow();
    scheduler = null;
  }

  @Override
  public synchronized boolean isRunning() {
    return scheduler != null;
  }

  private record Meter(String name, String description) {}

  /** One gauge's value, written by the refresh and read by scrapes on other threads. */
  private static final class Level {

    private volatile double value = Double.NaN;

    double value() {
      return value;
    }

    void set(int count) {
      value = count;
    }

    void set(Duration age) {
      value = age.toMillis() / 1000.0;
    }
  }
}
