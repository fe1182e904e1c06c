package dev.sendout.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sendout.api.tenant.Tenant;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document says what a caller sends, and no more: the tenant comes from the API key,
 * not from a parameter; {@code /v1} needs the key as a bearer token; the admin API is described
 * only where a token opens it (elsewhere it answers 404 to everyone, so describing it would only
 * invite probes).
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

  /** The scheme of the tenants' API keys. */
  static final String API_KEY = "apiKey";

  /** The scheme of the admin token. */
  static final String ADMIN_TOKEN = "adminToken";

  private static final Pattern SCHEMA_REF = Pattern.compile("#/components/schemas/([^\"]+)\"");

  static {
    // Resolved from the API key by TenantArgumentResolver; springdoc would otherwise describe it
    // as a required query object. Global, as the resolver is for every controller.
    SpringDocUtils.getConfig().addRequestWrapperToIgnore(Tenant.class);
  }

  @Bean
  OpenApiCustomizer securityAndAdmin(@Value("${sendout.admin.token:}") String adminToken) {
    boolean admin = !adminToken.isBlank();
    return openApi -> {
      Components components =
          openApi.getComponents() == null ? new Components() : openApi.getComponents();
      openApi.setComponents(components);
      components.addSecuritySchemes(
          API_KEY,
          bearer("An API key of the tenant, issued by POST /admin/api-keys: Bearer sok_…"));
      if (admin) {
        components.addSecuritySchemes(ADMIN_TOKEN, bearer("The token in SENDOUT_ADMIN_TOKEN"));
      }
      Paths paths = openApi.getPaths() == null ? new Paths() : openApi.getPaths();
      paths.entrySet().removeIf(path -> !admin && path.getKey().startsWith("/admin/"));
      paths.forEach(
          (path, item) -> {
            if (path.startsWith("/v1/") || path.equals("/v1")) {
              require(item, API_KEY);
            } else if (path.startsWith("/admin/")) {
              require(item, ADMIN_TOKEN);
            }
          });
      if (!admin) {
        keepReferencedSchemas(openApi);
      }
    };
  }

  private static SecurityScheme bearer(String description) {
    return new SecurityScheme()
        .type(SecurityScheme.Type.HTTP)
        .scheme("bearer")
        .description(description);
  }

  private static void require(PathItem item, String scheme) {
    item.readOperations()
        .forEach(
            operation -> operation.setSecurity(List.of(new SecurityRequirement().addList(scheme))));
  }

  /**
   * Drops the schemas that no remaining operation uses, directly or through another schema: those
   * of the admin API when it is off.
   */
  private static void keepReferencedSchemas(OpenAPI openApi) {
    @SuppressWarnings("rawtypes")
    Map<String, Schema> schemas = openApi.getComponents().getSchemas();
    if (schemas == null) {
      return;
    }
    Set<String> used = new HashSet<>(references(openApi.getPaths()));
    Set<String> added = new HashSet<>(used);
    while (!added.isEmpty()) {
      Set<String> next = new HashSet<>();
      for (String name : added) {
        for (String referenced : references(schemas.get(name))) {
          if (used.add(referenced)) {
            next.add(referenced);
          }
        }
      }
      added = next;
    }
    schemas.keySet().retainAll(used);
  }

  private static Set<String> references(Object part) {
    Set<String> names = new HashSet<>();
    if (part == null) {
      return names;
    }
    try {
      Matcher ref = SCHEMA_REF.matcher(Json31.mapper().writeValueAsString(part));
      while (ref.find()) {
        names.add(ref.group(1));
      }
    } catch (JsonProcessingException e) {
      // The document's own model always serialises: failing to is a bug, not a caller's doing.
      throw new IllegalStateException("Cannot read the OpenAPI document's references", e);
    }
    return names;
  }
}
