package dev.sendout.sandbox.sendgrid.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.sandbox.sendgrid.events.EventTimeline.Step;
import dev.sendout.sandbox.sendgrid.events.Fate.Outcome;
import org.junit.jupiter.api.Test;

class EventTimelineTest {

  @Test
  void deliveryWithEveryModifierSpansTwoDelays() {
    Fate fate = new Fate(Outcome.DELIVERED, true, true, false, false, false);

    assertThat(EventTimeline.of(fate, 1000))
        .containsExactly(
            new Step(EventType.PROCESSED, 0, 0),
            new Step(EventType.DEFERRED, 500, 500),
            new Step(EventType.DELIVERED, 1000, 1000),
            new Step(EventType.BOUNCE, 2000, 2000));
  }

  @Test
  void outOfOrderKeepsTheSendTimesButHandsThemOutNewestEventFirst() {
    Fate fate = new Fate(Outcome.DELIVERED, true, false, true, false, false);

    assertThat(EventTimeline.of(fate, 1000))
        .containsExactly(
            new Step(EventType.DELIVERED, 1000, 0),
            new Step(EventType.DEFERRED, 500, 500),
            new Step(EventType.PROCESSED, 0, 1000));
  }

  @Test
  void silenceMeansNoEventsAndADropIsOneEventAtOnce() {
    assertThat(EventTimeline.of(new Fate(Outcome.SILENT, false, false, false, false, false), 500))
        .isEmpty();
    assertThat(EventTimeline.of(new Fate(Outcome.DROPPED, false, false, false, false, false), 500))
        .containsExactly(new Step(EventType.DROPPED, 0, 0));
  }
}
