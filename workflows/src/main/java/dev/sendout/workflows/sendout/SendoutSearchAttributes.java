package dev.sendout.workflows.sendout;

import dev.sendout.workflows.Changes;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributeUpdate;
import io.temporal.workflow.Workflow;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;

/**
 * The custom search attributes of sendout workflows. The worker registers them at start, before any
 * workflow can use them: an unregistered attribute fails the workflow task in a loop.
 */
public final class SendoutSearchAttributes {

  public static final SearchAttributeKey<String> SENDOUT_ID =
      SearchAttributeKey.forKeyword("SendoutId");
  public static final SearchAttributeKey<String> TENANT_ID =
      SearchAttributeKey.forKeyword("TenantId");
  public static final SearchAttributeKey<String> CHANNEL = SearchAttributeKey.forKeyword("Channel");
  public static final SearchAttributeKey<String> SENDOUT_STATUS =
      SearchAttributeKey.forKeyword("SendoutStatus");

  /** True while something needs a person's attention; {@code StuckReason} says what. */
  public static final SearchAttributeKey<Boolean> STUCK = SearchAttributeKey.forBoolean("Stuck");

  /** A {@link StuckReason} name; unset when the workflow is not stuck. */
  public static final SearchAttributeKey<String> STUCK_REASON =
      SearchAttributeKey.forKeyword("StuckReason");

  /**
   * Every current {@link StuckReason}, in that order, as a keyword list (the first is {@code
   * StuckReason}); unset when there is none. Searchable one by one: {@code StuckReasons =
   * 'NOT_SENT'} finds every sendout with that reason, whatever else is wrong with it. Written from
   * version 1 of {@link #STUCK_REASONS_VERSION}.
   */
  public static final SearchAttributeKey<List<String>> STUCK_REASONS =
      SearchAttributeKey.forKeywordList("StuckReasons");

  /**
   * When the sendout's next reminder wave is due; unset when none is pending. Written from version
   * 1 of {@code reminders}, by sendouts that have reminders.
   */
  public static final SearchAttributeKey<OffsetDateTime> NEXT_REMINDER_AT =
      SearchAttributeKey.forOffsetDateTime("NextReminderAt");

  /** From version 1 a sendout keeps {@link #STUCK_REASONS} up to date beside StuckReason. */
  static final String STUCK_REASONS_VERSION = "stuck-reasons";

  public static final List<SearchAttributeKey<?>> ALL =
      List.of(
          SENDOUT_ID,
          TENANT_ID,
          CHANNEL,
          SENDOUT_STATUS,
          STUCK,
          STUCK_REASON,
          STUCK_REASONS,
          NEXT_REMINDER_AT);

  /**
   * From this version on a sendout upserts an attribute only when its value changes: the values the
   * API's {@code SendoutStarter} gives at start ({@code SendoutStatus=SCHEDULED}, {@code
   * Stuck=false}) are not written again, nor is a status that the same step replaces at once. Each
   * upsert is a billable action and a history event.
   */
  static final String ONLY_CHANGES = "search-attributes-only-on-change";

  static boolean onlyChanges() {
    return Changes.has(ONLY_CHANGES);
  }

  /** Upserts {@code value}, unless {@code onlyChanges} and the workflow shows it already. */
  static <T> void upsert(SearchAttributeKey<T> key, T value, boolean onlyChanges) {
    if (!onlyChanges || !value.equals(Workflow.getTypedSearchAttributes().get(key))) {
      Workflow.upsertTypedSearchAttributes(key.valueSet(value));
    }
  }

  /** The updates that flag a workflow stuck for want of receipts, or clear the flag. */
  public static SearchAttributeUpdate<?>[] noReceipt(boolean stuck) {
    return new SearchAttributeUpdate<?>[] {
      STUCK.valueSet(stuck),
      stuck ? STUCK_REASON.valueSet(StuckReason.NO_RECEIPT.name()) : STUCK_REASON.valueUnset()
    };
  }

  /**
   * A type as the {@code temporal} CLI writes it ({@code --search-attribute Name=Type}, {@code
   * operator search-attribute create --type}): {@code Keyword}, {@code Bool}, {@code Datetime},
   * {@code KeywordList}.
   */
  public static String typeName(IndexedValueType type) {
    String prefix = "INDEXED_VALUE_TYPE_";
    String name = type.name();
    if (!name.startsWith(prefix)) {
      return name;
    }
    StringBuilder camel = new StringBuilder();
    for (String part : name.substring(prefix.length()).split("_")) {
      camel.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
    }
    return camel.toString();
  }

  private SendoutSearchAttributes() {}
}
