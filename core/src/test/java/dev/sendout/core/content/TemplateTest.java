package dev.sendout.core.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

  @Test
  void escapedVariablesAreEscapedAndTripleOrAmpersandOnesAreNot() {
    Template html = Template.parse("<p>{{name}} {{{name}}} {{& name}} {{ name }}</p>");

    assertThat(html.render(Map.of("name", "<b>&"), Html::escape))
        .isEqualTo("<p>&lt;b&gt;&amp; <b>& <b>& &lt;b&gt;&amp;</p>");
    assertThat(html.render(Map.of("name", "<b>&"), UnaryOperator.identity()))
        .isEqualTo("<p><b>& <b>& <b>& <b>&</p>");
  }

  @Test
  void aCheckedTemplateNamesItsVariablesAndTakesBracesOutsideTagsAsText() {
    Template template = Template.parse("{ a } }} {{a}}{{{b}}}{{&c}}}");

    assertThat(template.names()).containsExactly("a", "b", "c");
    assertThat(template.render(Map.of("a", "1", "b", "2", "c", "3"), Html::escape))
        .isEqualTo("{ a } }} 123}");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      textBlock =
          """
          Hi {{name                  | line 1, column 4: '{{name' is not closed
          Hi {{name}                 | '{{name}' is not closed
          Hi {{{name}} there         | '{{{name}} there' is not closed: a tag ends with '}}}'
          {{a {{b}}                  | line 1, column 1: '{{a ' is not closed
          ok\\nHi {{name\\n}}       | line 2, column 4: '{{name' is not closed
          {{#each items}}x{{/each}}  | '{{#each items}}' is a section; only variables are supported
          {{^items}}x{{/items}}      | is an inverted section
          {{/items}}                 | is the end of a section
          {{> footer}}               | '{{> footer}}' is a partial
          {{! note }}                | is a comment
          {{=<% %>=}}                | is a change of delimiters
          {{<parent}}{{/parent}}     | is template inheritance
          {{}}                       | '{{}}' names no variable
          {{&}}                      | '{{&}}' names no variable
          {{1st}}                    | '{{1st}}' is not a variable name
          {{first-name}}             | '{{first-name}}' is not a variable name
          {{user.name}}              | '{{user.name}}' is not a variable name
          {{{ & name }}}             | is not a variable name
          """)
  void whatThisEngineDoesNotRenderIsRefusedSayingWhereAndWhy(String source, String problem) {
    String template = source.replace("\\n", "\n");

    assertThatThrownBy(() -> Template.parse(template))
        .isInstanceOf(Template.SyntaxException.class)
        .hasMessageContaining(problem);
  }

  @Test
  void aLongTagIsQuotedShortInItsError() {
    assertThatThrownBy(() -> Template.parse("{{" + "x".repeat(500)))
        .hasMessageEndingWith(
            "…' is not closed: a tag ends with '}}' on the same line, before the" + " next '{{'");
  }

  @Test
  void aTextOfBracesIsReadInTimeLinearInItsLength() {
    // Each '{{' once searched the rest of the text: 80,000 braces took 8 s over HTTP, and a body
    // of 8 MB would have held a request thread for days. Read linearly, 4 MB take milliseconds; the
    // bound below is a thousand times that, there to catch the quadratic reading coming back.
    String braces = "{".repeat(4 << 20);
    String tags = "{{x".repeat(1 << 20);
    assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () -> {
          assertThat(Template.names(braces, tags)).isEmpty();
          assertThatThrownBy(() -> Template.parse(tags))
              .hasMessageContaining("'{{x' is not closed");
        });
  }

  @Test
  void leniencyKeepsWhatWasSentBeforeTemplatesWereChecked() {
    assertThat(Template.render("{{#each}} {{1st}} {{ok}} {{ok", Map.of("ok", "K")))
        .isEqualTo("{{#each}} {{1st}} K {{ok");
  }
}
