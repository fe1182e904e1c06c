package dev.sendout.api;

import java.beans.PropertyEditorSupport;
import java.util.regex.Pattern;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.InitBinder;

/**
 * Whole-number parameters ({@code limit}) are decimal digits, with a minus sign at most: Spring
 * read {@code 0x10} as 16, and {@code +5}, {@code " 5"} and {@code ٣} (an Arabic-Indic three) as
 * numbers, while it refused {@code 1e2} (a hostile sweep). Anything else is the 400 naming the
 * parameter, as {@code 1e2} was. An editor, not a converter: Spring falls back to its own lenient
 * parsing when a converter refuses a value, not when an editor does.
 */
@ControllerAdvice
public class WholeNumberParameters {

  private static final Pattern DECIMAL = Pattern.compile("-?[0-9]+");

  @InitBinder
  void wholeNumbers(WebDataBinder binder) {
    binder.registerCustomEditor(
        Integer.class,
        new PropertyEditorSupport() {
          @Override
          public void setAsText(String text) {
            if (text == null || text.isEmpty()) {
              setValue(null); // given empty: as if not given, as before
            } else if (DECIMAL.matcher(text).matches()) {
              setValue(Integer.valueOf(text)); // beyond an int: a NumberFormatException
            } else {
              throw new IllegalArgumentException("Not a whole number in decimal digits");
            }
          }
        });
  }
}
