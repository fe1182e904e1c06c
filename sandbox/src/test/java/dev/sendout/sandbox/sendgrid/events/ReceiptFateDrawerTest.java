package dev.sendout.sandbox.sendgrid.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.sandbox.sendgrid.events.Fate.Outcome;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReceiptFateDrawerTest {

  private static final int DRAWS = 20_000;

  private final ReceiptFateDrawer drawer =
      new ReceiptFateDrawer(new ReceiptStartupProperties("", "", null));

  @Test
  void exclusiveRatesAreTheSharesTheyName() {
    Map<Outcome, Integer> counts = outcomes(rates(0.2, 0.2, 0.2, 0, 0, 0));

    assertThat(counts.get(Outcome.SILENT)).isBetween(3_500, 4_500);
    assertThat(counts.get(Outcome.DROPPED)).isBetween(3_500, 4_500);
    assertThat(counts.get(Outcome.BOUNCED)).isBetween(3_500, 4_500);
    assertThat(counts.get(Outcome.DELIVERED)).isBetween(7_500, 8_500);
  }

  @Test
  void earlierFatesWinWhenTheRatesAddUpToMoreThanOne() {
    Map<Outcome, Integer> counts = outcomes(rates(0.5, 1.0, 1.0, 0, 0, 0));

    assertThat(counts.get(Outcome.SILENT)).isBetween(9_500, 10_500);
    assertThat(counts.get(Outcome.DROPPED)).isEqualTo(DRAWS - counts.get(Outcome.SILENT));
  }

  @Test
  void modifiersApplyOnlyToDeliveredMessages() {
    ReceiptSettings settings = rates(0, 0, 0.5, 1.0, 1.0, 1.0);
    for (int i = 0; i < 1_000; i++) {
      Fate fate = drawer.draw(settings);
      boolean delivered = fate.outcome() == Outcome.DELIVERED;
      assertThat(fate.deferred()).isEqualTo(delivered);
      assertThat(fate.bouncedAfterDelivery()).isEqualTo(delivered);
      assertThat(fate.outOfOrder()).isEqualTo(delivered);
    }
  }

  @Test
  void aboutAThirdOfBouncesAreBlockedAndOnlyBouncesOmitCustomArgs() {
    ReceiptSettings settings =
        new ReceiptSettings(
            "http://127.0.0.1/", 0, 0, 0, 0.5, 0, 0, 0, 1.0, 1, 1000, 100, 20, 1000, 5_000_000);
    int bounced = 0;
    int blocked = 0;
    for (int i = 0; i < DRAWS; i++) {
      Fate fate = drawer.draw(settings);
      assertThat(fate.customArgsOmitted()).isEqualTo(fate.bounces());
      bounced += fate.bounces() ? 1 : 0;
      blocked += fate.blocked() ? 1 : 0;
    }

    assertThat((double) blocked / bounced).isBetween(0.30, 0.37);
  }

  @Test
  void aSeedMakesTheDrawsRepeatable() {
    ReceiptSettings settings = rates(0.25, 0.25, 0.25, 0.5, 0.5, 0.5);

    List<Fate> first =
        draws(new ReceiptFateDrawer(new ReceiptStartupProperties("", "", 42L)), settings);
    List<Fate> again =
        draws(new ReceiptFateDrawer(new ReceiptStartupProperties("", "", 42L)), settings);
    List<Fate> other =
        draws(new ReceiptFateDrawer(new ReceiptStartupProperties("", "", 43L)), settings);

    assertThat(again).isEqualTo(first);
    assertThat(other).isNotEqualTo(first);
  }

  private Map<Outcome, Integer> outcomes(ReceiptSettings settings) {
    Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
    for (Outcome outcome : Outcome.values()) {
      counts.put(outcome, 0);
    }
    for (int i = 0; i < DRAWS; i++) {
      counts.merge(drawer.draw(settings).outcome(), 1, Integer::sum);
    }
    return counts;
  }

  private static List<Fate> draws(ReceiptFateDrawer drawer, ReceiptSettings settings) {
    List<Fate> fates = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      fates.add(drawer.draw(settings));
    }
    return fates;
  }

  private static ReceiptSettings rates(
      double silence,
      double drop,
      double bounce,
      double deferred,
      double asyncBounce,
      double outOfOrder) {
    return new ReceiptSettings(
        "http://127.0.0.1/",
        0,
        silence,
        drop,
        bounce,
        deferred,
        asyncBounce,
        outOfOrder,
        0,
        1,
        1000,
        100,
        20,
        1000,
        5_000_000);
  }
}
