package dev.sendout.api.receipt;

import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.ProblemType;
import dev.sendout.core.receipt.Receipt;
import dev.sendout.core.receipt.ReceiptStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.function.Function;

/**
 * The steps every provider's receipt webhook takes, in the order that keeps receipts from being
 * lost and unsigned calls cheap: refuse a call without a signature before reading its body, read
 * the body (within {@code sendout.api.max-webhook-body-size}), verify the call over the raw bytes,
 * parse them, store and apply the receipts in one transaction, wake the batches they settle, count
 * them, and only then answer. Each controller keeps its endpoint, headers and documentation and
 * says only how its provider signs and writes.
 */
public final class ReceiptIntake {

  /** One provider's check of a call, which throws {@link ApiProblem} when it does not verify. */
  @FunctionalInterface
  public interface Verifier {
    void verify(byte[] raw);
  }

  /** One provider's check that a call carries a signature at all, before its body is read. */
  @FunctionalInterface
  public interface Signed {
    void require();
  }

  private final ReceiptStore receipts;
  private final ReceiptNotifier notifier;
  private final ReceiptMeters meters;

  ReceiptIntake(
      ReceiptStore receipts, ReceiptNotifier notifier, MeterRegistry meters, String provider) {
    this.receipts = receipts;
    this.notifier = notifier;
    this.meters = new ReceiptMeters(meters, provider);
  }

  /**
   * The call's body, once it verifies: refused unread when it carries no signature, read within the
   * webhook limit, verified over its raw bytes. A refusal of its signature is counted. The inbound
   * SMS webhook, which stores no receipt, takes this step too.
   */
  public static byte[] verifiedBody(
      Signed signed, InputStream body, Verifier verifier, ReceiptMeters meters) throws IOException {
    try {
      signed.require();
      // The request's stream is limited: a body over the webhook limit ends here in a 413.
      byte[] raw = body.readAllBytes();
      verifier.verify(raw);
      return raw;
    } catch (ApiProblem refused) {
      meters.rejected(refused);
      throw refused;
    }
  }

  /**
   * Takes one call's body. A body the parser refuses with {@code malformed} answers 400 with the
   * parser's message; any other failure of the parser is left to propagate as it is.
   */
  WebhookResult receive(
      Signed signed,
      InputStream body,
      Verifier verifier,
      Function<byte[], List<Receipt>> parser,
      Class<? extends IllegalArgumentException> malformed)
      throws IOException {
    byte[] raw = verifiedBody(signed, body, verifier, meters);
    List<Receipt> parsed;
    try {
      parsed = parser.apply(raw);
    } catch (IllegalArgumentException e) {
      if (!malformed.isInstance(e)) {
        throw e;
      }
      throw new ApiProblem(ProblemType.MALFORMED_JSON, e.getMessage());
    }
    var ingested = receipts.ingest(parsed);
    notifier.wake(ingested.batches());
    meters.record(ingested);
    return WebhookResult.of(ingested);
  }
}
