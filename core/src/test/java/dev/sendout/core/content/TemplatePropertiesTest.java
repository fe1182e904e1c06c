package dev.sendout.core.content;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.core.HostileText;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The template parser over generated input: it refuses with its own syntax error or parses, never
 * loses or invents a character, and an escaped variable never brings markup into the html part.
 */
class TemplatePropertiesTest {

  @Property
  void parsingAnswersWithATemplateOrItsOwnSyntaxErrorAndNothingElse(
      @ForAll("templateLike") String source) {
    boolean parsed;
    try {
      Template.parse(source);
      parsed = true;
    } catch (Template.SyntaxException expected) {
      assertThat(expected.getMessage()).startsWith("line ");
      parsed = false;
    }
    // The properties below hold only for parsed templates: enough of them must be generated.
    Statistics.collect(parsed ? "parsed" : "refused");
    Statistics.coverage(
        coverage -> {
          coverage.check("parsed").percentage(p -> p >= 5);
          coverage.check("refused").percentage(p -> p >= 5);
        });
  }

  @Property
  void aParsedTemplateRenderedWithoutValuesIsItsSourceCharacterForCharacter(
      @ForAll("templateLike") String source) {
    Template template;
    try {
      template = Template.parse(source);
    } catch (Template.SyntaxException refused) {
      return;
    }

    assertThat(template.render(Map.of(), UnaryOperator.identity())).isEqualTo(source);
  }

  @Property
  void theLenientReadingOfAnyTextRendersWithoutValuesToThatText(
      @ForAll("templateLike") String source) {
    assertThat(Template.render(source, Map.of())).isEqualTo(source);
  }

  @Property
  void everyNameOfAParsedTemplateIsAnIdentifierAndIsAlsoFoundByTheLenientReading(
      @ForAll("templateLike") String source) {
    Template template;
    try {
      template = Template.parse(source);
    } catch (Template.SyntaxException refused) {
      return;
    }

    assertThat(template.names()).allMatch(name -> name.matches("[A-Za-z_][A-Za-z0-9_]*"));
    assertThat(Template.names(source)).containsExactlyElementsOf(template.names());
  }

  @Property
  void escapedVariablesBringNoMarkupIntoTextThatHadNone(
      @ForAll("templateLike") String source, @ForAll("hostile") String value) {
    Template template;
    try {
      template = Template.parse(source);
    } catch (Template.SyntaxException refused) {
      return;
    }
    boolean anyRaw =
        template.pieces().stream().anyMatch(p -> p instanceof Template.Variable v && v.raw());
    String text =
        template.pieces().stream()
            .filter(p -> p instanceof Template.Text)
            .map(p -> ((Template.Text) p).text())
            .reduce("", String::concat);
    if (anyRaw || text.contains("<") || text.contains(">")) {
      return;
    }
    Map<String, String> values = new HashMap<>();
    template.names().forEach(name -> values.put(name, value));

    assertThat(template.render(values, Html::escape)).doesNotContain("<", ">");
  }

  /** Text with tags of every kind, well formed or not, among hostile characters. */
  @Provide
  Arbitrary<String> templateLike() {
    Arbitrary<String> piece =
        Arbitraries.oneOf(
            Arbitraries.of(
                "{{name}}",
                "{{ first_Name1 }}",
                "{{{raw}}}",
                "{{& raw }}",
                "{{",
                "}}",
                "{{{",
                "}}}",
                "{{#each}}",
                "{{/each}}",
                "{{^x}}",
                "{{>p}}",
                "{{!c}}",
                "{{=<% %>=}}",
                "{{1st}}",
                "{{}}",
                "{{a\nb}}",
                "\r\n",
                "{",
                "}",
                "<b>"),
            HostileText.codePoints());
    return piece.list().ofMaxSize(8).map(pieces -> String.join("", pieces));
  }

  @Provide
  Arbitrary<String> hostile() {
    return HostileText.strings();
  }
}
