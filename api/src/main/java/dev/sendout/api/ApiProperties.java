package dev.sendout.api;

import dev.sendout.core.config.InvalidSetting;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits of the API and the defaults of new sendouts. The settings their workflows run with are
 * {@code sendout.workflow.*} ({@code WorkflowProperties}), shared with the worker.
 *
 * @param maxRecipientsPerRequest recipients inline in one create request
 * @param maxBodySize larger request bodies are refused with 413 before they are read, or as soon as
 *     a chunked one crosses it
 * @param maxUploadSize the same for the recipient upload ({@code POST /v1/sendouts/{id}/recipients}
 *     as NDJSON or CSV), which is read as a stream and never held whole in memory; no other
 *     endpoint takes more than {@code maxBodySize}, whatever its Content-Type
 * @param maxWebhookBodySize the same for the provider webhooks, whose body is held whole to verify
 *     its signature: SendGrid posts a batch once it reaches about 768 KB, Vonage one status per
 *     call, and the margin is wide because a batch refused here is lost after SendGrid's retries
 * @param emailReceiptTimeout how long an accepted email may wait for SendGrid's receipt, unless the
 *     request says otherwise; SendGrid reports almost all within minutes and retries its webhook
 *     for up to 24 hours
 * @param smsReceiptTimeout how long an accepted SMS may wait for Vonage's receipt, unless the
 *     request says otherwise; Vonage reports a final SMS status within 72 hours
 */
@ConfigurationProperties("sendout.api")
public record ApiProperties(
    @DefaultValue("10000") int maxRecipientsPerRequest,
    @DefaultValue("8MB") DataSize maxBodySize,
    @DefaultValue("1GB") DataSize maxUploadSize,
    @DefaultValue("4MB") DataSize maxWebhookBodySize,
    @DefaultValue("24h") Duration emailReceiptTimeout,
    @DefaultValue("72h") Duration smsReceiptTimeout) {

  /**
   * The bounds of a receipt deadline, a request's own {@code receiptTimeout} and the defaults: one
   * shorter than a minute would flag messages the provider is still handling; beyond 30 days nobody
   * waits for a survey invitation.
   */
  public static final Duration MIN_RECEIPT_TIMEOUT = Duration.ofMinutes(1);

  public static final Duration MAX_RECEIPT_TIMEOUT = Duration.ofDays(30);

  private static final String RECEIPT_TIMEOUT_BOUNDS = "from 1m to 30d such as 24h";

  /**
   * Checked as the api starts: a default receipt timeout out of bounds (0, or {@code 500}, which
   * reads as 500 ms) would be found only when a sendout's workflow starts, after its 202.
   */
  public ApiProperties {
    InvalidSetting.requireAtLeast(
        "SENDOUT_API_MAXRECIPIENTSPERREQUEST", maxRecipientsPerRequest, 1);
    InvalidSetting.requireWithin(
        "SENDOUT_API_EMAILRECEIPTTIMEOUT",
        emailReceiptTimeout,
        MIN_RECEIPT_TIMEOUT,
        MAX_RECEIPT_TIMEOUT,
        RECEIPT_TIMEOUT_BOUNDS);
    InvalidSetting.requireWithin(
        "SENDOUT_API_SMSRECEIPTTIMEOUT",
        smsReceiptTimeout,
        MIN_RECEIPT_TIMEOUT,
        MAX_RECEIPT_TIMEOUT,
        RECEIPT_TIMEOUT_BOUNDS);
  }
}
