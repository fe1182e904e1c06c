package dev.sendout.embedded;

import dev.sendout.api.ApiApplication;
import dev.sendout.core.tenant.ApiKeys;
import dev.sendout.core.unsubscribe.UnsubscribeConfiguration;
import dev.sendout.sandbox.SandboxApplication;
import dev.sendout.sandbox.webhook.PendingWebhooks;
import dev.sendout.worker.WorkerApplication;
import io.temporal.worker.WorkerFactory;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The whole engine in one process, with nothing installed beyond a JDK: a Temporal server (unless
 * {@code TEMPORAL_ADDRESS} names one), an embedded Postgres (unless {@code DATABASE_URL} names
 * one), the sandbox SendGrid and Vonage (unless {@code SENDGRID_BASE_URL} and {@code
 * VONAGE_BASE_URL} name others), the worker and the api. The sandbox sends signed delivery receipts
 * and SMS statuses back to the api's webhooks, with keys made for the run.
 *
 * <p>The Temporal server is the real one when {@link Settings#devServer()} names its binary (the
 * README's run command does when {@code temporal-dev.sh build} has cached it, or a {@code temporal}
 * CLI is on PATH): it runs as a child process, and it and the embedded Postgres keep their data in
 * the state directory, so a restart resumes the sendouts in flight. Otherwise it is the Java SDK's
 * test server, and neither it nor the embedded database keeps anything once the process exits
 * (tests: {@link Settings#ephemeral()}).
 */
public final class EmbeddedEngine implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedEngine.class);

  /**
   * Where each part listens; 0 picks a free port.
   *
   * @param databaseUrl an existing database's JDBC URL, or null for an embedded one
   * @param temporalAddress an existing Temporal frontend (host:port), or null for the test server
   * @param sendGridBaseUrl an existing SendGrid (or sandbox), or null for an in-process sandbox
   * @param vonageBaseUrl an existing Vonage (or sandbox), or null for an in-process sandbox
   * @param devApiKey the development API key to register, or null for a new random one
   * @param devServer the real Temporal server to start on {@code temporalPort}, with the state
   *     directory that also keeps the embedded Postgres's data; null for the SDK's test server and
   *     a database in a temporary folder
   */
  public record Settings(
      int apiPort,
      int workerPort,
      int sandboxPort,
      int temporalPort,
      String databaseUrl,
      String temporalAddress,
      String sendGridBaseUrl,
      String vonageBaseUrl,
      List<String> workerArguments,
      List<String> apiArguments,
      String devApiKey,
      TemporalDevServer.Config devServer) {

    /** {@code SENDOUT_TEMPORAL} value that forces the SDK's test server. */
    public static final String TEST_SERVER = "test-server";

    /**
     * The defaults of the README's run command, honouring the environment. Without {@code
     * TEMPORAL_ADDRESS}, the real Temporal server runs when its binary is found ({@link
     * TemporalDevServer#find}) and {@code SENDOUT_TEMPORAL} is not {@value #TEST_SERVER}, with its
     * state in {@code SENDOUT_STATE} (default {@code ~/.sendout}).
     */
    public static Settings fromEnvironment(Map<String, String> env) {
      String temporalAddress = blankToNull(env.get("TEMPORAL_ADDRESS"));
      String mode = blankToNull(env.get("SENDOUT_TEMPORAL"));
      TemporalDevServer.Config devServer = null;
      if (temporalAddress == null && !TEST_SERVER.equals(mode)) {
        if (mode != null && !mode.equals("cli")) {
          throw new IllegalArgumentException(
              "SENDOUT_TEMPORAL="
                  + mode
                  + ": the embedded engine runs the CLI's dev server (cli, the default) or the"
                  + " SDK's test server ("
                  + TEST_SERVER
                  + "). Start another with deploy/temporal-dev/temporal-dev.sh and set"
                  + " TEMPORAL_ADDRESS.");
        }
        String state = blankToNull(env.get("SENDOUT_STATE"));
        Path stateDirectory =
            state != null ? Path.of(state) : Path.of(System.getProperty("user.home"), ".sendout");
        String namespace = blankToNull(env.get("TEMPORAL_NAMESPACE"));
        devServer =
            TemporalDevServer.find(env)
                .map(
                    binary ->
                        new TemporalDevServer.Config(
                            binary,
                            stateDirectory,
                            port(env, "TEMPORAL_UI_PORT", 8233),
                            namespace != null ? namespace : "default"))
                .orElse(null);
      }
      return new Settings(
          port(env, "API_PORT", 8080),
          port(env, "WORKER_PORT", 8081),
          port(env, "SANDBOX_PORT", 8025),
          port(env, "TEMPORAL_PORT", 7233),
          blankToNull(env.get("DATABASE_URL")),
          temporalAddress,
          blankToNull(env.get("SENDGRID_BASE_URL")),
          blankToNull(env.get("VONAGE_BASE_URL")),
          List.of(),
          List.of(),
          blankToNull(env.get("SENDOUT_DEV_API_KEY")),
          devServer);
    }

    /** Free ports everywhere, embedded database and test server: for tests. */
    public static Settings ephemeral() {
      return new Settings(0, 0, 0, 0, null, null, null, null, List.of(), List.of(), null, null);
    }

    /** The same settings, with an extra {@code --name=value} argument for the first worker. */
    public Settings withWorkerArgument(String argument) {
      return withArguments(plus(workerArguments, argument), apiArguments);
    }

    /** The same settings, with an extra {@code --name=value} argument for the api. */
    public Settings withApiArgument(String argument) {
      return withArguments(workerArguments, plus(apiArguments, argument));
    }

    private Settings withArguments(List<String> worker, List<String> api) {
      return new Settings(
          apiPort,
          workerPort,
          sandboxPort,
          temporalPort,
          databaseUrl,
          temporalAddress,
          sendGridBaseUrl,
          vonageBaseUrl,
          worker,
          api,
          devApiKey,
          devServer);
    }

    private static List<String> plus(List<String> list, String more) {
      List<String> copy = new ArrayList<>(list);
      copy.add(more);
      return List.copyOf(copy);
    }
  }

  /**
   * The sandbox shares this classpath with the store, but has no database: keep Spring Boot from
   * configuring one for it.
   */
  private static final String SANDBOX_EXCLUDES =
      "--spring.autoconfigure.exclude="
          + "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
          + "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration,"
          + "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration,"
          + "org.springframework.boot.jooq.autoconfigure.JooqAutoConfiguration";

  /** Only the api serves OpenAPI docs, though springdoc is on this shared classpath. */
  private static final String NO_API_DOCS = "--springdoc.api-docs.enabled=false";

  private static final String NO_SWAGGER_UI = "--springdoc.swagger-ui.enabled=false";

  /** The apps share one logging system here, so a per-app name in each line would mislead. */
  private static final String ONE_LOG = "--logging.include-application-name=false";

  /** The name of the development API key the engine registers at start. */
  static final String DEV_KEY_NAME = "development";

  /** How long a stop waits for the in-process sandbox to post what it holds, at most. */
  static final Duration WEBHOOK_DRAIN = Duration.ofSeconds(10);

  /** Where the state directory keeps the development API key. */
  static final String DEV_KEY_FILE = "dev-api-key";

  /** The tenant of the development API key the engine registers at start. */
  public static final String DEV_TENANT = "dev";

  private EmbeddedPostgres postgres;

  /**
   * Closes the engine when the JVM exits (Ctrl-C, SIGTERM): the apps first, with their graceful
   * shutdown, then Temporal and Postgres. Postgres's own hook is off: JVM hooks run at once, and it
   * stopped Postgres under requests still in progress, which answered 503.
   */
  private final Thread shutdownHook = new Thread(this::close, "embedded-engine-shutdown");

  private boolean closed;

  /** This engine's hold on its state directory, while it runs ({@link #lockState}). */
  private FileChannel stateLock;

  private LoopbackTestServer temporalServer;
  private TemporalDevServer devServer;
  private final String databaseUrl;
  private final String temporalAddress;
  private final ConfigurableApplicationContext sandbox;
  private final String sendGridBaseUrl;
  private final String vonageBaseUrl;
  private final ConfigurableApplicationContext api;
  private final Settings settings;
  private final List<ConfigurableApplicationContext> workers = new ArrayList<>();
  private KeyPair receiptKeys;
  private final VonageKeys vonageKeys;
  private final String devApiKey;

  /**
   * The secret the worker signs unsubscribe links with and the api checks them with: {@code
   * SENDOUT_UNSUBSCRIBE_SECRET}, or one made for this run (null: the environment's applies).
   */
  private String unsubscribeSecret;

  /** Where the api listens, chosen before the worker starts: the worker's links point there. */
  private int apiPort;

  private EmbeddedEngine(Settings settings) throws IOException {
    this.settings = settings;
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    try {
      Path stateDirectory =
          settings.devServer() != null ? settings.devServer().stateDirectory() : null;
      if (stateDirectory != null) {
        stateLock = lockState(stateDirectory);
      }
      databaseUrl =
          settings.databaseUrl() != null ? settings.databaseUrl() : startPostgres(stateDirectory);
      temporalAddress =
          settings.temporalAddress() != null
              ? settings.temporalAddress()
              : startTemporal(settings.temporalPort(), settings.devServer());
      // The sandbox starts last: the apps share one logging system here, and the first app to
      // start sets it up, so it must be one that reads the engine's logging settings.
      String sandboxUrl =
          "http://127.0.0.1:"
              + (settings.sandboxPort() == 0 ? FreePorts.next() : settings.sandboxPort());
      sendGridBaseUrl =
          settings.sendGridBaseUrl() != null ? settings.sendGridBaseUrl() : sandboxUrl;
      vonageBaseUrl = settings.vonageBaseUrl() != null ? settings.vonageBaseUrl() : sandboxUrl;
      // The in-process sandbox signs receipts and statuses with keys made for this run alone, and
      // the worker authenticates to its Vonage with an application key pair made likewise. With
      // another provider, the apps read its keys from the environment, as in production.
      receiptKeys = settings.sendGridBaseUrl() == null ? receiptKeyPair() : null;
      vonageKeys = settings.vonageBaseUrl() == null ? VonageKeys.generate() : null;
      unsubscribeSecret =
          blankToNull(System.getenv("SENDOUT_UNSUBSCRIBE_SECRET")) != null
              ? null
              : stateDirectory != null
                  ? keptUnsubscribeSecret(stateDirectory)
                  : UnsubscribeConfiguration.randomSecret();
      apiPort = settings.apiPort() == 0 ? FreePorts.next() : settings.apiPort();
      // Its pollers start last, once the api takes receipts and the sandbox answers: started at
      // once, a restart's resumed calls met a sandbox not yet listening, and each retry counted
      // another attempt on their messages.
      List<String> workerArgs = new ArrayList<>(settings.workerArguments());
      workerArgs.add("--spring.temporal.start-workers=false");
      ConfigurableApplicationContext worker = startWorker(workerArgs.toArray(String[]::new));
      List<String> apiArgs = new ArrayList<>();
      if (receiptKeys != null) {
        apiArgs.add("--sendout.webhooks.sendgrid.public-key=" + base64(receiptKeys.getPublic()));
      }
      if (vonageKeys != null) {
        apiArgs.add("--sendout.webhooks.vonage.signature-secret=" + vonageKeys.signatureSecret());
      }
      apiArgs.addAll(settings.apiArguments());
      apiArgs.add("--server.port=" + apiPort);
      api = run(ApiApplication.application(), common(apiArgs.toArray(String[]::new)));
      devApiKey = devApiKey(api.getBean(ApiKeys.class), settings.devApiKey(), stateDirectory);
      sandbox =
          receiptKeys == null && vonageKeys == null
              ? null
              : run(SandboxApplication.application(), sandboxArguments(sandboxUrl));
      worker.getBean(WorkerFactory.class).start();
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private String[] sandboxArguments(String sandboxUrl) {
    String apiUrl = "http://127.0.0.1:" + port(api);
    List<String> args = new ArrayList<>();
    args.add("--server.port=" + URI.create(sandboxUrl).getPort());
    if (receiptKeys != null) {
      args.add("--sandbox.sendgrid.receipts.webhook-url=" + apiUrl + "/webhooks/sendgrid/events");
      args.add("--sandbox.sendgrid.receipts.private-key=" + base64(receiptKeys.getPrivate()));
      args.add("--sandbox.sendgrid.receipts.public-key=" + base64(receiptKeys.getPublic()));
    }
    if (vonageKeys != null) {
      args.add("--sandbox.vonage.application-id=" + vonageKeys.applicationId());
      args.add(
          "--sandbox.vonage.application-public-key="
              + base64(vonageKeys.application().getPublic()));
      args.add("--sandbox.vonage.statuses.webhook-url=" + apiUrl + "/webhooks/vonage/status");
      args.add("--sandbox.vonage.inbound.webhook-url=" + apiUrl + "/webhooks/vonage/inbound");
      args.add("--sandbox.vonage.statuses.signature-secret=" + vonageKeys.signatureSecret());
    }
    args.addAll(List.of(SANDBOX_EXCLUDES, NO_API_DOCS, NO_SWAGGER_UI, ONE_LOG));
    return args.toArray(String[]::new);
  }

  public static EmbeddedEngine start(Settings settings) throws IOException {
    return new EmbeddedEngine(settings);
  }

  /**
   * Starts one more worker, as another process would, with extra {@code --name=value} arguments
   * (for instance to host only some task queues). It shares the engine's database, Temporal and
   * sandbox.
   */
  public synchronized ConfigurableApplicationContext startWorker(String... arguments) {
    List<String> args = new ArrayList<>(List.of(arguments));
    args.add("--server.port=" + (workers.isEmpty() ? settings.workerPort() : 0));
    if (blankToNull(System.getenv("SENDOUT_PUBLIC_URL")) == null) {
      args.add("--sendout.unsubscribe.public-url=http://localhost:" + apiPort);
    }
    args.add("--sendout.sendgrid.base-url=" + sendGridBaseUrl);
    args.add("--sendout.vonage.base-url=" + vonageBaseUrl);
    if (vonageKeys != null) {
      args.add("--sendout.vonage.application-id=" + vonageKeys.applicationId());
      args.add("--sendout.vonage.private-key=" + vonageKeys.privateKeyPem());
    }
    args.add(NO_API_DOCS);
    args.add(NO_SWAGGER_UI);
    ConfigurableApplicationContext worker =
        run(WorkerApplication.application(), common(args.toArray(String[]::new)));
    workers.add(worker);
    return worker;
  }

  /**
   * Stops a worker the hard way: its pollers and running activities are interrupted mid-call, as
   * when its process is killed. What it had in flight is retried by another worker.
   */
  public synchronized void kill(ConfigurableApplicationContext worker) {
    worker.getBean(WorkerFactory.class).shutdownNow();
    worker.close();
    workers.remove(worker);
  }

  /** The API key of tenant {@value #DEV_TENANT}, registered at start. */
  public String devApiKey() {
    return devApiKey;
  }

  /**
   * Issues another API key, for a tenant of the caller's choosing: to see what one tenant can reach
   * of another's.
   */
  public String issueApiKey(String tenantId) {
    return api.getBean(ApiKeys.class).issue(tenantId, "issued by the embedded engine").key();
  }

  public int apiPort() {
    return port(api);
  }

  /** The port of the first worker, which serves its health and metrics. */
  public synchronized int workerPort() {
    return port(workers.get(0));
  }

  /** Where the worker sends email: the in-process sandbox unless another was configured. */
  public String sendGridBaseUrl() {
    return sendGridBaseUrl;
  }

  /** Where the worker sends SMS: the in-process sandbox unless another was configured. */
  public String vonageBaseUrl() {
    return vonageBaseUrl;
  }

  /**
   * The Vonage application and signature secret shared by the worker, the in-process sandbox and
   * the api (null with another Vonage), so that a test can sign a status webhook of its own.
   */
  public VonageKeys vonageKeys() {
    return vonageKeys;
  }

  /**
   * The key pair the in-process sandbox signs receipts with (null with another SendGrid), so that a
   * test can sign a webhook of its own.
   */
  public KeyPair receiptKeys() {
    return receiptKeys;
  }

  public String databaseUrl() {
    return databaseUrl;
  }

  public String temporalAddress() {
    return temporalAddress;
  }

  /**
   * The Web UI's base URL when the engine started the real Temporal server, else null (the SDK's
   * test server has no UI; a server named by {@code TEMPORAL_ADDRESS} is not the engine's).
   */
  public String temporalUiUrl() {
    return devServer != null ? devServer.uiUrl() : null;
  }

  /** True when Temporal is the SDK's in-memory test server, started by this engine. */
  public boolean onTestServer() {
    return temporalServer != null;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException exiting) {
      // Called by the hook itself, as the JVM exits.
    }
    // The workers first, each letting its running calls end, while the api still takes the
    // receipts of what they send; then the sandbox, once it has posted what it holds; the api last.
    // With the api first, a stop in the middle of an SMS sendout left the statuses of its last
    // seconds' sends with nowhere to go, and those messages ACCEPTED for good.
    workers.forEach(ConfigurableApplicationContext::close);
    if (sandbox != null) {
      awaitWebhooks(sandbox.getBean(PendingWebhooks.class));
      sandbox.close();
    }
    if (api != null) {
      api.close();
    }
    if (temporalServer != null) {
      temporalServer.close();
    }
    if (devServer != null) {
      devServer.close();
    }
    if (postgres != null) {
      try {
        postgres.close();
      } catch (IOException e) {
        // Best effort: the process is going away; a postmaster left running is stopped by the
        // next start on the same data directory.
      }
    }
    if (stateLock != null) {
      try {
        stateLock.close();
      } catch (IOException e) {
        // The lock goes with the process anyway.
      }
    }
  }

  /**
   * Waits up to {@link #WEBHOOK_DRAIN} for the in-process sandbox to post the receipts and statuses
   * it still holds; what it holds past that (receipts set to come later) is lost with it.
   */
  private static void awaitWebhooks(PendingWebhooks pending) {
    long deadline = System.nanoTime() + WEBHOOK_DRAIN.toNanos();
    long left;
    while ((left = pending.count()) > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (left > 0) {
      log.warn("The sandbox stops with {} receipts and statuses not yet posted", left);
    }
  }

  /**
   * Holds the state directory for this engine's life. A second engine started on it would take this
   * one's Postgres and Temporal server for an earlier run's leftovers and stop them; it is refused
   * instead. The operating system releases the lock however the process ends, kill -9 included, so
   * a leftover of a killed run is still stopped.
   */
  static FileChannel lockState(Path state) throws IOException {
    Files.createDirectories(state);
    FileChannel channel =
        FileChannel.open(
            state.resolve("engine.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      if (channel.tryLock() != null) {
        return channel;
      }
    } catch (OverlappingFileLockException sameProcess) {
      // Held by another engine of this JVM.
    }
    channel.close();
    throw new IllegalStateException(
        "Another engine runs on "
            + state
            + " (SENDOUT_STATE): stop it first, or give this one a state directory of its own");
  }

  /** A fresh ECDSA P-256 key pair, the kind SendGrid signs its Event Webhook with. */
  static KeyPair receiptKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Every JDK can make an EC P-256 key pair", e);
    }
  }

  private static String base64(Key key) {
    return Base64.getEncoder().encodeToString(key.getEncoded());
  }

  /**
   * The secret that signs unsubscribe links, made once per state directory and kept in it (readable
   * by its owner alone): a link in an email sent before a restart must still work after it, as the
   * sendouts in flight resume. One made per start broke every link sent before.
   */
  static String keptUnsubscribeSecret(Path stateDirectory) throws IOException {
    return kept(stateDirectory, "unsubscribe-secret", UnsubscribeConfiguration::randomSecret);
  }

  /**
   * A secret kept in the state directory, readable by its owner alone: made at the first start on
   * it, read at every later one.
   */
  static String kept(Path stateDirectory, String name, Supplier<String> make) throws IOException {
    Path file = stateDirectory.resolve(name);
    if (!Files.exists(file)) {
      Path made = Files.createTempFile(stateDirectory, name, ".new"); // 0600
      Files.writeString(made, make.get());
      Files.move(made, file, StandardCopyOption.ATOMIC_MOVE);
    }
    return Files.readString(file).strip();
  }

  /**
   * Registers the development key, and revokes any other the tenant had from an earlier start: one
   * made at each start, or one chosen before, stayed valid for good, however often it was printed.
   * The key is the one chosen ({@code SENDOUT_DEV_API_KEY}), else the one the state directory
   * keeps, the same at every start on it, so that a restart breaks no script that uses it; a kept
   * key revoked since (by a start with a chosen one, or by hand) is replaced by a new one. Without
   * either (the test server, a database of its own or {@code DATABASE_URL}'s), each start makes a
   * key and revokes none: engines that share a database would otherwise revoke each other's.
   */
  private static String devApiKey(ApiKeys keys, String chosen, Path stateDirectory)
      throws IOException {
    String key =
        chosen != null
            ? chosen
            : stateDirectory != null
                ? kept(stateDirectory, DEV_KEY_FILE, ApiKeys::newKey)
                : ApiKeys.newKey();
    ApiKeys.IssuedKey registered = keys.register(DEV_TENANT, DEV_KEY_NAME, key);
    boolean usable =
        registered.info().revokedAt() == null && DEV_TENANT.equals(registered.info().tenantId());
    if (!usable && chosen == null) {
      Files.delete(stateDirectory.resolve(DEV_KEY_FILE));
      return devApiKey(keys, null, stateDirectory);
    }
    if (!usable) {
      log.warn(
          "The key in SENDOUT_DEV_API_KEY is revoked, or another tenant's: it opens nothing as"
              + " tenant {}. Choose another one",
          DEV_TENANT);
      return key;
    }
    if (chosen != null || stateDirectory != null) {
      int revoked = keys.revokeOthers(DEV_TENANT, DEV_KEY_NAME, registered.info().id());
      if (revoked > 0) {
        log.info("Revoked {} development API key(s) of earlier starts", revoked);
      }
    }
    return key;
  }

  /**
   * The embedded Postgres's settings. A commit is written before it is acknowledged ({@code
   * synchronous_commit}, which zonky turns off), so a Postgres that is killed loses none: with it
   * off, a drill that killed the postmaster lost claims and releases the engine had acted on, whose
   * batches then went out twice on the restart, or a sendout completed with its messages still
   * QUEUED. fsync stays off, as zonky starts it: only an OS crash or a power loss can lose what was
   * written, which is one reason production runs an outside Postgres ({@code DATABASE_URL}).
   *
   * @param data where it keeps its data across starts; null for a temporary folder
   */
  static EmbeddedPostgres.Builder postgresBuilder(Path data) throws IOException {
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder()
            .setPort(FreePorts.next())
            .setRegisterShutdownHook(false)
            .setServerConfig("synchronous_commit", "on");
    return data == null ? builder : builder.setDataDirectory(data).setCleanDataDirectory(false);
  }

  /**
   * An embedded Postgres: in a temporary folder, or kept in {@code <state>/postgres} when there is
   * a state directory. A postmaster that an earlier, killed run left on that directory is stopped
   * first, since it holds the directory's lock file.
   */
  private String startPostgres(Path stateDirectory) throws IOException {
    Path data = stateDirectory == null ? null : stateDirectory.resolve("postgres").toAbsolutePath();
    if (data != null) {
      Files.createDirectories(data);
      stopLeftoverPostmaster(data);
    }
    postgres = postgresBuilder(data).start();
    return postgres.getJdbcUrl("postgres", "postgres");
  }

  /**
   * Stops a Postgres an earlier run left on {@code data} (its JVM killed): with SIGINT, Postgres's
   * fast shutdown, which ends the dead run's sessions rather than waiting for them as SIGTERM's
   * smart shutdown does (a session busy in a long statement kept it up past the stop's timeout).
   * Then every process of that cluster still alive, found by its working directory (a backend's is
   * the data directory) whether or not its postmaster lives: a backend left behind keeps the shared
   * memory that a new postmaster on the same data refuses to start beside.
   */
  static void stopLeftoverPostmaster(Path data) throws IOException {
    Path pidFile = data.resolve("postmaster.pid");
    List<String> lines = Files.exists(pidFile) ? Files.readAllLines(pidFile) : List.of();
    if (lines.size() >= 2 && lines.get(0).trim().matches("[0-9]+")) {
      long pid = Long.parseLong(lines.get(0).trim());
      String dir = lines.get(1).trim();
      ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .filter(p -> TemporalDevServer.commandLine(p).contains(dir))
          .ifPresent(
              p -> {
                log.warn(
                    "A Postgres left running on {} by an earlier run (pid {}): stopping it first",
                    data,
                    pid);
                List<ProcessHandle> backends = p.descendants().toList();
                fastShutdown(p);
                TemporalDevServer.stop(p);
                // Where /proc cannot say a process's working directory, its children still can.
                backends.forEach(TemporalDevServer::stop);
              });
    }
    Path home = data.toRealPath();
    ProcessHandle.allProcesses()
        .filter(p -> home.equals(workingDirectory(p)))
        .filter(p -> TemporalDevServer.commandLine(p).startsWith("postgres"))
        .forEach(
            p -> {
              log.warn("A Postgres backend left on {} (pid {}): stopping it", data, p.pid());
              TemporalDevServer.stop(p);
            });
  }

  private static Path workingDirectory(ProcessHandle process) {
    try {
      return Files.readSymbolicLink(Path.of("/proc", String.valueOf(process.pid()), "cwd"));
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return null;
    }
  }

  private static void fastShutdown(ProcessHandle postmaster) {
    try {
      new ProcessBuilder("kill", "-INT", Long.toString(postmaster.pid()))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start()
          .waitFor();
    } catch (IOException e) {
      log.warn("Could not send SIGINT to {}: {}", postmaster.pid(), e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String startTemporal(int port, TemporalDevServer.Config real) throws IOException {
    if (real != null) {
      devServer = TemporalDevServer.start(real, port);
      return devServer.address();
    }
    int bound = port == 0 ? FreePorts.next() : port;
    temporalServer = LoopbackTestServer.start(bound);
    return "127.0.0.1:" + bound;
  }

  private String[] common(String... more) {
    List<String> args = new ArrayList<>(List.of(more));
    args.add("--spring.datasource.url=" + databaseUrl);
    args.add("--spring.datasource.username=postgres");
    args.add("--spring.temporal.connection.target=" + temporalAddress);
    if (unsubscribeSecret != null) {
      args.add("--sendout.unsubscribe.secret=" + unsubscribeSecret);
    }
    args.add(ONE_LOG);
    return args.toArray(String[]::new);
  }

  /**
   * Runs one of the engine's apps on loopback only, unless {@code SERVER_ADDRESS} names another
   * address: the embedded default is an engine for one machine, and its sandbox's fault and receipt
   * switches take writes from anyone who reaches them.
   */
  private static ConfigurableApplicationContext run(SpringApplication app, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    if (blankToNull(System.getenv("SERVER_ADDRESS")) == null) {
      all.add("--server.address=127.0.0.1");
    }
    // The engine's own hook closes the apps, then Temporal and Postgres, in that order; Spring's
    // hook, run at the same time as it, closed the worker while they were being stopped under it.
    app.setRegisterShutdownHook(false);
    return app.run(all.toArray(String[]::new));
  }

  static int port(ConfigurableApplicationContext context) {
    return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
  }

  private static int port(Map<String, String> env, String name, int fallback) {
    String value = env.get(name);
    return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
