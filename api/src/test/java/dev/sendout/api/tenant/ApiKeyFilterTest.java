package dev.sendout.api.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.sendout.core.tenant.ApiKeys;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

class ApiKeyFilterTest {

  /**
   * Found by a second reader of the change that made the key check a filter: the database away
   * while a key was looked up was a 500 from the container's error page, where Spring MVC's handler
   * had answered 503 with Retry-After.
   */
  @Test
  void aKeyThatCannotBeCheckedForTheDatabaseIsA503WithRetryAfter() throws Exception {
    ApiKeys keys = mock(ApiKeys.class);
    when(keys.callerOf(anyString()))
        .thenThrow(new CannotGetJdbcConnectionException("Connection refused"));
    var filter = new ApiKeyFilter(keys, JsonMapper.builder().build());
    var request = new MockHttpServletRequest("GET", "/v1/sendouts");
    request.addHeader("Authorization", "Bearer sok_anything");
    var response = new MockHttpServletResponse();

    filter.doFilter(request, response, (req, res) -> {});

    assertThat(response.getStatus()).isEqualTo(503);
    assertThat(response.getHeader("Retry-After")).isNotNull();
    assertThat(response.getContentAsString()).contains("urn:sendout:problem:unavailable");
  }
}
