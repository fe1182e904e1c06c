package dev.sendout.sandbox.vonage.statuses;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.sandbox.vonage.statuses.Fate.Outcome;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusFateDrawerTest {

  private static final int DRAWS = 20_000;

  private final StatusFateDrawer drawer = new StatusFateDrawer(rates(0, 0, 0, 1.0));

  @Test
  void exclusiveRatesAreTheSharesTheyName() {
    Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
    for (int i = 0; i < DRAWS; i++) {
      counts.merge(drawer.draw(rates(0.2, 0.2, 0.2, 1.0)).outcome(), 1, Integer::sum);
    }

    assertThat(counts.get(Outcome.SILENT)).isBetween(3_500, 4_500);
    assertThat(counts.get(Outcome.REJECTED)).isBetween(3_500, 4_500);
    assertThat(counts.get(Outcome.UNDELIVERABLE)).isBetween(3_500, 4_500);
    assertThat(counts.get(Outcome.DELIVERED)).isBetween(7_500, 8_500);
  }

  @Test
  void submittedComesOnlyBeforeADeliveryOrAnUndeliverable() {
    for (int i = 0; i < 1_000; i++) {
      Fate fate = drawer.draw(rates(0.25, 0.25, 0.25, 1.0));
      boolean reachesTheNetwork =
          fate.outcome() == Outcome.DELIVERED || fate.outcome() == Outcome.UNDELIVERABLE;
      assertThat(fate.submitted()).isEqualTo(reachesTheNetwork);
    }
  }

  @Test
  void fatesListTheirStatusesInOrder() {
    assertThat(new Fate(Outcome.DELIVERED, true).statuses())
        .containsExactly(StatusType.SUBMITTED, StatusType.DELIVERED);
    assertThat(new Fate(Outcome.UNDELIVERABLE, false).statuses())
        .containsExactly(StatusType.UNDELIVERABLE);
    assertThat(new Fate(Outcome.REJECTED, false).statuses()).containsExactly(StatusType.REJECTED);
    assertThat(new Fate(Outcome.SILENT, false).statuses()).isEmpty();
  }

  @Test
  void aSeedMakesTheDrawsRepeatableAndReseedingRestartsThem() {
    StatusSettings settings = rates(0.25, 0.25, 0.25, 0.5);
    StatusFateDrawer seeded = new StatusFateDrawer(seeded(settings, 42L));

    List<Fate> first = draws(seeded, settings);
    List<Fate> other = draws(new StatusFateDrawer(seeded(settings, 43L)), settings);
    drawer.reseed(42L);

    assertThat(draws(drawer, settings)).isEqualTo(first);
    assertThat(other).isNotEqualTo(first);
    assertThat(draws(seeded, settings)).isNotEqualTo(first);
  }

  private static List<Fate> draws(StatusFateDrawer drawer, StatusSettings settings) {
    List<Fate> fates = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      fates.add(drawer.draw(settings));
    }
    return fates;
  }

  private static StatusSettings rates(
      double silence, double rejected, double undeliverable, double submitted) {
    return new StatusSettings(
        "http://127.0.0.1/",
        0,
        silence,
        rejected,
        undeliverable,
        submitted,
        1,
        20,
        1000,
        100_000,
        null);
  }

  private static StatusSettings seeded(StatusSettings settings, long seed) {
    return new StatusesUpdate(null, null, null, null, null, null, null, null, null, null, seed)
        .applyTo(settings);
  }
}
