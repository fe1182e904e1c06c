package dev.sendout.core.channel.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SubstitutionsTest {

  private static final Map<String, String> HOSTILE =
      Map.of("name", "<img src=x onerror=alert(1)>", "url", "https://s/?a=1&b='2'");

  @Test
  void theHtmlPartEscapesItsVariablesWhileSubjectAndTextTakeThemAsGiven() {
    var parts =
        Substitutions.of(
            new EmailContent(
                "s@example.com",
                "S",
                "Hi {{name}}",
                "Hi {{ name }}: {{url}}",
                "<p>Hi {{name}}</p><a href=\"{{url}}\">go</a>"));

    assertThat(parts.subject()).isEqualTo("Hi {{name}}");
    assertThat(parts.text()).isEqualTo("Hi {{name}}: {{url}}");
    assertThat(parts.html()).isEqualTo("<p>Hi {{name|html}}</p><a href=\"{{url|html}}\">go</a>");
    assertThat(parts.values(HOSTILE))
        .containsEntry("{{name}}", "<img src=x onerror=alert(1)>")
        .containsEntry("{{name|html}}", "&lt;img src&#61;x onerror&#61;alert(1)&gt;")
        .containsEntry("{{url|html}}", "https://s/?a&#61;1&amp;b&#61;&#39;2&#39;")
        .hasSize(4);
  }

  @Test
  void aRawVariableInTheHtmlPartSharesThePlainTag() {
    var parts =
        Substitutions.of(
            new EmailContent("s@example.com", null, "x", null, "{{{name}}}{{& name}}"));

    assertThat(parts.html()).isEqualTo("{{name}}{{name}}");
    assertThat(parts.values(HOSTILE)).containsOnly(Map.entry("{{name}}", HOSTILE.get("name")));
  }

  @Test
  void bytesCountTagsAndValuesAsSent() {
    var parts =
        Substitutions.of(new EmailContent("s@example.com", null, "{{name}}", null, "{{name}}"));

    // "{{name}}" with "é&" (3 bytes), and "{{name|html}}" with "é&amp;" (7 bytes).
    assertThat(parts.bytes(Map.of("name", "é&"))).isEqualTo(8 + 3 + 13 + 7);
  }

  @Test
  void contentStoredBeforeTemplatesWereCheckedIsSentAsItWas() {
    var parts =
        Substitutions.of(new EmailContent("s@example.com", null, "{{#each}} {{name}}", null, null));

    assertThat(parts.subject()).isEqualTo("{{#each}} {{name}}");
    assertThat(parts.html()).isNull();
  }
}
