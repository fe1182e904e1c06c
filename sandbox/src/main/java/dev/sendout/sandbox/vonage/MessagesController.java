package dev.sendout.sandbox.vonage;

import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** Vonage's Messages API send endpoint, at the same path so the real SDK can be pointed here. */
@RestController
public class MessagesController {

  private static final Logger log = LoggerFactory.getLogger(MessagesController.class);

  private final SmsSendHandler handler;
  private final VonageCounters counters;

  public MessagesController(SmsSendHandler handler, VonageCounters counters) {
    this.handler = handler;
    this.counters = counters;
  }

  /**
   * Takes the body as raw bytes rather than a bound object so that malformed JSON gets a
   * Vonage-shaped error instead of Spring's own.
   */
  @PostMapping("/v1/messages")
  public ResponseEntity<?> send(
      @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
      @RequestBody(required = false) byte[] body) {
    long started = System.nanoTime();
    counters.countArrival(Instant.now());
    ResponseEntity<?> response = handler.handle(authorization, body);
    int status = response.getStatusCode().value();
    counters.countAnswer(status);
    // Phone numbers and texts are personal data and never logged; status and timing suffice.
    log.info(
        "POST /v1/messages status={} tookMs={}", status, (System.nanoTime() - started) / 1_000_000);
    return response;
  }
}
