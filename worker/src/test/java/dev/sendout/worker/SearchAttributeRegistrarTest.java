package dev.sendout.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sendout.workflows.sendout.SendoutSearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The type check the worker makes before it registers the search attributes. The refusal itself, on
 * a namespace of a real server, is {@code RealServerSearchAttributesTest} in the embedded module.
 */
class SearchAttributeRegistrarTest {

  private static Map<String, IndexedValueType> asRegistered() {
    Map<String, IndexedValueType> existing = new HashMap<>();
    SendoutSearchAttributes.ALL.forEach(key -> existing.put(key.getName(), key.getValueType()));
    existing.put("WorkflowType", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    return existing;
  }

  @Test
  void attributesOfTheRightTypeOrMissingAreNoMismatch() {
    Map<String, IndexedValueType> partly = asRegistered();
    partly.remove("StuckReason");

    assertThat(
            SearchAttributeRegistrar.typeMismatches(
                "ns", asRegistered(), SendoutSearchAttributes.ALL))
        .isEmpty();
    assertThat(SearchAttributeRegistrar.typeMismatches("ns", partly, SendoutSearchAttributes.ALL))
        .isEmpty();
  }

  @Test
  void anAttributeOfAnotherTypeIsNamedWithTheExpectedAndTheFoundType() {
    Map<String, IndexedValueType> existing = asRegistered();
    existing.put("Stuck", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    existing.put("SendoutId", IndexedValueType.INDEXED_VALUE_TYPE_TEXT);

    var mismatches =
        SearchAttributeRegistrar.typeMismatches("sendout", existing, SendoutSearchAttributes.ALL);

    assertThat(mismatches)
        .containsExactly(
            "Search attribute SendoutId exists in namespace sendout as Text, but sendout workflows"
                + " set it as Keyword: every workflow task that sets it would fail. Remove it"
                + " (temporal operator search-attribute delete --namespace sendout --name"
                + " SendoutId) and start the worker again, which registers it as Keyword.",
            "Search attribute Stuck exists in namespace sendout as Keyword, but sendout workflows"
                + " set it as Bool: every workflow task that sets it would fail. Remove it"
                + " (temporal operator search-attribute delete --namespace sendout --name Stuck)"
                + " and start the worker again, which registers it as Bool.");
  }

  @Test
  void typesAreNamedAsTheTemporalCliNamesThem() {
    assertThat(SendoutSearchAttributes.typeName(IndexedValueType.INDEXED_VALUE_TYPE_BOOL))
        .isEqualTo("Bool");
    assertThat(SendoutSearchAttributes.typeName(IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST))
        .isEqualTo("KeywordList");
    assertThat(SendoutSearchAttributes.typeName(IndexedValueType.INDEXED_VALUE_TYPE_DATETIME))
        .isEqualTo("Datetime");
  }
}
