package dev.sendout.worker;

import dev.sendout.workflows.sendout.SendoutSearchAttributes;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesResponse;
import io.temporal.common.SearchAttributeKey;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Registers the sendout search attributes in the namespace when the worker starts. Attributes that
 * exist already (registered by another worker, by {@code temporal-dev.sh} or by an operator) are
 * kept, but only when their type is the one the workflows set: an attribute of another type (say
 * {@code Stuck} as Keyword rather than Bool) would make every workflow task that upserts it fail in
 * a loop, so the worker refuses to start instead, naming the attribute and both types. A Temporal
 * that is not reachable yet (a worker starting beside it) is waited for, up to {@link
 * #WAIT_FOR_TEMPORAL}.
 */
@Component
class SearchAttributeRegistrar implements InitializingBean {

  private static final Logger log = LoggerFactory.getLogger(SearchAttributeRegistrar.class);

  /** Long enough for a Temporal server started at the same time to come up. */
  static final Duration WAIT_FOR_TEMPORAL = Duration.ofSeconds(60);

  private final WorkflowServiceStubs service;
  private final String namespace;

  SearchAttributeRegistrar(
      WorkflowServiceStubs service, @Value("${spring.temporal.namespace}") String namespace) {
    this.service = service;
    this.namespace = namespace;
  }

  @Override
  public void afterPropertiesSet() {
    register();
  }

  /**
   * Registers every sendout search attribute that the namespace lacks, after checking the types of
   * those it has. Another worker registering the same attributes at the same moment makes an add
   * fail with ALREADY_EXISTS: the attributes are then listed and checked again.
   */
  private void register() {
    OperatorServiceStubs operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder()
                .setChannel(service.getRawChannel())
                .validateAndBuildWithDefaults());
    Instant giveUp = Instant.now().plus(WAIT_FOR_TEMPORAL);
    String lastProblem = "";
    while (true) {
      try {
        if (registerMissing(operator)) {
          return;
        }
        lastProblem = "another worker was registering them at the same time";
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        if (code != Status.Code.UNAVAILABLE && code != Status.Code.DEADLINE_EXCEEDED) {
          throw e;
        }
        log.warn("Temporal not reachable yet to register search attributes: {}", code);
        lastProblem = "Temporal unreachable (" + code + ")";
      }
      if (Instant.now().isAfter(giveUp)) {
        throw new IllegalStateException(
            "Cannot register search attributes in namespace "
                + namespace
                + " within "
                + WAIT_FOR_TEMPORAL
                + ": "
                + lastProblem);
      }
      sleep();
    }
  }

  /**
   * True once every attribute exists with its type; false when an add raced another worker's. A
   * server that cannot list attributes (the SDK's test server) gets them added unchecked, an
   * existing one kept as before.
   */
  private boolean registerMissing(OperatorServiceStubs operator) {
    Map<String, IndexedValueType> existing = list(operator);
    if (existing != null) {
      List<String> wrong = typeMismatches(namespace, existing, SendoutSearchAttributes.ALL);
      if (!wrong.isEmpty()) {
        throw new IllegalStateException(String.join("\n", wrong));
      }
    }
    for (SearchAttributeKey<?> key : SendoutSearchAttributes.ALL) {
      if (existing != null && existing.containsKey(key.getName())) {
        continue;
      }
      try {
        operator
            .blockingStub()
            .addSearchAttributes(
                AddSearchAttributesRequest.newBuilder()
                    .setNamespace(namespace)
                    .putSearchAttributes(key.getName(), key.getValueType())
                    .build());
        log.info("Registered search attribute {} in namespace {}", key.getName(), namespace);
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
          throw e;
        }
        if (existing != null) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * The namespace's search attributes, custom and built in, with their types; null when the server
   * does not list them (the SDK's test server answers UNIMPLEMENTED).
   */
  private Map<String, IndexedValueType> list(OperatorServiceStubs operator) {
    ListSearchAttributesResponse response;
    try {
      response =
          operator
              .blockingStub()
              .listSearchAttributes(
                  ListSearchAttributesRequest.newBuilder().setNamespace(namespace).build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
        throw e;
      }
      log.info("Temporal does not list search attributes (a test server): types not checked");
      return null;
    }
    Map<String, IndexedValueType> all = new HashMap<>(response.getSystemAttributesMap());
    all.putAll(response.getCustomAttributesMap());
    return all;
  }

  /**
   * One message for each wanted attribute that exists with another type, naming the attribute, the
   * type the workflows set and the type found, and saying how to mend it; empty when none.
   */
  static List<String> typeMismatches(
      String namespace,
      Map<String, IndexedValueType> existing,
      List<SearchAttributeKey<?>> wanted) {
    List<String> messages = new ArrayList<>();
    for (SearchAttributeKey<?> key : wanted) {
      IndexedValueType found = existing.get(key.getName());
      if (found != null && found != key.getValueType()) {
        messages.add(
            "Search attribute %1$s exists in namespace %2$s as %3$s, but sendout workflows set it as %4$s: every workflow task that sets it would fail. Remove it (temporal operator search-attribute delete --namespace %2$s --name %1$s) and start the worker again, which registers it as %4$s."
                .formatted(
                    key.getName(),
                    namespace,
                    SendoutSearchAttributes.typeName(found),
                    SendoutSearchAttributes.typeName(key.getValueType())));
      }
    }
    return messages;
  }

  private static void sleep() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for Temporal", e);
    }
  }
}
