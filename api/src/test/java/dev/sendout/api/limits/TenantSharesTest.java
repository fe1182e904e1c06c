package dev.sendout.api.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.api.tenant.ApiKeyFilter;
import dev.sendout.api.tenant.Tenant;
import jakarta.servlet.FilterChain;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

class TenantSharesTest {

  private final TenantShares shares =
      new TenantShares(
          new LimitProperties(100, 1000, 3, 30, 6, 128, Duration.ZERO, 0, 0, Duration.ZERO),
          JsonMapper.builder().build());

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
    var inside = new CountDownLatch(2);
    var release = new CountDownLatch(1);
    FilterChain slow =
        (request, response) -> {
          inside.countDown();
          try {
            release.await(5, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    FilterChain fast = (request, response) -> {};
    List<Thread> holding = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Thread t =
          new Thread(
              () -> {
                try {
                  send("noisy", slow);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      t.start();
      holding.add(t);
    }
    assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();

    var refused = send("noisy", fast);
    var other = send("quiet", fast);

    assertThat(refused.getStatus()).isEqualTo(429);
    assertThat(refused.getHeader("Retry-After")).isEqualTo("1");
    assertThat(refused.getContentAsString())
        .contains("urn:sendout:problem:overloaded", "2 requests in progress");
    assertThat(other.getStatus()).isEqualTo(200);

    release.countDown();
    for (Thread t : holding) {
      t.join(5000);
    }
    assertThat(send("noisy", fast).getStatus()).as("its places given back").isEqualTo(200);
  }
}
