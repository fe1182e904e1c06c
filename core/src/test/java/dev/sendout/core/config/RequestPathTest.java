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
          "/v1/%73endouts",
          "//v1//sendouts/",
          "/./v1/sendouts",
          "/x/../v1/sendouts",
          "/x/..;/v1/sendouts"
        }) {
      assertThat(RequestPath.normalise(raw)).as(raw).isEqualTo("/v1/sendouts");
    }
  }

  @Test
  void whatIsNotPercentEncodingIsComparedAsItIs() {
    assertThat(RequestPath.normalise("/v1/%zz/%4")).isEqualTo("/v1/%zz/%4");
    assertThat(RequestPath.normalise("/u/%C3%A9t%C3%A9")).isEqualTo("/u/été");
    assertThat(RequestPath.normalise("/")).isEqualTo("/");
    assertThat(RequestPath.normalise("/..")).isEqualTo("/");
  }
}
