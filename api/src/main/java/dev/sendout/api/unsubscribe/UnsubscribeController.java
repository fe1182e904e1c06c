package dev.sendout.api.unsubscribe;

import dev.sendout.api.problem.ProblemType;
import dev.sendout.core.message.MessageReads;
import dev.sendout.core.suppression.SuppressionReason;
import dev.sendout.core.suppression.SuppressionStore;
import dev.sendout.core.suppression.SuppressionStore.FromMessage;
import dev.sendout.core.unsubscribe.UnsubscribeTokens;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * One-click unsubscribe (RFC 8058) at the link every email carries, {@code /u/{token}}. No API key:
 * the signed token ({@link UnsubscribeTokens}) is the credential, and it names a message, never an
 * address; the recipient and its tenant are looked up from the message.
 *
 * <ul>
 *   <li>{@code POST} (what a mailbox provider's one-click sends, and what the page's button sends)
 *       puts the recipient on its tenant's suppression list as UNSUBSCRIBED at once, whatever the
 *       body, and again changes nothing.
 *   <li>{@code GET} only shows a page with one button: link scanners follow links in mail, and must
 *       neither unsubscribe nor resubscribe anyone.
 * </ul>
 *
 * <p>A forged, altered or unknown token is a 404: a page for a browser, a problem otherwise. The
 * pages are HTML, not the API's JSON, so they are left out of the OpenAPI document; their bodies
 * are bounded like every other request ({@code sendout.api.max-body-size}), and no tenant's rate
 * limit applies, since there is no tenant until the token is checked.
 */
@Hidden
@RestController
public class UnsubscribeController {

  private static final Logger log = LoggerFactory.getLogger(UnsubscribeController.class);

  private static final MediaType HTML = new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8);

  private final UnsubscribeTokens tokens;
  private final MessageReads messages;
  private final SuppressionStore suppressions;

  public UnsubscribeController(
      UnsubscribeTokens tokens, MessageReads messages, SuppressionStore suppressions) {
    this.tokens = tokens;
    this.messages = messages;
    this.suppressions = suppressions;
  }

  @GetMapping("/u/{token}")
  public ResponseEntity<?> confirm(@PathVariable String token, HttpServletRequest request) {
    Optional<UUID> message = messageOf(token);
    if (message.isEmpty()) {
      return notFound(request);
    }
    return page(
        HttpStatus.OK,
        "Unsubscribe",
        "<p>Stop receiving these emails?</p>\n"
            + "<form method=\"post\" action=\""
            + HtmlUtils.htmlEscape(token)
            + "\">\n"
            + "<input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">\n"
            + "<button type=\"submit\">Unsubscribe</button>\n</form>");
  }

  @PostMapping("/u/{token}")
  public ResponseEntity<?> unsubscribe(@PathVariable String token, HttpServletRequest request)
      throws IOException {
    Optional<UUID> message = messageOf(token);
    if (message.isEmpty()) {
      return notFound(request);
    }
    // Read, and ignored (RFC 8058's "List-Unsubscribe=One-Click", or the page's form): read here,
    // within RequestBodyLimitFilter's bounds, so that Tomcat does not read it after the answer at
    // whatever pace its sender keeps. (After a 404 Tomcat does not read it at all.)
    request.getInputStream().transferTo(OutputStream.nullOutputStream());
    UUID id = message.get();
    int added =
        suppressions.addForMessages(
            List.of(new FromMessage(id, SuppressionReason.UNSUBSCRIBED, "unsubscribe:" + id)));
    // Logged once per recipient: anyone holding a link could repeat it at will.
    if (added > 0) {
      log.info("One-click unsubscribe from message {}", id);
    } else {
      log.debug("One-click unsubscribe from message {}, unsubscribed already", id);
    }
    return page(HttpStatus.OK, "Unsubscribed", "<p>You are unsubscribed.</p>");
  }

  /** The message of a token that verifies and whose message exists. */
  private Optional<UUID> messageOf(String token) {
    return tokens.verify(token).filter(id -> messages.find(id).isPresent());
  }

  private static ResponseEntity<String> page(HttpStatus status, String title, String body) {
    String html =
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            + "<meta name=\"viewport\" content=\"width=device-width\">"
            + "<meta name=\"robots\" content=\"noindex\"><title>"
            + HtmlUtils.htmlEscape(title)
            + "</title></head>\n<body>\n"
            + body
            + "\n</body></html>\n";
    return ResponseEntity.status(status)
        .contentType(HTML)
        .cacheControl(CacheControl.noStore())
        .header("Referrer-Policy", "no-referrer")
        .header("X-Content-Type-Options", "nosniff")
        .body(html);
  }

  /**
   * A link that names no message: a page for a browser (a recipient who clicked a link cut short by
   * their mail program), the problem for any other caller.
   */
  private static ResponseEntity<?> notFound(HttpServletRequest request) {
    String detail = "This unsubscribe link is not valid: check that it is complete";
    if (asksForHtml(request)) {
      // No Vary: Accept needed: neither answer may be stored (no-store).
      return page(HttpStatus.NOT_FOUND, "Link not valid", "<p>" + detail + ".</p>");
    }
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, detail);
    problem.setType(ProblemType.NOT_FOUND.uri());
    problem.setTitle(ProblemType.NOT_FOUND.title());
    problem.setInstance(URI.create("/u"));
    return ResponseEntity.status(HttpStatus.NOT_FOUND)
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .header(HttpHeaders.CACHE_CONTROL, "no-store")
        .body(problem);
  }

  /** Whether the caller names HTML among what it accepts, as a browser does; not for a wildcard. */
  private static boolean asksForHtml(HttpServletRequest request) {
    try {
      return MediaType.parseMediaTypes(request.getHeader(HttpHeaders.ACCEPT)).stream()
          .anyMatch(type -> !type.isWildcardType() && type.isCompatibleWith(MediaType.TEXT_HTML));
    } catch (InvalidMediaTypeException unreadable) {
      return false;
    }
  }
}
