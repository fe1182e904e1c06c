package dev.sendout.core.content;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateTest {

  @Test
  void namesAreListedOnceInOrderOfFirstUseAcrossAllParts() {
    assertThat(Template.names("Hi {{ firstName }}, {{surveyUrl}}", null, "{{firstName}} {{_x1}}"))
        .containsExactly("firstName", "surveyUrl", "_x1");
  }

  @Test
  void onlyIdentifiersInDoubleBracesAreVariables() {
    assertThat(Template.names("{{1st}} {name} {{first-name}} {{}} {{ ok }}")).containsExactly("ok");
  }

  @Test
  void renderSubstitutesEveryOccurrenceWhateverTheWhitespaceInsideTheBraces() {
    assertThat(
            Template.render(
                "{{firstName}}, {{ firstName }}: {{\tsurveyUrl }}",
                Map.of("firstName", "Ann", "surveyUrl", "https://s/1")))
        .isEqualTo("Ann, Ann: https://s/1");
  }

  @Test
  void valuesAreInsertedLiterallyEvenWhenTheyLookLikeReplacementSyntaxOrVariables() {
    assertThat(
            Template.render(
                "Pay {{amount}} {{path}} {{other}}",
                Map.of("amount", "$1 \\ $0", "path", "{{other}}", "other", "x")))
        .isEqualTo("Pay $1 \\ $0 {{other}} x");
  }

  @Test
  void aVariableWithoutAValueIsLeftAsWritten() {
    Map<String, String> values = new HashMap<>();
    values.put("known", "K");
    values.put("nothing", null);

    assertThat(Template.render("{{known}} {{ unknown }} {{nothing}}", values))
        .isEqualTo("K {{ unknown }} {{nothing}}");
  }

  @Test
  void textWithoutVariablesIsReturnedUnchanged() {
    assertThat(Template.render("", Map.of())).isEmpty();
    assertThat(Template.render("Plain {text}", Map.of("text", "no"))).isEqualTo("Plain {text}");
  }
}
