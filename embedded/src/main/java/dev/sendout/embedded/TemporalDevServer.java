package dev.sendout.embedded;

import dev.sendout.workflows.sendout.SendoutSearchAttributes;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.common.SearchAttributeKey;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real Temporal server as a child process: {@code temporal server start-dev} of the CLI that
 * {@code deploy/temporal-dev/temporal-dev.sh build} caches (or a {@code temporal} on PATH), with
 * its SQLite file, log and pid file in a state directory, started with the same arguments as that
 * script, and SQLite's write-ahead log. A restart on the same directory keeps every workflow,
 * namespace and search attribute.
 *
 * <p>When the engine's process is killed (SIGKILL), this child outlives it. The next start on the
 * same state directory finds it by the pid file and stops it before starting its own, since two
 * servers must not share one SQLite file.
 */
public final class TemporalDevServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TemporalDevServer.class);

  /** The CLI version the script builds by default; its cache directory is named after it. */
  static final String CLI_VERSION = "v1.5.1";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

  /**
   * What to start.
   *
   * @param binary the {@code temporal} CLI
   * @param stateDirectory where the SQLite file ({@code temporal.db}), log and pid file go
   * @param uiPort the Web UI's port
   * @param namespace the namespace the apps use, created when missing
   */
  public record Config(Path binary, Path stateDirectory, int uiPort, String namespace) {}

  private final Process process;
  private final Path pidFile;
  private final String address;
  private final String uiUrl;

  private TemporalDevServer(Process process, Path pidFile, String address, String uiUrl) {
    this.process = process;
    this.pidFile = pidFile;
    this.address = address;
    this.uiUrl = uiUrl;
  }

  /**
   * The dev server binary to use, as {@code temporal-dev.sh} finds it: the CLI it caches under
   * {@code ${SENDOUT_CACHE:-~/.cache/sendout}/temporal/cli-v1.5.1/temporal}, else a {@code
   * temporal} on PATH; empty when there is neither.
   */
  static Optional<Path> find(Map<String, String> env) {
    String cache = env.get("SENDOUT_CACHE");
    Path cacheRoot =
        cache == null || cache.isBlank()
            ? Path.of(System.getProperty("user.home"), ".cache", "sendout")
            : Path.of(cache);
    String version = env.getOrDefault("TEMPORAL_CLI_VERSION", CLI_VERSION);
    Path cached = cacheRoot.resolve("temporal").resolve("cli-" + version).resolve("temporal");
    if (Files.isRegularFile(cached) && Files.isExecutable(cached)) {
      return Optional.of(cached);
    }
    String path = env.getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isBlank()) {
        continue;
      }
      Path candidate = Path.of(dir, "temporal");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** Starts the server on 127.0.0.1:{@code port} and waits until the namespace answers. */
  static TemporalDevServer start(Config config, int port) throws IOException {
    Path state = config.stateDirectory();
    Files.createDirectories(state);
    Path pidFile = state.resolve("temporal.pid");
    Path db = state.resolve("temporal.db").toAbsolutePath();
    Path logFile = state.resolve("temporal.log");
    stopLeftover(pidFile, db);
    String ip = "127.0.0.1";
    // Else the wait below could be answered by another server on the same port (a Java test
    // server answers too), as temporal-dev.sh warns.
    refuseIfInUse(ip, port, "TEMPORAL_PORT");
    refuseIfInUse(ip, config.uiPort(), "TEMPORAL_UI_PORT");

    List<String> command = new ArrayList<>();
    // In a session of its own, so that Ctrl-C in the engine's terminal, which signals the whole
    // foreground process group, reaches only the engine, whose shutdown hook stops this server
    // after the worker (pg_ctl starts Postgres so too). setsid execs the server in its place: the
    // pid stays the server's. Without setsid (util-linux), the server shares the engine's group.
    if (Files.isExecutable(SETSID)) {
      command.add(SETSID.toString());
    }
    command.add(config.binary().toString());
    command.addAll(
        List.of(
            "server",
            "start-dev",
            "--db-filename",
            db.toString(),
            "--ip",
            ip,
            "--port",
            String.valueOf(port),
            "--ui-ip",
            ip,
            "--ui-port",
            String.valueOf(config.uiPort()),
            "--log-level",
            "warn",
            "--namespace",
            config.namespace(),
            // SQLite's defaults (a rollback journal, a full sync) cost several fsyncs per write on
            // the server's one connection, and under load its writes queued behind them. WAL with
            // a sync at checkpoints loses nothing when a process is killed, only on a power loss or
            // an OS crash, which the embedded Postgres (run with fsync off) does not survive
            // either.
            "--sqlite-pragma",
            "journal_mode=wal",
            "--sqlite-pragma",
            "synchronous=normal"));
    for (SearchAttributeKey<?> key : SendoutSearchAttributes.ALL) {
      command.add("--search-attribute");
      command.add(key.getName() + "=" + SendoutSearchAttributes.typeName(key.getValueType()));
    }
    Files.writeString(
        logFile,
        "\n==== " + Instant.now() + " start (embedded engine)\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    log.info("Starting the real Temporal server: {}", String.join(" ", command));
    // Straight into the log file, not through a pipe: the child neither blocks on a full pipe nor
    // loses its output when this process dies first.
    Process process =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
            .redirectErrorStream(true)
            .start();
    Files.writeString(pidFile, process.pid() + "\n", StandardCharsets.UTF_8);
    String address = ip + ":" + port;
    TemporalDevServer server =
        new TemporalDevServer(process, pidFile, address, "http://" + ip + ":" + config.uiPort());
    try {
      server.awaitNamespace(config.namespace(), logFile);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  String address() {
    return address;
  }

  long pid() {
    return process.pid();
  }

  /** The Web UI's base URL, such as {@code http://127.0.0.1:8233}. */
  String uiUrl() {
    return uiUrl;
  }

  /**
   * SIGTERM, then SIGKILL after {@link #STOP_TIMEOUT}; the pid file goes only if it still names
   * this server: one started by hand on the same state directory meanwhile (after this one died)
   * keeps its file, which {@code temporal-dev.sh stop} needs (a support drill found it deleted).
   */
  @Override
  public void close() {
    stop(process.toHandle());
    try {
      if (Files.exists(pidFile)
          && Files.readString(pidFile, StandardCharsets.UTF_8).trim().equals(pid() + "")) {
        Files.delete(pidFile);
      }
    } catch (IOException e) {
      // Harmless: the next start checks that the pid is still this server's before acting on it.
    }
  }

  private void awaitNamespace(String namespace, Path logFile) {
    Instant giveUp = Instant.now().plus(START_TIMEOUT);
    // Stubs that connect lazily: each call below is tried until the start's timeout. Connected
    // stubs made their own first call with a deadline of 2 s, outside this loop, and a server that
    // answered its first call later than that (a restart on a loaded machine) stopped the engine.
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(address).build());
    try {
      while (true) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "The Temporal server exited while starting (exit "
                  + process.exitValue()
                  + "); see "
                  + logFile);
        }
        try {
          stubs
              .blockingStub()
              .withDeadlineAfter(2, TimeUnit.SECONDS)
              .describeNamespace(
                  DescribeNamespaceRequest.newBuilder().setNamespace(namespace).build());
          return;
        } catch (RuntimeException notYet) {
          if (Instant.now().isAfter(giveUp)) {
            throw new IllegalStateException(
                "The Temporal server did not answer on "
                    + address
                    + " within "
                    + START_TIMEOUT.toSeconds()
                    + " s; see "
                    + logFile,
                notYet);
          }
        }
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("Interrupted while waiting for Temporal", e);
        }
      }
    } finally {
      stubs.shutdownNow();
    }
  }

  /**
   * Stops a server that an earlier run on this state directory left behind (its process was killed,
   * so it never stopped its child): the pid file names it, and its command line names our database.
   * Anything else under that pid is left alone.
   */
  private static void stopLeftover(Path pidFile, Path db) throws IOException {
    if (!Files.exists(pidFile)) {
      return;
    }
    String text = Files.readString(pidFile, StandardCharsets.UTF_8).trim();
    Files.deleteIfExists(pidFile);
    long pid;
    try {
      pid = Long.parseLong(text);
    } catch (NumberFormatException e) {
      return;
    }
    Optional<ProcessHandle> leftover =
        ProcessHandle.of(pid)
            .filter(ProcessHandle::isAlive)
            .filter(p -> commandLine(p).contains(db.toString()));
    if (leftover.isPresent()) {
      log.warn(
          "A Temporal server left running on {} by an earlier run (pid {}): stopping it first",
          db,
          pid);
      stop(leftover.get());
    }
  }

  /** The process's arguments, from {@code /proc} where the JDK's own view may be truncated. */
  static String commandLine(ProcessHandle process) {
    Path proc = Path.of("/proc", String.valueOf(process.pid()), "cmdline");
    try {
      if (Files.isReadable(proc)) {
        return new String(Files.readAllBytes(proc), StandardCharsets.UTF_8).replace('\0', ' ');
      }
    } catch (IOException e) {
      // Fall back to what the JDK knows.
    }
    return process.info().arguments().map(args -> String.join(" ", Arrays.asList(args))).orElse("");
  }

  /** SIGTERM, then SIGKILL after {@link #STOP_TIMEOUT}; returns once the process is gone. */
  static void stop(ProcessHandle process) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      process.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception stillRunning) {
      if (stillRunning instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      log.warn("pid {} still running after {}: SIGKILL", process.pid(), STOP_TIMEOUT);
      process.destroyForcibly();
      try {
        process.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // Nothing more to do.
      }
    }
  }

  private static void refuseIfInUse(String ip, int port, String setting) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(ip, port), 500);
    } catch (IOException free) {
      return;
    }
    throw new IllegalStateException(
        "Something else already listens on "
            + ip
            + ":"
            + port
            + ", so the embedded engine cannot start its Temporal server there; set "
            + setting
            + " (or TEMPORAL_ADDRESS to use a server that runs already)");
  }
}
