package dev.sendout.core.window;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The next opening of a delivery window over zones and dates, DST transitions above all. The spec
 * is {@link DeliveryWindow#isOpen}, the wall clock of the zone; {@link DeliveryWindow#nextOpening}
 * must find the first instant it holds, which a minute-by-minute walk checks.
 */
class DeliveryWindowPropertiesTest {

  /** Zones with DST, or with odd offsets (Lord Howe moves by 30 minutes, Kathmandu is +05:45). */
  private static final List<String> ZONES =
      List.of(
          "America/New_York",
          "America/Los_Angeles",
          "America/Sao_Paulo",
          "America/Santiago",
          "America/St_Johns",
          "Europe/London",
          "Europe/Berlin",
          "Europe/Dublin",
          "Africa/Casablanca",
          "Asia/Tehran",
          "Asia/Kathmandu",
          "Asia/Kolkata",
          "Australia/Sydney",
          "Australia/Lord_Howe",
          "Pacific/Auckland",
          "Pacific/Chatham",
          "Pacific/Apia",
          "UTC");

  @Property(tries = 1000)
  void theNextOpeningIsTheFirstInstantAtOrAfterWhichTheWindowIsOpen(
      @ForAll("windows") DeliveryWindow window,
      @ForAll("zones") ZoneId zone,
      @ForAll("nearTransitions") Instant from) {
    Instant next = window.nextOpening(from, zone);

    assertThat(next).isAfterOrEqualTo(from);
    assertThat(window.isOpen(next, zone)).as("open at %s", next.atZone(zone)).isTrue();
    assertThat(Duration.between(from, next)).isLessThanOrEqualTo(Duration.ofDays(8));
    // Every whole minute before it is closed: the window changes state only on whole minutes
    // in these zones, so nothing earlier was missed.
    Instant minute = from.plusSeconds(59).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
    for (Instant t = minute; t.isBefore(next); t = t.plusSeconds(60)) {
      assertThat(window.isOpen(t, zone)).as("closed at %s", t.atZone(zone)).isFalse();
    }
  }

  @Property(tries = 300)
  void aDaytimeWindowOpensAtItsStartOnTheWallClockEvenOnTheDayTheClocksChange(
      @ForAll("zones") ZoneId zone,
      @ForAll("nearTransitions") Instant from,
      @ForAll @IntRange(min = 5, max = 11) int startHour) {
    // Clocks change at night (01:00 to 03:00 in these zones, 00:00 in a few), never from 05:00 on.
    var window = new DeliveryWindow(LocalTime.of(startHour, 0), LocalTime.of(20, 0), Set.of());

    ZonedDateTime next = window.nextOpening(from, zone).atZone(zone);

    if (!window.isOpen(from, zone)) {
      assertThat(next.toLocalTime()).isEqualTo(LocalTime.of(startHour, 0));
      assertThat(next.toLocalDate())
          .isBetween(from.atZone(zone).toLocalDate(), from.atZone(zone).toLocalDate().plusDays(1));
    }
  }

  @Test
  void anSmsAt2300InNewYorkWithA0900To2000WindowWaitsUntil0900AcrossTheSpringChange() {
    var window = new DeliveryWindow(LocalTime.of(9, 0), LocalTime.of(20, 0), Set.of());
    ZoneId newYork = ZoneId.of("America/New_York");
    // 2026-03-08 02:00 is when New York moves from -05:00 to -04:00.
    Instant at2300 = ZonedDateTime.of(2026, 3, 7, 23, 0, 0, 0, newYork).toInstant();

    Instant next = window.nextOpening(at2300, newYork);

    assertThat(next).isEqualTo(Instant.parse("2026-03-08T13:00:00Z"));
    assertThat(Duration.between(at2300, next)).isEqualTo(Duration.ofHours(9));
  }

  @Test
  void aWindowStartingInTheSkippedHourOpensWhenTheClocksJump() {
    var window = new DeliveryWindow(LocalTime.of(2, 30), LocalTime.of(5, 0), Set.of());
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    // 2026-03-29 02:00 Berlin jumps to 03:00 (01:00Z).
    Instant before = Instant.parse("2026-03-29T00:00:00Z");

    assertThat(window.nextOpening(before, berlin)).isEqualTo(Instant.parse("2026-03-29T01:00:00Z"));
  }

  /**
   * Found by the property above: when the clocks fall back, the start's wall-clock time comes round
   * a second time, and the window opens again then.
   */
  @Test
  void aWindowOpensAgainWhenAFallBackRepeatsItsStart() {
    var window = new DeliveryWindow(LocalTime.of(1, 15), LocalTime.of(1, 30), Set.of());
    ZoneId london = ZoneId.of("Europe/London");
    // 2020-10-25 02:00 BST falls back to 01:00 GMT (01:00Z): 01:15 comes at 00:15Z and at 01:15Z.
    Instant betweenTheTwo = Instant.parse("2020-10-25T01:10:00Z");

    assertThat(window.nextOpening(betweenTheTwo, london))
        .isEqualTo(Instant.parse("2020-10-25T01:15:00Z"));
  }

  @Test
  void anOvernightWindowBelongsToTheDayItOpensOn() {
    var window =
        new DeliveryWindow(LocalTime.of(22, 0), LocalTime.of(6, 0), EnumSet.of(DayOfWeek.FRIDAY));
    ZoneId utc = ZoneId.of("UTC");

    assertThat(window.isOpen(Instant.parse("2026-12-05T05:59:00Z"), utc)).as("Sat 05:59").isTrue();
    assertThat(window.isOpen(Instant.parse("2026-12-05T22:00:00Z"), utc)).as("Sat 22:00").isFalse();
    assertThat(window.nextOpening(Instant.parse("2026-12-05T06:00:00Z"), utc))
        .isEqualTo(Instant.parse("2026-12-11T22:00:00Z"));
  }

  @Provide
  Arbitrary<ZoneId> zones() {
    return Arbitraries.of(ZONES).map(ZoneId::of);
  }

  @Provide
  Arbitrary<DeliveryWindow> windows() {
    Arbitrary<LocalTime> times =
        Arbitraries.integers().between(0, 24 * 4 - 1).map(q -> LocalTime.of(q / 4, q % 4 * 15));
    Arbitrary<Set<DayOfWeek>> days =
        Arbitraries.of(DayOfWeek.class).set().ofMinSize(0).ofMaxSize(7);
    return Combinators.combine(times, times, days)
        .filter((start, end, d) -> !start.equals(end))
        .as(DeliveryWindow::new);
  }

  /** The zone's transitions of 2020-2040, or one plain instant for a zone without any. */
  private static List<Instant> transitions(ZoneId zone) {
    List<Instant> list = new java.util.ArrayList<>();
    Instant end = Instant.parse("2040-01-01T00:00:00Z");
    ZoneOffsetTransition next =
        zone.getRules().nextTransition(Instant.parse("2020-01-01T00:00:00Z"));
    while (next != null && next.getInstant().isBefore(end)) {
      list.add(next.getInstant());
      next = zone.getRules().nextTransition(next.getInstant());
    }
    return list.isEmpty() ? List.of(Instant.parse("2026-03-29T01:00:00Z")) : list;
  }

  /**
   * Instants within two days either side of one of the transitions of 2020-2040 of the zones above,
   * and plain instants of those years: DST days are what break naive code, so they are drawn often.
   */
  @Provide
  Arbitrary<Instant> nearTransitions() {
    Arbitrary<Instant> transitions =
        Arbitraries.of(ZONES).map(ZoneId::of).flatMap(zone -> Arbitraries.of(transitions(zone)));
    Arbitrary<Long> around = Arbitraries.longs().between(-2 * 86_400, 2 * 86_400);
    Arbitrary<Instant> nearby = Combinators.combine(transitions, around).as(Instant::plusSeconds);
    Arbitrary<Instant> plain =
        Arbitraries.longs()
            .between(
                LocalDate.of(2020, 1, 1).toEpochDay() * 86_400,
                LocalDate.of(2040, 1, 1).toEpochDay() * 86_400)
            .map(Instant::ofEpochSecond);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, nearby), net.jqwik.api.Tuple.of(1, plain));
  }
}
