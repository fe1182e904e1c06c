package dev.sendout.api.sendout;

import dev.sendout.api.sendout.CreateSendoutRequest.Recipient;
import dev.sendout.api.sendout.CreateSendoutRequest.Sender;
import dev.sendout.api.sendout.SendoutRequestValidator.Problems;
import dev.sendout.core.sendout.SendoutStore.LaterContent;
import dev.sendout.workflows.sendout.Channel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The request checks that differ by channel, so that each channel's rules live in one class and
 * {@link SendoutRequestValidator} keeps only what every channel shares. A third channel is a third
 * implementation, registered in the validator's constructor.
 */
interface ChannelRequestRules {

  Channel channel();

  /** The recipient's field that holds its address, such as {@code "/email"}. */
  String addressField();

  /** How long a message may wait for its receipt when the request does not say. */
  Duration defaultReceiptTimeout();

  /**
   * Checks the fields of a create request that make up this channel's content (sender, subject,
   * text, html) and refuses those of the other channels. Its recipients are checked afterwards, so
   * that their problems are reported after the content's.
   */
  Checked content(CreateSendoutRequest request, Problems problems);

  /**
   * The request's sender, or null once its absence is reported: every channel requires one, and
   * reports it first among its content's problems.
   */
  static Sender requiredSender(CreateSendoutRequest request, Problems problems) {
    if (request.from() == null) {
      problems.add("/from", "is required");
    }
    return request.from();
  }

  /**
   * The content of a stored sendout, which passed {@link #content} when it was created, for
   * checking recipients added to it.
   *
   * @param later the sendout's reminders' and thank-you's own subjects and texts, into which a
   *     recipient's values are filled too
   */
  Checked stored(Object content, List<LaterContent> later);

  /** The own subjects and texts a create request gives its reminders and thank-you. */
  static List<LaterContent> later(CreateSendoutRequest request) {
    List<LaterContent> later = new ArrayList<>();
    if (request.reminders() != null) {
      for (int i = 0; i < request.reminders().size(); i++) {
        CreateSendoutRequest.Reminder reminder = request.reminders().get(i);
        if (reminder != null) {
          later.add(
              new LaterContent(
                  "/reminders/" + i, reminder.subject(), reminder.text(), reminder.html()));
        }
      }
    }
    if (request.thankYou() != null) {
      var thanks = request.thankYou();
      later.add(new LaterContent("/thankYou", thanks.subject(), thanks.text(), thanks.html()));
    }
    return later;
  }

  /** A content whose fields have been checked: its recipients are checked against it. */
  interface Checked {

    /** Checks each recipient against the content, which must have at least one. */
    void recipients(List<Recipient> recipients, Problems problems);

    /** The content to store, completed with what its recipients reported, such as the SMS cost. */
    Object content();
  }
}
