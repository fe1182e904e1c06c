package dev.sendout.sandbox.sendgrid;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SendGridFaultInjectorTest {

  private final SendGridFaultInjector injector =
      new SendGridFaultInjector(
          new SendGridSandboxProperties("key", 10, new FaultSettings(0, 0, 0, 3, null, false)));

  @Test
  void forcedFailuresAreServedExactlyCountTimes() {
    injector.update(new FaultsUpdate(null, null, null, null, new FailNextRequests(503, 2), null));

    assertThat(injector.draw()).contains(new InjectedFault(503, 3));
    assertThat(injector.draw()).contains(new InjectedFault(503, 3));
    assertThat(injector.draw()).isEmpty();
    assertThat(injector.current().failNextRequests()).isNull();
  }

  @Test
  void rejectedCredentialsStayOnThroughUpdatesThatDoNotMentionThem() {
    injector.update(new FaultsUpdate(null, null, null, null, null, true));
    injector.update(new FaultsUpdate(5L, null, null, null, null, null));

    assertThat(injector.rejectsCredentials()).isTrue();
    assertThat(injector.latencyMs()).isEqualTo(5);

    injector.update(new FaultsUpdate(null, null, null, null, null, false));

    assertThat(injector.rejectsCredentials()).isFalse();
  }

  @Test
  void ratesSplitOneDrawBetweenThrottlingAndServerErrors() {
    injector.update(new FaultsUpdate(null, 0.25, 0.25, null, null, null));
    int throttled = 0;
    int failed = 0;
    for (int i = 0; i < 20_000; i++) {
      int status = injector.draw().map(InjectedFault::status).orElse(202);
      throttled += status == 429 ? 1 : 0;
      failed += status == 500 ? 1 : 0;
    }

    assertThat(throttled).isBetween(4_500, 5_500);
    assertThat(failed).isBetween(4_500, 5_500);
  }
}
