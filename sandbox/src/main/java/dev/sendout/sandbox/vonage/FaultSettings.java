package dev.sendout.sandbox.vonage;

import dev.sendout.sandbox.faults.FaultModes;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The fault modes of the fake Vonage, used both for start-up properties and for the JSON of {@code
 * GET /sandbox/vonage/faults}. Throttling is not among them: the rate limit produces real 429s.
 *
 * @param latencyMs how long every send waits before it answers
 * @param serverErrorRate the share of sends answered 500, from 0 to 1
 * @param rejectCredentials whether every send is answered 401 as for wrong or revoked credentials
 */
public record FaultSettings(
    @DefaultValue("0") long latencyMs,
    @DefaultValue("0") double serverErrorRate,
    @DefaultValue("false") boolean rejectCredentials)
    implements FaultModes {}
