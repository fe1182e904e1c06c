package dev.sendout.api.problem;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Refuses a request whose Accept header takes no JSON with 406 before its handler runs. Spring MVC
 * would find out only when writing the answer, after a create had stored and started the sendout:
 * content negotiation must come before any side effect.
 */
@Configuration(proxyBeanMethods = false)
public class NegotiationFirst implements WebMvcConfigurer, HandlerInterceptor {

  /** What this API writes: its answers and its problems. */
  static final List<MediaType> PRODUCED =
      List.of(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON);

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry
        .addInterceptor(this)
        .addPathPatterns("/v1/**", "/admin/**", "/webhooks/**")
        .order(Ordered.HIGHEST_PRECEDENCE);
  }

  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
      throws HttpMediaTypeNotAcceptableException {
    String accept = request.getHeader(HttpHeaders.ACCEPT);
    if (accept == null || accept.isBlank()) {
      return true;
    }
    List<MediaType> accepted;
    try {
      accepted = MediaType.parseMediaTypes(accept);
    } catch (InvalidMediaTypeException e) {
      throw new HttpMediaTypeNotAcceptableException(
          "The Accept header is not a list of media types");
    }
    for (MediaType type : accepted) {
      if (PRODUCED.stream().anyMatch(type::isCompatibleWith)) {
        return true;
      }
    }
    throw new HttpMediaTypeNotAcceptableException(PRODUCED);
  }
}
