package dev.sendout.sandbox.sendgrid;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.sandbox.sendgrid.events.Fate;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageStoreTest {

  private final SendGridCounters counters = new SendGridCounters();
  private final MessageStore store =
      new MessageStore(
          new SendGridSandboxProperties("key", 2, new FaultSettings(0, 0, 0, 1, null, false)),
          counters);

  @Test
  void countsButStopsKeepingDetailsBeyondTheCap() {
    store.recordAccepted("x1", List.of(rendered("a"), rendered("b"), rendered("c")), noFates(3));
    store.recordAccepted("x2", List.of(rendered("a"), rendered(null)), noFates(2));

    assertThat(store.find("a")).hasValueSatisfying(r -> assertThat(r.sendCount()).isEqualTo(2));
    assertThat(store.find("b")).isPresent();
    assertThat(store.find("c")).isEmpty();
    SendGridStats stats = counters.snapshot(null);
    assertThat(stats.accepted()).isEqualTo(5);
    assertThat(stats.distinctMessages()).isEqualTo(3);
    assertThat(stats.duplicates()).isEqualTo(1);
    assertThat(stats.untracked()).isEqualTo(1);
  }

  @Test
  void clearingFreesTheSlots() {
    store.recordAccepted("x1", List.of(rendered("a"), rendered("b")), noFates(2));
    store.clear();
    store.recordAccepted("x2", List.of(rendered("c")), noFates(1));

    assertThat(store.find("a")).isEmpty();
    assertThat(store.find("c")).hasValueSatisfying(r -> assertThat(r.xMessageId()).isEqualTo("x2"));
    assertThat(counters.snapshot(null).accepted()).isEqualTo(1);
  }

  @Test
  void keepsTheFateOfEachPersonalizationAndReplacesItOnResend() {
    Fate silent = new Fate(Fate.Outcome.SILENT, false, false, false, false, false);
    Fate bounced = new Fate(Fate.Outcome.BOUNCED, false, false, false, true, false);
    Fate delivered = new Fate(Fate.Outcome.DELIVERED, true, false, false, false, false);

    store.recordAccepted("x1", List.of(rendered("a"), rendered("b")), List.of(silent, bounced));
    store.recordAccepted("x2", List.of(rendered("a")), List.of(delivered));

    assertThat(store.find("a")).hasValueSatisfying(r -> assertThat(r.fate()).isEqualTo(delivered));
    assertThat(store.find("b")).hasValueSatisfying(r -> assertThat(r.fate()).isEqualTo(bounced));
  }

  private static List<Fate> noFates(int personalizations) {
    return Collections.nCopies(personalizations, null);
  }

  private static RenderedPersonalization rendered(String messageId) {
    return new RenderedPersonalization(messageId, "a@example.com", "Hi", "text", null);
  }
}
