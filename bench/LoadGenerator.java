import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An open-model load generator for the API: creates sendouts of 100 recipients at a fixed rate and,
 * beside each create, reads one sendout created earlier, whatever the answers take. A request's
 * latency runs from the moment it was due, not from when it went out, so a server that falls behind
 * is charged for the wait it causes (no coordinated omission). Every request has a timeout, and
 * the run stops by itself after its phases.
 *
 * <p>Run with the JDK alone (no build): {@code java bench/LoadGenerator.java --base URL --key KEY
 * --phase sustained:60:30 [--phase overload:60:90 ...] [--path /v1/sendouts] [--timeout-ms 5000]
 * [--ids FILE]}. It prints one JSON object: per phase and request kind, the count, the answers by
 * status, p50/p90/p99/max in milliseconds; and per second of each phase, the p99 of the requests
 * due in that second and the p99 of those due from that second to the end of the phase. With {@code --ids}, it writes the ids of the accepted sendouts, one a line.
 *
 * <p>Other request bodies: {@code --body create100} (the default: a sendout of 100 recipients, with
 * a read of an earlier one beside each create), {@code --body create1} (a sendout of one
 * recipient, no reads) or {@code --body add1} (one recipient added: {@code POST
 * /v1/sendouts/{id}/recipients}, the ids taken in turn from {@code --targets FILE}, one a line;
 * without it the body goes to {@code --path} as it is, which is how the do-nothing ceiling is
 * measured with the same request). {@code --concurrency N} makes it a closed model instead: N
 * callers, each sending its next request when the last is answered, for each phase's seconds (the
 * phase's rate is ignored; latency then runs from the send). {@code --log FILE} writes one line per
 * 2xx answer: the wall-clock milliseconds it arrived, and the sendout id (creates) or the added
 * recipient's address (additions).
 */
public class LoadGenerator {

  record Phase(String name, int seconds, double rate) {}

