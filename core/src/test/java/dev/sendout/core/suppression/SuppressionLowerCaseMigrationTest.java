package dev.sendout.core.suppression;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * V15 lower-cases the email addresses stored on suppression lists before it, and keeps the first
 * entry of any that become one.
 */
class SuppressionLowerCaseMigrationTest {

  @Test
  void storedAddressesAreLowerCasedAndTheFirstOfEachSpellingStays() throws Exception {
    assertThat(
            SuppressionMigrations.rowsAfter(
                "14",
                "latest",
                """
                ('t1', 'EMAIL', 'Ana@example.com', 'HARD_BOUNCE', 'first', now() - interval '2 days'),
                ('t1', 'EMAIL', 'ana@example.com', 'MANUAL', 'second', now() - interval '1 day'),
                ('t1', 'EMAIL', 'ANA@example.com', 'SPAM_REPORT', 'third', now()),
                ('t2', 'EMAIL', 'Ana@example.com', 'MANUAL', 'other tenant', now()),
                ('t1', 'EMAIL', 'BOB@example.com', 'UNSUBSCRIBED', 'bob', now()),
                ('t1', 'SMS', '+447700900123', 'SMS_STOP', 'phone', now())"""))
        .containsExactly(
            "t1 EMAIL ana@example.com first",
            "t1 EMAIL bob@example.com bob",
            "t1 SMS +447700900123 phone",
            "t2 EMAIL ana@example.com other tenant");
  }
}
