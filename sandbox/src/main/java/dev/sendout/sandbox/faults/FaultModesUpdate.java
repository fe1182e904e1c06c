package dev.sendout.sandbox.faults;

import java.util.List;

/**
 * The body of a provider's {@code PUT .../faults}, whose missing fields keep their current values.
 *
 * @param <S> the provider's fault modes
 * @param <P> the provider's shape of one problem
 */
public interface FaultModesUpdate<S extends FaultModes, P> {

  /** Lists what is wrong with this update, in the provider's own error shape. */
  List<P> validate();

  /** Returns the current modes overridden by the fields present in this update. */
  S applyTo(S current);
}
