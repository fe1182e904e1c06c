package dev.sendout.api.problem;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * A query parameter the operation does not take is a 400 naming it, as an unknown field of a body
 * is: {@code ?stauts=SENT} would otherwise list every sendout, and the caller would take the answer
 * for the filtered one.
 */
@Configuration(proxyBeanMethods = false)
public class KnownQueryParameters implements WebMvcConfigurer, HandlerInterceptor {

  private static final ParameterNameDiscoverer NAMES = new DefaultParameterNameDiscoverer();

  private final Map<Method, Set<String>> known = new ConcurrentHashMap<>();

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry.addInterceptor(this).addPathPatterns("/v1/**", "/admin/**");
  }

  @Override
  public boolean preHandle(
      HttpServletRequest request, HttpServletResponse response, Object handler) {
    if (!(handler instanceof HandlerMethod method) || request.getQueryString() == null) {
      return true;
    }
    Set<String> taken = known.computeIfAbsent(method.getMethod(), m -> taken(method));
    for (String name : Collections.list(request.getParameterNames())) {
      if (!taken.contains(name)) {
        throw ApiProblem.invalid(
            name,
            taken.isEmpty()
                ? "is not a parameter of this operation, which takes none"
                : "is not a parameter of this operation, which takes " + taken);
      }
    }
    return true;
  }

  /** The names of the handler's {@code @RequestParam}s. */
  private static Set<String> taken(HandlerMethod method) {
    Set<String> names = new TreeSet<>();
    for (MethodParameter parameter : method.getMethodParameters()) {
      RequestParam param = parameter.getParameterAnnotation(RequestParam.class);
      if (param != null) {
        parameter.initParameterNameDiscovery(NAMES);
        names.add(param.name().isEmpty() ? parameter.getParameterName() : param.name());
      }
    }
    return names;
  }
}
