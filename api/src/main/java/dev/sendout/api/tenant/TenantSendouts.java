package dev.sendout.api.tenant;

import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.ProblemType;
import dev.sendout.core.sendout.SendoutStore;
import dev.sendout.core.sendout.StoredSendout;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The one way the API looks a sendout up by the id a caller gave: always within the caller's
 * tenant, and another tenant's sendout is answered exactly like one that does not exist (404), so
 * that ids cannot be probed.
 */
@Component
public class TenantSendouts {

  private final SendoutStore sendouts;

  public TenantSendouts(SendoutStore sendouts) {
    this.sendouts = sendouts;
  }

  /** The tenant's sendout, or a 404 problem. */
  public StoredSendout get(Tenant tenant, UUID id) {
    return sendouts
        .find(tenant.id(), id)
        .orElseThrow(() -> new ApiProblem(ProblemType.NOT_FOUND, "No sendout with id " + id));
  }
}
