package dev.sendout.api.problem;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Method;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * A query parameter the operation does not take is a 400 naming it, as an unknown field of a body
 * is: {@code ?stauts=SENT} would otherwise list every sendout, and the caller would take the answer
 * for the filtered one. So is a parameter or a header of one value given several times: Spring
 * joins them with commas, so that two {@code Idempotency-Key} headers (a proxy that appends one)
 * made a key of their own, and the same request with them in the other order a second sendout; and
 * a second {@code Content-Type}, of which Spring read the first alone.
 */
@Configuration(proxyBeanMethods = false)
public class KnownQueryParameters implements WebMvcConfigurer, HandlerInterceptor {

  private static final ParameterNameDiscoverer NAMES = new DefaultParameterNameDiscoverer();

  /**
   * What an operation takes: its query parameters, whether each takes several values, and the
   * headers it reads as one value.
   */
  private record Taken(Map<String, Boolean> parameters, Set<String> singleHeaders) {}

  private final Map<Method, Taken> known = new ConcurrentHashMap<>();

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry.addInterceptor(this).addPathPatterns("/v1/**", "/admin/**");
  }

  @Override
  public boolean preHandle(
      HttpServletRequest request, HttpServletResponse response, Object handler) {
    if (!(handler instanceof HandlerMethod method)) {
      return true;
    }
    Taken taken = known.computeIfAbsent(method.getMethod(), m -> taken(method));
    for (String header : taken.singleHeaders()) {
      // The same value twice (a proxy that adds it again) says one thing.
      if (Collections.list(request.getHeaders(header)).stream().distinct().count() > 1) {
        throw ApiProblem.invalid(header, "send one " + header + " header, not several");
      }
    }
    if (request.getQueryString() == null) {
      return true;
    }
    for (String name : Collections.list(request.getParameterNames())) {
      Boolean several = taken.parameters().get(name);
      if (several == null) {
        throw ApiProblem.invalid(
            name,
            taken.parameters().isEmpty()
                ? "is not a parameter of this operation, which takes none"
                : "is not a parameter of this operation, which takes "
                    + new TreeSet<>(taken.parameters().keySet()));
      }
      if (!several && request.getParameterValues(name).length > 1) {
        throw ApiProblem.invalid(name, "give it once, not several times");
      }
    }
    return true;
  }

  /**
   * The handler's {@code @RequestParam}s, and its single-valued {@code @RequestHeader}s with {@code
   * Content-Type}.
   */
  private static Taken taken(HandlerMethod method) {
    Map<String, Boolean> parameters = new TreeMap<>();
    // A body has one type: of two, Spring took the first and dropped the other.
    Set<String> headers = new TreeSet<>(Set.of(HttpHeaders.CONTENT_TYPE));
    for (MethodParameter parameter : method.getMethodParameters()) {
      parameter.initParameterNameDiscovery(NAMES);
      boolean several =
          parameter.getParameterType().isArray()
              || Collection.class.isAssignableFrom(parameter.getParameterType());
      RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
      if (param != null) {
        parameters.put(nameOf(param.name(), param.value(), parameter), several);
      }
      RequestHeader header = parameter.getParameterAnnotation(RequestHeader.class);
      if (header != null && !several) {
        headers.add(nameOf(header.name(), header.value(), parameter));
      }
    }
    return new Taken(parameters, headers);
  }

  /** The annotation's name, or its value (an alias of it), or else the parameter's own name. */
  private static String nameOf(String name, String value, MethodParameter parameter) {
    return !name.isEmpty() ? name : !value.isEmpty() ? value : parameter.getParameterName();
  }
}
