package dev.sendout.activities.email;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.core.delivery.ContentKey;
import dev.sendout.core.delivery.OutgoingMessage;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** How a batch's claimed messages are split into SendGrid requests. */
class EmailRequestsTest {

  private static OutgoingMessage to(String address, ContentKey content) {
    return new OutgoingMessage(UUID.randomUUID(), address, null, Map.of(), content);
  }

  @Test
  void aRequestPerContentAndPerRepeatOfAnAddressWhateverItsCase() {
    ContentKey reminder = new ContentKey(0, false);
    List<OutgoingMessage> claimed =
        List.of(
            to("ann@example.com", ContentKey.INVITATION),
            to("bo@example.com", ContentKey.INVITATION),
            to("ANN@example.com", ContentKey.INVITATION),
            to("ann@example.com", reminder),
            to("Ann@Example.com", ContentKey.INVITATION),
            to("cy@example.com", ContentKey.INVITATION));

    List<String> requests =
        EmailDeliveryActivities.requests(claimed).stream()
            .map(
                r ->
                    r.content()
                        + " "
                        + r.messages().stream().map(OutgoingMessage::address).toList())
            .toList();

    String invitation = ContentKey.INVITATION.toString();
    assertThat(requests)
        .containsExactly(
            invitation + " [ann@example.com, bo@example.com, cy@example.com]",
            invitation + " [ANN@example.com]",
            invitation + " [Ann@Example.com]",
            reminder + " [ann@example.com]");
  }
}
