package dev.sendout.core.content;

/** Text made safe to stand in HTML, in an element's content or a quoted or unquoted attribute. */
public final class Html {

  private Html() {}

  /**
   * The text with every character that HTML gives a meaning escaped: {@code & < > " '} as Mustache
   * escapes them, and {@code ` =}, which end an unquoted attribute value in some browsers.
   */
  public static String escape(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      String entity =
          switch (text.charAt(i)) {
            case '&' -> "&amp;";
            case '<' -> "&lt;";
            case '>' -> "&gt;";
            case '"' -> "&quot;";
            case '\'' -> "&#39;";
            case '`' -> "&#96;";
            case '=' -> "&#61;";
            default -> null;
          };
      if (entity != null && out == null) {
        out = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (out != null) {
        if (entity == null) {
          out.append(text.charAt(i));
        } else {
          out.append(entity);
        }
      }
    }
    return out == null ? text : out.toString();
  }
}
