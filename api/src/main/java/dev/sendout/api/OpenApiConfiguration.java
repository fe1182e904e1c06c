package dev.sendout.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sendout.api.sendout.Idempotency;
import dev.sendout.api.tenant.Tenant;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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

  /** The schema of every error response, and its media type. */
  static final String PROBLEM = "Problem";

  static final String PROBLEM_JSON = "application/problem+json";

  private static final Pattern SCHEMA_REF = Pattern.compile("#/components/schemas/([^\"]+)\"");

  static {
    // Resolved from the API key by TenantArgumentResolver; springdoc would otherwise describe it
    // as a required query object. Global, as the resolver is for every controller.
    SpringDocUtils.getConfig().addRequestWrapperToIgnore(Tenant.class);
  }

  @Bean
  OpenApiCustomizer securityAndAdmin(
      @Value("${sendout.admin.token:}") String adminToken, ApiProperties properties) {
    boolean admin = !adminToken.isBlank();
    return openApi -> {
      Components components =
          openApi.getComponents() == null ? new Components() : openApi.getComponents();
      openApi.setComponents(components);
      openApi.setInfo(
          new Info()
              .title("Sendout engine API")
              .version(
                  Objects.requireNonNullElse(
                      OpenApiConfiguration.class.getPackage().getImplementationVersion(), "dev"))
              .description(
                  "Survey invitations by email and SMS: create sendouts, add recipients, follow"
                      + " every message to its provider's receipt, and act on what is stuck."));
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
      problems(openApi);
      idempotencyKeys(openApi);
      recipientLimits(openApi, properties.maxRecipientsPerRequest());
      responseHeaders(openApi);
      jsonAnswers(openApi);
      nullableAnswers(openApi);
      closedRequests(openApi);
    };
  }

  /**
   * Every answer is JSON ({@code AnswersAreJson}), which springdoc describes as {@code *}{@code /*}
   * where the controller does not name what it produces: said as {@code application/json} here, so
   * that a client generator or a fuzzer checks what is written.
   */
  private static void jsonAnswers(OpenAPI openApi) {
    for (Operation operation : operations(openApi)) {
      operation
          .getResponses()
          .forEach(
              (code, response) -> {
                Content content = response.getContent();
                if (code.startsWith("2") && content != null && content.containsKey("*/*")) {
                  content.addMediaType("application/json", content.remove("*/*"));
                }
              });
    }
  }

  /** The Idempotency-Key header, where an operation takes one, with the length it is checked to. */
  private static void idempotencyKeys(OpenAPI openApi) {
    for (Operation operation : operations(openApi)) {
      if (operation.getParameters() != null) {
        operation.getParameters().stream()
            .filter(p -> "header".equals(p.getIn()) && "Idempotency-Key".equals(p.getName()))
            .forEach(
                p ->
                    p.schema(
                        new StringSchema().minLength(1).maxLength(Idempotency.MAX_KEY_LENGTH)));
      }
    }
  }

  /**
   * The most recipients a request takes inline, as configured ({@code
   * SENDOUT_API_MAXRECIPIENTSPERREQUEST}), on the bodies that carry them.
   */
  private static void recipientLimits(OpenAPI openApi, int maxRecipients) {
    for (String body : List.of("CreateSendoutRequest", "AddRecipientsRequest")) {
      Schema<?> schema = openApi.getComponents().getSchemas().get(body);
      if (schema != null && schema.getProperties() != null) {
        Schema<?> recipients = schema.getProperties().get("recipients");
        if (recipients != null) {
          recipients.setMaxItems(maxRecipients);
        }
      }
    }
  }

  /**
   * The headers the answers carry, declared (not required) so that a client and a fuzzer see them:
   * Retry-After on every 429 and 503, Idempotent-Replayed on the success of an operation that takes
   * an Idempotency-Key, and Location on a 202 that names what it accepted.
   */
  private static void responseHeaders(OpenAPI openApi) {
    for (Operation operation : operations(openApi)) {
      boolean idempotent =
          operation.getParameters() != null
              && operation.getParameters().stream()
                  .anyMatch(p -> "Idempotency-Key".equals(p.getName()));
      operation
          .getResponses()
          .forEach(
              (code, response) -> {
                if (code.equals("429") || code.equals("503")) {
                  response.addHeaderObject(
                      "Retry-After",
                      new Header()
                          .description("Seconds to wait before trying again")
                          .schema(new IntegerSchema().minimum(BigDecimal.ONE)));
                }
                if (idempotent && code.startsWith("2")) {
                  response.addHeaderObject(
                      "Idempotent-Replayed",
                      new Header()
                          .description(
                              "true when the call repeated an earlier one under its"
                                  + " Idempotency-Key and changed nothing")
                          .schema(new StringSchema()._enum(List.of("true", "false"))));
                }
                if (code.equals("202")
                    && response.getDescription() != null
                    && response.getDescription().contains("Location")) {
                  response.addHeaderObject(
                      "Location",
                      new Header()
                          .description("The path of what was accepted")
                          .schema(new StringSchema()));
                }
              });
    }
  }

  /** Every operation of the document. */
  private static List<Operation> operations(OpenAPI openApi) {
    return openApi.getPaths().values().stream()
        .flatMap(item -> item.readOperations().stream())
        .toList();
  }

  /**
   * A request body with a field this API does not know is a 400 ({@code fail-on-unknown-properties}
   * in api.yml): a misspelt field is a mistake, not something to ignore. Every object schema that
   * only request bodies use says so with {@code additionalProperties: false}, so that a client
   * generator or a fuzzer knows it; a schema that answers use too is left open, since an answer may
   * gain fields.
   */
  @SuppressWarnings("rawtypes")
  private static void closedRequests(OpenAPI openApi) {
    Map<String, Schema> schemas = openApi.getComponents().getSchemas();
    Set<String> requests = new HashSet<>();
    Set<String> answers = new HashSet<>();
    for (Operation operation : operations(openApi)) {
      if (operation.getRequestBody() != null) {
        requests.addAll(references(operation.getRequestBody().getContent()));
      }
      operation
          .getResponses()
          .values()
          .forEach(response -> answers.addAll(references(response.getContent())));
    }
    Set<String> closed = reachable(requests, schemas);
    closed.removeAll(reachable(answers, schemas));
    for (String name : closed) {
      Schema schema = schemas.get(name);
      if (schema != null
          && schema.getProperties() != null
          && schema.getAdditionalProperties() == null) {
        schema.setAdditionalProperties(false);
      }
    }
  }

  /**
   * The answers are records written by Jackson, which writes a null field as {@code null}: a
   * sendout not yet sent has {@code "sentAt": null}, one not stuck {@code "stuck": null}. springdoc
   * cannot tell which fields may be null and describes every one as never null, so here every
   * property of a schema that a success answer uses, and that is not listed as required, is
   * described as possibly null (a type of its own plus {@code "null"}; a reference as {@code anyOf}
   * it or null). A field that is never null is marked {@code requiredMode = REQUIRED} on its record
   * component to say so.
   */
  @SuppressWarnings({"rawtypes", "unchecked"})
  private static void nullableAnswers(OpenAPI openApi) {
    Map<String, Schema> schemas = openApi.getComponents().getSchemas();
    Set<String> roots = new HashSet<>();
    for (Operation operation : operations(openApi)) {
      operation
          .getResponses()
          .forEach(
              (code, response) -> {
                if (code.startsWith("2")) {
                  roots.addAll(references(response.getContent()));
                }
              });
    }
    for (String name : reachable(roots, schemas)) {
      Schema schema = schemas.get(name);
      if (schema == null || schema.getProperties() == null) {
        continue;
      }
      List<String> required = schema.getRequired() == null ? List.of() : schema.getRequired();
      Map<String, Schema> properties = schema.getProperties();
      properties.replaceAll(
          (property, value) -> required.contains(property) ? value : orNull(value));
    }
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private static Schema orNull(Schema property) {
    if (property.get$ref() != null) {
      return new Schema<>()
          .anyOf(
              List.of(
                  new Schema<>().$ref(property.get$ref()), new Schema<>().types(Set.of("null"))));
    }
    Set<String> types = new java.util.LinkedHashSet<>();
    if (property.getTypes() != null) {
      types.addAll(property.getTypes());
    } else if (property.getType() != null) {
      types.add(property.getType());
    }
    if (types.isEmpty() || types.contains("null")) {
      return property;
    }
    types.add("null");
    property.setTypes(types);
    if (property.getEnum() != null && !property.getEnum().contains(null)) {
      List values = new java.util.ArrayList<>(property.getEnum());
      values.add(null);
      property.setEnum(values);
    }
    return property;
  }

  /**
   * Every error is an RFC 9457 problem ({@code ApiExceptionHandler}), which the annotations cannot
   * say: springdoc gives an error response the operation's own success schema as {@code *}{@code
   * /*}. Each 4xx and 5xx is described here as {@code application/problem+json} of one {@code
   * Problem} schema, and the errors any {@code /v1} call can meet (a missing key, a rate limit, an
   * overload) and any body can meet (an unsupported Content-Type) are added where not already
   * described, so that a client generator, or a fuzzer checking conformance, sees them all.
   */
  private static void problems(OpenAPI openApi) {
    openApi.getComponents().addSchemas(PROBLEM, problemSchema());
    openApi
        .getPaths()
        .forEach(
            (path, item) ->
                item.readOperations()
                    .forEach(
                        operation -> {
                          ApiResponses responses = operation.getResponses();
                          if (path.startsWith("/v1/") || path.equals("/v1")) {
                            addIfAbsent(
                                responses,
                                "400",
                                "A malformed request: its path (such as an encoded slash), query"
                                    + " string or headers");
                            addIfAbsent(
                                responses, "401", "No API key, or an unknown or revoked one");
                            addIfAbsent(
                                responses,
                                "429",
                                "Over the tenant's rate, or the API at capacity; see Retry-After");
                            addIfAbsent(
                                responses,
                                "503",
                                "The database or Temporal unavailable; see Retry-After");
                          }
                          if (path.startsWith("/admin/")) {
                            addIfAbsent(responses, "400", "A malformed request or body");
                            addIfAbsent(responses, "401", "No admin token, or a wrong one");
                          }
                          if (operation.getRequestBody() != null) {
                            // Read like JSON, as every JSON body is, but documented as JSON alone.
                            if (operation.getRequestBody().getContent() != null) {
                              operation.getRequestBody().getContent().remove("application/*+json");
                            }
                            addIfAbsent(responses, "400", "The body is not valid");
                            addIfAbsent(
                                responses, "415", "A Content-Type this operation does not read");
                          }
                          responses.forEach(
                              (code, response) -> {
                                if (code.startsWith("4") || code.startsWith("5")) {
                                  response.setContent(problemContent());
                                }
                              });
                        }));
  }

  private static void addIfAbsent(ApiResponses responses, String code, String description) {
    if (!responses.containsKey(code)) {
      responses.addApiResponse(code, new ApiResponse().description(description));
    }
  }

  private static Content problemContent() {
    return new Content()
        .addMediaType(
            PROBLEM_JSON,
            new io.swagger.v3.oas.models.media.MediaType()
                .schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM)));
  }

  /** The problem detail every error carries, with the field problems of a 400. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  private static Schema problemSchema() {
    Schema fieldProblem =
        new ObjectSchema()
            .addProperty("pointer", new StringSchema().description("JSON Pointer or parameter"))
            .addProperty("detail", new StringSchema());
    return new ObjectSchema()
        .description("An RFC 9457 problem detail; type is a stable URN per kind of error")
        .addProperty("type", new StringSchema().example("urn:sendout:problem:invalid-request"))
        .addProperty("title", new StringSchema())
        .addProperty("status", new IntegerSchema())
        .addProperty("detail", new StringSchema())
        .addProperty("instance", new StringSchema())
        .addProperty("errors", new ArraySchema().items(fieldProblem))
        .required(List.of("type", "title", "status"));
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
    Set<String> used = reachable(references(openApi.getPaths()), schemas);
    schemas.keySet().retainAll(used);
  }

  /** The schemas named, and every schema they use, directly or through another. */
  @SuppressWarnings("rawtypes")
  private static Set<String> reachable(Set<String> roots, Map<String, Schema> schemas) {
    Set<String> used = new HashSet<>(roots);
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
    return used;
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
