package dev.sendout.workflows;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * A change made after 0.3 cannot be asked through {@link Changes}: runs already started with its
 * one version would take it up halfway. (Every listed change is asked by the workflow tests and the
 * replayed histories, through the code that depends on it.)
 */
class ChangesTest {

  @Test
  void aChangeNotListedIsRefusedBeforeAnythingIsAsked() {
    assertThatThrownBy(() -> Changes.has("a-later-change"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Workflow.getVersion");
  }
}
