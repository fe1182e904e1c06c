package dev.sendout.core.suppression;

import dev.sendout.core.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;

/**
 * A data migration of the suppression lists, met as a deployment meets it, in a schema of its own.
 */
final class SuppressionMigrations {

  private SuppressionMigrations() {}

  /**
   * Migrates a new schema to {@code before}, stores the rows, migrates to {@code version} and
   * answers every row as "tenant channel address source", in that order.
   *
   * @param rows SQL values of {@code (tenant_id, channel, address, reason, source, created_at)}
   */
  static List<String> rowsAfter(String before, String version, String rows) throws SQLException {
    String schema = "m_" + UUID.randomUUID().toString().replace("-", "");
    migrate(schema, before);
    try (Connection db = DriverManager.getConnection(TestDatabase.url())) {
      db.createStatement().execute("set search_path to " + schema);
      db.createStatement()
          .execute(
              "insert into suppression (tenant_id, channel, address, reason, source, created_at)"
                  + " values "
                  + rows);
      migrate(schema, version);
      List<String> found = new ArrayList<>();
      var result =
          db.createStatement()
              .executeQuery(
                  "select tenant_id, channel, address, source from suppression"
                      + " order by tenant_id, channel, address");
      while (result.next()) {
        found.add(
            String.join(
                " ",
                result.getString(1),
                result.getString(2),
                result.getString(3),
                result.getString(4)));
      }
      db.createStatement().execute("drop schema " + schema + " cascade");
      return found;
    }
  }

  private static void migrate(String schema, String version) {
    Flyway.configure()
        .dataSource(TestDatabase.url(), null, null)
        .schemas(schema)
        .target(version)
        .load()
        .migrate();
  }
}
