package dev.sendout.workflows.receipt;

import static dev.sendout.workflows.receipt.ReceiptCheckPace.BURST;
import static dev.sendout.workflows.receipt.ReceiptCheckPace.dueAfterLookAt;
import static dev.sendout.workflows.receipt.ReceiptCheckPace.waitMs;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ReceiptCheckPaceTest {

  private static final long GAP = ReceiptCheckPace.GAP.toMillis();

  @Test
  void aBurstOfLooksIsAtOnceThenOneAGap() {
    long due = 0;
    for (int look = 0; look < BURST; look++) {
      assertThat(waitMs(due, 100 * look)).isZero();
      due = dueAfterLookAt(due, 100 * look);
    }
    assertThat(waitMs(due, 300)).isEqualTo(GAP - 300);

    long at = GAP;
    for (int look = 0; look < 20; look++) {
      assertThat(waitMs(due, at)).isZero();
      due = dueAfterLookAt(due, at);
      assertThat(waitMs(due, at + GAP - 1)).isEqualTo(1);
      at += GAP;
    }
  }

  @Test
  void aQuietGapGivesBackOnePlaceAndAQuietBurstAllOfThem() {
    long due = 0;
    for (int look = 0; look < BURST; look++) {
      due = dueAfterLookAt(due, 0);
    }
    assertThat(waitMs(due, GAP)).isZero();
    due = dueAfterLookAt(due, GAP);
    assertThat(waitMs(due, GAP + 1)).isPositive();

    long quiet = GAP + BURST * GAP;
    for (int look = 0; look < BURST; look++) {
      assertThat(waitMs(due, quiet)).isZero();
      due = dueAfterLookAt(due, quiet);
    }
    assertThat(waitMs(due, quiet)).isPositive();
  }

  /**
   * What lets a running batch take the pace where it waited out the gap before: whatever the looks
   * were, asked or not, the wait is never longer than the gap from the last look.
   */
  @Test
  void theWaitNeverOutlastsTheGapFromTheLastLook() {
    Random random = new Random(20261206);
    for (int run = 0; run < 1_000; run++) {
      long due = 0;
      long now = 0;
      for (int look = 0; look < 50; look++) {
        now += random.nextInt(random.nextBoolean() ? 500 : 3 * (int) GAP);
        due = dueAfterLookAt(due, now);
        long asked = now + random.nextInt(2 * (int) GAP);
        assertThat(waitMs(due, asked)).isLessThanOrEqualTo(Math.max(0, now + GAP - asked));
      }
    }
  }
}
