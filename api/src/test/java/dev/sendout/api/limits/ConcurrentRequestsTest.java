package dev.sendout.api.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.FilterChain;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

class ConcurrentRequestsTest {

  private static LimitProperties allowing(int requests) {
    return allowing(requests, 30);
  }

  private static LimitProperties allowing(int requests, int publicRequests) {
    return new LimitProperties(
        100, 1000, requests, publicRequests, 6, 128, Duration.ZERO, 0, 0, Duration.ZERO);
  }

  @Test
  void aRequestBeyondTheBoundIs429AtOnceWithRetryAfterWithoutReachingTheApi() throws Exception {
    var meters = new SimpleMeterRegistry();
    var filter = new ConcurrentRequests(allowing(1), 200, JsonMapper.builder().build(), meters);
    var first = RequestsInProgress.hold(filter, new MockHttpServletRequest("GET", "/v1/sendouts"));
    var reached = new AtomicInteger();
    FilterChain api = (request, response) -> reached.incrementAndGet();

    var refused = new MockHttpServletResponse();
    filter.doFilter(new MockHttpServletRequest("POST", "/v1/sendouts/x/recipients"), refused, api);
    var webhook = new MockHttpServletResponse();
    filter.doFilter(new MockHttpServletRequest("POST", "/webhooks/sendgrid"), webhook, api);

    assertThat(refused.getStatus()).isEqualTo(429);
    assertThat(refused.getHeader("Retry-After")).isEqualTo("1");
    assertThat(refused.getContentType()).isEqualTo("application/problem+json");
    assertThat(refused.getContentAsString()).contains("urn:sendout:problem:overloaded");
    assertThat(meters.counter("sendout.api.requests.shed", "requests", "api").count()).isEqualTo(1);
    assertThat(reached).as("the webhook, not the refused one").hasValue(1);

    first.release();
    var after = new MockHttpServletResponse();
    filter.doFilter(new MockHttpServletRequest("GET", "/v1/sendouts"), after, api);
    assertThat(after.getStatus()).isEqualTo(200);
    assertThat(reached).hasValue(2);
  }

  /**
   * Found by the fourth hostile sweep: 210 webhook calls by anyone, each sending its body slowly,
   * held every request thread, and /v1 and health timed out for 40 s.
   */
  @Test
  void whatAnyoneMayCallHasABoundOfItsOwnAndHealthHasNone() throws Exception {
    var meters = new SimpleMeterRegistry();
    var filter = new ConcurrentRequests(allowing(1, 1), 200, JsonMapper.builder().build(), meters);
    var slowWebhook =
        RequestsInProgress.hold(
            filter, new MockHttpServletRequest("POST", "/webhooks/sendgrid/events"));

    FilterChain answered = (request, response) -> {};
    var webhook = new MockHttpServletResponse();
    filter.doFilter(
        new MockHttpServletRequest("POST", "/webhooks/vonage/status"), webhook, answered);
    var unsubscribe = new MockHttpServletResponse();
    filter.doFilter(new MockHttpServletRequest("POST", "/u/token"), unsubscribe, answered);
    var api = new MockHttpServletResponse();
    filter.doFilter(new MockHttpServletRequest("GET", "/v1/sendouts"), api, answered);
    var health = new MockHttpServletResponse();
    filter.doFilter(new MockHttpServletRequest("GET", "/actuator/health"), health, answered);

    assertThat(webhook.getStatus()).isEqualTo(429);
    assertThat(webhook.getHeader("Retry-After")).isEqualTo("1");
    assertThat(unsubscribe.getStatus()).isEqualTo(429);
    assertThat(api.getStatus()).isEqualTo(200);
    assertThat(health.getStatus()).isEqualTo(200);
    assertThat(meters.counter("sendout.api.requests.shed", "requests", "public").count())
        .isEqualTo(2);
    slowWebhook.release();
  }

