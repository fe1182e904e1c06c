package dev.sendout.api.tenant;

/**
 * The tenant an API call acts for, as its API key says. Controllers take it as a parameter; a
 * tenant sees and touches only its own sendouts, and another tenant's is answered as unknown (404),
 * so that ids cannot be probed.
 */
public record Tenant(String id) {}
