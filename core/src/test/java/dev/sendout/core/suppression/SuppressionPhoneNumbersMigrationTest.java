package dev.sendout.core.suppression;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.core.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * V16 keys the phone numbers stored on suppression lists before it in the E.164 form recipients'
 * numbers have, and keeps the first entry of any that become one.
 */
class SuppressionPhoneNumbersMigrationTest {

  @Test
  void storedNumbersTakeTheirRecipientsFormAndTheFirstOfEachStays() throws Exception {
    String schema = "v16_" + UUID.randomUUID().toString().replace("-", "");
    Flyway.configure()
        .dataSource(TestDatabase.url(), null, null)
        .schemas(schema)
        .target("15")
        .load()
        .migrate();
    try (Connection db = DriverManager.getConnection(TestDatabase.url())) {
      db.createStatement().execute("set search_path to " + schema);
      db.createStatement()
          .execute(
              """
              insert into suppression (tenant_id, channel, address, reason, source, created_at)
              values ('t1', 'SMS', '+4407911100040', 'MANUAL', 'trunk zero', now() - interval '2 days'),
                     ('t1', 'SMS', '+447911100040', 'SMS_STOP', 'stop', now() - interval '1 day'),
                     ('t1', 'SMS', '+447911100041', 'SMS_STOP', 'first', now() - interval '2 days'),
                     ('t1', 'SMS', '+4407911100041', 'MANUAL', 'later', now()),
                     ('t2', 'SMS', '+4407911100042', 'MANUAL', 'alone', now()),
                     ('t1', 'SMS', '+9991234567', 'SMS_STOP', 'unknown range', now()),
                     ('t1', 'EMAIL', 'ana@example.com', 'MANUAL', 'email', now())""");

      Flyway.configure()
          .dataSource(TestDatabase.url(), null, null)
          .schemas(schema)
          .target("16")
          .load()
          .migrate();

      List<String> rows = new ArrayList<>();
      var result =
          db.createStatement()
              .executeQuery(
                  "select tenant_id, channel, address, source from suppression"
                      + " order by tenant_id, channel, address");
      while (result.next()) {
        rows.add(
            String.join(
                " ",
                result.getString(1),
                result.getString(2),
                result.getString(3),
                result.getString(4)));
      }
      assertThat(rows)
          .containsExactly(
              "t1 EMAIL ana@example.com email",
              "t1 SMS +447911100040 trunk zero",
              "t1 SMS +447911100041 first",
              "t1 SMS +9991234567 unknown range",
              "t2 SMS +447911100042 alone");
      db.createStatement().execute("drop schema " + schema + " cascade");
    }
  }
}
