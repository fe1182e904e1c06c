package dev.sendout.core.channel.email;

import java.net.IDN;

/**
 * The email addresses this engine sends to and from: the practical subset of RFC 5321/5322 that
 * mail providers accept, checked in one place for every way an address comes in (create, additions,
 * uploads, the sender).
 *
 * <ul>
 *   <li>The local part (before the {@code @}) is a dot-atom of ASCII: letters, digits and {@code
 *       !#$%&'*+-/=?^_`{|}~}, separated by single dots, neither first nor last; at most 64
 *       characters. Quoted local parts and non-ASCII ones (which need SMTPUTF8 all the way to the
 *       recipient's server) are refused.
 *   <li>The domain is a host name of at least two labels, each 1 to 63 letters, digits and hyphens,
 *       not starting or ending with a hyphen, and a top-level label that is not all digits. Domain
 *       literals ({@code [127.0.0.1]}) and IP addresses are refused.
 *   <li>An internationalised domain is converted to its ASCII (punycode) form with IDNA, which is
 *       the form stored and sent: {@code ana@exämple.com} becomes {@code ana@xn--exmple-cua.com}.
 *       {@code ß}, final sigma and the zero-width joiners are refused, because IDNA 2003 (the
 *       JDK's) and IDNA 2008 convert them to different domains; such a domain can be given in its
 *       ASCII form.
 *   <li>The whole address, in that form, is at most 254 characters.
 * </ul>
 *
 * White space and no-break spaces around the address are not part of it.
 */
public final class EmailAddress {

  public static final int MAX_LOCAL_PART = 64;
  public static final int MAX_LENGTH = 254;
  private static final int MAX_DOMAIN = 253;
  private static final int MAX_LABEL = 63;

  /** The characters of a local part besides letters, digits and dots (RFC 5322's atext). */
  private static final String ATEXT_SYMBOLS = "!#$%&'*+-/=?^_`{|}~";

  /** The characters that IDNA 2003 maps away and IDNA 2008 keeps: ß, ς, ZWNJ, ZWJ. */
  private static final String IDNA_DEVIATIONS = "\u00DF\u03C2\u200C\u200D";

  private EmailAddress() {}

  /**
   * An address checked: its ASCII form, or why it is refused.
   *
   * @param ascii the address as stored and sent, with its domain in ASCII; null when refused
   * @param problem what is wrong, in words a caller can act on; null when valid
   */
  public record Checked(String ascii, String problem) {

    public boolean valid() {
      return problem == null;
    }
  }

  /**
   * The address in the form it is stored and sent in, or why it is refused. Spaces around it are
   * not part of it (a spreadsheet's cell may have them, no-break spaces too; they were refused as a
   * character "other than letters, digits, dots" before the @), as a suppression or a response
   * takes it.
   */
  public static Checked check(String given) {
    String address = given == null ? null : withoutSpacesAround(given);
    if (address == null || address.isEmpty()) {
      return refused("is empty");
    }
    int at = address.lastIndexOf('@');
    if (at < 0) {
      return refused("has no @");
    }
    String local = address.substring(0, at);
    String problem = localPartProblem(local);
    if (problem != null) {
      return refused(problem);
    }
    String domain = address.substring(at + 1);
    String ascii;
    try {
      ascii = asciiDomain(domain);
    } catch (Refused refused) {
      return refused(refused.getMessage());
    }
    String whole = local + "@" + ascii;
    if (whole.length() > MAX_LENGTH) {
      return refused(
          "is %d characters%s; at most %d"
              .formatted(
                  whole.length(), ascii.equals(domain) ? "" : " in its ASCII form", MAX_LENGTH));
    }
    return new Checked(whole, null);
  }

  /**
   * The address in the form it is stored and sent in.
   *
   * @throws IllegalArgumentException when it is refused, with the reason
   */
  public static String ascii(String address) {
    Checked checked = check(address);
    if (!checked.valid()) {
      throw new IllegalArgumentException("The email address " + checked.problem());
    }
    return checked.ascii();
  }

