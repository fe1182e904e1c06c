package dev.sendout.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sendout.embedded.EngineClient.Reply;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A reminder through the whole engine: 1,000 invitations DELIVERED, 40 % of the recipients respond
 * (their responses posted twice), and three days later, by Temporal's time skipping, the reminder
 * goes to exactly the other 600, each once, and is DELIVERED; then the sendout completes. It moves
 * the engine's clock three days ahead, to just past the wave's time. And a thank-you: each
 * recipient who responds before the close is thanked once; the sendout completes at its close, an
 * hour ahead on the engine's clock.
 */
class ReminderEndToEndTest {

  private static final int RECIPIENTS = 1000;
  private static final int RESPONDED = 400;

  private static EngineClient client;

  @BeforeAll
  static void connect() {
    client = new EngineClient(SharedEngine.get());
  }

  @BeforeEach
  void noFaults() {
    client.resetSandbox();
  }

  private static String responses(int from, int to) {
    return IntStream.range(from, to)
        .mapToObj(n -> "{\"externalId\":\"rem-" + n + "\"}")
        .collect(Collectors.joining(",", "{\"responses\":[", "]}"));
  }

  @Test
  void theReminderGoesOnceToEachRecipientWhoHasNotRespondedAndIsDelivered() throws Exception {
    ObjectNode body = EngineClient.emailSendout(RECIPIENTS);
    int i = 0;
    for (JsonNode recipient : body.path("recipients")) {
      ((ObjectNode) recipient).put("externalId", "rem-" + i++);
    }
    body.putArray("reminders")
        .addObject()
        .put("after", "P3D")
        .put("subject", "{{firstName}}, a reminder: how was your visit?");
    Reply created = client.createSendout(body.toString(), null);
    assertThat(created.status()).as(created.raw().body()).isEqualTo(202);
    String id = created.body().path("id").asText();

    JsonNode invited =
        client.awaitSendout(
            id,
            Duration.ofSeconds(180),
            s ->
                s.path("messages").path("DELIVERED").asInt() == RECIPIENTS
                    && !s.path("reminders").path("nextReminderAt").isMissingNode()
                    // Receipts reach the store as they come; SENT follows once the batches have
                    // told the workflow they sent, a moment later on a loaded machine.
                    && !s.path("status").asText().equals("SENDING"));
    assertThat(invited.path("status").asText())
        .as("waiting for its reminder, not completed")
        .isEqualTo("SENT");
    assertThat(invited.path("recipientCount").asInt()).isEqualTo(RECIPIENTS);
    Instant next = Instant.parse(invited.path("reminders").path("nextReminderAt").asText());
    assertThat(next).isAfter(Instant.now().plus(Duration.ofDays(2)));

    Reply first = client.post("/v1/sendouts/" + id + "/responses", responses(0, RESPONDED), null);
    Reply again = client.post("/v1/sendouts/" + id + "/responses", responses(0, RESPONDED), null);
    assertThat(first.status()).as(first.raw().body()).isEqualTo(200);
    assertThat(first.body().path("totals").path("recorded").asInt()).isEqualTo(RESPONDED);
    assertThat(again.body().path("totals").path("recorded").asInt()).isZero();
    assertThat(again.body().path("totals").path("alreadyRecorded").asInt()).isEqualTo(RESPONDED);

    // Just past the wave's time: the wave and its sends then run at the wall clock's pace, so
    // that the reminders' receipts are not overtaken by a receipt deadline skipped past.
    client.skipTimeTo(next);

    JsonNode done = client.awaitCompleted(id, Duration.ofSeconds(180));
    JsonNode reminders = done.path("reminders");
    assertThat(reminders.path("sent").asInt()).isEqualTo(RECIPIENTS - RESPONDED);
    assertThat(reminders.path("messages").path("DELIVERED").asInt())
        .isEqualTo(RECIPIENTS - RESPONDED);
    assertThat(reminders.path("nextReminderAt").isMissingNode()).isTrue();
    assertThat(done.path("messages").path("DELIVERED").asInt())
        .as("the invitations, counted apart")
        .isEqualTo(RECIPIENTS);
    assertThat(done.path("recipientCount").asInt()).isEqualTo(RECIPIENTS);
    assertThat(done.path("responses").path("responded").asInt()).isEqualTo(RESPONDED);

    String sendout = "'" + id + "'";
    List<String> row =
        client.queryRow(
            "select count(*), count(distinct r.reminds_message_id),"
                + " count(*) filter (where r.status = 'DELIVERED'),"
                + " count(*) filter (where i.responded_at is not null),"
                + " count(*) filter (where substring(i.external_id from 5)::int < "
                + RESPONDED
                + "), min(r.reminder_index), max(r.reminder_index)"
                + " from message r join message i on i.id = r.reminds_message_id"
                + " where r.sendout_id = "
                + sendout);
    assertThat(row)
        .containsExactly(
            String.valueOf(RECIPIENTS - RESPONDED),
            String.valueOf(RECIPIENTS - RESPONDED),
            String.valueOf(RECIPIENTS - RESPONDED),
            "0",
            "0",
            "0",
            "0");
    // Each reminder went to the provider once.
    List<String> sends =
        client.queryRow(
            "select count(*) filter (where attempt_count = 1), count(*) from message"
                + " where sendout_id = "
                + sendout
                + " and reminds_message_id is not null");
    assertThat(sends).containsExactly("600", "600");
  }

