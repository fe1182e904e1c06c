package dev.sendout.sandbox.sendgrid;

import java.util.List;

/** The body SendGrid returns with a 4xx answer: {@code {"errors":[...]}}. */
public record SendGridErrors(List<SendGridError> errors) {}
