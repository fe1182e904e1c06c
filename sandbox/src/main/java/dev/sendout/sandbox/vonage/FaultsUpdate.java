package dev.sendout.sandbox.vonage;

import dev.sendout.sandbox.faults.FaultModesUpdate;
import java.util.ArrayList;
import java.util.List;

/** The body of {@code PUT /sandbox/vonage/faults}. A missing field keeps its current value. */
public record FaultsUpdate(Long latencyMs, Double serverErrorRate, Boolean rejectCredentials)
    implements FaultModesUpdate<FaultSettings, InvalidParameter> {

  @Override
  public List<InvalidParameter> validate() {
    List<InvalidParameter> problems = new ArrayList<>();
    if (latencyMs != null && latencyMs < 0) {
      problems.add(new InvalidParameter("latencyMs", "must not be negative"));
    }
    if (serverErrorRate != null && !(serverErrorRate >= 0.0 && serverErrorRate <= 1.0)) {
      problems.add(new InvalidParameter("serverErrorRate", "must be between 0 and 1"));
    }
    return problems;
  }

  @Override
  public FaultSettings applyTo(FaultSettings current) {
    return new FaultSettings(
        latencyMs != null ? latencyMs : current.latencyMs(),
        serverErrorRate != null ? serverErrorRate : current.serverErrorRate(),
        rejectCredentials != null ? rejectCredentials : current.rejectCredentials());
  }
}