  @Test
  void eachRecipientWhoRespondsBeforeTheCloseIsThankedOnceAndTheSendoutCompletesAtIt()
      throws Exception {
    int recipients = 20;
    int responded = 8;
    ObjectNode body = EngineClient.emailSendout(recipients);
    int i = 0;
    for (JsonNode recipient : body.path("recipients")) {
      ((ObjectNode) recipient).put("externalId", "ty-" + i++);
    }
    // An hour past the engine's clock, which other tests move days ahead of the wall clock.
    Instant closesAt =
        client.engineTime().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
    body.put("closesAt", closesAt.toString());
    body.putObject("thankYou")
        .put("subject", "Thank you, {{firstName}}")
        .put("text", "Thank you for your answers.");
    Reply created = client.createSendout(body.toString(), null);
    assertThat(created.status()).as(created.raw().body()).isEqualTo(202);
    String id = created.body().path("id").asText();
    client.awaitSendout(
        id, Duration.ofSeconds(120), s -> s.path("messages").path("DELIVERED").asInt() == 20);

    String thanked = thanks(0, responded);
    Reply first = client.post("/v1/sendouts/" + id + "/responses", thanked, null);
    Reply again = client.post("/v1/sendouts/" + id + "/responses", thanked, null);
    assertThat(first.body().path("totals").path("recorded").asInt()).isEqualTo(responded);
    assertThat(again.body().path("totals").path("recorded").asInt()).isZero();

    JsonNode open =
        client.awaitSendout(
            id,
            Duration.ofSeconds(120),
            s ->
                s.path("thankYous").path("messages").path("DELIVERED").asInt() == responded
                    && !s.path("status").asText().equals("SENDING"));
    assertThat(open.path("status").asText()).as("open until the close").isEqualTo("SENT");
    assertThat(open.path("thankYous").path("sent").asInt()).isEqualTo(responded);
    assertThat(open.path("messages").path("DELIVERED").asInt())
        .as("the invitations, counted apart")
        .isEqualTo(recipients);
    assertThat(open.path("recipientCount").asInt()).isEqualTo(recipients);
    assertThat(open.path("responses").path("deliveredRate").asDouble()).isEqualTo(0.4);

    String sendout = "'" + id + "'";
    assertThat(
            client.queryRow(
                "select count(*), count(distinct t.thanks_message_id),"
                    + " count(*) filter (where t.attempt_count = 1),"
                    + " count(*) filter (where i.responded_at is not null"
                    + " and substring(i.external_id from 4)::int < "
                    + responded
                    + ") from message t join message i on i.id = t.thanks_message_id"
                    + " where t.sendout_id = "
                    + sendout))
        .as("thank-yous, thanked invitations, sent once, to those who responded")
        .containsExactly("8", "8", "8", "8");
    String oneThankYou =
        client
            .queryRow(
                "select t.id from message t join message i on i.id = t.thanks_message_id"
                    + " where i.external_id = 'ty-3' and t.sendout_id = "
                    + sendout)
            .get(0);
    Reply sent = client.sandbox("GET", "/sandbox/sendgrid/messages/" + oneThankYou, null);
    assertThat(sent.body().path("subject").asText()).isEqualTo("Thank you, U3");
    assertThat(sent.body().path("text").asText()).isEqualTo("Thank you for your answers.");
    assertThat(sent.body().path("sendCount").asInt()).isEqualTo(1);

    client.skipTimeTo(closesAt);
    JsonNode done = client.awaitCompleted(id, Duration.ofSeconds(120));
    assertThat(done.path("messages").path("CANCELLED").asInt()).isZero();

    // After the close a response is still recorded, but thanked no more.
    Reply late = client.post("/v1/sendouts/" + id + "/responses", thanks(10, 11), null);
    assertThat(late.body().path("totals").path("recorded").asInt()).isEqualTo(1);
    assertThat(client.get("/v1/sendouts/" + id).body().path("thankYous").path("sent").asInt())
        .isEqualTo(responded);
  }

  private static String thanks(int from, int to) {
    return IntStream.range(from, to)
        .mapToObj(n -> "{\"externalId\":\"ty-" + n + "\"}")
        .collect(Collectors.joining(",", "{\"responses\":[", "]}"));
  }
}
