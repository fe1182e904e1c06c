package dev.sendout.sandbox.vonage.statuses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sendout.sandbox.vonage.InvalidParameter;
import org.junit.jupiter.api.Test;

class StatusSettingsHolderTest {

  private static final StatusStartupProperties NO_SECRET = new StatusStartupProperties("");
  private static final StatusStartupProperties SECRET = new StatusStartupProperties("a-secret");

  @Test
  void refusesToStartWithAWebhookUrlButNoSignatureSecretNamingBothSettings() {
    assertThatThrownBy(() -> new StatusSettingsHolder(settings("http://127.0.0.1:9/"), NO_SECRET))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("sandbox.vonage.statuses")
        .hasMessageContaining("webhookUrl")
        .hasMessageContaining("signature-secret")
        .hasMessageContaining("SANDBOX_VONAGE_SIGNATURE_SECRET");
  }

  @Test
  void startsWithoutASecretAsLongAsStatusesAreOffButRefusesToSwitchThemOnLater() {
    StatusSettingsHolder holder = new StatusSettingsHolder(settings(""), NO_SECRET);

    assertThat(holder.apply(update("http://127.0.0.1:9/")).problems())
        .extracting(InvalidParameter::name)
        .containsExactly("webhookUrl");
    assertThat(holder.current().enabled()).isFalse();
  }

  @Test
  void switchesStatusesOnWhenTheSecretIsThere() {
    StatusSettingsHolder holder = new StatusSettingsHolder(settings(""), SECRET);

    assertThat(holder.apply(update("http://127.0.0.1:9/")).problems()).isEmpty();
    assertThat(holder.current().webhookUrl()).isEqualTo("http://127.0.0.1:9/");
    assertThat(SECRET.toString()).doesNotContain("a-secret");
  }

  private static StatusSettings settings(String webhookUrl) {
    return new StatusSettings(webhookUrl, 500, 0, 0, 0, 1, 1, 20, 1000, 100_000, null);
  }

  private static StatusesUpdate update(String webhookUrl) {
    return new StatusesUpdate(
        webhookUrl, null, null, null, null, null, null, null, null, null, null);
  }
}
