package dev.sendout.api.sendout;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.sendout.CreateSendoutRequest.Recipient;
import dev.sendout.api.sendout.CreateSendoutRequest.Sender;
import dev.sendout.core.HostileText;
import dev.sendout.core.channel.email.EmailContent;
import dev.sendout.core.channel.sms.PhoneNumbers;
import dev.sendout.core.channel.sms.SmsContent;
import dev.sendout.core.content.Template;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.assertj.core.api.InstanceOfAssertFactories;

/**
 * The create request's validation over generated fields: it answers with a valid request or its own
 * 400 and nothing else (no NullPointerException or IllegalArgumentException leaking as a 500), and
 * what it accepts is what the channel can carry: one-line headers, numbers valid by libphonenumber
 * and stored in E.164 form.
 */
class SendoutRequestValidatorPropertiesTest {

  private final SendoutRequestValidator validator = ValidatorFixture.validator(5);

  @Property
  void anEmailRequestIsAcceptedOrRefusedWithItsOwnProblemAndItsHeadersAreOneLine(
      @ForAll("hostile") String subject,
      @ForAll("hostile") String fromName,
      @ForAll("hostile") String recipientName,
      @ForAll("hostile") String value,
      @ForAll("hostile") String body) {
    Map<String, String> variables = new HashMap<>();
    variables.put("name", value);
    var request =
        new CreateSendoutRequest(
            "EMAIL",
            new Sender("surveys@example.com", fromName, null),
            subject + " {{name}}",
            body,
            "<p>" + body + "</p>",
            List.of(new Recipient("ann@example.com", null, recipientName, variables)),
            null,
            null);

    SendoutRequestValidator.Valid valid = validOrNull(request);
    if (valid == null) {
      return;
    }
    var content = (EmailContent) valid.content();

    assertOneLine(content.fromName());
    assertOneLine(content.subject());
    assertOneLine(recipientName);
    assertOneLine(Template.render(content.subject(), variables));
  }

  @Property
  void anSmsRequestAcceptsOnlyAsciiE164NumbersAndSenderIds(
      @ForAll("phoneLike") String phone, @ForAll("senderLike") String senderId) {
    var request =
        new CreateSendoutRequest(
            "SMS",
            new Sender(null, null, senderId),
            null,
            "Hi {{name}}",
            null,
            List.of(new Recipient(null, phone, null, Map.of("name", "Ann"))),
            null,
            null);

    SendoutRequestValidator.Valid valid = validOrNull(request);
    if (valid == null) {
      return;
    }

    // What is accepted is written in ASCII, and is stored in E.164 form.
    assertThat(phone).matches("\\+[0-9 .()\\-]+");
    assertThat(PhoneNumbers.e164(phone))
        .get(InstanceOfAssertFactories.STRING)
        .matches("\\+[1-9][0-9]{5,14}");
    assertThat(((SmsContent) valid.content()).senderId())
        .matches("\\+?[1-9][0-9]{7,14}|[A-Za-z0-9 ]{1,11}");
  }

  /**
   * The request validated, or null when refused; any exception but its own problem fails. Enough
   * requests must be accepted for the property's checks of accepted requests to mean something.
   */
  private SendoutRequestValidator.Valid validOrNull(CreateSendoutRequest request) {
    Statistics.coverage(coverage -> coverage.check("accepted").percentage(p -> p >= 3));
    try {
      SendoutRequestValidator.Valid valid = validator.validate(request);
      Statistics.collect("accepted");
      return valid;
    } catch (ApiProblem refused) {
      assertThat(refused.errors()).isNotEmpty();
      Statistics.collect("refused");
      return null;
    }
  }

  private static void assertOneLine(String header) {
    if (header != null) {
      assertThat(header).doesNotContain("\r", "\n", "\u0000");
    }
  }

  @Provide
  Arbitrary<String> hostile() {
    return Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.strings().alpha().numeric().withChars(' ').ofMaxLength(20)),
        Tuple.of(1, HostileText.strings()));
  }

  /** Numbers well formed or nearly: ASCII and other scripts' digits, signs, spaces, lengths. */
  @Provide
  Arbitrary<String> phoneLike() {
    Arbitrary<String> digits =
        Arbitraries.strings().withChars("0123456789").ofMinLength(0).ofMaxLength(17);
    Arbitrary<String> nearly =
        Arbitraries.strings()
            .withChars("0123456789٠١٢٣４５+- ()\u0000\n")
            .ofMinLength(1)
            .ofMaxLength(17);
    // Numbers libphonenumber holds valid, one per region, in E.164 and in international format.
    PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    List<String> valid =
        util.getSupportedRegions().stream()
            .sorted()
            .map(util::getExampleNumber)
            .filter(java.util.Objects::nonNull)
            .flatMap(
                n ->
                    java.util.stream.Stream.of(
                        util.format(n, PhoneNumberFormat.E164),
                        util.format(n, PhoneNumberFormat.INTERNATIONAL)))
            .toList();
    return Arbitraries.frequencyOf(
        Tuple.of(3, digits.map(d -> "+" + d)),
        Tuple.of(2, Arbitraries.of(valid)),
        Tuple.of(2, nearly),
        Tuple.of(1, HostileText.strings()));
  }

  @Provide
  Arbitrary<String> senderLike() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.strings().alpha().numeric().withChars(' ').ofMaxLength(13)),
        Tuple.of(1, Arbitraries.strings().withChars("0123456789+١").ofMaxLength(16)),
        Tuple.of(1, HostileText.strings()));
  }
}
