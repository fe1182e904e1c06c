import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;

/**
 * The email address check of two builds, alternately in one JVM: {@code bench/address-check.sh}
 * compiles {@code EmailAddress} of each under the packages {@code before} and {@code after}. Each
 * round checks 100,000 addresses shaped like the benchmarks' (one in ten longer, with a plus and a
 * subdomain) and prints the time and the bytes allocated per address; the first four rounds warm
 * the JIT and are not printed.
 */
public class AddressCheck {
  public static void main(String[] args) throws Exception {
    int n = 100_000;
    String[] addresses = new String[n];
    for (int i = 0; i < n; i++) {
      addresses[i] =
          i % 10 == 0 ? "Ann.Lee+s" + i + "@mail.example.co.uk" : "user" + i + "@example.com";
    }
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    for (int round = 0; round < 12; round++) {
      for (String build : new String[] {"before", "after"}) {
        Method check = Class.forName(build + ".EmailAddress").getMethod("check", String.class);
        Method valid = Class.forName(build + ".EmailAddress$Checked").getMethod("valid");
        long bytes = threads.getThreadAllocatedBytes(thread);
        long start = System.nanoTime();
        int accepted = 0;
        for (String address : addresses) {
          accepted += (Boolean) valid.invoke(check.invoke(null, address)) ? 1 : 0;
        }
        long nanos = System.nanoTime() - start;
        bytes = threads.getThreadAllocatedBytes(thread) - bytes;
        if (accepted != n) {
          throw new IllegalStateException(build + " refused " + (n - accepted) + " addresses");
        }
        if (round >= 4) {
          System.out.printf(
              "%-6s round %2d: %6.1f ms, %5.0f bytes an address%n",
              build, round, nanos / 1e6, (double) bytes / n);
        }
      }
    }
  }
}
