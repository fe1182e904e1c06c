package dev.sendout.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.core.StoreTest;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The settings common.yml gives every pooled connection. */
class ConnectionSettingsTest extends StoreTest {

  @Autowired DSLContext db;

  @Test
  void everyConnectionPlansForCachedPagesAndWaitsForALockAtMostThirtySeconds() {
    assertThat(db.fetchValue("show random_page_cost")).isEqualTo("1.1");
    assertThat(db.fetchValue("show lock_timeout")).isEqualTo("30s");
  }
}
