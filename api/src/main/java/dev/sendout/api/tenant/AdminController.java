package dev.sendout.api.tenant;

import dev.sendout.api.problem.ApiProblem;
import dev.sendout.api.problem.ProblemType;
import dev.sendout.api.sendout.TextRules;
import dev.sendout.core.tenant.ApiKeys;
import dev.sendout.core.tenant.ApiKeys.IssuedKey;
import dev.sendout.core.tenant.ApiKeys.KeyInfo;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Issues, lists and revokes tenants' API keys; behind the admin token. */
@RestController
@RequestMapping("/admin/api-keys")
public class AdminController {

  /** Tenant ids end up in search attributes and logs: keep them plain. */
  private static final Pattern TENANT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private final ApiKeys keys;

  public AdminController(ApiKeys keys) {
    this.keys = keys;
  }

  /** What to issue a key for. */
  public record IssueRequest(String tenantId, String name) {}

  @Operation(summary = "Issue an API key for a tenant; the key is shown in this answer only")
  @PostMapping
  @ResponseStatus(HttpStatus.CREATED)
  public IssuedKey issue(@RequestBody IssueRequest request) {
    if (request.tenantId() == null || !TENANT_ID.matcher(request.tenantId()).matches()) {
      throw ApiProblem.invalid("/tenantId", "must be 1 to 64 letters, digits, '.', '_' or '-'");
    }
    String name = request.name() == null ? "unnamed" : request.name();
    if (name.isBlank() || name.length() > 128) {
      throw ApiProblem.invalid("/name", "must be 1 to 128 characters");
    }
    // The name goes into sources and the audit trail as one line, as a support action's "by" does.
    TextRules.require("/name", name, TextRules.Kind.LINE);
    return keys.issue(request.tenantId(), name);
  }

  @Operation(summary = "A tenant's keys, without the keys themselves")
  @GetMapping
  public List<KeyInfo> list(@RequestParam String tenantId) {
    return keys.list(tenantId);
  }

  @Operation(
      summary = "Revoke a key: calls with it are refused from now on",
      description = "Revoking a key revoked before changes nothing, and answers 204 again.")
  @ApiResponse(responseCode = "204", description = "Revoked, now or before")
  @ApiResponse(responseCode = "404", description = "No API key with that id")
  @DeleteMapping("/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  public void revoke(@PathVariable UUID id) {
    if (!keys.revoke(id)) {
      throw new ApiProblem(ProblemType.NOT_FOUND, "No API key with id " + id);
    }
  }
}
