package dev.sendout.sandbox.sendgrid;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the fake SendGrid, bound from {@code sandbox.sendgrid.*}.
 *
 * @param apiKey the only key accepted in the {@code Authorization: Bearer} header
 * @param maxRecordedMessages how many distinct message ids keep their details; later ids are only
 *     counted, so a long load test cannot exhaust the heap
 * @param faults the fault modes in force at start-up; they can be changed at run time
 */
@ConfigurationProperties("sandbox.sendgrid")
public record SendGridSandboxProperties(
    @DefaultValue("SG.sandbox-key") String apiKey,
    @DefaultValue("2000000") int maxRecordedMessages,
    @DefaultValue FaultSettings faults) {}
