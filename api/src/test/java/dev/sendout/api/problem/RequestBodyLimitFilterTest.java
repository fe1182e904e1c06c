package dev.sendout.api.problem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.api.ApiProperties;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.json.JsonMapper;

/** Each endpoint's body limit is its own, whatever the Content-Type a caller claims. */
class RequestBodyLimitFilterTest {

  private static final long BODY = 8;
  private static final long UPLOAD = 1024;
  private static final long WEBHOOK = 4;

  private final RequestBodyLimitFilter filter =
      new RequestBodyLimitFilter(
          new ApiProperties(
              10,
              DataSize.ofBytes(BODY),
              DataSize.ofBytes(UPLOAD),
              DataSize.ofBytes(WEBHOOK),
              Duration.ofHours(24),
              Duration.ofHours(72)),
          JsonMapper.builder().build());

  private long limitOf(String method, String path, String contentType) {
    var request = new MockHttpServletRequest(method, path);
    request.setContentType(contentType);
    return filter.limitOf(request);
  }

  @Test
  void onlyTheRecipientUploadTakesTheUploadLimit() {
    String upload = "/v1/sendouts/7f1c1a56-2b1e-4a8c-9d7e-000000000000/recipients";

    assertThat(limitOf("POST", upload, "text/csv; charset=utf-8")).isEqualTo(UPLOAD);
    assertThat(limitOf("POST", upload, "application/x-ndjson")).isEqualTo(UPLOAD);
    assertThat(limitOf("POST", upload, "application/json")).isEqualTo(BODY);
    assertThat(limitOf("POST", "/v1/sendouts", "text/csv")).isEqualTo(BODY);
    assertThat(limitOf("POST", upload + "/x", "text/csv")).isEqualTo(BODY);
    assertThat(limitOf("PUT", upload, "text/csv")).isEqualTo(BODY);
    assertThat(limitOf("POST", "/admin/api-keys", "application/x-ndjson")).isEqualTo(BODY);
  }

  @Test
  void theResponseImportTakesTheUploadLimitAndAJsonCallOfResponsesDoesNot() {
    String responses = "/v1/sendouts/7f1c1a56-2b1e-4a8c-9d7e-000000000000/responses";
    assertThat(limitOf("POST", responses, "application/x-ndjson")).isEqualTo(UPLOAD);
    assertThat(limitOf("POST", responses, "application/json")).isEqualTo(BODY);
  }

  @Test
  void theWebhooksTakeTheirOwnLimitWhateverTheContentType() {
    assertThat(limitOf("POST", "/webhooks/sendgrid/events", "text/csv")).isEqualTo(WEBHOOK);
    assertThat(limitOf("POST", "/webhooks/vonage/status", "application/x-ndjson"))
        .isEqualTo(WEBHOOK);
    assertThat(limitOf("POST", "/webhooks/sendgrid/events", "application/json")).isEqualTo(WEBHOOK);
    assertThat(limitOf("POST", "/webhooks/vonage/status", null)).isEqualTo(WEBHOOK);
  }

  @Test
  void theUnsubscribeLinksTakeASmallLimitAndTheInboundWebhookTheWebhooks() {
    assertThat(limitOf("POST", "/u/AbC", "application/x-www-form-urlencoded"))
        .isEqualTo(RequestBodyLimitFilter.UNSUBSCRIBE_LIMIT);
    assertThat(limitOf("POST", "/u/AbC", "text/csv"))
        .isEqualTo(RequestBodyLimitFilter.UNSUBSCRIBE_LIMIT);
    assertThat(limitOf("POST", "/webhooks/vonage/inbound", "application/json")).isEqualTo(WEBHOOK);
  }
}