  /**
   * The text without the white space and the no-break spaces (U+00A0, U+2007, U+202F) around it.
   */
  private static String withoutSpacesAround(String text) {
    int start = 0;
    int end = text.length();
    while (start < end && isSpace(text.charAt(start))) {
      start++;
    }
    while (end > start && isSpace(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(start, end);
  }

  /** A space of any width, or tab, line feed, vertical tab, form feed or carriage return. */
  private static boolean isSpace(char c) {
    return Character.isSpaceChar(c) || (c >= '\t' && c <= '\r');
  }

  private static Checked refused(String problem) {
    return new Checked(null, problem);
  }

  private static String localPartProblem(String local) {
    if (local.isEmpty()) {
      return "has nothing before the @";
    }
    boolean at = false;
    boolean nonAscii = false;
    boolean other = false;
    for (int i = 0; i < local.length(); i++) {
      char c = local.charAt(i);
      at |= c == '@';
      nonAscii |= c >= 0x80;
      other |= !isLetterOrDigit(c) && c != '.' && ATEXT_SYMBOLS.indexOf(c) < 0;
    }
    if (at) {
      return "has more than one @ (quoted local parts are not supported)";
    }
    if (nonAscii) {
      return "has non-ASCII characters before the @, which not every mail server can take"
          + " (internationalised local parts, SMTPUTF8, are not supported)";
    }
    if (other) {
      return "has a character before the @ other than letters, digits, dots and"
          + " !#$%&'*+-/=?^_`{|}~ (quoted local parts are not supported)";
    }
    if (local.startsWith(".") || local.endsWith(".")) {
      return "starts or ends the part before the @ with a dot";
    }
    if (local.contains("..")) {
      return "has two dots in a row before the @";
    }
    if (local.length() > MAX_LOCAL_PART) {
      return "has %d characters before the @; at most %d".formatted(local.length(), MAX_LOCAL_PART);
    }
    return null;
  }

  /** Why a domain is refused. */
  private static final class Refused extends Exception {
    Refused(String message) {
      super(message, null, false, false);
    }
  }

  private static String asciiDomain(String domain) throws Refused {
    if (domain.isEmpty()) {
      throw new Refused("has nothing after the @");
    }
    if (domain.startsWith("[")) {
      throw new Refused("has a domain literal such as [127.0.0.1]; give a domain name");
    }
    String ascii = isAscii(domain) ? domain : idna(domain);
    if (ascii.length() > MAX_DOMAIN) {
      throw new Refused("has a domain of more than %d characters".formatted(MAX_DOMAIN));
    }
    if (isIpv4(ascii)) {
      throw new Refused("has an IP address for its domain; give a domain name");
    }
    int lastDot = ascii.lastIndexOf('.');
    if (lastDot < 0) {
      throw new Refused("has a domain without a dot, as in example.com");
    }
    for (int start = 0, end; start <= ascii.length(); start = end + 1) {
      end = ascii.indexOf('.', start);
      if (end < 0) {
        end = ascii.length();
      }
      labelProblem(ascii, start, end);
    }
    if (allDigits(ascii, lastDot + 1, ascii.length())) {
      throw new Refused("has a domain whose last label is all digits");
    }
    return ascii;
  }

  private static String idna(String domain) throws Refused {
    for (int i = 0; i < domain.length(); i++) {
      if (IDNA_DEVIATIONS.indexOf(domain.charAt(i)) >= 0) {
        throw new Refused(
            ("has U+%04X in its domain, which IDNA versions convert differently; give the domain"
                    + " in its ASCII (xn--) form")
                .formatted((int) domain.charAt(i)));
      }
    }
    try {
      return IDN.toASCII(domain, IDN.USE_STD3_ASCII_RULES);
    } catch (IllegalArgumentException e) {
      throw new Refused("has a domain that is not a valid internationalised domain name (IDNA)");
    }
  }

  /** Why the label {@code domain[start, end)} is refused, if it is. */
  private static void labelProblem(String domain, int start, int end) throws Refused {
    int length = end - start;
    if (length == 0) {
      throw new Refused("has an empty label in its domain (two dots in a row, or one at an end)");
    }
    if (length > MAX_LABEL) {
      throw new Refused(
          "has a domain label of %d characters; at most %d".formatted(length, MAX_LABEL));
    }
    boolean lettersDigitsHyphens = true;
    for (int i = start; i < end; i++) {
      char c = domain.charAt(i);
      lettersDigitsHyphens &= isLetterOrDigit(c) || c == '-';
    }
    if (!lettersDigitsHyphens || domain.charAt(start) == '-' || domain.charAt(end - 1) == '-') {
      throw new Refused(
          "has a domain label other than letters, digits and hyphens, or one that starts or ends"
              + " with a hyphen");
    }
    if (domain.regionMatches(true, start, "xn--", 0, 4)) {
      String label = domain.substring(start, end);
      if (IDN.toUnicode(label).equals(label)) {
        throw new Refused("has a domain label that starts with xn-- but is not valid punycode");
      }
    }
  }

  /** Four labels of digits only, as in 127.0.0.1. */
  private static boolean isIpv4(String domain) {
    int start = 0;
    for (int label = 0; label < 4; label++) {
      int end = domain.indexOf('.', start);
      if (end < 0) {
        end = domain.length();
      }
      if (end == start
          || !allDigits(domain, start, end)
          || (label == 3) != (end == domain.length())) {
        return false;
      }
      start = end + 1;
    }
    return true;
  }

  private static boolean allDigits(String s, int start, int end) {
    for (int i = start; i < end; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return end > start;
  }

  private static boolean isLetterOrDigit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }
}
