package dev.sendout.api.tenant;

/**
 * The tenant an API call acts for, as its API key says. Controllers take it as a parameter; a
 * tenant sees and touches only its own sendouts, and another tenant's is answered as unknown (404),
 * so that ids cannot be probed.
 *
 * @param keyName the name of the API key the call came with, which records such as a suppression's
 *     source name as the caller; null where no key was involved
 */
public record Tenant(String id, String keyName) {

  public Tenant(String id) {
    this(id, null);
  }
}
