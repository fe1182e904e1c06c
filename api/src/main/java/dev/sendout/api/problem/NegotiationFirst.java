package dev.sendout.api.problem;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverters;
import org.springframework.web.cors.CorsUtils;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.databind.ObjectMapper;

/**
 * Refuses a request whose headers say it cannot be answered or read, before its handler runs: an
 * Accept header that takes no JSON in UTF-8 with 406, a Content-Type with a wildcard or a
 * Content-Encoding with 415. Spring MVC would find out only when writing the answer, after a create
 * had stored and started the sendout (or, for a wildcard, fail with a 500): content negotiation
 * must come before any side effect. The problem is written here, as JSON whatever the Accept header
 * says, since it is the one thing the caller can be told.
 */
@Configuration(proxyBeanMethods = false)
public class NegotiationFirst implements WebMvcConfigurer, HandlerInterceptor {

  /** What this API writes, in UTF-8: its answers and its problems. */
  static final List<MediaType> PRODUCED =
      List.of(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON);

  private final ObjectMapper json;

  public NegotiationFirst(ObjectMapper json) {
    this.json = json;
  }

  /**
   * Bodies are read as JSON (and an upload's NDJSON or CSV by its own reader), never as the YAML
   * that a converter on the classpath (brought by the OpenAPI documentation) would otherwise read
   * and write: an undocumented second syntax for every operation, without the JSON's strict checks
   * (a field given twice), and named in every 415 as if it were offered.
   */
  @Override
  public void configureMessageConverters(HttpMessageConverters.ServerBuilder builder) {
    builder.configureMessageConvertersList(
        converters ->
            converters.removeIf(
                converter ->
                    converter.getSupportedMediaTypes().stream()
                        .anyMatch(type -> type.getSubtype().contains("yaml"))));
  }

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry
        .addInterceptor(this)
        .addPathPatterns("/v1/**", "/admin/**", "/webhooks/**")
        .order(Ordered.HIGHEST_PRECEDENCE);
  }

  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
      throws IOException {
    if (CorsUtils.isPreFlightRequest(request)) {
      return true;
    }
    String refusal = acceptRefusal(request.getHeader(HttpHeaders.ACCEPT));
    ProblemType type = ProblemType.NOT_ACCEPTABLE;
    if (refusal == null) {
      refusal = contentRefusal(request);
      type = ProblemType.UNSUPPORTED_MEDIA_TYPE;
    }
    if (refusal == null) {
      return true;
    }
    ApiExceptionHandler.write(new ApiProblem(type, refusal), request, response, json);
    return false;
  }

  /** Why the Accept header takes nothing this API writes, or null when it takes something. */
  private static String acceptRefusal(String accept) {
    if (accept == null || accept.isBlank()) {
      return null;
    }
    List<MediaType> accepted;
    try {
      accepted = MediaType.parseMediaTypes(accept);
    } catch (InvalidMediaTypeException e) {
      return "The Accept header is not a list of media types";
    }
    for (MediaType type : accepted) {
      if (type.getQualityValue() > 0
          && (type.getCharset() == null || StandardCharsets.UTF_8.equals(type.getCharset()))
          && PRODUCED.stream().anyMatch(type::isCompatibleWith)) {
        return null;
      }
    }
    return "This API answers application/json and application/problem+json, in UTF-8; the Accept"
        + " header takes neither";
  }

  /** Why the body's headers are not something a handler could read, or null. */
  private static String contentRefusal(HttpServletRequest request) {
    String encoding = request.getHeader(HttpHeaders.CONTENT_ENCODING);
    if (encoding != null && !encoding.isBlank() && !"identity".equalsIgnoreCase(encoding.trim())) {
      return "Bodies are read as sent: send it without a Content-Encoding";
    }
    String type = request.getContentType();
    if (type == null) {
      return null;
    }
    try {
      MediaType media = MediaType.parseMediaType(type);
      return media.isWildcardType() || media.isWildcardSubtype()
          ? "The Content-Type must name the body's type, not a wildcard"
          : null;
    } catch (InvalidMediaTypeException e) {
      return null; // not a media type at all: Spring MVC answers 415 itself, after authentication
    }
  }
}
