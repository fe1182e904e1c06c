package dev.sendout.sandbox.webhook;

import java.util.Map;

/**
 * The one thing about posting that differs between providers: how a body is signed. Every attempt
 * is signed afresh, so a retried POST carries a current timestamp.
 */
@FunctionalInterface
public interface WebhookSigner {

  /** The headers that sign this body, as the provider sends them. */
  Map<String, String> headers(byte[] body);
}
