package dev.sendout.api.sendout;

import static dev.sendout.api.sendout.SendoutRequestValidator.MAX_NAME_LENGTH;
import static dev.sendout.api.sendout.SendoutRequestValidator.maxLength;
import static dev.sendout.api.sendout.SendoutRequestValidator.notUsed;
import static dev.sendout.api.sendout.SendoutRequestValidator.text;
import static dev.sendout.api.sendout.SendoutRequestValidator.variables;

import dev.sendout.api.sendout.CreateSendoutRequest.Recipient;
import dev.sendout.api.sendout.SendoutRequestValidator.Problems;
import dev.sendout.workflows.sendout.Channel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The checks of each recipient that every channel makes in the same order: not null, a valid and
 * unique address of the channel's kind, no address of the other kind, a name within its limit and
 * on one line, an IANA time zone if one is given, and a value for every template variable, each one
 * text that can be carried ({@link TextRules}). What a channel checks beyond that it does in {@link
 * Afterwards}, so that its problems keep being reported after these.
 */
final class RecipientChecks {

  /** Checks one address and reports its problem at {@code at}; true when it is valid. */
  @FunctionalInterface
  interface AddressCheck {
    boolean valid(String at, String value, Problems problems);
  }

  /** What a channel checks of a non-null recipient after the shared checks. */
  @FunctionalInterface
  interface Afterwards {
    void check(String at, Recipient recipient, boolean variablesComplete);
  }

  /**
   * How a channel addresses its recipients.
   *
   * @param channel the channel, named in the problem of a field it does not use
   * @param field the recipient's field that holds the address, such as {@code "/email"}
   * @param address reads that field
   * @param check checks an address
   * @param sameAs the form in which two addresses are compared for duplicates
   * @param unusedField the recipient's field of the other channel's address
   * @param unused reads that field
   */
  record Addressing(
      Channel channel,
      String field,
      Function<Recipient, String> address,
      AddressCheck check,
      UnaryOperator<String> sameAs,
      String unusedField,
      Function<Recipient, String> unused) {}

  /** The longest {@code externalId}: the width of its column. */
  static final int MAX_EXTERNAL_ID_LENGTH = 200;

  private RecipientChecks() {}

  /**
   * The caller's id for the recipient, when given: 1 to 200 characters on one line, and not one an
   * earlier recipient of the request has. Ids the sendout already holds are the store's to find.
   */
  private static void externalId(
      String at, int index, String value, Map<String, Integer> seen, Problems problems) {
    if (value == null) {
      return;
    }
    String field = at + "/externalId";
    if (value.isBlank()) {
      problems.add(field, "must not be blank; leave it out instead");
      return;
    }
    if (value.length() > MAX_EXTERNAL_ID_LENGTH) {
      problems.add(field, "at most " + MAX_EXTERNAL_ID_LENGTH + " characters");
      return;
    }
    if (!text(field, value, TextRules.Kind.LINE, problems)) {
      return;
    }
    Integer first = seen.putIfAbsent(value, index);
    if (first != null) {
      problems.add(field, "duplicate of /recipients/" + first + "/externalId ('" + value + "')");
    }
  }

  static void check(
      List<Recipient> recipients,
      Addressing addressing,
      Set<String> required,
      Set<String> inHeader,
      Problems problems,
      Afterwards afterwards) {
    Map<String, Integer> seen = new HashMap<>(recipients.size() * 2);
    Map<String, Integer> externalIds = new HashMap<>();
    for (int i = 0; i < recipients.size(); i++) {
      String at = "/recipients/" + i;
      Recipient r = recipients.get(i);
      if (r == null) {
        problems.add(at, "is null");
        continue;
      }
      String address = addressing.address().apply(r);
      if (addressing.check().valid(at + addressing.field(), address, problems)) {
        Integer first = seen.putIfAbsent(addressing.sameAs().apply(address), i);
        if (first != null) {
          problems.add(
              at + addressing.field(), "duplicate of /recipients/" + first + addressing.field());
        }
      }
      notUsed(
          at + addressing.unusedField(),
          addressing.unused().apply(r),
          addressing.channel(),
          problems);
      externalId(at, i, r.externalId(), externalIds, problems);
      maxLength(at + "/name", r.name(), MAX_NAME_LENGTH, problems);
      // The name goes into the To header of an email.
      text(at + "/name", r.name(), TextRules.Kind.LINE, problems);
      SendoutRequestValidator.timeZone(at + "/timeZone", r.timeZone(), problems);
      boolean complete = variables(at + "/variables", r.variables(), required, inHeader, problems);
      afterwards.check(at, r, complete);
    }
  }
}
