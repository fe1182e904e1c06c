package dev.sendout.api.tenant;

import dev.sendout.api.limits.BacklogBound;
import dev.sendout.api.limits.RequestLimitsInterceptor;
import dev.sendout.api.limits.TenantLimits;
import dev.sendout.api.limits.WriteBulkheads;
import java.util.List;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * API keys guard {@code /v1} ({@link ApiKeyFilter}), then each tenant's request budget and the
 * bounds on writes ({@link RequestLimitsInterceptor}); the admin token guards {@code /admin}
 * ({@link AdminTokenFilter}). Webhooks are authenticated by their providers' signatures, and health
 * and metrics by the network they are served on.
 */
@Configuration(proxyBeanMethods = false)
class TenantConfiguration implements WebMvcConfigurer {

  private final TenantLimits limits;
  private final WriteBulkheads writes;
  private final BacklogBound backlog;

  TenantConfiguration(TenantLimits limits, WriteBulkheads writes, BacklogBound backlog) {
    this.limits = limits;
    this.writes = writes;
    this.backlog = backlog;
  }

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry
        .addInterceptor(
            new RequestLimitsInterceptor(limits, writes, backlog, ApiKeyFilter::tenantOf))
        .addPathPatterns("/v1/**");
  }

  @Override
  public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
    resolvers.add(new TenantArgumentResolver());
  }
}
