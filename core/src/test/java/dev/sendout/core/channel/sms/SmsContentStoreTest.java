package dev.sendout.core.channel.sms;

import static dev.sendout.core.store.jooq.Tables.MESSAGE;
import static dev.sendout.core.store.jooq.Tables.SENDOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sendout.core.StoreTest;
import dev.sendout.core.sendout.NewSendout;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.workflows.sendout.Channel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class SmsContentStoreTest extends StoreTest {

  @Autowired SendoutStore sendouts;
  @Autowired DSLContext db;

  @Test
  void smsContentIsStoredWithItsEncodingByNameAndReadBackAsStored() throws Exception {
    var content = new SmsContent("SurveyCo", "Hi {{firstName}}", SmsSegments.Encoding.UCS_2, 2, 3);
    var recipients =
        List.of(
            new NewSendout.Recipient("+447911123456", "Ann", Map.of("firstName", "Ann")),
            new NewSendout.Recipient("+14155550100", null, Map.of("firstName", "Zoë")));
    UUID id = UUID.randomUUID();

    sendouts.create(
        new NewSendout(
            id,
            "tenant-a",
            Channel.SMS,
            content,
            Instant.now(),
            Duration.ofHours(72),
            null,
            "hash",
            recipients));

    assertThat(sendouts.content(id, SmsContent.class)).isEqualTo(content);
    var stored =
        new ObjectMapper()
            .readTree(
                db.select(SENDOUT.CONTENT)
                    .from(SENDOUT)
                    .where(SENDOUT.ID.eq(id))
                    .fetchOne()
                    .value1()
                    .data());
    assertThat(stored.path("encoding").asText()).isEqualTo("UCS-2");
    assertThat(stored.path("totalSegments").asLong()).isEqualTo(3);
    assertThat(
            db.select(MESSAGE.ADDRESS, MESSAGE.DISPLAY_NAME)
                .from(MESSAGE)
                .where(MESSAGE.SENDOUT_ID.eq(id))
                .orderBy(MESSAGE.SEQ)
                .fetch(r -> tuple(r.value1(), r.value2())))
        .containsExactly(tuple("+447911123456", "Ann"), tuple("+14155550100", null));
  }
}
