package dev.sendout.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestPathTest {

  @Test
  void everySpellingSpringMvcRoutesToAPathIsThatPath() {
    for (String raw :
        new String[] {
          "/v1/sendouts",
          "/v1;x=y/sendouts",
          "/v1/sendouts;jsessionid=1",
          "/%761/sendouts",
          "/v1/%73endouts"
        }) {
      assertThat(RequestPath.normalise(raw)).as(raw).isEqualTo("/v1/sendouts");
    }
  }

  /**
   * As Spring MVC's path patterns take them, found by a second reader: resolving them here made
   * /v1/.. a path outside /v1 that Spring still gave /v1's interceptors (a 500 without a key), and
   * /actuator/health/x/../y a path the health guard let through.
   */
  @Test
  void dotAndEmptySegmentsStayAsTheyAre() {
    assertThat(RequestPath.normalise("/v1/..")).isEqualTo("/v1/..");
    assertThat(RequestPath.normalise("/actuator/health/x/../y"))
        .isEqualTo("/actuator/health/x/../y");
    assertThat(RequestPath.normalise("//v1//sendouts/")).isEqualTo("//v1//sendouts/");
  }

  /** Tomcat passes an encoded slash through, and Spring keeps it within its segment: so here. */
  @Test
  void anEncodedSlashStaysWithinItsSegment() {
    assertThat(RequestPath.normalise("/%2Fv1/x")).isEqualTo("/%2Fv1/x");
    assertThat(RequestPath.normalise("/v1/a%2fb/recipients")).isEqualTo("/v1/a%2fb/recipients");
    assertThat(RequestPath.normalise("/v1%2Fsuppressions")).isEqualTo("/v1%2Fsuppressions");
  }

  @Test
  void whatIsNotPercentEncodingIsComparedAsItIs() {
    assertThat(RequestPath.normalise("/v1/%zz/%4")).isEqualTo("/v1/%zz/%4");
    assertThat(RequestPath.normalise("/u/%C3%A9t%C3%A9")).isEqualTo("/u/été");
    assertThat(RequestPath.normalise("/")).isEqualTo("/");
    assertThat(RequestPath.normalise("")).isEqualTo("/");
  }
}
