package dev.sendout.api;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.util.UrlPathHelper;

/**
 * Where a request goes: its path decoded, without path parameters and with doubled slashes made
 * one, as Spring MVC reads it to route the request. A filter that decides by the raw request URI
 * could be passed by {@code /v1;x/sendouts} or {@code /%761/sendouts}, which reach the same
 * controller.
 */
public final class RequestPath {

  private RequestPath() {}

  /** Whether the request's path is {@code root} or lies under it ({@code root} without a slash). */
  public static boolean isUnder(HttpServletRequest request, String root) {
    String path = UrlPathHelper.defaultInstance.getPathWithinApplication(request);
    return path.equals(root) || path.startsWith(root + "/");
  }
}
