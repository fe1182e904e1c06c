package dev.sendout.api.problem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.api.ApiProperties;
import jakarta.servlet.ServletInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.DelegatingServletInputStream;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.json.JsonMapper;

/**
 * Each endpoint's body limit is its own, whatever the Content-Type a caller claims; and a body must
 * keep coming.
 */
class RequestBodyLimitFilterTest {

  private static final long BODY = 8;
  private static final long UPLOAD = 1024;
  private static final long WEBHOOK = 4;

  /** The filter's clock: a test moves it on. */
  private final AtomicLong nanos = new AtomicLong();

  private final RequestBodyLimitFilter filter = filter(UPLOAD, WEBHOOK);

  /** The filter with these limits, on the test's clock. */
  private RequestBodyLimitFilter filter(long upload, long webhook) {
    return new RequestBodyLimitFilter(
        new ApiProperties(
            10,
            DataSize.ofBytes(BODY),
            DataSize.ofBytes(upload),
            DataSize.ofBytes(webhook),
            Duration.ofHours(24),
            Duration.ofHours(72)),
        JsonMapper.builder().build(),
        nanos::get);
  }

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

  /**
   * A body whose every read waits {@code waitPerByte} for one byte, read by a handler that spends
   * {@code pausePerRead} between reads: how many bytes it read, and what stopped it.
   */
  private Read readUpload(Duration waitPerByte, Duration pausePerRead) throws Exception {
    var request =
        new MockHttpServletRequest(
            "POST", "/v1/sendouts/7f1c1a56-2b1e-4a8c-9d7e-000000000000/recipients") {
          @Override
          public ServletInputStream getInputStream() {
            return new DelegatingServletInputStream(
                new ByteArrayInputStream(new byte[UPLOAD_SIZE])) {
              @Override
              public int read(byte[] buffer, int offset, int length) throws IOException {
                nanos.addAndGet(waitPerByte.toNanos());
                return super.read(buffer, offset, Math.min(length, 1));
              }
            };
          }
        };
    request.setContentType("application/x-ndjson");
    int[] read = {0};
    Throwable[] stopped = {null};
    filter.doFilter(
        request,
        new MockHttpServletResponse(),
        (req, res) -> {
          byte[] buffer = new byte[64];
          try {
            while (req.getInputStream().read(buffer, 0, buffer.length) > 0) {
              read[0]++;
              nanos.addAndGet(pausePerRead.toNanos());
            }
          } catch (IOException e) {
            stopped[0] = e;
          }
        });
    return new Read(read[0], stopped[0]);
  }

  private static final int UPLOAD_SIZE = 600;

  private record Read(int bytes, Throwable stoppedBy) {}

  @Test
  void aBodyTrickledAByteASecondIsRefusedOnceTheGraceIsOver() throws Exception {
    var upload = readUpload(Duration.ofSeconds(1), Duration.ZERO);

    assertThat(upload.stoppedBy()).isInstanceOf(RequestBodyLimitFilter.BodyTooSlowException.class);
    assertThat(upload.bytes()).isEqualTo(10);
  }

  /**
   * 16 KB a second, twice the least rate: a webhook body is refused after 30 s of it, where an
   * upload goes on to its end.
   */
  @Test
  void aWebhookBodyMustComeWithinThirtySecondsAtWhateverRate() throws Exception {
    int size = 1024 * 1024;
    var filter = filter(size, size);
    Map<String, Long> read = new LinkedHashMap<>();
    Map<String, Throwable> stopped = new LinkedHashMap<>();
    for (String path :
        List.of("/webhooks/sendgrid/events", "/v1/sendouts/7f1c1a56-2b1e-4a8c-9d7e-0/recipients")) {
      var request =
          new MockHttpServletRequest("POST", path) {
            @Override
            public ServletInputStream getInputStream() {
              return new DelegatingServletInputStream(new ByteArrayInputStream(new byte[size])) {
                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                  nanos.addAndGet(Duration.ofSeconds(1).toNanos());
                  return super.read(buffer, offset, Math.min(length, 16 * 1024));
                }
              };
            }
          };
      request.setContentType("text/csv");
      filter.doFilter(
          request,
          new MockHttpServletResponse(),
          (req, res) -> {
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            try {
              for (int n; (n = req.getInputStream().read(buffer, 0, buffer.length)) > 0; ) {
                total += n;
              }
              read.put(path, total);
            } catch (IOException e) {
              stopped.put(path, e);
            }
          });
    }

    assertThat(stopped.keySet())
        .as(stopped.toString())
        .containsExactly("/webhooks/sendgrid/events");
    assertThat(stopped.get("/webhooks/sendgrid/events"))
        .isInstanceOf(RequestBodyLimitFilter.BodyTooSlowException.class)
        .hasMessageContaining("30 s");
    assertThat(read.values()).containsExactly((long) size);
  }

  @Test
  void aBodyThatArrivesAtOnceIsReadToItsEndHoweverLongTheHandlerTakesBetweenReads()
      throws Exception {
    var upload = readUpload(Duration.ofNanos(1_000), Duration.ofSeconds(30));

    assertThat(upload.stoppedBy()).isNull();
    assertThat(upload.bytes()).isEqualTo(UPLOAD_SIZE);
  }
}
