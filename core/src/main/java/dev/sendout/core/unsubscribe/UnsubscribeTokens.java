package dev.sendout.core.unsubscribe;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The token of a one-click unsubscribe link: the id of the message it came with and an HMAC-SHA256
 * of that id under the engine's secret, truncated to 128 bits, in base64url without padding (44
 * characters). It names no address: the api looks the recipient up from the message. Without the
 * secret no one can make a token for another message, and a token altered in any bit is refused.
 */
public final class UnsubscribeTokens {

  /** A token's first byte, so that another format can be told apart later. */
  private static final byte VERSION = 1;

  private static final int ID_BYTES = 16;
  private static final int MAC_BYTES = 16;
  private static final int TOKEN_BYTES = 1 + ID_BYTES + MAC_BYTES;

  /** Shorter secrets are guessable: refused at start. */
  public static final int MIN_SECRET_LENGTH = 32;

  private static final String ALGORITHM = "HmacSHA256";

  /**
   * A Mac per thread, initialised with the key once: {@code Mac.getInstance} and {@code init} for
   * every message cost more than the digest (each send signs a link for every recipient). {@code
   * doFinal} leaves the Mac ready for the next message with the same key.
   */
  private final ThreadLocal<Mac> macs;

  public UnsubscribeTokens(String secret) {
    if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
      throw new IllegalArgumentException(
          "The unsubscribe secret needs at least " + MIN_SECRET_LENGTH + " characters");
    }
    SecretKeySpec key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    this.macs = ThreadLocal.withInitial(() -> newMac(key));
  }

  /** The token of this message's unsubscribe link. */
  public String issue(UUID messageId) {
    ByteBuffer token = ByteBuffer.allocate(TOKEN_BYTES);
    token.put(VERSION).put(id(messageId)).put(mac(messageId));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(token.array());
  }

  /** The message a token was issued for, or empty when it is malformed, forged or altered. */
  public Optional<UUID> verify(String token) {
    if (token == null || token.length() > 64) {
      return Optional.empty();
    }
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (bytes.length != TOKEN_BYTES || bytes[0] != VERSION) {
      return Optional.empty();
    }
    ByteBuffer in = ByteBuffer.wrap(bytes, 1, ID_BYTES);
    UUID messageId = new UUID(in.getLong(), in.getLong());
    byte[] given = new byte[MAC_BYTES];
    System.arraycopy(bytes, 1 + ID_BYTES, given, 0, MAC_BYTES);
    // Constant time: the comparison must not tell a forger how many bytes were right.
    return MessageDigest.isEqual(given, mac(messageId)) ? Optional.of(messageId) : Optional.empty();
  }

  private static byte[] id(UUID id) {
    return ByteBuffer.allocate(ID_BYTES)
        .putLong(id.getMostSignificantBits())
        .putLong(id.getLeastSignificantBits())
        .array();
  }

  private byte[] mac(UUID messageId) {
    byte[] id = id(messageId); // first: nothing may throw between update and doFinal
    Mac mac = macs.get();
    mac.update(VERSION);
    return Arrays.copyOf(mac.doFinal(id), MAC_BYTES);
  }

  private static Mac newMac(SecretKeySpec key) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Every JDK has HmacSHA256", e);
    }
  }
}
