package dev.sendout.worker;

import dev.sendout.workflows.sendout.SendoutSearchAttributes;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.common.SearchAttributeKey;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Registers the sendout search attributes in the namespace when the worker starts, one by one so
 * that attributes registered earlier (by another worker, or by an operator) are simply kept. A
 * Temporal that is not reachable yet (a worker starting beside it) is waited for, up to {@link
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

  /** Registers every sendout search attribute that the namespace does not have yet. */
  private void register() {
    OperatorServiceStubs operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder()
                .setChannel(service.getRawChannel())
                .validateAndBuildWithDefaults());
    Instant giveUp = Instant.now().plus(WAIT_FOR_TEMPORAL);
    for (SearchAttributeKey<?> key : SendoutSearchAttributes.ALL) {
      while (!add(operator, key)) {
        if (Instant.now().isAfter(giveUp)) {
          throw new IllegalStateException(
              "Temporal unreachable for "
                  + WAIT_FOR_TEMPORAL
                  + ": cannot register search attributes");
        }
        sleep();
      }
    }
  }

  /** True once the attribute exists; false while Temporal cannot be reached. */
  private boolean add(OperatorServiceStubs operator, SearchAttributeKey<?> key) {
    try {
      operator
          .blockingStub()
          .addSearchAttributes(
              AddSearchAttributesRequest.newBuilder()
                  .setNamespace(namespace)
                  .putSearchAttributes(key.getName(), key.getValueType())
                  .build());
      log.info("Registered search attribute {} in namespace {}", key.getName(), namespace);
      return true;
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      if (code == Status.Code.ALREADY_EXISTS) {
        return true;
      }
      if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
        log.warn("Temporal not reachable yet to register {}: {}", key.getName(), code);
        return false;
      }
      throw e;
    }
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
