package dev.sendout.api.tenant;

import dev.sendout.api.limits.BacklogBound;
import dev.sendout.api.limits.RequestLimitsInterceptor;
import dev.sendout.api.limits.TenantLimits;
import dev.sendout.api.limits.WriteBulkheads;
import dev.sendout.core.tenant.ApiKeys;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * API keys guard {@code /v1}, then each tenant's request budget and the bounds on writes ({@link
 * RequestLimitsInterceptor}); the admin token guards {@code /admin}. Webhooks are authenticated by
 * their providers' signatures, and health and metrics by the network they are served on.
 */
@Configuration(proxyBeanMethods = false)
class TenantConfiguration implements WebMvcConfigurer {

  private final ApiKeys keys;
  private final TenantLimits limits;
  private final WriteBulkheads writes;
  private final BacklogBound backlog;
  private final String adminToken;

  TenantConfiguration(
      ApiKeys keys,
      TenantLimits limits,
      WriteBulkheads writes,
      BacklogBound backlog,
      @Value("${sendout.admin.token:}") String adminToken) {
    this.keys = keys;
    this.limits = limits;
    this.writes = writes;
    this.backlog = backlog;
    this.adminToken = adminToken;
  }

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry.addInterceptor(new ApiKeyInterceptor(keys)).addPathPatterns("/v1/**");
    registry
        .addInterceptor(
            new RequestLimitsInterceptor(limits, writes, backlog, ApiKeyInterceptor::tenantOf))
        .addPathPatterns("/v1/**");
    registry.addInterceptor(new AdminTokenInterceptor(adminToken)).addPathPatterns("/admin/**");
  }

  @Override
  public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
    resolvers.add(new TenantArgumentResolver());
  }
}
