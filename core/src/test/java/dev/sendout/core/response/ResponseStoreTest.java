package dev.sendout.core.response;

import static dev.sendout.core.store.jooq.Tables.MESSAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.sendout.core.StoreTest;
import dev.sendout.core.message.MessageReads;
import dev.sendout.core.message.StoredMessage;
import dev.sendout.core.response.RecordedResponse.Outcome;
import dev.sendout.core.sendout.NewSendout;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.workflows.message.MessageStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.jooq.DSLContext;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class ResponseStoreTest extends StoreTest {

  private static final Instant T1 = Instant.parse("2026-11-02T10:00:00Z");
  private static final Instant T2 = Instant.parse("2026-11-03T10:00:00Z");

  @Autowired SendoutStore sendouts;
  @Autowired ResponseStore responses;
  @Autowired MessageReads messages;
  @Autowired DSLContext db;

  /** An email sendout whose recipient i is user{i}@example.com with the externalId "ext-{i}". */
  private UUID sendoutWithExternalIds(int count) {
    NewSendout plain = emailSendout(count);
    List<NewSendout.Recipient> recipients =
        IntStream.range(0, count)
            .mapToObj(
                i -> {
                  var r = plain.recipients().get(i);
                  return new NewSendout.Recipient(
                      r.address(), r.displayName(), r.variables(), "ext-" + i, null);
                })
            .toList();
    return sendoutOf(recipients);
  }

  private UUID sendoutOf(List<NewSendout.Recipient> recipients) {
    NewSendout plain = emailSendout(0);
    return sendouts
        .create(
            new NewSendout(
                plain.id(),
                plain.tenantId(),
                plain.channel(),
                plain.content(),
                plain.sendAt(),
                plain.receiptTimeout(),
                null,
                "hash",
                recipients))
        .sendout()
        .id();
  }

  private List<StoredMessage> all(UUID id) {
    return messages.page(id, null, -1, 1000);
  }

  private static ReportedResponse byExternalId(int item, String id, Instant at) {
    return new ReportedResponse(item, null, id, null, at);
  }

  @Test
  void aResponseIsRecordedByExternalIdMessageIdOrAddress() {
    UUID id = sendoutWithExternalIds(4);
    List<StoredMessage> before = all(id);

    var results =
        responses.record(
            id,
            List.of(
                byExternalId(0, "ext-0", T1),
                new ReportedResponse(1, before.get(1).id(), null, null, T1),
                new ReportedResponse(2, null, null, "USER2@Example.com", T1)));

    assertThat(results)
        .extracting(RecordedResponse::item, RecordedResponse::outcome, RecordedResponse::messageId)
        .containsExactly(
            tuple(0, Outcome.RECORDED, before.get(0).id()),
            tuple(1, Outcome.RECORDED, before.get(1).id()),
            tuple(2, Outcome.RECORDED, before.get(2).id()));
    assertThat(all(id)).extracting(StoredMessage::respondedAt).containsExactly(T1, T1, T1, null);
  }

  @Test
  void aResponseByAnAddressTwoInvitationsHaveNamesTheOneItRecorded() {
    UUID id =
        sendoutOf(
            List.of(
                new NewSendout.Recipient("same@example.com", null, Map.of(), "a", null),
                new NewSendout.Recipient("same@example.com", null, Map.of(), "b", null)));
    // The one answered first is the least id: the one a response matching both used to name.
    UUID least = all(id).stream().map(StoredMessage::id).min(UUID::compareTo).orElseThrow();
    UUID other = all(id).stream().map(StoredMessage::id).max(UUID::compareTo).orElseThrow();
    responses.record(id, List.of(new ReportedResponse(0, least, null, null, T1)));

    var byAddress =
        responses.record(id, List.of(new ReportedResponse(0, null, null, "same@example.com", T2)));

    assertThat(byAddress)
        .extracting(
            RecordedResponse::outcome, RecordedResponse::messageId, RecordedResponse::respondedAt)
        .containsExactly(tuple(Outcome.RECORDED, other, T2));
  }

  @Test
  void theFirstResponseIsFinalWhateverComesLater() {
    UUID id = sendoutWithExternalIds(2);
    responses.record(id, List.of(byExternalId(0, "ext-0", T2)));

    var again =
        responses.record(
            id,
            List.of(
                byExternalId(0, "ext-0", T1), // earlier, but reported later: changes nothing
                byExternalId(1, "ext-0", T2)));

    assertThat(again)
        .extracting(RecordedResponse::outcome, RecordedResponse::respondedAt)
        .containsExactly(tuple(Outcome.ALREADY_RECORDED, T2), tuple(Outcome.ALREADY_RECORDED, T2));
    assertThat(all(id)).extracting(StoredMessage::respondedAt).containsExactly(T2, null);
  }

  @Test
  void withinOneBatchTheEarliestReportOfAMessageIsTheOneRecorded() {
    UUID id = sendoutWithExternalIds(1);
    UUID message = all(id).get(0).id();

    var results =
        responses.record(
            id,
            List.of(
                byExternalId(0, "ext-0", T2),
                new ReportedResponse(1, message, null, null, T1),
                byExternalId(2, "ext-0", T1)));

    assertThat(results)
        .extracting(RecordedResponse::outcome, RecordedResponse::respondedAt)
        .containsExactly(
            tuple(Outcome.ALREADY_RECORDED, T1),
            tuple(Outcome.RECORDED, T1),
            tuple(Outcome.ALREADY_RECORDED, T1));
    assertThat(all(id).get(0).respondedAt()).isEqualTo(T1);
  }

  @Test
  void unknownRecipientsAndOtherSendoutsMessagesAreUnknownAndChangeNothing() {
    UUID id = sendoutWithExternalIds(1);
    UUID other = sendoutWithExternalIds(1);
    UUID othersMessage = all(other).get(0).id();

    var results =
        responses.record(
            id,
            List.of(
                byExternalId(0, "nobody", T1),
                new ReportedResponse(1, othersMessage, null, null, T1),
                new ReportedResponse(2, UUID.randomUUID(), null, null, T1),
                new ReportedResponse(3, null, null, "stranger@example.com", T1)));

    assertThat(results).extracting(RecordedResponse::outcome).containsOnly(Outcome.UNKNOWN);
    assertThat(all(id).get(0).respondedAt()).isNull();
    assertThat(all(other).get(0).respondedAt()).isNull();
  }

  @Test
  void aResponseMovesNoStatusAndIsTakenInAnyStatus() {
    UUID id = sendoutWithExternalIds(2);
    db.update(MESSAGE)
        .set(MESSAGE.STATUS, MessageStatus.UNCONFIRMED)
        .where(MESSAGE.SENDOUT_ID.eq(id).and(MESSAGE.SEQ.eq(1)))
        .execute();

    var results =
        responses.record(id, List.of(byExternalId(0, "ext-0", T1), byExternalId(1, "ext-1", T1)));

    assertThat(results).extracting(RecordedResponse::outcome).containsOnly(Outcome.RECORDED);
    assertThat(all(id))
        .extracting(StoredMessage::status, StoredMessage::respondedAt)
        .containsExactly(tuple(MessageStatus.QUEUED, T1), tuple(MessageStatus.UNCONFIRMED, T1));
    var counts = sendouts.countByStatusWithResponses(id);
    assertThat(counts.respondedTotal()).isEqualTo(2);
    assertThat(counts.responded().get(MessageStatus.UNCONFIRMED)).isEqualTo(1);
    assertThat(counts.messages().get(MessageStatus.QUEUED)).isEqualTo(1);
  }

  @Test
  void aBatchOfAThousandIsOneStatement() {
    UUID id = sendoutWithExternalIds(1000);
    List<ReportedResponse> batch =
        IntStream.range(0, 1000).mapToObj(i -> byExternalId(i, "ext-" + i, T1)).toList();
    List<String> statements = new ArrayList<>();
    ExecuteListener counter =
        new ExecuteListener() {
          @Override
          public void executeStart(ExecuteContext ctx) {
            statements.add(ctx.sql());
          }
        };
    var counted = new ResponseStore(db.configuration().derive(counter).dsl());

    var results = counted.record(id, batch);

    assertThat(statements).hasSize(1);
    assertThat(results).extracting(RecordedResponse::outcome).containsOnly(Outcome.RECORDED);
    assertThat(results).extracting(RecordedResponse::item).isSorted();
    assertThat(all(id)).allSatisfy(m -> assertThat(m.respondedAt()).isEqualTo(T1));
  }

  @Test
  void concurrentReportsOfTheSameResponsesRecordEachOnce() throws Exception {
    UUID id = sendoutWithExternalIds(500);
    int callers = 4;
    var start = new CountDownLatch(1);
    var pool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<List<RecordedResponse>>> calls = new ArrayList<>();
      for (int c = 0; c < callers; c++) {
        Instant at = T1.plus(c, ChronoUnit.MINUTES);
        // Each caller reports the same recipients in another order.
        List<ReportedResponse> batch = new ArrayList<>();
        int step = new int[] {1, 3, 7, 9}[c];
        for (int i = 0; i < 500; i++) {
          int n = (i * step) % 500;
          batch.add(byExternalId(i, "ext-" + n, at));
        }
        Callable<List<RecordedResponse>> call =
            () -> {
              start.await();
              return responses.record(id, batch);
            };
        calls.add(pool.submit(call));
      }
      start.countDown();
      Map<Outcome, Long> outcomes = new java.util.EnumMap<>(Outcome.class);
      for (var call : calls) {
        for (RecordedResponse r : call.get()) {
          outcomes.merge(r.outcome(), 1L, Long::sum);
        }
      }
      assertThat(outcomes.get(Outcome.RECORDED)).isEqualTo(500L);
      assertThat(all(id)).allSatisfy(m -> assertThat(m.respondedAt()).isNotNull());
    } finally {
      pool.shutdownNow();
    }
  }
}
