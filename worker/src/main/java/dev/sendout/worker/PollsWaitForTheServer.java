package dev.sendout.worker;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.spring.boot.TemporalOptionsCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The worker's long polls wait for a connection to Temporal instead of failing at once while there
 * is none (gRPC's wait-for-ready).
 *
 * <p>Without it, every poll during an outage fails fast, and the SDK's pollers back off after each
 * failure, doubling up to a minute, a maximum the SDK does not let a worker change. Measured
 * ({@code bench/additions-load.py --part outage}): after 60 s without Temporal, the additions
 * queued meanwhile were released up to 39–73 s after its return and DELIVERED up to 77–115 s after
 * it, against 16 and 17 s with this. With wait-for-ready a poll that starts during the outage waits
 * for the channel, which reconnects within seconds of the server's return (the stubs reset gRPC's
 * connect backoff every 10 s), and polls on at once; it still fails at its own deadline (70 s), as
 * a long poll does. Only the polls wait: the worker's other calls (completing a task, a heartbeat)
 * fail fast and are retried by the SDK, as before.
 */
@Configuration(proxyBeanMethods = false)
public class PollsWaitForTheServer {

  @Bean
  TemporalOptionsCustomizer<WorkflowServiceStubsOptions.Builder> waitForReadyOnPolls() {
    return builder -> builder.addGrpcClientInterceptor(new WaitForReadyOnPolls());
  }

  /** Sets wait-for-ready on the task-queue polls ({@code PollWorkflowTaskQueue} and the like). */
  static final class WaitForReadyOnPolls implements ClientInterceptor {

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(
        MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      return next.newCall(method, isTaskPoll(method) ? options.withWaitForReady() : options);
    }

    static boolean isTaskPoll(MethodDescriptor<?, ?> method) {
      String name = method.getBareMethodName();
      return name != null && name.startsWith("Poll") && name.endsWith("TaskQueue");
    }
  }
}
