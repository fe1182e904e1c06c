package dev.sendout.core.support;

import java.util.function.Supplier;

/**
 * A place among the writes the database is given at once. The api bounds them with a bulkhead, so
 * that an overload is refused fast rather than queued for a connection; without one, every write is
 * admitted.
 */
public interface WriteAdmission {

  WriteAdmission ALWAYS =
      new WriteAdmission() {
        @Override
        public <T> T write(Supplier<T> work) {
          return work.get();
        }
      };

  /**
   * Runs {@code work} holding a place, or throws {@link WriteRefused} when none frees up in time.
   */
  <T> T write(Supplier<T> work);

  /** No place for the write in time; {@code reason} is what its caller is answered. */
  final class WriteRefused extends RuntimeException {
    private final RuntimeException reason;

    public WriteRefused(RuntimeException reason) {
      super(reason.getMessage(), reason, false, false);
      this.reason = reason;
    }

    public RuntimeException reason() {
      return reason;
    }
  }
}
