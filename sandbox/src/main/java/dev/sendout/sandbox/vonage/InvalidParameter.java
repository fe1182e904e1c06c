package dev.sendout.sandbox.vonage;

/**
 * One entry of the {@code invalid_parameters} array of a Vonage problem answer.
 *
 * @param name the parameter, as named in the request
 * @param reason what is wrong with it
 */
public record InvalidParameter(String name, String reason) {}
