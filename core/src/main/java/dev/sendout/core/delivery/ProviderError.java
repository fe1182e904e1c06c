package dev.sendout.core.delivery;

import java.io.InterruptedIOException;

/**
 * A provider's error answer, or a call that got none, as {@code sendout.provider.errors} counts it.
 * The codes are few and fixed, so that the counter's series stay bounded.
 *
 * @param provider {@code sendgrid} or {@code vonage}
 * @param code the HTTP status of the error answer; {@code timeout} when no connection or answer
 *     came in time, {@code io} when the call failed otherwise
 */
public record ProviderError(String provider, String code) {

  public static ProviderError status(String provider, int httpStatus) {
    return new ProviderError(provider, String.valueOf(httpStatus));
  }

  /**
   * A call that got no answer, from the I/O failure at its root. A connect or read timeout (the
   * JDK's {@code SocketTimeoutException}, Apache HttpClient's {@code ConnectTimeoutException}) is
   * an {@link InterruptedIOException}.
   */
  public static ProviderError noAnswer(String provider, Throwable cause) {
    boolean timedOut = cause instanceof InterruptedIOException;
    return new ProviderError(provider, timedOut ? "timeout" : "io");
  }
}
