package dev.sendout.api.sendout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.api.problem.FieldProblem;
import dev.sendout.api.sendout.CreateSendoutRequest.Recipient;
import dev.sendout.api.sendout.CreateSendoutRequest.Sender;
import dev.sendout.api.sendout.CreateSendoutRequest.Window;
import dev.sendout.core.window.DeliveryWindow;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Quiet hours on create: the window, the sendout's zone and each recipient's, refused by field. */
class SendoutRequestValidatorWindowTest {

  private final SendoutRequestValidator validator = ValidatorFixture.validator(5);

  private static CreateSendoutRequest sms(Window window, String timeZone, Recipient... to) {
    return new CreateSendoutRequest(
        "SMS",
        new Sender(null, null, "SurveyCo"),
        null,
        "Hi {{firstName}}",
        null,
        List.of(to),
        null,
        null,
        window,
        timeZone);
  }

  private static Recipient to(String phone, String timeZone) {
    return new Recipient(null, phone, null, Map.of("firstName", "Ann"), null, timeZone);
  }

  private List<FieldProblem> problems(CreateSendoutRequest request) {
    return ValidatorFixture.problems(validator, request);
  }

  @Test
  void aWindowOnWeekdaysWithZonesIsAccepted() {
    var valid =
        validator.validate(
            sms(
                new Window("09:00", "20:00", List.of("MON", "TUE", "WED", "THU", "FRI")),
                "Europe/Berlin",
                to("+12015550123", null),
                to("+447911123456", "Europe/London")));

    assertThat(valid.window())
        .isEqualTo(
            new DeliveryWindow(
                LocalTime.of(9, 0),
                LocalTime.of(20, 0),
                EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY)));
    assertThat(valid.timeZone()).isEqualTo("Europe/Berlin");
  }

  @Test
  void withoutDaysTheWindowOpensEveryDayAndAnEndBeforeTheStartIsOvernight() {
    var valid =
        validator.validate(sms(new Window("21:00", "07:30", null), null, to("+12015550123", null)));

    assertThat(valid.window().days()).containsExactlyInAnyOrder(DayOfWeek.values());
    assertThat(valid.window().overnight()).isTrue();
    assertThat(valid.timeZone()).isNull();
  }

  @Test
  void aWindowIsRefusedFieldByField() {
    assertThat(
            problems(
                sms(
                    new Window(null, "9pm", List.of("MON", "Tuesday")),
                    null,
                    to("+12015550123", null))))
        .containsExactly(
            new FieldProblem("/window/start", "is required, as HH:mm such as 09:00"),
            new FieldProblem("/window/end", "not a time of day as HH:mm such as 09:00"),
            new FieldProblem(
                "/window/days/1", "not a day; one of: MON, TUE, WED, THU, FRI, SAT, SUN"));
    assertThat(problems(sms(new Window("09:00", "09:00", null), null, to("+12015550123", null))))
        .containsExactly(
            new FieldProblem(
                "/window/end",
                "must differ from /window/start; an end before the start makes an overnight"
                    + " window"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"+02:00", "CET ", "Mars/Olympus", "europe/berlin", ""})
  void aTimeZoneMustBeAnIanaId(String zone) {
    assertThat(problems(sms(null, zone, to("+12015550123", zone))))
        .containsExactly(
            new FieldProblem(
                "/recipients/0/timeZone", "not an IANA time zone such as Europe/Berlin"),
            new FieldProblem("/timeZone", "not an IANA time zone such as Europe/Berlin"));
  }
}
