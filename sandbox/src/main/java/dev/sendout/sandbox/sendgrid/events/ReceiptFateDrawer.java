package dev.sendout.sandbox.sendgrid.events;

import static dev.sendout.sandbox.webhook.FateDraws.chance;

import dev.sendout.sandbox.sendgrid.events.Fate.Outcome;
import dev.sendout.sandbox.webhook.FateDraws;
import dev.sendout.sandbox.webhook.FateDraws.Share;
import java.util.random.RandomGenerator;
import org.springframework.stereotype.Component;

/** Draws the fate of each accepted personalization from the rates in force. */
@Component
class ReceiptFateDrawer {

  /** About a third of real bounces are reported as blocked rather than bounce. */
  private static final double BLOCKED_SHARE = 1.0 / 3;

  private final FateDraws draws;

  ReceiptFateDrawer(ReceiptStartupProperties properties) {
    this.draws = new FateDraws(properties.seed());
  }

  Fate draw(ReceiptSettings settings) {
    RandomGenerator rng = draws.generator();
    Outcome outcome =
        FateDraws.split(
            rng.nextDouble(),
            Outcome.DELIVERED,
            new Share<>(Outcome.SILENT, settings.silenceRate()),
            new Share<>(Outcome.DROPPED, settings.dropRate()),
            new Share<>(Outcome.BOUNCED, settings.bounceRate()));
    boolean delivered = outcome == Outcome.DELIVERED;
    boolean deferred = delivered && chance(rng, settings.deferredRate());
    boolean bouncedAfterDelivery = delivered && chance(rng, settings.asyncBounceRate());
    boolean outOfOrder = delivered && chance(rng, settings.outOfOrderRate());
    boolean bounces = outcome == Outcome.BOUNCED || bouncedAfterDelivery;
    boolean blocked = bounces && chance(rng, BLOCKED_SHARE);
    boolean customArgsOmitted = bounces && chance(rng, settings.bounceWithoutCustomArgsRate());
    return new Fate(
        outcome, deferred, bouncedAfterDelivery, outOfOrder, blocked, customArgsOmitted);
  }
}
