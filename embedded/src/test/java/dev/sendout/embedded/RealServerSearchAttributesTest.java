package dev.sendout.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.sendout.workflows.sendout.SendoutSearchAttributes;
import dev.sendout.workflows.watchdog.WatchdogWorkflow;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.RemoveSearchAttributesRequest;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * On a real Temporal server, in a namespace of the test's own: a worker whose namespace holds
 * {@code Stuck} as Keyword refuses to start, naming the attribute, the type found and the type the
 * workflows set, and registers nothing; once the attribute is removed as the message says, the
 * worker registers all eight attributes with their types. (The SDK's test server lists no search
 * attributes, so only a real server can show this.)
 */
@ExtendWith(RealServer.class)
class RealServerSearchAttributesTest {

  private static EmbeddedEngine engine;
  private static WorkflowServiceStubs service;
  private static OperatorServiceStubs operator;

  @BeforeAll
  static void startEngine() throws Exception {
    engine = RealServer.start(RealServer.settings());
    service = RealServer.service();
    operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder()
                .setChannel(service.getRawChannel())
                .validateAndBuildWithDefaults());
  }

  @AfterAll
  static void stopEngine() {
    if (engine != null) {
      engine.close();
    }
    if (service != null) {
      service.shutdown();
    }
  }

  @Test
  void aWronglyTypedAttributeStopsTheWorkerNamingItAndARightOneIsRegistered() throws Exception {
    String namespace = "sendout-sa-" + UUID.randomUUID().toString().substring(0, 8);
    RealServer.registerNamespace(service, namespace);
    operator
        .blockingStub()
        .addSearchAttributes(
            AddSearchAttributesRequest.newBuilder()
                .setNamespace(namespace)
                .putSearchAttributes("Stuck", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
                .build());
    EngineClient.await(
        () -> custom(namespace).get("Stuck") == IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
        Duration.ofSeconds(20),
        "Stuck listed as Keyword in " + namespace);

    Throwable refused =
        catchThrowable(() -> engine.startWorker("--spring.temporal.namespace=" + namespace));

    assertThat(refused).as("the worker started on a wrongly typed Stuck").isNotNull();
    Throwable cause = refused;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    System.out.println("The worker refused to start: " + cause.getMessage());
    assertThat(cause)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(
            "Search attribute Stuck exists in namespace "
                + namespace
                + " as Keyword, but sendout workflows set it as Bool")
        .hasMessageContaining("temporal operator search-attribute delete");
    assertThat(custom(namespace)).as("registered nothing").doesNotContainKey("SendoutId");

    operator
        .blockingStub()
        .removeSearchAttributes(
            RemoveSearchAttributesRequest.newBuilder()
                .setNamespace(namespace)
                .addSearchAttributes("Stuck")
                .build());
    EngineClient.await(
        () -> !custom(namespace).containsKey("Stuck"),
        Duration.ofSeconds(20),
        "Stuck removed from " + namespace);
    ConfigurableApplicationContext worker =
        engine.startWorker("--spring.temporal.namespace=" + namespace);
    try {
      Map<String, IndexedValueType> registered = custom(namespace);
      for (var key : SendoutSearchAttributes.ALL) {
        assertThat(registered).containsEntry(key.getName(), key.getValueType());
      }
    } finally {
      engine.kill(worker);
      // The worker created the watchdog schedule there; nothing polls that namespace any more.
      ScheduleClient.newInstance(
              service, ScheduleClientOptions.newBuilder().setNamespace(namespace).build())
          .getHandle(WatchdogWorkflow.ID)
          .delete();
    }
  }

  /** The namespace's custom search attributes with their types, as the server lists them. */
  private static Map<String, IndexedValueType> custom(String namespace) {
    return operator
        .blockingStub()
        .listSearchAttributes(
            ListSearchAttributesRequest.newBuilder().setNamespace(namespace).build())
        .getCustomAttributesMap();
  }
}
