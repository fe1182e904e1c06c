package dev.sendout.sandbox.settings;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;

/**
 * Reads and changes one group of settings while the sandbox runs. Each provider's controller maps
 * it to its path and supplies the settings, the change and its own shape of a 400 answer.
 *
 * @param <S> the settings type, which is also the JSON of GET and of a successful PUT
 * @param <U> the body of PUT, whose missing fields keep their current values
 * @param <P> the provider's shape of one problem
 */
public abstract class SettingsController<S, U, P> {

  private final Supplier<S> settings;
  private final Function<U, SettingsChange<S, P>> change;
  private final Function<List<P>, ResponseEntity<?>> badRequest;

  protected SettingsController(
      Supplier<S> settings,
      Function<U, SettingsChange<S, P>> change,
      Function<List<P>, ResponseEntity<?>> badRequest) {
    this.settings = settings;
    this.change = change;
    this.badRequest = badRequest;
  }

  @GetMapping
  public S current() {
    return settings.get();
  }

  /**
   * Applies the fields present in the body and answers with the settings now in force, or with 400
   * and every problem when the result would be invalid, in which case nothing changes.
   */
  @PutMapping
  public ResponseEntity<?> update(@RequestBody U update) {
    SettingsChange<S, P> result = change.apply(update);
    if (!result.isApplied()) {
      return badRequest.apply(result.problems());
    }
    return ResponseEntity.ok(result.settings());
  }
}
