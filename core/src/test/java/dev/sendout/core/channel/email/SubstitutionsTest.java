package dev.sendout.core.channel.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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
                "<p>Hi {{name}}</p><a href=\"{{url}}\">go</a>"),
            "K");

    assertThat(parts.subject()).isEqualTo("Hi {{name|K}}");
    assertThat(parts.text()).isEqualTo("Hi {{name|K}}: {{url|K}}");
    assertThat(parts.html())
        .isEqualTo("<p>Hi {{name|html|K}}</p><a href=\"{{url|html|K}}\">go</a>");
    assertThat(parts.values(HOSTILE))
        .containsEntry("{{name|K}}", "<img src=x onerror=alert(1)>")
        .containsEntry("{{name|html|K}}", "&lt;img src&#61;x onerror&#61;alert(1)&gt;")
        .containsEntry("{{url|html|K}}", "https://s/?a&#61;1&amp;b&#61;&#39;2&#39;")
        .hasSize(4);
  }

  @Test
  void aRawVariableInTheHtmlPartSharesThePlainTag() {
    var parts =
        Substitutions.of(
            new EmailContent("s@example.com", null, "x", null, "{{{name}}}{{& name}}"), "K");

    assertThat(parts.html()).isEqualTo("{{name|K}}{{name|K}}");
    assertThat(parts.values(HOSTILE)).containsOnly(Map.entry("{{name|K}}", HOSTILE.get("name")));
  }

  @Test
  void bytesCountTagsAndValuesAsSent() {
    var parts =
        Substitutions.of(
            new EmailContent("s@example.com", null, "{{name}}", null, "{{name}}"), "K");

    // "{{name|K}}" with "é&" (3 bytes), and "{{name|html|K}}" with "é&amp;" (7 bytes).
    assertThat(parts.bytes(Map.of("name", "é&"))).isEqualTo(10 + 3 + 15 + 7);
  }

  @Test
  void contentStoredBeforeTemplatesWereCheckedIsSentAsItWas() {
    var parts =
        Substitutions.of(
            new EmailContent("s@example.com", null, "{{#each}} {{name}}", null, null), "K");

    assertThat(parts.subject()).isEqualTo("{{#each}} {{name|K}}");
    assertThat(parts.html()).isNull();
  }

  @Test
  void aValueHoldingTagsStaysTextWhicheverOrderSendGridFillsTheTagsIn() {
    var content =
        new EmailContent(
            "s@example.com", null, "Hi {{first}}", "Hi {{first}} {{note}}", "<p>{{first}}</p>");
    Map<String, String> variables =
        Map.of(
            "first",
            "{{note}}{{note|html}}{{ note }}{{{note}}}",
            "note",
            "<script>alert(2)</script>");

    var parts = Substitutions.of(content);
    List<Map.Entry<String, String>> values = new ArrayList<>(parts.values(variables).entrySet());
    List<Map.Entry<String, String>> reversed = new ArrayList<>(values);
    Collections.reverse(reversed);
    for (var order : List.of(values, reversed)) {
      String html = parts.html();
      for (var tag : order) {
        html = html.replace(tag.getKey(), tag.getValue()); // as SendGrid fills its tags
      }
      assertThat(html).isEqualTo("<p>{{note}}{{note|html}}{{ note }}{{{note}}}</p>");
    }
  }

  @Test
  void eachRequestsTagsHaveAKeyOfTheirOwn() {
    var content = new EmailContent("s@example.com", null, "Hi {{first}}", null, null);

    assertThat(Substitutions.of(content).subject())
        .matches("Hi \\{\\{first\\|[A-Za-z0-9_-]{11}}}")
        .isNotEqualTo(Substitutions.of(content).subject());
  }
}
