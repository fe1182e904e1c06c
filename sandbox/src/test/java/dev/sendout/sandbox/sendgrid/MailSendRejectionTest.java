package dev.sendout.sandbox.sendgrid;

import static org.assertj.core.api.Assertions.assertThat;

import com.sendgrid.Response;
import com.sendgrid.helpers.mail.Mail;
import com.sendgrid.helpers.mail.objects.Content;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class MailSendRejectionTest extends SandboxIntegrationTest {

  @Test
  void rejectsAWrongApiKeyWithSendGridsError() throws Exception {
    Mail mail = mail();
    mail.addPersonalization(personalization("msg-401", "ann@example.com", "Ann"));

    Response response = send("SG.wrong-key", mail);

    assertThat(response.getStatusCode()).isEqualTo(401);
    JsonNode error = json(response.getBody()).get("errors").get(0);
    assertThat(error.get("message").asString())
        .isEqualTo("The provided authorization grant is invalid, expired, or revoked");
    assertThat(error.get("field").isNull()).isTrue();
    assertThat(error.get("help").isNull()).isTrue();
    assertThat(message("msg-401").statusCode()).isEqualTo(404);
    assertThat(stats().get("rejected4xx").asLong()).isEqualTo(1);
  }

  @Test
  void rejectsAMailWithoutSenderNamingFromEmail() throws Exception {
    Mail mail = new Mail();
    mail.setSubject("Hello");
    mail.addContent(new Content("text/plain", "Hi"));
    mail.addPersonalization(personalization("msg-nofrom", "ann@example.com", "Ann"));

    Response response = send(mail);

    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(fields(response.getBody())).containsExactly("from.email");
    assertThat(message("msg-nofrom").statusCode()).isEqualTo(404);
  }

  @Test
  void rejectsMoreThanAThousandPersonalizations() throws Exception {
    Mail mail = mail();
    for (int i = 0; i < 1001; i++) {
      mail.addPersonalization(personalization("big-" + i, "r" + i + "@example.com", "N"));
    }

    Response response = send(mail);

    assertThat(response.getStatusCode()).isEqualTo(400);
    JsonNode error = json(response.getBody()).get("errors").get(0);
    assertThat(error.get("field").asString()).isEqualTo("personalizations");
    assertThat(error.get("message").asString())
        .isEqualTo(
            "The personalizations field must have at least one and no more than 1000 objects.");
    assertThat(stats().get("accepted").asLong()).isZero();
  }

  @Test
  void rejectsAnAddressNamedTwiceInOneRequestWhateverItsCase() throws Exception {
    Mail mail = mail();
    mail.addPersonalization(personalization("twice-1", "ann@example.com", "Ann"));
    mail.addPersonalization(personalization("twice-2", "bo@example.com", "Bo"));
    mail.addPersonalization(personalization("twice-3", "ANN@example.com", "Ann"));

    Response response = send(mail);

    assertThat(response.getStatusCode()).isEqualTo(400);
    JsonNode error = json(response.getBody()).get("errors").get(0);
    assertThat(error.get("field").asString()).isEqualTo("personalizations.2.to.0.email");
    assertThat(error.get("message").asString())
        .isEqualTo(
            "Each unique email address in the personalizations array should only be included"
                + " once. You have included ANN@example.com more than once.");
    assertThat(stats().get("accepted").asLong()).isZero();
  }

  @Test
  void reportsEveryProblemWithSendGridFieldPaths() throws Exception {
    HttpResponse<String> response =
        postRawMail(
            """
            {"from":{"email":"surveys@sendout.dev"},
             "personalizations":[
               {"to":[{"email":"a@example.com"}]},
               {"to":[]},
               {"to":[{"email":"b@example.com"},{"email":"not-an-address"}]}],
             "content":[{"type":"text/plain","value":""}]}
            """);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(fields(response.body()))
        .containsExactly(
            "personalizations.1.to", "personalizations.2.to.1.email", "subject", "content.0.value");
  }

  @Test
  void acceptsASubjectGivenInEveryPersonalizationInstead() throws Exception {
    HttpResponse<String> response =
        postRawMail(
            """
            {"from":{"email":"surveys@sendout.dev"},
             "personalizations":[{"to":[{"email":"a@example.com"}],"subject":"Own subject",
                                  "custom_args":{"message_id":"msg-own"}}],
             "content":[{"type":"text/plain","value":"Hi"}]}
            """);

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(json(message("msg-own").body()).get("subject").asString()).isEqualTo("Own subject");
  }

  @Test
  void rejectsMissingContent() throws Exception {
    HttpResponse<String> response =
        postRawMail(
            """
            {"from":{"email":"surveys@sendout.dev"},"subject":"Hi",
             "personalizations":[{"to":[{"email":"a@example.com"}]}]}
            """);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(fields(response.body())).containsExactly("content");
  }

  @Test
  void rejectsMalformedJsonWithASendGridShapedError() throws Exception {
    HttpResponse<String> response = postRawMail("{\"from\": {\"email\": ");

    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode error = json(response.body()).get("errors").get(0);
    assertThat(error.get("message").asString()).contains("JSON");
    assertThat(error.get("field").isNull()).isTrue();
  }

  private List<String> fields(String body) {
    List<String> fields = new ArrayList<>();
    for (JsonNode error : json(body).get("errors")) {
      fields.add(error.get("field").asString());
    }
    return fields;
  }
}
