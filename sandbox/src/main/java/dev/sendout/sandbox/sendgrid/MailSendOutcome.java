package dev.sendout.sandbox.sendgrid;

import org.springframework.http.ResponseEntity;

/**
 * The answer to one mail send plus what the request log needs to know about it.
 *
 * @param response the HTTP answer
 * @param personalizations how many personalizations the body held, or -1 when it was not read
 */
record MailSendOutcome(ResponseEntity<?> response, int personalizations) {

  static final int UNREAD = -1;
}
