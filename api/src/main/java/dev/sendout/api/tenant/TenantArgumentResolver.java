package dev.sendout.api.tenant;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/** Gives a controller method the {@link Tenant} its caller's API key belongs to. */
class TenantArgumentResolver implements HandlerMethodArgumentResolver {

  @Override
  public boolean supportsParameter(MethodParameter parameter) {
    return parameter.getParameterType() == Tenant.class;
  }

  @Override
  public Tenant resolveArgument(
      MethodParameter parameter,
      ModelAndViewContainer mav,
      NativeWebRequest request,
      WebDataBinderFactory binders) {
    Tenant tenant = ApiKeyFilter.tenantOf(request.getNativeRequest(HttpServletRequest.class));
    if (tenant == null) {
      // A controller outside /v1 asked for a tenant: a wiring mistake, not the caller's.
      throw new IllegalStateException(parameter.getMethod() + " is not behind the API key check");
    }
    return tenant;
  }
}
