package db.migration;

import dev.sendout.core.channel.sms.PhoneNumbers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Phone numbers on the suppression lists are keyed in the E.164 form libphonenumber gives them, the
 * form recipients' numbers are stored in ({@code SuppressionKey}). Before it, separators were only
 * dropped: {@code +44 (0)7911 100040} was stored {@code +4407911100040} and suppressed nothing.
 * Each such entry takes its number's E.164 form; where the list has that number already, the first
 * put on the list stays, with its reason and source, as V15 did for email addresses. A number
 * libphonenumber does not know is left as it is. In Java, for libphonenumber; data only.
 */
public class V16__suppression_phone_numbers extends BaseJavaMigration {

  private record Entry(long id, String tenantId, Timestamp createdAt, String e164) {

    boolean before(Timestamp otherCreatedAt, long otherId) {
      int order = createdAt.compareTo(otherCreatedAt);
      return order < 0 || (order == 0 && id < otherId);
    }
  }

  @Override
  public void migrate(Context context) throws SQLException {
    Connection db = context.getConnection();
    List<Entry> misKeyed = new ArrayList<>();
    try (var select =
            db.prepareStatement(
                "select id, tenant_id, created_at, address from suppression where channel = 'SMS'");
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        String address = rows.getString(4);
        Optional<String> e164 = PhoneNumbers.e164(address);
        if (e164.isPresent() && !e164.get().equals(address)) {
          misKeyed.add(
              new Entry(rows.getLong(1), rows.getString(2), rows.getTimestamp(3), e164.get()));
        }
      }
    }
    try (PreparedStatement holderOf =
            db.prepareStatement(
                "select id, created_at from suppression"
                    + " where tenant_id = ? and channel = 'SMS' and address = ?");
        PreparedStatement delete = db.prepareStatement("delete from suppression where id = ?");
        PreparedStatement rekey =
            db.prepareStatement("update suppression set address = ? where id = ?")) {
      for (Entry entry : misKeyed) {
        holderOf.setString(1, entry.tenantId());
        holderOf.setString(2, entry.e164());
        try (ResultSet holder = holderOf.executeQuery()) {
          if (holder.next()) {
            if (!entry.before(holder.getTimestamp(2), holder.getLong(1))) {
              delete.setLong(1, entry.id()); // the number was on the list before this entry
              delete.executeUpdate();
              continue;
            }
            delete.setLong(1, holder.getLong(1));
            delete.executeUpdate();
          }
        }
        rekey.setString(1, entry.e164());
        rekey.setLong(2, entry.id());
        rekey.executeUpdate();
      }
    }
  }
}
