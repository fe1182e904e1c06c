package dev.sendout.api;

import java.beans.PropertyEditorSupport;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.InitBinder;

/**
 * An id of this API is a UUID in its one written form, 8-4-4-4-12 hex digits. {@link
 * UUID#fromString}, which Spring binds path ids with, also takes {@code 1-1-1-1-1} (and answered
 * "No sendout with id 00000001-0001-…" for it), so the API binds its ids with this instead: any
 * other text is "not a UUID", as in a response's {@code messageId}. An editor, not a converter:
 * Spring falls back to its own editor when a converter refuses.
 */
@ControllerAdvice
public class CanonicalUuid {

  private static final Pattern TEXT =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  /** Whether {@code text} is a UUID in its written form. */
  public static boolean is(String text) {
    return text != null && TEXT.matcher(text).matches();
  }

  @InitBinder
  void strictUuids(WebDataBinder binder) {
    binder.registerCustomEditor(
        UUID.class,
        new PropertyEditorSupport() {
          @Override
          public void setAsText(String text) {
            if (!is(text)) {
              throw new IllegalArgumentException("Not a UUID in its written form");
            }
            setValue(UUID.fromString(text));
          }
        });
  }
}
