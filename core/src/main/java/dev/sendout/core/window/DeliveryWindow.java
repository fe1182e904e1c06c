package dev.sendout.core.window;

import static java.util.stream.Collectors.toSet;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * When a sendout's messages may be released, in wall-clock time of each recipient's zone: from
 * {@code start} to {@code end} on each of {@code days}. An {@code end} before {@code start} makes
 * an overnight window, which opens at {@code start} on a listed day and closes at {@code end} the
 * next morning. {@code start == end} is no window and is refused.
 *
 * <p>The definition is the wall clock's, which is what a recipient sees: the window is open at an
 * instant when the local date-time at that instant lies inside it ({@link #isOpen}). Across a DST
 * change this means: a window opening inside a skipped hour (02:30 on a spring-forward night) opens
 * when the clocks jump (03:00 local); on a fall-back night a wall-clock time that repeats is inside
 * the window both times. {@link #nextOpening} is the first instant at or after a given one at which
 * the window is open, computed with {@code java.time}'s zone rules, never with fixed offsets.
 *
 * @param days the days the window opens on; every day when empty
 */
public record DeliveryWindow(LocalTime start, LocalTime end, Set<DayOfWeek> days) {

  /** Openings are looked for this many days ahead: any set of days repeats within a week. */
  private static final int DAYS_AHEAD = 9;

  public DeliveryWindow {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    if (start.equals(end)) {
      throw new IllegalArgumentException("start and end must differ");
    }
    days = days == null || days.isEmpty() ? EnumSet.allOf(DayOfWeek.class) : EnumSet.copyOf(days);
  }

  public boolean overnight() {
    return end.isBefore(start);
  }

  /** Whether the window is open at {@code at} on the wall clock of {@code zone}. */
  public boolean isOpen(Instant at, ZoneId zone) {
    LocalDateTime local = LocalDateTime.ofInstant(at, zone);
    LocalTime time = local.toLocalTime();
    DayOfWeek day = local.getDayOfWeek();
    if (!overnight()) {
      return days.contains(day) && !time.isBefore(start) && time.isBefore(end);
    }
    return (days.contains(day) && !time.isBefore(start))
        || (days.contains(day.minus(1)) && time.isBefore(end));
  }

  /**
   * The first instant at or after {@code from} at which the window is open in {@code zone}: {@code
   * from} itself when it is open then.
   *
   * <p>The window's state changes from closed to open only where the wall clock reaches {@code
   * start} on a listed day, or where it jumps (a zone transition). So the candidates are each
   * listed day's first instant whose wall clock is at or past {@code start}, and the transitions in
   * the days looked at; the answer is the earliest candidate at which the window is open.
   */
  public Instant nextOpening(Instant from, ZoneId zone) {
    if (isOpen(from, zone)) {
      return from;
    }
    ZoneRules rules = zone.getRules();
    LocalDate today = LocalDate.ofInstant(from, zone);
    List<Instant> candidates = new ArrayList<>();
    for (int d = -1; d <= DAYS_AHEAD; d++) {
      LocalDate date = today.plusDays(d);
      if (days.contains(date.getDayOfWeek())) {
        candidates.addAll(instantsReading(LocalDateTime.of(date, start), rules));
      }
    }
    Instant horizon = from.plus(Duration.ofDays(DAYS_AHEAD));
    ZoneOffsetTransition next = rules.nextTransition(from);
    while (next != null && next.getInstant().isBefore(horizon)) {
      candidates.add(next.getInstant());
      next = rules.nextTransition(next.getInstant());
    }
    Instant best = null;
    for (Instant candidate : candidates) {
      if (!candidate.isBefore(from)
          && (best == null || candidate.isBefore(best))
          && isOpen(candidate, zone)) {
        best = candidate;
      }
    }
    if (best == null) {
      // Unreachable for a valid window: every day listed opens within a week.
      throw new IllegalStateException("No opening of " + this + " in " + zone + " after " + from);
    }
    return best;
  }

  /**
   * The instants at which the wall clock reaches {@code local}: once on an ordinary day, twice in
   * the hour a fall-back repeats (a window may open again on the repeat), and, when the clocks skip
   * over it, the instant they jump.
   */
  private static List<Instant> instantsReading(LocalDateTime local, ZoneRules rules) {
    List<ZoneOffset> offsets = rules.getValidOffsets(local);
    if (offsets.isEmpty()) {
      return List.of(rules.getTransition(local).getInstant());
    }
    return offsets.stream().map(local::toInstant).toList();
  }

  /** The window as the API and the store write it: {@code "09:00"}, {@code ["MON", ...]}. */
  public Written written() {
    return new Written(
        start.toString(),
        end.toString(),
        days.stream().map(day -> day.name().substring(0, 3)).toList());
  }

  /** The written form, read back. */
  public static DeliveryWindow of(Written written) {
    return new DeliveryWindow(
        LocalTime.parse(written.start()),
        LocalTime.parse(written.end()),
        written.days() == null
            ? Set.of()
            : written.days().stream().map(DeliveryWindow::day).collect(toSet()));
  }

  /**
   * A day as written in a window: its first three letters in capitals, {@code MON} to {@code SUN}.
   */
  public static DayOfWeek day(String abbreviation) {
    for (DayOfWeek day : DayOfWeek.values()) {
      if (day.name().substring(0, 3).equals(abbreviation)) {
        return day;
      }
    }
    throw new IllegalArgumentException("not a day: " + abbreviation);
  }

  /** A window as JSON holds it. */
  public record Written(String start, String end, List<String> days) {}
}
