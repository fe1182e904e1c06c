import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An open-model load generator for the API: creates sendouts of 100 recipients at a fixed rate and,
 * beside each create, reads one sendout created earlier, whatever the answers take. A request's
 * latency runs from the moment it was due, not from when it went out, so a server that falls behind
 * is charged for the wait it causes (no coordinated omission). Every request has a timeout, and
 * the run stops by itself after its phases. Requests go out on up to 512 keep-alive connections,
 * each a plain socket driven by a thread of its own; a request due while all 512 wait for answers
 * waits for one (charged to its latency), and one that waited longer than the timeout counts as
 * timed out without being sent.
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

  /**
   * One request's outcome: its status code, or -1 for a timeout and -2 for any other failure; for
   * an answer other than 2xx, its problem detail with the numbers and ids left out, so that the
   * refusals of each bound are counted together.
   */
  record Result(int phase, String kind, long dueNanos, long latencyNanos, int status, boolean retryAfter, String refusal) {
    Result(int phase, String kind, long dueNanos, long latencyNanos, int status, boolean retryAfter) {
      this(phase, kind, dueNanos, latencyNanos, status, retryAfter, null);
    }
  }

  private static final Pattern DETAIL = Pattern.compile("\"detail\"\\s*:\\s*\"((?:[^\"\\\\]++|\\\\.)*+)\"");
  private static final Pattern UUIDS = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

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
    System.exit(0); // the open model's senders and their connections go with the process
  }

  /** Connections the open model keeps at most; a request due while all are busy waits for one. */
  private static final int OPEN_CONNECTIONS = 512;

  private final String host;
  private final int port;
  private final String key;
  private final String path;
  private final Duration timeout;
  private final Queue<Result> results = new ConcurrentLinkedQueue<>();
  private final List<String> accepted = new CopyOnWriteArrayList<>();
  private final String body;
  private final List<String> targets;
  private final int concurrency;
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final java.util.concurrent.atomic.AtomicLong sequence = new java.util.concurrent.atomic.AtomicLong();
  private final Queue<String> log = new ConcurrentLinkedQueue<>();

  LoadGenerator(String base, String key, String path, Duration timeout, String body, List<String> targets, int concurrency) {
    URI uri = URI.create(base);
    this.host = uri.getHost();
    this.port = uri.getPort();
    this.key = key;
    this.path = path;
    this.timeout = timeout;
    this.body = body;
    this.targets = targets;
    this.concurrency = concurrency;
  }

  void run(List<Phase> phases, String idsFile) throws Exception {
    List<Long> phaseStarts = new ArrayList<>();
    // Open model: each request is handed at its due time to one of these senders, each with a
    // keep-alive connection of its own.
    ThreadLocal<Connection> connections = ThreadLocal.withInitial(() -> new Connection(host, port));
    ExecutorService senders = Executors.newFixedThreadPool(OPEN_CONNECTIONS);
    if (concurrency == 0) {
      // Every sender and its connection ready before the first request is due, so that the first
      // second measures the server, not the generator opening 512 threads and connections.
      var ready = new CountDownLatch(OPEN_CONNECTIONS);
      for (int i = 0; i < OPEN_CONNECTIONS; i++) {
        senders.execute(
            () -> {
              connections.get().connect();
              ready.countDown();
              try {
                ready.await(); // each sender takes one of these, not several
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
      }
      ready.await();
      // The request-building code run before it is timed: its first calls link string
      // concatenations and load classes, tens of milliseconds that would otherwise land on the
      // first requests of the phase.
      for (int i = 0; i < 2_000; i++) {
        Call call = next().call();
        head(call, call.json() == null ? null : call.json().getBytes(StandardCharsets.UTF_8));
      }
    }
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
        int index = p;
        Outgoing request = next();
        senders.execute(() -> send(connections.get(), index, "create", due, request.call(), request.tag()));
        if (body.equals("create100") && !accepted.isEmpty()) {
          String id = accepted.get(ThreadLocalRandom.current().nextInt(accepted.size()));
          Call read = new Call("GET", path + "/" + id, null);
          senders.execute(() -> send(connections.get(), index, "get", due, read, null));
        }
      }
      LockSupport.parkNanos(start + phase.seconds() * 1_000_000_000L - System.nanoTime());
    }
    // Every request has a timeout, and one that waited longer than it for a sender is not sent.
    senders.shutdown();
    if (!senders.awaitTermination(2 * timeout.toMillis() + 60_000, TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("Requests still unanswered well past their timeout");
    }
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
                Connection connection = new Connection(host, port);
                while (System.nanoTime() < end) {
                  Outgoing request = next();
                  send(connection, phase, "create", System.nanoTime(), request.call(), request.tag());
                }
                connection.close();
              });
      caller.start();
      callers.add(caller);
    }
    for (Thread caller : callers) {
      caller.join();
    }
  }

  /** A request: its method, target and JSON body (null for none). */
  record Call(String method, String target, String json) {}

  /** A request, and what its log line names when it is accepted (null: the id in the answer). */
  record Outgoing(Call call, String tag) {}

  /** The next request of the chosen kind. */
  private Outgoing next() {
    long n = sequence.getAndIncrement();
    return switch (body) {
      case "create1" -> new Outgoing(new Call("POST", path, sendoutBody(n, 1)), null);
      case "add1" ->
          new Outgoing(
              new Call(
                  "POST",
                  targets.isEmpty()
                      ? path
                      : "/v1/sendouts/" + targets.get((int) (n % targets.size())) + "/recipients",
                  "{\"recipients\":[" + recipient(run + "-" + n, 0) + "]}"),
              "user" + run + "-" + n + "-0@example.com");
      default -> new Outgoing(new Call("POST", path, sendoutBody(n, 100)), null);
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

  /**
   * Sends one request on the connection and records its outcome, its latency counted from when it
   * was due. One that waited for a sender longer than the timeout counts as timed out, unsent.
   */
  private void send(Connection connection, int phase, String kind, long due, Call call, String tag) {
    if (System.nanoTime() - due > timeout.toNanos()) {
      results.add(new Result(phase, kind, due, System.nanoTime() - due, -1, false));
      return;
    }
    byte[] json = call.json() == null ? null : call.json().getBytes(StandardCharsets.UTF_8);
    Connection.Answer answer;
    try {
      answer = connection.exchange(head(call, json), json, System.nanoTime() + timeout.toNanos());
    } catch (IOException e) {
      int code = e instanceof SocketTimeoutException ? -1 : -2;
      results.add(new Result(phase, kind, due, System.nanoTime() - due, code, false));
      return;
    }
    results.add(new Result(phase, kind, due, System.nanoTime() - due, answer.status(), answer.retryAfter(), refusal(answer)));
    if (!kind.equals("create") || answer.status() / 100 != 2) {
      return;
    }
    long now = System.currentTimeMillis();
    if (tag != null) {
      log.add(now + " " + tag);
      return;
    }
    Matcher id = ID.matcher(answer.body());
    if (id.find()) {
      accepted.add(id.group(1));
      log.add(now + " " + id.group(1));
    }
  }

  private static String refusal(Connection.Answer answer) {
    if (answer.status() / 100 == 2) {
      return null;
    }
    Matcher detail = DETAIL.matcher(answer.body());
    if (!detail.find()) {
      return answer.status() + " (no detail)";
    }
    String text = detail.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
    return answer.status() + " " + UUIDS.matcher(text).replaceAll("ID").replaceAll("[0-9]+", "N");
  }

  /** The request line and headers of a call whose body is {@code json}. */
  private byte[] head(Call call, byte[] json) {
    StringBuilder head =
        new StringBuilder(call.method()).append(' ').append(call.target()).append(" HTTP/1.1\r\n")
            .append("Host: ").append(host).append(':').append(port).append("\r\n");
    if (key != null) {
      head.append("Authorization: Bearer ").append(key).append("\r\n");
    }
    if (json != null) {
      head.append("Content-Type: application/json\r\nIdempotency-Key: ").append(UUID.randomUUID())
          .append("\r\nContent-Length: ").append(json.length).append("\r\n");
    }
    return head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * One keep-alive HTTP/1.1 connection, used by one thread at a time: a plain socket, so that the
   * generator costs the machine a small fraction of what the server it measures does (the JDK's
   * HttpClient took more CPU per request than the do-nothing endpoint answering it, and could not
   * send 500 requests a second on two cores). Reads Content-Length and chunked bodies.
   */
  static final class Connection {
    record Answer(int status, boolean retryAfter, String body) {}

    private final String host;
    private final int port;
    private final byte[] buffer = new byte[16 * 1024];
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private int position;
    private int limit;

    Connection(String host, int port) {
      this.host = host;
      this.port = port;
    }

    /**
     * Sends the request and reads its answer by the deadline. A kept-alive connection that the
     * server closed meanwhile is reopened and the request sent once more, with the same
     * Idempotency-Key, so a request the server did read is not stored twice.
     */
    Answer exchange(byte[] head, byte[] body, long deadline) throws IOException {
      for (int attempt = 0; ; attempt++) {
        boolean fresh = socket == null;
        try {
          if (fresh) {
            open(deadline);
          }
          out.write(head);
          if (body != null) {
            out.write(body);
          }
          out.flush();
          return read(deadline);
        } catch (EOFException | java.net.SocketException e) {
          close();
          if (fresh || attempt > 0) {
            throw e;
          }
        } catch (IOException e) {
          close();
          throw e;
        }
      }
    }

    /** Opens the connection ahead of its first request; one that fails opens on first use. */
    void connect() {
      try {
        open(System.nanoTime() + 5_000_000_000L);
      } catch (IOException e) {
        close();
      }
    }

    private void open(long deadline) throws IOException {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(host, port), remainingMillis(deadline));
      in = socket.getInputStream();
      out = new java.io.BufferedOutputStream(socket.getOutputStream(), 8 * 1024);
      position = limit = 0;
    }

    void close() {
      if (socket != null) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
      socket = null;
    }

    private Answer read(long deadline) throws IOException {
      String status = line(deadline);
      String[] parts = status.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
        throw new IOException("Not an HTTP answer: " + status);
      }
      int code = Integer.parseInt(parts[1]);
      long length = 0;
      boolean chunked = false, closeAfter = parts[0].equals("HTTP/1.0"), retryAfter = false;
      for (String header = line(deadline); !header.isEmpty(); header = line(deadline)) {
        int colon = header.indexOf(':');
        String name = header.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT);
        String value = header.substring(colon + 1).trim();
        switch (name) {
          case "content-length" -> length = Long.parseLong(value);
          case "transfer-encoding" -> chunked = value.toLowerCase(java.util.Locale.ROOT).contains("chunked");
          case "connection" -> closeAfter = value.equalsIgnoreCase("close");
          case "retry-after" -> retryAfter = true;
          default -> {}
        }
      }
      ByteArrayOutputStream content = new ByteArrayOutputStream();
      if (chunked) {
        for (long size = chunkSize(line(deadline)); size > 0; size = chunkSize(line(deadline))) {
          copy(size, content, deadline);
          line(deadline);
        }
        while (!line(deadline).isEmpty()) {} // trailers
      } else {
        copy(length, content, deadline);
      }
      if (closeAfter) {
        close();
      }
      return new Answer(code, retryAfter, content.toString(StandardCharsets.UTF_8));
    }

    private static long chunkSize(String line) {
      int semicolon = line.indexOf(';');
      return Long.parseLong((semicolon < 0 ? line : line.substring(0, semicolon)).trim(), 16);
    }

    private void copy(long length, ByteArrayOutputStream to, long deadline) throws IOException {
      while (length > 0) {
        fill(deadline);
        int n = (int) Math.min(length, limit - position);
        to.write(buffer, position, n);
        position += n;
        length -= n;
      }
    }

    private String line(long deadline) throws IOException {
      StringBuilder line = new StringBuilder();
      while (true) {
        fill(deadline);
        byte b = buffer[position++];
        if (b == '\n') {
          int end = line.length();
          return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
        }
        line.append((char) b);
      }
    }

    /** Makes sure a byte is buffered, reading by the deadline. */
    private void fill(long deadline) throws IOException {
      if (position < limit) {
        return;
      }
      socket.setSoTimeout(remainingMillis(deadline));
      int n = in.read(buffer);
      if (n < 0) {
        throw new EOFException("Connection closed by the server");
      }
      position = 0;
      limit = n;
    }

    private static int remainingMillis(long deadline) throws SocketTimeoutException {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        throw new SocketTimeoutException("Timed out");
      }
      return (int) left;
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
    Map<String, Integer> refusals = new TreeMap<>();
    int refusalsWithoutRetryAfter = 0;
    for (Result r : results) {
      if (r.refusal() != null) {
        refusals.merge(r.refusal(), 1, Integer::sum);
      }
      String status = r.status() == -1 ? "timeout" : r.status() == -2 ? "io" : String.valueOf(r.status());
      statuses.merge(status, 1, Integer::sum);
      if ((r.status() == 429 || r.status() == 503) && !r.retryAfter()) {
        refusalsWithoutRetryAfter++;
      }
    }
    long[] all = latencies(results);
    StringBuilder out = new StringBuilder("{\"count\":" + results.size() + ",\"statuses\":{");
    statuses.forEach((k, v) -> out.append(out.charAt(out.length() - 1) == '{' ? "" : ",").append("\"%s\":%d".formatted(k, v)));
    out.append("},\"refusals\":{");
    refusals.forEach((k, v) -> out.append(out.charAt(out.length() - 1) == '{' ? "" : ",")
        .append('"').append(k.replace("\\", "\\\\").replace("\"", "\\\"")).append("\":").append(v));
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