  /** One request's outcome: its status code, or -1 for a timeout and -2 for any other failure. */
  record Result(int phase, String kind, long dueNanos, long latencyNanos, int status, boolean retryAfter) {}

  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-fA-F-]{36})\"");

  public static void main(String[] args) throws Exception {
    String base = null, key = null, path = "/v1/sendouts", idsFile = null, body = "create100";
    String targetsFile = null, logFile = null;
    int concurrency = 0;
    long timeoutMs = 5000;
    List<Phase> phases = new ArrayList<>();
    for (int i = 0; i < args.length; i += 2) {
      String value = args[i + 1];
      switch (args[i]) {
        case "--base" -> base = value;
        case "--key" -> key = value;
        case "--path" -> path = value;
        case "--timeout-ms" -> timeoutMs = Long.parseLong(value);
        case "--ids" -> idsFile = value;
        case "--body" -> body = value;
        case "--targets" -> targetsFile = value;
        case "--concurrency" -> concurrency = Integer.parseInt(value);
        case "--log" -> logFile = value;
        case "--phase" -> {
          String[] p = value.split(":");
          phases.add(new Phase(p[0], Integer.parseInt(p[1]), Double.parseDouble(p[2])));
        }
        default -> throw new IllegalArgumentException("Unknown option " + args[i]);
      }
    }
    if (base == null || phases.isEmpty()) {
      throw new IllegalArgumentException("--base and at least one --phase name:seconds:rate are needed");
    }
    if (!List.of("create100", "create1", "add1").contains(body)) {
      throw new IllegalArgumentException("--body is create100, create1 or add1");
    }
    List<String> targets = targetsFile == null ? List.of() : Files.readAllLines(Path.of(targetsFile)).stream().filter(l -> !l.isBlank()).toList();
    var generator = new LoadGenerator(base, key, path, Duration.ofMillis(timeoutMs), body, targets, concurrency);
    generator.run(phases, idsFile);
    if (logFile != null) {
      Files.write(Path.of(logFile), generator.log);
    }
  }

  private final String base;
  private final String key;
  private final String path;
  private final Duration timeout;
  private final ExecutorService callbacks = Executors.newFixedThreadPool(4);
  private final HttpClient http;
  private final Queue<Result> results = new ConcurrentLinkedQueue<>();
  private final List<String> accepted = new CopyOnWriteArrayList<>();
  private final Queue<CompletableFuture<?>> inFlight = new ConcurrentLinkedQueue<>();
  private final String body;
  private final List<String> targets;
  private final int concurrency;
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final java.util.concurrent.atomic.AtomicLong sequence = new java.util.concurrent.atomic.AtomicLong();
  private final Queue<String> log = new ConcurrentLinkedQueue<>();

  LoadGenerator(String base, String key, String path, Duration timeout, String body, List<String> targets, int concurrency) {
    this.base = base;
    this.key = key;
    this.path = path;
    this.timeout = timeout;
    this.body = body;
    this.targets = targets;
    this.concurrency = concurrency;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .executor(callbacks)
            .build();
  }

  void run(List<Phase> phases, String idsFile) throws Exception {
    List<Long> phaseStarts = new ArrayList<>();
    for (int p = 0; p < phases.size(); p++) {
      Phase phase = phases.get(p);
      long start = System.nanoTime();
      phaseStarts.add(start);
      if (concurrency > 0) {
        closed(p, start + phase.seconds() * 1_000_000_000L);
        continue;
      }
      long count = Math.round(phase.seconds() * phase.rate());
      for (long i = 0; i < count; i++) {
        long due = start + (long) (i * 1e9 / phase.rate());
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        Outgoing request = next();
        send(p, "create", due, request.request(), request.tag());
        if (body.equals("create100") && !accepted.isEmpty()) {
          String id = accepted.get(ThreadLocalRandom.current().nextInt(accepted.size()));
          send(p, "get", due, request(path + "/" + id).GET(), null);
        }
        inFlight.removeIf(CompletableFuture::isDone);
      }
      LockSupport.parkNanos(start + phase.seconds() * 1_000_000_000L - System.nanoTime());
    }
    // Every request has a timeout, so this ends.
    CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
    callbacks.shutdown();
    if (idsFile != null) {
      Files.write(Path.of(idsFile), accepted);
    }
    try (PrintWriter out = new PrintWriter(System.out)) {
      out.println(report(phases, phaseStarts));
    }
  }

  /**
   * The closed model: each caller sends its next request once the last is answered, until the end
   * of the phase. Every request has a timeout, so each caller ends soon after the phase does.
   */
  private void closed(int phase, long end) throws InterruptedException {
    List<Thread> callers = new ArrayList<>();
    for (int c = 0; c < concurrency; c++) {
      Thread caller =
          new Thread(
                  () -> {
                    while (System.nanoTime() < end) {
                      Outgoing request = next();
                      long sent = System.nanoTime();
                      HttpResponse<String> response = null;
                      Throwable failure = null;
                      try {
                        response = http.send(request.request().build(), HttpResponse.BodyHandlers.ofString());
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                      } catch (Exception e) {
                        failure = e;
                      }
                      record(phase, "create", sent, request.tag(), response, failure);
                    }
                  });
      caller.start();
      callers.add(caller);
    }
    for (Thread caller : callers) {
      caller.join();
    }
  }

  /** A request, and what its log line names when it is accepted (null: the id in the answer). */
  record Outgoing(HttpRequest.Builder request, String tag) {}

  /** The next request of the chosen kind. */
  private Outgoing next() {
    long n = sequence.getAndIncrement();
    return switch (body) {
      case "create1" -> new Outgoing(post(path, sendoutBody(n, 1)), null);
      case "add1" ->
          new Outgoing(
              post(
                  targets.isEmpty()
                      ? path
                      : "/v1/sendouts/" + targets.get((int) (n % targets.size())) + "/recipients",
                  "{\"recipients\":[" + recipient(run + "-" + n, 0) + "]}"),
              "user" + run + "-" + n + "-0@example.com");
      default -> new Outgoing(create(n), null);
    };
  }

  private String recipient(String n, int i) {
    return "{\"email\":\"user" + n + "-" + i + "@example.com\",\"variables\":{\"firstName\":\"U" + i
        + "\",\"surveyUrl\":\"https://s.example.com/" + n + "/" + i + "\"}}";
  }

  private String sendoutBody(long n, int recipients) {
    StringBuilder out =
        new StringBuilder(
            "{\"channel\":\"EMAIL\",\"from\":{\"email\":\"surveys@example.com\",\"name\":\"Surveys\"},"
                + "\"subject\":\"{{firstName}}, how was your visit?\","
                + "\"text\":\"Hello {{firstName}}, tell us: {{surveyUrl}}\",\"recipients\":[");
    for (int i = 0; i < recipients; i++) {
      out.append(i == 0 ? "" : ",").append(recipient(run + "-" + n, i));
    }
    return out.append("]}").toString();
  }

  private HttpRequest.Builder post(String target, String json) {
    return request(target)
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", UUID.randomUUID().toString())
        .POST(HttpRequest.BodyPublishers.ofString(json));
  }

  private HttpRequest.Builder request(String target) {
    var builder = HttpRequest.newBuilder(URI.create(base + target)).timeout(timeout);
    return key == null ? builder : builder.header("Authorization", "Bearer " + key);
  }

  private HttpRequest.Builder create(long n) {
    StringBuilder body =
        new StringBuilder(
            "{\"channel\":\"EMAIL\",\"from\":{\"email\":\"surveys@example.com\",\"name\":\"Surveys\"},"
                + "\"subject\":\"{{firstName}}, how was your visit?\","
                + "\"text\":\"Hello {{firstName}}, tell us: {{surveyUrl}}\",\"recipients\":[");
    for (int i = 0; i < 100; i++) {
      body.append(i == 0 ? "" : ",")
          .append("{\"email\":\"user")
          .append(n)
          .append('-')
          .append(i)
          .append("@example.com\",\"variables\":{\"firstName\":\"U")
          .append(i)
          .append("\",\"surveyUrl\":\"https://s.example.com/")
          .append(n)
          .append('/')
          .append(i)
          .append("\"}}");
    }
    body.append("]}");
    return request(path)
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", UUID.randomUUID().toString())
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
  }

  private void send(int phase, String kind, long due, HttpRequest.Builder request, String tag) {
    inFlight.add(
        http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
            .handle(
                (response, failure) -> {
                  record(phase, kind, due, tag, response, failure);
                  return null;
                }));
  }

  private void record(
      int phase, String kind, long due, String tag, HttpResponse<String> response, Throwable failure) {
    long latency = System.nanoTime() - due;
    if (failure != null) {
      Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
      int code = cause instanceof HttpTimeoutException || failure instanceof HttpTimeoutException ? -1 : -2;
      results.add(new Result(phase, kind, due, latency, code, false));
      return;
    }
    int status = response.statusCode();
    boolean retryAfter = response.headers().firstValue("Retry-After").isPresent();
    results.add(new Result(phase, kind, due, latency, status, retryAfter));
    if (!kind.equals("create") || status / 100 != 2) {
      return;
    }
    long now = System.currentTimeMillis();
    if (tag != null) {
      log.add(now + " " + tag);
      return;
    }
    Matcher id = ID.matcher(response.body());
    if (id.find()) {
      accepted.add(id.group(1));
      log.add(now + " " + id.group(1));
    }
  }

  private String report(List<Phase> phases, List<Long> phaseStarts) {
    StringBuilder json = new StringBuilder("{\"accepted\":" + accepted.size() + ",\"phases\":[");
    for (int p = 0; p < phases.size(); p++) {
      Phase phase = phases.get(p);
      int index = p;
      List<Result> mine = results.stream().filter(r -> r.phase() == index).toList();
      json.append(p == 0 ? "" : ",")
          .append("{\"name\":\"%s\",\"seconds\":%d,\"rate\":%s,"
              .formatted(phase.name(), phase.seconds(), phase.rate()));
      for (String kind : List.of("create", "get")) {
        json.append("\"%s\":%s,".formatted(kind, summary(mine.stream().filter(r -> r.kind().equals(kind)).toList())));
      }
      json.append("\"all\":").append(summary(mine));
      long ok = mine.stream().filter(r -> r.kind().equals("create") && r.status() / 100 == 2).count();
      json.append(",\"accepted_per_second\":")
          .append(String.format(java.util.Locale.ROOT, "%.1f", ok / (double) phase.seconds()));
      long start = phaseStarts.get(p);
      // Per second of the phase: the p99 of the requests due in that second, and of all those due
      // from that second to the end of the phase.
      StringBuilder perSecond = new StringBuilder(), fromSecond = new StringBuilder();
      for (int s = 0; s < phase.seconds(); s++) {
        long from = start + s * 1_000_000_000L, to = from + 1_000_000_000L;
        long[] window = latencies(mine.stream().filter(r -> r.dueNanos() >= from && r.dueNanos() < to).toList());
        long[] rest = latencies(mine.stream().filter(r -> r.dueNanos() >= from).toList());
        perSecond.append(s == 0 ? "" : ",").append(window.length == 0 ? "null" : ms(percentile(window, 99)));
        fromSecond.append(s == 0 ? "" : ",").append(rest.length == 0 ? "null" : ms(percentile(rest, 99)));
      }
      json.append(",\"p99_ms_per_second\":[").append(perSecond)
          .append("],\"p99_ms_from_second\":[").append(fromSecond).append("]}");
    }
    return json.append("]}").toString();
  }

  private static String summary(List<Result> results) {
    Map<String, Integer> statuses = new TreeMap<>();
    int refusalsWithoutRetryAfter = 0;
    for (Result r : results) {
      String status = r.status() == -1 ? "timeout" : r.status() == -2 ? "io" : String.valueOf(r.status());
      statuses.merge(status, 1, Integer::sum);
      if ((r.status() == 429 || r.status() == 503) && !r.retryAfter()) {
        refusalsWithoutRetryAfter++;
      }
    }
    long[] all = latencies(results);
    StringBuilder out = new StringBuilder("{\"count\":" + results.size() + ",\"statuses\":{");
    statuses.forEach((k, v) -> out.append(out.charAt(out.length() - 1) == '{' ? "" : ",").append("\"%s\":%d".formatted(k, v)));
    out.append("},\"refusals_without_retry_after\":").append(refusalsWithoutRetryAfter);
    if (all.length > 0) {
      out.append(",\"p50_ms\":%s,\"p90_ms\":%s,\"p99_ms\":%s,\"max_ms\":%s"
          .formatted(ms(percentile(all, 50)), ms(percentile(all, 90)), ms(percentile(all, 99)), ms(all[all.length - 1])));
    }
    return out.append('}').toString();
  }

  private static long[] latencies(List<Result> results) {
    long[] out = results.stream().mapToLong(Result::latencyNanos).toArray();
    Arrays.sort(out);
    return out;
  }

  /** The nearest-rank percentile of sorted values. */
  private static long percentile(long[] sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  private static String ms(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6);
  }
}
