package dev.sendout.sandbox.sendgrid;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** SendGrid's v3 Mail Send endpoint, at the same path so the real SDK can be pointed here. */
@RestController
public class MailSendController {

  private static final Logger log = LoggerFactory.getLogger(MailSendController.class);

  private final MailSendHandler handler;
  private final SendGridCounters counters;

  public MailSendController(MailSendHandler handler, SendGridCounters counters) {
    this.handler = handler;
    this.counters = counters;
  }

  /**
   * Takes the body as raw bytes rather than a bound object so that malformed JSON gets a
   * SendGrid-shaped error instead of Spring's own.
   */
  @PostMapping("/v3/mail/send")
  public ResponseEntity<?> send(
      @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization,
      @RequestBody(required = false) byte[] body) {
    long started = System.nanoTime();
    MailSendOutcome outcome = handler.handle(authorization, body);
    int status = outcome.response().getStatusCode().value();
    counters.countResponse(status);
    // Addresses are personal data and never logged; the count and status are enough to follow
    // a load test.
    log.info(
        "POST /v3/mail/send personalizations={} status={} tookMs={}",
        outcome.personalizations(),
        status,
        (System.nanoTime() - started) / 1_000_000);
    return outcome.response();
  }
}