  /**
   * Found by a security audit: thirty SendGrid webhook calls whose bodies never came held every
   * public place, and every receipt and unsubscribe link was 429 for as long as they were renewed.
   * SendGrid's webhook, signed over its body, takes half of the public places at most.
   */
  @Test
  void sendGridsWebhookHoldsHalfOfThePublicPlacesAtMost() throws Exception {
    var meters = new SimpleMeterRegistry();
    var filter = new ConcurrentRequests(allowing(1, 4), 200, JsonMapper.builder().build(), meters);
    var slow =
        RequestsInProgress.hold(
            filter,
            new MockHttpServletRequest("POST", "/webhooks/sendgrid/events"),
            new MockHttpServletRequest("POST", "/webhooks/sendgrid/events"));

    FilterChain answered = (request, response) -> {};
    var third = new MockHttpServletResponse();
    filter.doFilter(
        new MockHttpServletRequest("POST", "/webhooks/sendgrid/events"), third, answered);
    var status = new MockHttpServletResponse();
    filter.doFilter(
        new MockHttpServletRequest("POST", "/webhooks/vonage/status"), status, answered);
    var unsubscribe = new MockHttpServletResponse();
    filter.doFilter(new MockHttpServletRequest("POST", "/u/token"), unsubscribe, answered);

    assertThat(third.getStatus()).isEqualTo(429);
    assertThat(status.getStatus()).isEqualTo(200);
    assertThat(unsubscribe.getStatus()).isEqualTo(200);
    assertThat(meters.counter("sendout.api.requests.shed", "requests", "public").count())
        .isEqualTo(1);
    slow.release();
    var after = new MockHttpServletResponse();
    filter.doFilter(
        new MockHttpServletRequest("POST", "/webhooks/sendgrid/events"), after, answered);
    assertThat(after.getStatus()).isEqualTo(200);

    // Refused by the public bound with its share taken: the share is given back all the same.
    var others =
        RequestsInProgress.hold(
            filter,
            new MockHttpServletRequest("POST", "/webhooks/vonage/status"),
            new MockHttpServletRequest("POST", "/webhooks/vonage/status"),
            new MockHttpServletRequest("POST", "/webhooks/vonage/inbound"),
            new MockHttpServletRequest("POST", "/webhooks/vonage/inbound"));
    for (int i = 0; i < 3; i++) {
      var full = new MockHttpServletResponse();
      filter.doFilter(
          new MockHttpServletRequest("POST", "/webhooks/sendgrid/events"), full, answered);
      assertThat(full.getStatus()).isEqualTo(429);
    }
    others.release();
    var held =
        RequestsInProgress.hold(
            filter,
            new MockHttpServletRequest("POST", "/webhooks/sendgrid/events"),
            new MockHttpServletRequest("POST", "/webhooks/sendgrid/events"));
    held.release();
  }

  /**
   * Found by a hostile sweep: every email carries a valid unsubscribe link, and 31 posts to one,
   * sending a byte a second, held every public place; every receipt was refused.
   */
  @Test
  void theUnsubscribeLinksHoldAThirdOfThePublicPlacesAtMost() throws Exception {
    var filter =
        new ConcurrentRequests(
            allowing(1, 6), 200, JsonMapper.builder().build(), new SimpleMeterRegistry());
    var slow =
        RequestsInProgress.hold(
            filter,
            new MockHttpServletRequest("POST", "/u/token"),
            new MockHttpServletRequest("POST", "/u/token"));

    FilterChain answered = (request, response) -> {};
    var third = new MockHttpServletResponse();
    filter.doFilter(new MockHttpServletRequest("POST", "/u/token"), third, answered);
    var receipt = new MockHttpServletResponse();
    filter.doFilter(
        new MockHttpServletRequest("POST", "/webhooks/sendgrid/events"), receipt, answered);

    assertThat(third.getStatus()).isEqualTo(429);
    assertThat(receipt.getStatus()).isEqualTo(200);
    slow.release();
  }

  @Test
  void theApiDoesNotStartWithABoundThatCouldTakeMostOfItsRequestThreads() {
    var json = JsonMapper.builder().build();

    assertThatThrownBy(
            () -> new ConcurrentRequests(allowing(151), 200, json, new SimpleMeterRegistry()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("max-concurrent-requests (151)")
        .hasMessageContaining("server.tomcat.threads.max (200) less 20");
    new ConcurrentRequests(allowing(150), 200, json, new SimpleMeterRegistry());
  }
}
