package dev.sendout.core.tenant;

import static dev.sendout.core.store.jooq.Tables.API_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.core.StoreTest;
import java.time.OffsetDateTime;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class ApiKeysTest extends StoreTest {

  @Autowired ApiKeys keys;
  @Autowired DSLContext db;

  @Test
  void aRevokedKeyIsRefusedAtOnceThoughItWasRememberedAsValid() {
    var issued = keys.issue("tenant-keys", "ci");
    assertThat(keys.tenantOf(issued.key())).contains("tenant-keys");

    assertThat(keys.revoke(issued.info().id())).isTrue();

    assertThat(keys.tenantOf(issued.key())).isEmpty();
  }

  @Test
  void aValidKeyIsRememberedForAFewSecondsAndAskedForAgainAfterThat() throws Exception {
    var issued = keys.issue("tenant-keys", "replica");
    assertThat(keys.tenantOf(issued.key())).contains("tenant-keys");
    // Revoked by another api replica: this one's memory still holds the key for a few seconds.
    db.update(API_KEY)
        .set(API_KEY.REVOKED_AT, OffsetDateTime.now())
        .where(API_KEY.ID.eq(issued.info().id()))
        .execute();

    assertThat(keys.tenantOf(issued.key())).contains("tenant-keys");
    Thread.sleep(ApiKeys.REMEMBERED_FOR.plusMillis(100).toMillis());
    assertThat(keys.tenantOf(issued.key())).isEmpty();
  }

  @Test
  void anUnknownKeyIsUnknown() {
    assertThat(keys.tenantOf("sok_never-issued")).isEmpty();
  }
}
