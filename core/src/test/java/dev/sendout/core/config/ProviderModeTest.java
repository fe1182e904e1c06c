package dev.sendout.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class ProviderModeTest {

  private static final String WHY = "the api verifies webhooks with it";

  private static void require(MockEnvironment environment) {
    ProviderMode.of(environment)
        .require(environment, "sendout.key", "THE_KEY", "SANDBOX_THE_KEY", WHY);
  }

  @Test
  void theSandboxIsTheDefaultAndRequiresNothing() {
    MockEnvironment environment = new MockEnvironment();

    assertThat(ProviderMode.of(environment)).isEqualTo(ProviderMode.SANDBOX);
    require(environment);
    environment.setProperty("SENDOUT_PROVIDERS", " ");
    assertThat(ProviderMode.of(environment)).isEqualTo(ProviderMode.SANDBOX);
  }

  @Test
  void aModeThatIsNeitherSandboxNorLiveStopsTheAppNamingTheVariable() {
    for (String value : new String[] {"LIVE", "lve", "sandbox,live", "production"}) {
      MockEnvironment environment = new MockEnvironment().withProperty("SENDOUT_PROVIDERS", value);

      assertThatThrownBy(() -> ProviderMode.of(environment))
          .as(value)
          .isInstanceOf(InvalidSetting.class)
          .hasMessageStartingWith("SENDOUT_PROVIDERS is invalid: it must be sandbox");
    }
  }

  @Test
  void liveRefusesASettingWithoutAValue() {
    MockEnvironment environment =
        new MockEnvironment()
            .withProperty("SENDOUT_PROVIDERS", "live")
            .withProperty("sendout.key", " ");

    assertThatThrownBy(() -> require(environment))
        .isInstanceOf(InvalidSetting.class)
        .hasMessage(
            "THE_KEY is not set: " + WHY + "; with SENDOUT_PROVIDERS=live it has no default");
  }

  @Test
  void liveRefusesTheSandboxsOwnValueAndTakesAnyOther() {
    MockEnvironment environment =
        new MockEnvironment()
            .withProperty("SENDOUT_PROVIDERS", "live")
            .withProperty("SANDBOX_THE_KEY", "sandbox-secret")
            .withProperty("sendout.key", "sandbox-secret");

    assertThatThrownBy(() -> require(environment))
        .isInstanceOf(InvalidSetting.class)
        .hasMessageStartingWith(
            "THE_KEY is not set: " + WHY + "; the value in use is the sandbox's");

    environment.setProperty("sendout.key", "the-real-secret");
    require(environment);
  }
}
