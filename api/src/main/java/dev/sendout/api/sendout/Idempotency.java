package dev.sendout.api.sendout;

import dev.sendout.api.problem.ApiProblem;
import dev.sendout.core.content.Sha256;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.SerializationFeature;

/**
 * What makes a request safe to retry: the caller's Idempotency-Key, and a fingerprint of the
 * request stored with it, so that a key reused for a different request is told apart from a retry.
 */
@Component
public class Idempotency {

  /** The width of the columns that store keys. */
  public static final int MAX_KEY_LENGTH = 255;

  private final ObjectMapper json;

  public Idempotency(ObjectMapper json) {
    this.json = json;
  }

  /**
   * Refuses a key that is given but blank, too long or not printable ASCII; a missing key is fine.
   * A header's bytes beyond ASCII are read as Latin-1, so a key sent in UTF-8 was kept, and quoted
   * back, garbled.
   */
  public void checkKey(String idempotencyKey) {
    if (idempotencyKey == null) {
      return;
    }
    if (idempotencyKey.isBlank() || idempotencyKey.length() > MAX_KEY_LENGTH) {
      throw ApiProblem.invalid("Idempotency-Key", "must be 1 to " + MAX_KEY_LENGTH + " characters");
    }
    if (!idempotencyKey.chars().allMatch(c -> c >= ' ' && c <= '~')) {
      throw ApiProblem.invalid(
          "Idempotency-Key", "must be printable ASCII: letters, digits, punctuation and spaces");
    }
  }

  /**
   * SHA-256 of the request as parsed, so formatting differences do not count as a change, and
   * neither does the order of a map's entries (a recipient's variables), which JSON does not give a
   * meaning: of its JSON in UTF-8, with those entries in the order of their keys.
   */
  public String fingerprint(Object request) {
    return digest(json.writer().with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS), request);
  }

  /**
   * Whether {@code stored}, the fingerprint kept with a key, is this request's ({@code fingerprint}
   * being {@link #fingerprint}'s): also when it was kept before the entries of maps were sorted, so
   * that a retry of a request made then is still answered as one.
   */
  public boolean matches(Object request, String fingerprint, String stored) {
    return fingerprint.equals(stored) || digest(json.writer(), request).equals(stored);
  }

  /**
   * Streamed into the digest rather than built as one string, which for a create of 100,000
   * recipients was tens of megabytes of short-lived heap.
   */
  private static String digest(ObjectWriter writer, Object request) {
    MessageDigest digest = Sha256.newDigest();
    // Through a Writer, as writeValueAsString wrote: Jackson's own UTF-8 generator (an
    // OutputStream) would not write a lone surrogate as the '?' the string's bytes had.
    try (Writer out =
        new OutputStreamWriter(
            new DigestOutputStream(OutputStream.nullOutputStream(), digest),
            StandardCharsets.UTF_8)) {
      writer.writeValue(out, request);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot happen: the digest's stream writes nowhere", e);
    }
    return Sha256.hex(digest);
  }
}
