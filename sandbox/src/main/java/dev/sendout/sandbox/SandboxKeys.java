package dev.sendout.sandbox;

import dev.sendout.sandbox.sendgrid.events.SigningKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Writes the keys that the sandbox signs its webhooks with and the api verifies them with, for a
 * stack of separate containers (docker-compose.yml): an EC P-256 key pair for SendGrid's signed
 * Event Webhook, a shared secret for Vonage's signed status webhooks, and the secret the worker and
 * the api share for one-click unsubscribe links. They are made on the operator's machine at first
 * start, so that no key, not even a sandbox one, lives in the repository.
 *
 * <p>The file is a Spring properties file that both apps import ({@code
 * SPRING_CONFIG_IMPORT=file:<file>}). Its keys are the names of the environment variables the apps'
 * config reads (for example {@code SENDGRID_WEBHOOK_PUBLIC_KEY}), not the properties those
 * variables feed: Spring resolves {@code ${SENDGRID_WEBHOOK_PUBLIC_KEY:}} from the environment
 * first and from imported files after it, so a real provider's key set as an environment variable
 * takes precedence over the sandbox's.
 *
 * <p>An existing file is kept: restarting the stack keeps the keys; removing the volume makes new
 * ones.
 */
public final class SandboxKeys {

  /** The sandbox's SendGrid receipt signing key: base64 PKCS#8 DER, EC P-256. */
  public static final String SANDBOX_SENDGRID_PRIVATE_KEY = "SANDBOX_SENDGRID_WEBHOOK_PRIVATE_KEY";

  /** Its public half (base64 X.509 DER), which the sandbox wants beside the private one. */
  public static final String SANDBOX_SENDGRID_PUBLIC_KEY = "SANDBOX_SENDGRID_WEBHOOK_PUBLIC_KEY";

  /** The same public key, as the api reads the key that verifies SendGrid's signatures. */
  public static final String API_SENDGRID_PUBLIC_KEY = "SENDGRID_WEBHOOK_PUBLIC_KEY";

  /** The secret the sandbox signs Vonage status webhooks with (HS256). */
  public static final String SANDBOX_VONAGE_SECRET = "SANDBOX_VONAGE_SIGNATURE_SECRET";

  /** The same secret, as the api reads the one that verifies Vonage's signatures. */
  public static final String API_VONAGE_SECRET = "VONAGE_SIGNATURE_SECRET";

  /**
   * The secret the worker signs one-click unsubscribe links with and the api checks them with: the
   * worker and the api are separate containers, so both import it from here.
   */
  public static final String SANDBOX_UNSUBSCRIBE_SECRET = "SANDBOX_UNSUBSCRIBE_SECRET";

  /** The same secret, as both apps read it. */
  public static final String APPS_UNSUBSCRIBE_SECRET = "SENDOUT_UNSUBSCRIBE_SECRET";

  private static final int SECRET_BYTES = 32;

  private SandboxKeys() {}

  /** {@code java -cp application.jar dev.sendout.sandbox.SandboxKeys <file>} */
  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("Usage: SandboxKeys <properties file to write>");
      System.exit(2);
    }
    Path file = Path.of(args[0]);
    try {
      System.out.println(
          write(file)
              ? "Wrote new sandbox signing keys to " + file
              : "Kept the sandbox signing keys in " + file);
    } catch (IOException e) {
      System.err.println("Cannot write the sandbox signing keys to " + file + ": " + e);
      System.exit(1);
    }
  }

  /**
   * Writes a fresh key pair and secret to {@code file}, readable by its owner only, unless the file
   * exists.
   *
   * @return true when it wrote the file, false when it kept an existing one
   */
  public static boolean write(Path file) throws IOException {
    if (Files.exists(file)) {
      return false;
    }
    Path directory = file.toAbsolutePath().getParent();
    Files.createDirectories(directory);
    // Written aside and moved in whole, so that a run that dies halfway leaves no partial file
    // behind for the next run to keep.
    Path temporary = Files.createTempFile(directory, ".sandbox-keys", ".tmp", ownerOnly());
    try {
      Files.writeString(temporary, render(), StandardCharsets.ISO_8859_1);
      // Without REPLACE_EXISTING: a file that appeared meanwhile is kept.
      Files.move(temporary, file);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  private static String render() {
    KeyPair receipts = SigningKeys.generate();
    String privateKey = base64(receipts.getPrivate().getEncoded());
    String publicKey = base64(receipts.getPublic().getEncoded());
    String secret = secret();
    String unsubscribe = secret();
    return "# The sandbox's webhook signing keys for this stack, written by SandboxKeys at "
        + Instant.now()
        + ".\n"
        + "# Named like the environment variables they stand in for: a variable set in the\n"
        + "# environment (a real provider's key) takes precedence over this file.\n"
        + line(SANDBOX_SENDGRID_PRIVATE_KEY, privateKey)
        + line(SANDBOX_SENDGRID_PUBLIC_KEY, publicKey)
        + line(API_SENDGRID_PUBLIC_KEY, publicKey)
        + line(SANDBOX_VONAGE_SECRET, secret)
        + line(API_VONAGE_SECRET, secret)
        + line(SANDBOX_UNSUBSCRIBE_SECRET, unsubscribe)
        + line(APPS_UNSUBSCRIBE_SECRET, unsubscribe);
  }

  private static String line(String key, String value) {
    return key + "=" + value + "\n";
  }

  private static String secret() {
    byte[] bytes = new byte[SECRET_BYTES];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static String base64(byte[] der) {
    return Base64.getEncoder().encodeToString(der);
  }

  private static FileAttribute<?>[] ownerOnly() {
    if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      return new FileAttribute<?>[0];
    }
    return new FileAttribute<?>[] {
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
    };
  }
}
