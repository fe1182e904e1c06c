package dev.sendout.sandbox.sendgrid;

import java.util.concurrent.ThreadLocalRandom;

/** Generates ids shaped like SendGrid's {@code X-Message-Id}: 22 random base62 characters. */
final class MessageIds {

  private static final char[] BASE62 =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

  private static final int LENGTH = 22;

  private MessageIds() {}

  static String next() {
    // ThreadLocalRandom keeps concurrent requests from contending on one shared generator; the
    // ids only need to be unique in practice, not unguessable.
    ThreadLocalRandom random = ThreadLocalRandom.current();
    char[] id = new char[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      id[i] = BASE62[random.nextInt(BASE62.length)];
    }
    return new String(id);
  }
}
