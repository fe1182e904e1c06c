package dev.sendout.core.channel.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sendout.core.receipt.Receipt;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SendGridEventsTest {

  private static final String FIRST =
      "{ \"event\" : \"delivered\", \"sg_event_id\":\"e1\", \"reason\": \"a \\\"quoted\\\" ü\" }";
  private static final String SECOND = "{\"event\":\"open\",\"nested\":{\"a\":[1,{\"b\":\"}\"}]}}";

  @Test
  void eachReceiptKeepsItsEventsOwnTextFromTheBody() {
    byte[] body = ("[\n  " + FIRST + " ,\n" + SECOND + "]").getBytes(StandardCharsets.UTF_8);

    List<Receipt> receipts = SendGridEvents.parse(body);

    assertThat(receipts).extracting(Receipt::payload).containsExactly(FIRST, SECOND);
    assertThat(receipts).extracting(Receipt::eventType).containsExactly("delivered", "open");
  }

  @Test
  void anEventWithoutAnIdIsKnownByItsContentHoweverItIsSpaced() {
    String spaced = "[ { \"event\" : \"open\" , \"email\" : \"a@example.com\" } ]";
    String tight = "[{\"event\":\"open\",\"email\":\"a@example.com\"}]";

    String id = SendGridEvents.parse(spaced.getBytes(StandardCharsets.UTF_8)).get(0).eventId();

    assertThat(id).startsWith("sha256:");
    assertThat(SendGridEvents.parse(tight.getBytes(StandardCharsets.UTF_8)).get(0).eventId())
        .isEqualTo(id);
  }

  @Test
  void anEventWithAnEscapeIsWrittenOutAgainAndATimeNoDatabaseStoresIsLeftOut() {
    String escaped = "{\"event\":\"open\",\"reason\":\"cut \\ud83d\",\"timestamp\":1e15}";

    Receipt receipt =
        SendGridEvents.parse(("[" + escaped + "]").getBytes(StandardCharsets.UTF_8)).get(0);

    assertThat(receipt.payload()).doesNotContain("\\u").contains("\"reason\":\"cut ");
    assertThat(receipt.occurredAt()).isNull();
  }

  /**
   * Jackson's byte parser decodes C0 80 as U+0000, which Postgres refused: the whole call a 400.
   */
  @Test
  void aNulWrittenAsBytesThatAreNotUtf8IsStoredAsAReplacementCharacter() {
    byte[] body =
        concat(
            "[{\"event\":\"bounce\",\"sg_event_id\":\"ov",
            "\",\"type\":\"bounce\",\"reason\":\"a",
            "b\"}]");

    Receipt receipt = SendGridEvents.parse(body).get(0);

    assertThat(List.of(receipt.eventId(), receipt.reason(), receipt.payload()))
        .allSatisfy(text -> assertThat(text).doesNotContain("\u0000"));
  }

  /** The parts, joined by the two bytes C0 80 (an overlong, not valid, UTF-8 encoding of NUL). */
  private static byte[] concat(String... parts) {
    var out = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        out.write(0xC0);
        out.write(0x80);
      }
      out.writeBytes(parts[i].getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  /** "[] xx" and "[][]" were taken as no events, and "[{...}] xx" had its events applied. */
  @Test
  void aBodyWithMoreAfterItsArrayIsMalformedAndWhitespaceIsNot() {
    for (String body : List.of("[] xx", "[][]", "[" + SECOND + "] {}")) {
      assertThatThrownBy(() -> SendGridEvents.parse(body.getBytes(StandardCharsets.UTF_8)))
          .as(body)
          .isInstanceOf(SendGridEvents.MalformedEventsException.class);
    }
    assertThat(SendGridEvents.parse(("[" + SECOND + "]\r\n ").getBytes(StandardCharsets.UTF_8)))
        .hasSize(1);
  }

  /** A lone surrogate in a field's name made the whole call a 400; in a value it was stored. */
  @Test
  void anEventWithALoneSurrogateInAFieldNameIsStored() {
    String odd = "{\"event\":\"open\",\"sg_event_id\":\"ls5\",\"\\ud800\":1}";

    Receipt receipt =
        SendGridEvents.parse(("[" + odd + "]").getBytes(StandardCharsets.UTF_8)).get(0);

    assertThat(receipt.eventId()).isEqualTo("ls5");
    assertThat(receipt.payload()).doesNotContain("\\u");
    // Read as text only when the bytes are UTF-8: Latin-1 beside the odd name stays refused.
    byte[] latin1 =
        ("[" + odd.replace("open", "open\",\"email\":\"jos\u00e9@example.com") + "]")
            .getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> SendGridEvents.parse(latin1))
        .isInstanceOf(SendGridEvents.MalformedEventsException.class);
  }

  @Test
  void aBodyInUtf16IsReadTooItsEventsWrittenOutAgain() {
    byte[] body = ("[" + SECOND + "]").getBytes(StandardCharsets.UTF_16BE);

    assertThat(SendGridEvents.parse(body))
        .singleElement()
        .extracting(Receipt::payload)
        .isEqualTo(SECOND);
  }

  /**
   * A signed call with one element that is no event was refused whole, and SendGrid gives up on a
   * call it keeps being refused: the call's other receipts were lost (a signed-webhook sweep). A
   * body with no event at all is still refused.
   */
  @Test
  void elementsThatAreNoEventsAreSkippedAndTheCallsEventsKept() {
    String delivered = "{\"event\":\"delivered\",\"sg_event_id\":\"e1\",\"email\":\"a@b.c\"}";
    for (String odd :
        List.of("42", "null", "{}", "{\"event\":null}", "{\"event\":5}", "[" + delivered + "]")) {
      String body = "[" + delivered + "," + odd + "]";

      assertThat(SendGridEvents.parse(body.getBytes(StandardCharsets.UTF_8)))
          .as(body)
          .extracting(Receipt::eventType)
          .containsExactly("delivered");
    }
    assertThatThrownBy(() -> SendGridEvents.parse("[42, {}]".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(SendGridEvents.MalformedEventsException.class);
  }
}
