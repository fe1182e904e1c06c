package dev.sendout.api.problem;

/**
 * One invalid field of a request.
 *
 * @param pointer a JSON Pointer (RFC 6901) into the request body, such as {@code
 *     /recipients/3/email}, or the name of a query parameter or header
 */
public record FieldProblem(String pointer, String detail) {}
