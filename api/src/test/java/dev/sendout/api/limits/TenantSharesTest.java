package dev.sendout.api.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.api.tenant.ApiKeyFilter;
import dev.sendout.api.tenant.Tenant;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.FilterChain;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

class TenantSharesTest {

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final TenantShares shares =
      new TenantShares(
          new LimitProperties(100, 1000, 3, 30, 6, 128, Duration.ZERO, 0, 0, Duration.ZERO),
          JsonMapper.builder().build(),
          meters);

  private static MockHttpServletRequest requestOf(String tenant) {
    var request = new MockHttpServletRequest("GET", "/v1/sendouts");
    request.setAttribute(ApiKeyFilter.TENANT, new Tenant(tenant, "key"));
    return request;
  }

  private MockHttpServletResponse send(String tenant, FilterChain api) throws Exception {
    var response = new MockHttpServletResponse();
    shares.doFilter(requestOf(tenant), response, api);
    return response;
  }

  @Test
  void aTenantHoldsTwoThirdsOfThePlacesAtMostAndTheOthersStillGetIn() throws Exception {
    var noisy = RequestsInProgress.hold(shares, requestOf("noisy"), requestOf("noisy"));
    FilterChain fast = (request, response) -> {};

    var refused = send("noisy", fast);
    var other = send("quiet", fast);

    assertThat(refused.getStatus()).isEqualTo(429);
    assertThat(refused.getHeader("Retry-After")).isEqualTo("1");
    assertThat(refused.getContentAsString())
        .contains("urn:sendout:problem:overloaded", "2 requests in progress");
    assertThat(other.getStatus()).isEqualTo(200);
    assertThat(meters.counter("sendout.api.requests.shed", "requests", "tenant").count())
        .isEqualTo(1);

    noisy.release();
    assertThat(send("noisy", fast).getStatus()).as("its places given back").isEqualTo(200);
  }
}
