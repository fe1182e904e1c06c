package dev.sendout.core.temporal;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** What Temporal's gRPC answer was, wherever the SDK wrapped it in the cause chain. */
public final class GrpcStatus {

  /** The status code of the first gRPC error in the cause chain, or null when there is none. */
  public static Status.Code codeOf(Throwable e) {
    Status status = statusOf(e);
    return status == null ? null : status.getCode();
  }

  /** The server's words for the first gRPC error in the cause chain, or "" when there are none. */
  public static String descriptionOf(Throwable e) {
    Status status = statusOf(e);
    return status == null || status.getDescription() == null ? "" : status.getDescription();
  }

  private static Status statusOf(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StatusRuntimeException s) {
        return s.getStatus();
      }
    }
    return null;
  }

  private GrpcStatus() {}
}
