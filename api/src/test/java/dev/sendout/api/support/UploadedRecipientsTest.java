package dev.sendout.api.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.sendout.CreateSendoutRequest.Recipient;
import java.io.ByteArrayInputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.json.JsonMapper;

class UploadedRecipientsTest {

  private final List<Recipient> read = new ArrayList<>();

  private UploadedRecipients csv(byte[] bytes, Charset charset) {
    return new UploadedRecipients(
        new ByteArrayInputStream(bytes),
        UploadedRecipients.Format.CSV,
        charset,
        chunk -> {
          read.addAll(chunk);
          return List.of();
        },
        JsonMapper.builder().build());
  }

  private UploadedRecipients ndjson(String text) {
    return new UploadedRecipients(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
        UploadedRecipients.Format.NDJSON,
        StandardCharsets.UTF_8,
        chunk -> {
          read.addAll(chunk);
          return List.of();
        },
        // As the API's mapper reads (StrictJson).
        JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
  }

  private UploadedRecipients csv(String text) {
    return csv(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
  }

  @Test
  void theByteOrderMarkSpreadsheetsWriteFirstIsSkipped() {
    csv("\uFEFFemail,name\nann@example.com,Ann\n").next();

    assertThat(read).containsExactly(new Recipient("ann@example.com", null, "Ann", null));
  }

  @Test
  void aTimeZoneColumnIsTheRecipientsZoneNotAVariable() {
    csv("phone,timeZone,firstName\n+12015550123,America/Chicago,Ann\n+12015550124,,Bo\n").next();

    assertThat(read)
        .containsExactly(
            new Recipient(
                null, "+12015550123", null, Map.of("firstName", "Ann"), null, "America/Chicago"),
            new Recipient(null, "+12015550124", null, Map.of("firstName", "Bo"), null, null));
  }

  /** A lower-case "timezone" column was stored as a variable: its recipients had no zone. */
  @Test
  void aColumnNamingARecipientsOwnInAnotherSpellingIsA400() {
    for (String header : List.of("phone,timezone", "Email,name", "email,external_id", "EMAIL")) {
      assertThatThrownBy(() -> csv(header + "\nx\n").next())
          .as(header)
          .isInstanceOf(ApiProblem.class)
          .hasMessageContaining("would be a variable");
    }
    csv("email,zone,firstName\nann@example.com,Mars,Ann\n").next();
    assertThat(read)
        .extracting(Recipient::variables)
        .containsExactly(Map.of("zone", "Mars", "firstName", "Ann"));
  }

  @Test
  void aDeclaredCharsetIsHonoured() {
    byte[] latin1 = "email,name\nann@example.com,Jos\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);

    csv(latin1, StandardCharsets.ISO_8859_1).next();

    assertThat(read).extracting(Recipient::name).containsExactly("Jos\u00e9");
  }

  @Test
  void aFileInAnotherCharsetThanDeclaredIsA400NamingTheLineNotStoredAsReplacementCharacters() {
    byte[] latin1 =
        "email,name\nann@example.com,Ann\nbob@example.com,Jos\u00e9\n"
            .getBytes(StandardCharsets.ISO_8859_1);

    assertThatThrownBy(() -> csv(latin1, StandardCharsets.UTF_8).next())
        .isInstanceOfSatisfying(
            ApiProblem.class,
            problem -> assertThat(problem.errors().get(0).pointer()).isEqualTo("#line=3"));
    assertThat(read).isEmpty();
  }

  /** Found by a hostile sweep: the parser's own words, a setting of it included. */
  @Test
  void anNdjsonLineIsRefusedInThisEnginesWords() {
    for (var line :
        Map.of(
                "{\"email\":\"a@example.com\",\"email\":\"b@example.com\"}",
                "the field \"email\" is given twice",
                "{\"email\":\"a@example.com\"\u001e}",
                "")
            .entrySet()) {
      assertThatThrownBy(() -> ndjson(line.getKey() + "\n").next())
          .as(line.getKey())
          .isInstanceOfSatisfying(
              ApiProblem.class,
              problem ->
                  assertThat(problem.errors().get(0).detail())
                      .contains(line.getValue())
                      .doesNotContain("enabl", "JsonReadFeature", "Duplicate Object"));
    }
  }

  /**
   * Found by a probe: empty columns at the end of a spreadsheet's export were refused; a value in
   * one is still refused, naming its line.
   */
  @Test
  void emptyColumnsAtTheEndAreNoneButAValueInOneIsA400() {
    csv("email,name,,\nann@example.com,Ann,,\n").next();
    assertThat(read).containsExactly(new Recipient("ann@example.com", null, "Ann", null));

    assertThatThrownBy(
            () -> csv("email,name,,\nann@example.com,Ann,,\nbo@example.com,Bo,x,\n").next())
        .isInstanceOfSatisfying(
            ApiProblem.class,
            problem -> {
              assertThat(problem.errors().get(0).pointer()).isEqualTo("#line=3");
              assertThat(problem.errors().get(0).detail()).contains("leaves without a name");
            });
  }

  @Test
  void anUnclosedQuoteOrARowWiderThanTheHeaderIsA400NamingTheLine() {
    assertThatThrownBy(() -> csv("email,name\nann@example.com,Ann,extra\n").next())
        .isInstanceOfSatisfying(
            ApiProblem.class,
            problem -> {
              assertThat(problem.errors().get(0).pointer()).isEqualTo("#line=2");
              assertThat(problem.errors().get(0).detail())
                  .as("in this engine's words, not the parser's (a hostile sweep)")
                  .isEqualTo("not valid CSV: more values than the header row's 2 columns");
            });
    assertThatThrownBy(() -> csv("email,name\nann@example.com,Ann\nbob@example.com,\"Bob\n").next())
        .isInstanceOfSatisfying(
            ApiProblem.class,
            problem -> assertThat(problem.errors().get(0).pointer()).startsWith("#line="));
  }
}
