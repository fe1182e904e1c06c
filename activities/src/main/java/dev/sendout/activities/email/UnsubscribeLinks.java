package dev.sendout.activities.email;

import dev.sendout.core.config.InvalidSetting;
import dev.sendout.core.unsubscribe.UnsubscribeProperties;
import dev.sendout.core.unsubscribe.UnsubscribeTokens;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The one-click unsubscribe headers of one email (RFC 8058, RFC 2369): {@code List-Unsubscribe}
 * with the https link whose signed token names the message (and a mailto when a mailbox is set),
 * and {@code List-Unsubscribe-Post: List-Unsubscribe=One-Click}, which tells mailbox providers that
 * a POST to the link unsubscribes without a page in between.
 */
@Component
public class UnsubscribeLinks {

  public static final String LIST_UNSUBSCRIBE = "List-Unsubscribe";
  public static final String LIST_UNSUBSCRIBE_POST = "List-Unsubscribe-Post";
  public static final String ONE_CLICK = "List-Unsubscribe=One-Click";

  private final String base;
  private final String mailto;
  private final UnsubscribeTokens tokens;

  public UnsubscribeLinks(UnsubscribeProperties properties, UnsubscribeTokens tokens) {
    URI url = properties.publicUrl();
    if (url == null
        || url.getHost() == null
        || !("https".equalsIgnoreCase(url.getScheme())
            || "http".equalsIgnoreCase(url.getScheme()))) {
      throw InvalidSetting.invalid(
          "SENDOUT_PUBLIC_URL",
          "it must be the api's absolute address as recipients reach it, such as"
              + " https://sendout.example.com",
          null);
    }
    String text = url.toString();
    this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    String box = properties.mailto();
    if (box != null && !box.isBlank() && !box.strip().matches("[^\\s<>@,]+@[^\\s<>@,]+")) {
      throw InvalidSetting.invalid(
          "SENDOUT_UNSUBSCRIBE_MAILTO",
          "it must be one email address, such as unsubscribe@example.com",
          null);
    }
    this.mailto = box == null || box.isBlank() ? null : box.strip();
    this.tokens = tokens;
  }

  /** The link a recipient's unsubscribe goes to. */
  public String url(UUID messageId) {
    return base + "/u/" + tokens.issue(messageId);
  }

  /** Both headers for this message, in the order they are written. */
  public Map<String, String> headers(UUID messageId) {
    Map<String, String> headers = new LinkedHashMap<>();
    String list = "<" + url(messageId) + ">";
    if (mailto != null) {
      list += ", <mailto:" + mailto + "?subject=unsubscribe>";
    }
    headers.put(LIST_UNSUBSCRIBE, list);
    headers.put(LIST_UNSUBSCRIBE_POST, ONE_CLICK);
    return headers;
  }
}
