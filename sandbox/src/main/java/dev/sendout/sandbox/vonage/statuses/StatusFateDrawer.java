package dev.sendout.sandbox.vonage.statuses;

import dev.sendout.sandbox.vonage.statuses.Fate.Outcome;
import dev.sendout.sandbox.webhook.FateDraws;
import dev.sendout.sandbox.webhook.FateDraws.Share;
import java.util.random.RandomGenerator;
import org.springframework.stereotype.Component;

/** Draws the fate of each accepted SMS from the rates in force. */
@Component
class StatusFateDrawer {

  private final FateDraws draws;

  StatusFateDrawer(StatusSettings startup) {
    this.draws = new FateDraws(startup.seed());
  }

  /** Restarts the draws from this seed. */
  void reseed(Long seed) {
    draws.reseed(seed);
  }

  Fate draw(StatusSettings settings) {
    RandomGenerator rng = draws.generator();
    Outcome outcome =
        FateDraws.split(
            rng.nextDouble(),
            Outcome.DELIVERED,
            new Share<>(Outcome.SILENT, settings.silenceRate()),
            new Share<>(Outcome.REJECTED, settings.rejectedRate()),
            new Share<>(Outcome.UNDELIVERABLE, settings.undeliverableRate()));
    // Unlike SendGrid's modifiers this draws even at a zero rate, which keeps seeded sequences as
    // they have always been.
    boolean submitted =
        (outcome == Outcome.DELIVERED || outcome == Outcome.UNDELIVERABLE)
            && rng.nextDouble() < settings.submittedRate();
    return new Fate(outcome, submitted);
  }
}
