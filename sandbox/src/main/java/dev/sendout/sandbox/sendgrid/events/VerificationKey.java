package dev.sendout.sandbox.sendgrid.events;

/**
 * The body of {@code GET /sandbox/sendgrid/receipts/public-key}.
 *
 * @param publicKey base64 X.509 SubjectPublicKeyInfo DER of the EC P-256 key that verifies event
 *     batches, in the format SendGrid shows as its verification key
 */
public record VerificationKey(String publicKey) {}
