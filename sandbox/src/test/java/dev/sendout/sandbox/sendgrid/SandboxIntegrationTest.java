package dev.sendout.sandbox.sendgrid;

import static org.assertj.core.api.Assertions.assertThat;

import com.sendgrid.Method;
import com.sendgrid.Request;
import com.sendgrid.Response;
import com.sendgrid.SendGrid;
import com.sendgrid.helpers.mail.Mail;
import com.sendgrid.helpers.mail.objects.Content;
import com.sendgrid.helpers.mail.objects.Email;
import com.sendgrid.helpers.mail.objects.Personalization;
import dev.sendout.sandbox.SandboxHttpTest;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import tools.jackson.databind.JsonNode;

/**
 * Starts the sandbox on a random port and talks to it with the real SendGrid SDK, the way the
 * worker does in production. The Spring context is shared by all subclasses, so each test starts by
 * wiping records, counters and faults.
 */
@SpringBootTest(
    properties = "spring.config.name=sandbox",
    webEnvironment = WebEnvironment.RANDOM_PORT)
abstract class SandboxIntegrationTest extends SandboxHttpTest {

  static final String API_KEY = "SG.sandbox-key";

  @BeforeEach
  void resetSandbox() throws Exception {
    assertThat(delete("/sandbox/sendgrid/messages").statusCode()).isEqualTo(204);
    HttpResponse<String> faults =
        put(
            "/sandbox/sendgrid/faults",
            """
            {"latencyMs":0,"throttleRate":0.0,"serverErrorRate":0.0,"retryAfterSeconds":1,
             "failNextRequests":{"status":500,"count":0},"rejectCredentials":false}
            """);
    assertThat(faults.statusCode()).isEqualTo(200);
  }

  /** Sends a mail through the real SendGrid SDK, which speaks plain HTTP in its test mode. */
  Response send(String apiKey, Mail mail) throws IOException {
    SendGrid sendGrid = new SendGrid(apiKey, true);
    sendGrid.setHost("127.0.0.1:" + port);
    Request request = new Request();
    request.setMethod(Method.POST);
    request.setEndpoint("mail/send");
    request.setBody(mail.build());
    return sendGrid.api(request);
  }

  Response send(Mail mail) throws IOException {
    return send(API_KEY, mail);
  }

  /** A mail with a substitution tag in the subject and in both content blocks. */
  static Mail mail() {
    Mail mail = new Mail();
    mail.setFrom(new Email("surveys@sendout.dev", "Sendout"));
    mail.setSubject("Hello {{firstName}}");
    mail.addContent(new Content("text/plain", "Hi {{firstName}}, tell us how we did."));
    mail.addContent(new Content("text/html", "<p>Hi {{firstName}}, tell us how we did.</p>"));
    return mail;
  }

  static Personalization personalization(String messageId, String email, String firstName) {
    Personalization personalization = new Personalization();
    personalization.addTo(new Email(email));
    personalization.addCustomArg("message_id", messageId);
    personalization.addSubstitution("{{firstName}}", firstName);
    return personalization;
  }

  /** Looks a header up ignoring case, since HTTP header names are case-insensitive. */
  static String header(Response response, String name) {
    return response.getHeaders().entrySet().stream()
        .filter(entry -> entry.getKey().equalsIgnoreCase(name))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElse(null);
  }

  JsonNode stats() throws Exception {
    HttpResponse<String> response = get("/sandbox/sendgrid/stats");
    assertThat(response.statusCode()).isEqualTo(200);
    return json(response.body());
  }

  HttpResponse<String> message(String messageId) throws Exception {
    return get("/sandbox/sendgrid/messages/" + messageId);
  }

  /** Posts a raw body to the mail send endpoint, for requests the SDK would refuse to build. */
  HttpResponse<String> postRawMail(String body) throws Exception {
    return post("/v3/mail/send", "Bearer " + API_KEY, body);
  }
}
