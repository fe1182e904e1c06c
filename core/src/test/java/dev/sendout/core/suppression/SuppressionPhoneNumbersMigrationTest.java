package dev.sendout.core.suppression;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * V16 keys the phone numbers stored on suppression lists before it in the E.164 form recipients'
 * numbers have, and keeps the first entry of any that become one.
 */
class SuppressionPhoneNumbersMigrationTest {

  @Test
  void storedNumbersTakeTheirRecipientsFormAndTheFirstOfEachStays() throws Exception {
    assertThat(
            SuppressionMigrations.rowsAfter(
                "15",
                "16",
                """
                ('t1', 'SMS', '+4407911100040', 'MANUAL', 'trunk zero', now() - interval '2 days'),
                ('t1', 'SMS', '+447911100040', 'SMS_STOP', 'stop', now() - interval '1 day'),
                ('t1', 'SMS', '+447911100041', 'SMS_STOP', 'first', now() - interval '2 days'),
                ('t1', 'SMS', '+4407911100041', 'MANUAL', 'later', now()),
                ('t2', 'SMS', '+4407911100042', 'MANUAL', 'alone', now()),
                ('t1', 'SMS', '+9991234567', 'SMS_STOP', 'unknown range', now()),
                ('t1', 'EMAIL', 'ana@example.com', 'MANUAL', 'email', now())"""))
        .containsExactly(
            "t1 EMAIL ana@example.com email",
            "t1 SMS +447911100040 trunk zero",
            "t1 SMS +447911100041 first",
            "t1 SMS +9991234567 unknown range",
            "t2 SMS +447911100042 alone");
  }
}
