package dev.sendout.api.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sendout.core.config.InvalidSetting;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

class AdminTokenFilterTest {

  private final JsonMapper json = JsonMapper.builder().build();

  @Test
  void aShortTokenStopsTheStartAndALineBreakAfterOneReadFromAFileIsNotPartOfIt() throws Exception {
    assertThatThrownBy(() -> new AdminTokenFilter("admin", json))
        .isInstanceOfSatisfying(
            InvalidSetting.class, e -> assertThat(e.variable()).isEqualTo("SENDOUT_ADMIN_TOKEN"));
    var filter = new AdminTokenFilter("a-token-of-26-characters-x\n", json);
    var request = new MockHttpServletRequest("GET", "/admin/api-keys");
    request.addHeader("Authorization", "Bearer a-token-of-26-characters-x");
    var passed = new AtomicBoolean();

    filter.doFilter(request, new MockHttpServletResponse(), (req, res) -> passed.set(true));

    assertThat(passed).isTrue();
  }

  /**
   * Found by a newcomer's walkthrough: the README's admin call answered a bare "No such resource".
   */
  @Test
  void withoutATokenTheAdminApiIsA404ThatSaysHowToOpenIt() throws Exception {
    var filter = new AdminTokenFilter("", json);
    var response = new MockHttpServletResponse();

    filter.doFilter(
        new MockHttpServletRequest("GET", "/admin/api-keys"), response, (req, res) -> {});

    assertThat(response.getStatus()).isEqualTo(404);
    assertThat(json.readTree(response.getContentAsString()).path("detail").asString())
        .isEqualTo(AdminTokenFilter.ADMIN_OFF);
  }
}
