package dev.sendout.worker;

import dev.sendout.workflows.sendout.SendoutSearchAttributes;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.common.SearchAttributeKey;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Registers the sendout search attributes in the namespace when the worker starts, one by one so
 * that attributes registered earlier (by another worker, or by an operator) are simply kept.
 */
@Component
class SearchAttributeRegistrar implements InitializingBean {

  private static final Logger log = LoggerFactory.getLogger(SearchAttributeRegistrar.class);

  private final WorkflowServiceStubs service;
  private final String namespace;

  SearchAttributeRegistrar(
      WorkflowServiceStubs service, @Value("${spring.temporal.namespace}") String namespace) {
    this.service = service;
    this.namespace = namespace;
  }

  @Override
  public void afterPropertiesSet() {
    OperatorServiceStubs operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder()
                .setChannel(service.getRawChannel())
                .validateAndBuildWithDefaults());
    for (SearchAttributeKey<?> key : SendoutSearchAttributes.ALL) {
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
      }
    }
  }
}
