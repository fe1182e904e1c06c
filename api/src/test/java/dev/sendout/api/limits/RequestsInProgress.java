package dev.sendout.api.limits;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * Requests a filter lets through and that stay in progress, each on a thread of its own, until
 * {@link #release}: what holds a filter's places while a test sends the next request.
 */
final class RequestsInProgress {

  private final CountDownLatch released = new CountDownLatch(1);
  private final List<Thread> threads = new ArrayList<>();

  /** Sends each request through {@code filter}, and returns once every one is in progress. */
  static RequestsInProgress hold(Filter filter, HttpServletRequest... requests)
      throws InterruptedException {
    RequestsInProgress held = new RequestsInProgress();
    CountDownLatch inside = new CountDownLatch(requests.length);
    for (HttpServletRequest request : requests) {
      Thread thread =
          new Thread(
              () -> {
                try {
                  filter.doFilter(
                      request,
                      new MockHttpServletResponse(),
                      (req, res) -> {
                        inside.countDown();
                        try {
                          held.released.await(5, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                      });
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      thread.start();
      held.threads.add(thread);
    }
    assertThat(inside.await(5, TimeUnit.SECONDS)).as("every request in progress").isTrue();
    return held;
  }

  /** Lets every request end, and waits until they have. */
  void release() throws InterruptedException {
    released.countDown();
    for (Thread thread : threads) {
      thread.join(5000);
    }
  }
}
