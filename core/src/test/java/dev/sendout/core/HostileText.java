package dev.sendout.core;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Strings as a hostile caller sends them, for the property tests of the validators: code points of
 * every Unicode general category (lone surrogates, controls, unassigned, private use and
 * supplementary planes included), mixed with the characters that give text a structure (the
 * {@code @} and dots of an address, the braces of a template, line breaks, NUL, a BOM), so that
 * generated strings reach past a validator's first check.
 */
public final class HostileText {

  /**
   * Every code point, grouped by its general category ({@link Character#getType}), computed once: a
   * category is picked first, so the rare ones (line separators, surrogates) come up as often as
   * letters.
   */
  private static final int[][] BY_CATEGORY = byCategory();

  /** Characters that validators and parsers look for. */
  private static final String STRUCTURE =
      "@.{}&#^/>!=%-_+ \t\r\n\u0000\u007F\u0085\u2028\uFEFF\u00DF\u200D[]\"'<`";

  private HostileText() {}

  /** Code points of every category, with structure characters and plain ASCII letters. */
  public static Arbitrary<String> codePoints() {
    // A category and a position within it, rather than flatMap, which makes generation slow.
    Arbitrary<Integer> anyCategory =
        Combinators.combine(
                Arbitraries.integers().between(0, BY_CATEGORY.length - 1),
                Arbitraries.integers().between(0, Integer.MAX_VALUE))
            .as((category, at) -> BY_CATEGORY[category][at % BY_CATEGORY[category].length]);
    Arbitrary<Integer> structure =
        Arbitraries.integers()
            .between(0, STRUCTURE.length() - 1)
            .map(STRUCTURE::charAt)
            .map(c -> (int) c);
    Arbitrary<Integer> ascii = Arbitraries.integers().between(0x20, 0x7E);
    return Arbitraries.frequencyOf(
            Tuple.of(4, anyCategory), Tuple.of(3, structure), Tuple.of(3, ascii))
        .list()
        .ofMaxSize(40)
        .map(HostileText::fromCodePoints);
  }

  /**
   * Hostile text of either kind: {@link #codePoints}, or jqwik's own strings of any BMP character,
   * noncharacters and private use included.
   */
  public static Arbitrary<String> strings() {
    return Arbitraries.oneOf(codePoints(), Arbitraries.strings().all().ofMaxLength(40));
  }

  /**
   * Code points as a string. A surrogate code point becomes a lone surrogate, which is what a JSON
   * escape of U+D800 yields and what UTF-8 cannot encode.
   */
  private static String fromCodePoints(List<Integer> codePoints) {
    StringBuilder text = new StringBuilder();
    codePoints.forEach(text::appendCodePoint);
    return text.toString();
  }

  private static int[][] byCategory() {
    List<List<Integer>> categories = new ArrayList<>();
    for (int i = 0; i <= Character.FINAL_QUOTE_PUNCTUATION; i++) {
      categories.add(new ArrayList<>());
    }
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
      categories.get(Character.getType(cp)).add(cp);
    }
    // Category 17 is not assigned by the JDK; an empty list cannot be picked from.
    return categories.stream()
        .filter(points -> !points.isEmpty())
        .map(points -> points.stream().mapToInt(Integer::intValue).toArray())
        .toArray(int[][]::new);
  }
}
