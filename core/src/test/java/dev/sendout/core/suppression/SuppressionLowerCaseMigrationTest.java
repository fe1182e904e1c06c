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
 * V15 lower-cases the email addresses stored on suppression lists before it, and keeps the first
 * entry of any that become one.
 */
class SuppressionLowerCaseMigrationTest {

  @Test
  void storedAddressesAreLowerCasedAndTheFirstOfEachSpellingStays() throws Exception {
    String schema = "v15_" + UUID.randomUUID().toString().replace("-", "");
    Flyway.configure()
        .dataSource(TestDatabase.url(), null, null)
        .schemas(schema)
        .target("14")
        .load()
        .migrate();
    try (Connection db = DriverManager.getConnection(TestDatabase.url())) {
      db.createStatement().execute("set search_path to " + schema);
      db.createStatement()
          .execute(
              """
              insert into suppression (tenant_id, channel, address, reason, source, created_at)
              values ('t1', 'EMAIL', 'Ana@example.com', 'HARD_BOUNCE', 'first', now() - interval '2 days'),
                     ('t1', 'EMAIL', 'ana@example.com', 'MANUAL', 'second', now() - interval '1 day'),
                     ('t1', 'EMAIL', 'ANA@example.com', 'SPAM_REPORT', 'third', now()),
                     ('t2', 'EMAIL', 'Ana@example.com', 'MANUAL', 'other tenant', now()),
                     ('t1', 'EMAIL', 'BOB@example.com', 'UNSUBSCRIBED', 'bob', now()),
                     ('t1', 'SMS', '+447700900123', 'SMS_STOP', 'phone', now())""");

      Flyway.configure()
          .dataSource(TestDatabase.url(), null, null)
          .schemas(schema)
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
              "t1 EMAIL ana@example.com first",
              "t1 EMAIL bob@example.com bob",
              "t1 SMS +447700900123 phone",
              "t2 EMAIL ana@example.com other tenant");
      db.createStatement().execute("drop schema " + schema + " cascade");
    }
  }
}
