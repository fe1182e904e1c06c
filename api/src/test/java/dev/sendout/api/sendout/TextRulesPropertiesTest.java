package dev.sendout.api.sendout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.core.HostileText;
import dev.sendout.core.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The text rule over generated text of every Unicode category: what it accepts, Postgres stores and
 * gives back unchanged, and what it accepts for a header has no line break; what it refuses it
 * refuses with words, never an exception.
 */
class TextRulesPropertiesTest {

  private static Connection connection;

  @BeforeContainer
  static void connect() throws SQLException {
    connection = DriverManager.getConnection(TestDatabase.url());
  }

  @AfterContainer
  static void disconnect() throws SQLException {
    connection.close();
  }

  @Property
  void aLineAcceptedHasNoLineBreakNulOrOtherControlCharacter(@ForAll("hostile") String value) {
    if (TextRules.problem(value, TextRules.Kind.LINE) != null) {
      return;
    }

    assertThat(value.chars())
        .noneMatch(
            c ->
                c < 0x20
                    || (c >= 0x7F && c <= 0x9F)
                    || c == 0x2028
                    || c == 0x2029
                    || c == 0x202D
                    || c == 0x202E);
  }

  @Property
  void aBodyAcceptedHasNoNulAndNoControlCharacterButTabAndLineBreaks(
      @ForAll("hostile") String value) {
    if (TextRules.problem(value, TextRules.Kind.BODY) != null) {
      return;
    }

    assertThat(value.chars())
        .noneMatch(
            c -> (c < 0x20 && c != '\t' && c != '\r' && c != '\n') || (c >= 0x7F && c <= 0x9F));
  }

  @Property
  void acceptedTextSurvivesUtf8Unchanged(@ForAll("hostile") String value) {
    if (TextRules.problem(value, TextRules.Kind.BODY) != null) {
      return;
    }

    assertThat(new String(value.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
        .isEqualTo(value);
  }

  @Property
  void acceptedTextIsStoredByPostgresAndReadBackUnchanged(@ForAll("hostile") String value)
      throws SQLException {
    if (TextRules.problem(value, TextRules.Kind.BODY) != null) {
      return;
    }

    try (PreparedStatement select = connection.prepareStatement("select ?::text")) {
      select.setString(1, value);
      try (ResultSet result = select.executeQuery()) {
        result.next();
        assertThat(result.getString(1)).isEqualTo(value);
      }
    }
  }

  @Property
  void aLineAcceptedIsAcceptedAsABody(@ForAll("hostile") String value) {
    if (TextRules.problem(value, TextRules.Kind.LINE) == null) {
      assertThat(TextRules.problem(value, TextRules.Kind.BODY)).isNull();
    }
  }

  @Property
  void textOfNoControlCharacterLoneSurrogateLineSeparatorOrOverrideIsAcceptedEverywhere(
      @ForAll("hostile") String value) {
    String printable =
        value
            .codePoints()
            .filter(c -> Character.getType(c) != Character.CONTROL)
            .filter(c -> Character.getType(c) != Character.SURROGATE)
            .filter(c -> Character.getType(c) != Character.LINE_SEPARATOR)
            .filter(c -> Character.getType(c) != Character.PARAGRAPH_SEPARATOR)
            .filter(c -> c != 0x202D && c != 0x202E)
            .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
            .toString();

    assertThat(TextRules.problem(printable, TextRules.Kind.LINE)).isNull();
  }

  /**
   * Found by the fourth hostile sweep: a support action's "by" with U+2028 was accepted, and the
   * workflow's log line about it read as two.
   */
  @Example
  void unicodesLineAndParagraphSeparatorsAreLineBreaksInALineAndAllowedInABody() {
    for (String value : new String[] {"Ann\u2028Admin", "Ann\u2029Admin"}) {
      assertThat(TextRules.problem(value, TextRules.Kind.LINE)).contains("line break");
      assertThat(TextRules.problem(value, TextRules.Kind.BODY)).isNull();
    }
  }

  /**
   * Found by a hostile audit: "by": "\u202Eevil" was accepted, and the log line and audit entry
   * read reversed. Right-to-left text needs no override, and a body may hold one.
   */
  @Example
  void aBidirectionalOverrideIsRefusedInALineAndAllowedInABody() {
    for (String value : new String[] {"\u202Eevil", "Ann \u202Dx"}) {
      assertThat(TextRules.problem(value, TextRules.Kind.LINE)).contains("bidirectional override");
      assertThat(TextRules.problem(value, TextRules.Kind.BODY)).isNull();
    }
    assertThat(TextRules.problem("שלום Ann مرحبا", TextRules.Kind.LINE)).isNull();
  }

  @Provide
  Arbitrary<String> hostile() {
    return HostileText.strings();
  }
}
