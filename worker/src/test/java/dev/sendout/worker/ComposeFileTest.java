package dev.sendout.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.sendout.workflows.sendout.SendoutSearchAttributes;
import io.temporal.common.SearchAttributeKey;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The full stack's docker-compose.yml, checked without a Docker engine: Debian's docker-compose (a
 * Python program) validates the file and prints it normalised, with anchors merged and variables
 * interpolated, and the tests hold that to the README's table of services and to the code.
 */
class ComposeFileTest {

  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final Path DOCKER_COMPOSE = Path.of("/usr/bin/docker-compose");
  private static final List<String> CORE_SERVICES =
      List.of("postgres", "temporal", "temporal-ui", "api", "worker", "sandbox");

  /** The README's table of services, between these two comments. */
  private static final Pattern README_TABLE =
      Pattern.compile(
          "<!-- compose-services:.*?-->(.*?)<!-- /compose-services -->", Pattern.DOTALL);

  private static final Pattern README_ROW =
      Pattern.compile("^\\|\\s*`([a-z0-9-]+)`\\s*\\|\\s*([^|]*?)\\s*\\|", Pattern.MULTILINE);

  /** A version: at least major.minor, for instance 15.17, 1.31.0 or 17.0.19_10-jre-noble. */
  private static final Pattern VERSION_TAG = Pattern.compile("v?\\d+\\.\\d+.*");

  private static final Pattern DIGEST = Pattern.compile(".+@sha256:[0-9a-f]{64}");

  private static Path root;
  private static Map<String, Map<String, Object>> services;

  @BeforeAll
  static void normaliseTheComposeFile() throws Exception {
    root = repositoryRoot();
    Run config = dockerComposeConfig(Map.of("SENDOUT_ADMIN_TOKEN", "compose-file-test"));
    assertThat(config.exitCode()).as("docker-compose config: %s", config.stderr()).isZero();
    Map<String, Object> normalised =
        new Yaml(new SafeConstructor(new LoaderOptions())).load(config.stdout());
    services = map(normalised.get("services"));
  }

  @Test
  void dockerComposeAcceptsTheFileWithEveryServiceOfTheStack() {
    assertThat(services).containsKeys(CORE_SERVICES.toArray(String[]::new));
  }

  @Test
  void startingWithoutAnAdminTokenStopsWithAMessageNamingIt() throws Exception {
    Run config = dockerComposeConfig(Map.of());

    assertThat(config.exitCode()).isNotZero();
    assertThat(config.stderr()).contains("set SENDOUT_ADMIN_TOKEN");
  }

  @Test
  void theReadmeNamesExactlyTheServicesOfTheComposeFileWithTheirHostPorts() throws IOException {
    Map<String, String> readme = readmeServices();

    assertThat(readme.keySet()).containsAll(CORE_SERVICES);
    assertThat(services.keySet()).containsExactlyInAnyOrderElementsOf(readme.keySet());
    readme.forEach(
        (service, hostPort) ->
            assertThat(publishedPorts(service))
                .as("host ports of %s", service)
                .isEqualTo(hostPort.equals("none") ? List.of() : List.of(hostPort)));
  }

  @Test
  void everyImageIsPinnedToAVersion() throws IOException {
    List<String> images = new ArrayList<>();
    services.forEach(
        (name, service) -> {
          if (service.containsKey("image")) {
            images.add((String) service.get("image"));
          } else {
            assertThat(service).as("%s has neither image nor build", name).containsKey("build");
          }
        });
    // The services without an image are built from the Dockerfile, whose base images count too.
    Matcher from =
        Pattern.compile("^FROM\\s+(\\S+)", Pattern.MULTILINE)
            .matcher(Files.readString(root.resolve("Dockerfile")));
    while (from.find()) {
      images.add(from.group(1));
    }

    assertThat(images)
        .contains("postgres:15.17", "temporalio/server:1.31.0", "temporalio/ui:2.49.1")
        .allSatisfy(image -> assertThat(pinned(image)).as("%s is pinned", image).isTrue());
  }

  @Test
  void thePinCheckRefusesLatestAMissingTagAndAFloatingOne() {
    assertThat(pinned("postgres")).isFalse();
    assertThat(pinned("postgres:latest")).isFalse();
    assertThat(pinned("postgres:15")).isFalse();
    assertThat(pinned("registry.example.com:5000/postgres")).isFalse();
    assertThat(pinned("registry.example.com:5000/postgres:15.17")).isTrue();
    assertThat(pinned("postgres@sha256:" + "0".repeat(64))).isTrue();
  }

  @Test
  void theSetupRegistersExactlyTheSearchAttributesOfTheCode() throws IOException {
    // Types as the temporal CLI writes them (Keyword, Bool, KeywordList), which the setup uses.
    Map<String, String> expected = new LinkedHashMap<>();
    for (SearchAttributeKey<?> key : SendoutSearchAttributes.ALL) {
      expected.put(key.getName(), SendoutSearchAttributes.typeName(key.getValueType()));
    }
    Map<String, String> registered = new LinkedHashMap<>();
    for (String pair : environment("temporal-setup").get("SEARCH_ATTRIBUTES").split("\\s+")) {
      String[] nameAndType = pair.split("=", 2);
      registered.put(nameAndType[0], nameAndType[1]);
    }

    assertThat(registered).isNotEmpty().isEqualTo(expected);
    assertThat(Files.readString(root.resolve("deploy/temporal/setup-namespace.sh")))
        .contains("for attribute in $SEARCH_ATTRIBUTES");
  }

  @Test
  void theNamespaceCreatedIsTheOneTheApiTheWorkerAndTheUiUse() throws IOException {
    Map<String, String> setup = environment("temporal-setup");
    String namespace = setup.get("TEMPORAL_NAMESPACE");

    assertThat(namespace).isNotBlank();
    for (String app : List.of("api", "worker")) {
      assertThat(environment(app))
          .as(app)
          .containsEntry("TEMPORAL_NAMESPACE", namespace)
          .containsEntry("TEMPORAL_ADDRESS", setup.get("TEMPORAL_ADDRESS"));
    }
    assertThat(environment("temporal-ui")).containsEntry("TEMPORAL_DEFAULT_NAMESPACE", namespace);
    assertThat(services)
        .containsKey(URI.create("grpc://" + setup.get("TEMPORAL_ADDRESS")).getHost());
    assertThat(Files.readString(root.resolve("deploy/temporal/setup-namespace.sh")))
        .contains("temporal operator namespace create")
        .contains("--namespace \"$TEMPORAL_NAMESPACE\"");
  }

  @Test
  void theApiAndTheSandboxImportTheKeysFileThatSandboxKeysWrites() {
    List<String> command =
        ((List<?>) services.get("sandbox-keys").get("entrypoint"))
            .stream().map(String::valueOf).toList();
    assertThat(command).contains("dev.sendout.sandbox.SandboxKeys");
    String file = command.get(command.size() - 1);
    String directory = file.substring(0, file.lastIndexOf('/'));
    String volume = volumeAt("sandbox-keys", directory);

    assertThat(volume).isNotNull().doesNotContain("/");
    for (String app : List.of("api", "sandbox")) {
      assertThat(environment(app)).as(app).containsEntry("SPRING_CONFIG_IMPORT", "file:" + file);
      assertThat(volumeAt(app, directory)).as(app).isEqualTo(volume);
    }
  }

  @Test
  void theSchemaIsSetUpInTheDatabasesThatTheInitScriptCreatesAndTheServerUses() throws IOException {
    Map<String, String> schema = environment("temporal-schema");
    Map<String, String> server = environment("temporal");
    String init = Files.readString(root.resolve("deploy/postgres/init-databases.sh"));
    String engineDatabase =
        URI.create(environment("worker").get("DATABASE_URL").substring("jdbc:".length()))
            .getPath()
            .substring(1);

    for (String setting :
        List.of("DB", "POSTGRES_SEEDS", "DB_PORT", "POSTGRES_USER", "POSTGRES_PWD", "DBNAME")) {
      assertThat(schema.get(setting)).as(setting).isNotBlank().isEqualTo(server.get(setting));
    }
    assertThat(schema.get("VISIBILITY_DBNAME")).isEqualTo(server.get("VISIBILITY_DBNAME"));
    assertThat(init)
        .contains(
            "CREATE DATABASE " + schema.get("DBNAME") + " OWNER " + schema.get("POSTGRES_USER"))
        .contains("CREATE DATABASE " + schema.get("VISIBILITY_DBNAME") + " OWNER ")
        .contains("CREATE DATABASE " + engineDatabase + " OWNER ")
        .contains("CREATE ROLE " + environment("worker").get("DATABASE_USERNAME") + " LOGIN");
    assertThat(environment("api").get("DATABASE_URL")).endsWith("/" + engineDatabase);
    // The admin tools carry the schema files of their own release: it must be the server's.
    String release = tag(services.get("temporal").get("image"));
    assertThat(tag(services.get("temporal-schema").get("image"))).isEqualTo(release);
    assertThat(tag(services.get("temporal-setup").get("image"))).isEqualTo(release);
  }

  @Test
  void theWorkerScalesAndTheSandboxIsTheProviderThatPostsToTheApi() {
    Map<String, Object> worker = services.get("worker");
    assertThat(worker).doesNotContainKeys("container_name", "ports");

    // The sandbox's address is a default of the sandbox mode (worker.yml), not a setting that
    // live mode would inherit.
    String sandbox = "http://sandbox:" + containerPort("sandbox");
    assertThat(environment("worker"))
        .containsEntry("SENDOUT_SANDBOX_URL", sandbox)
        .doesNotContainKeys("SENDGRID_BASE_URL", "VONAGE_BASE_URL");
    String api = "http://api:" + containerPort("api");
    assertThat(environment("sandbox"))
        .containsEntry("SANDBOX_SENDGRID_WEBHOOK_URL", api + "/webhooks/sendgrid/events")
        .containsEntry("SANDBOX_VONAGE_STATUS_WEBHOOK_URL", api + "/webhooks/vonage/status");
    // Its switches (faults, receipts) take no credentials: reachable by the other services, and
    // from the host's loopback only (found by a drill: started alone it listened everywhere).
    assertThat(environment("sandbox")).containsEntry("SERVER_ADDRESS", "0.0.0.0");
    assertThat(services.get("sandbox").get("ports"))
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
        .singleElement()
        .asString()
        .startsWith("127.0.0.1:");
  }

  @Test
  void liveModeReachesBothAppsWithNoProviderSettingOfTheSandbox() throws Exception {
    Run config =
        dockerComposeConfig(
            Map.of("SENDOUT_ADMIN_TOKEN", "compose-file-test", "SENDOUT_PROVIDERS", "live"));
    assertThat(config.exitCode()).as("docker-compose config: %s", config.stderr()).isZero();
    Map<String, Object> normalised =
        new Yaml(new SafeConstructor(new LoaderOptions())).load(config.stdout());
    Map<String, Map<String, Object>> live = map(normalised.get("services"));

    for (String app : List.of("api", "worker")) {
      Map<String, Object> environment = map(live.get(app).get("environment"));
      assertThat(environment).as(app).containsEntry("SENDOUT_PROVIDERS", "live");
      for (String setting :
          List.of(
              "SENDGRID_BASE_URL",
              "SENDGRID_API_KEY",
              "VONAGE_BASE_URL",
              "SENDGRID_WEBHOOK_PUBLIC_KEY",
              "VONAGE_SIGNATURE_SECRET")) {
        assertThat(environment.get(setting)).as("%s of %s", setting, app).isNull();
      }
    }
  }

  static boolean pinned(String image) {
    if (DIGEST.matcher(image).matches()) {
      return true;
    }
    int colon = image.indexOf(':', image.lastIndexOf('/') + 1);
    return colon > 0 && VERSION_TAG.matcher(image.substring(colon + 1)).matches();
  }

  private static String tag(Object image) {
    return String.valueOf(image).substring(String.valueOf(image).lastIndexOf(':') + 1);
  }

  /**
   * Every setting docs/operations.md lists for the api, the worker and their database reaches the
   * app in the compose file when set in the shell: an ops check set SENDOUT_SEND_GRACE as the docs
   * say, and nothing changed, since a container sees only what its service's environment names. The
   * ports are the file's own choice, and MANAGEMENT_SERVER_PORT is left unset there (its health
   * checks use the API's port).
   */
  @Test
  void everySettingTheOperationsGuideListsIsPassedOnToItsApp() throws IOException {
    String guide = Files.readString(root.resolve("docs/operations.md"));
    Set<String> ownChoice = Set.of("API_PORT", "WORKER_PORT", "MANAGEMENT_SERVER_PORT");
    Map<String, List<String>> appsBySection =
        Map.of(
            "API", List.of("api"),
            "Worker", List.of("worker"),
            "Database", List.of("api", "worker"));
    appsBySection.forEach(
        (section, apps) -> {
          List<String> settings =
              settingsOf(guide, section).stream().filter(s -> !ownChoice.contains(s)).toList();
          assertThat(settings).as("the guide's %s settings", section).isNotEmpty();
          for (String app : apps) {
            assertThat(map(services.get(app).get("environment")).keySet())
                .as("the environment of %s", app)
                .containsAll(settings);
          }
        });
  }

  /** The variables named in the first column of a "### section" table of the guide. */
  private static List<String> settingsOf(String guide, String section) {
    Matcher part =
        Pattern.compile("\n### " + section + "\n(.*?)(\n##|$)", Pattern.DOTALL).matcher(guide);
    assertThat(part.find()).as("docs/operations.md has a section %s", section).isTrue();
    List<String> settings = new ArrayList<>();
    Matcher row = Pattern.compile("^\\| ([^|]+)\\|", Pattern.MULTILINE).matcher(part.group(1));
    while (row.find()) {
      Matcher name = Pattern.compile("`([A-Z][A-Z0-9_]+)`").matcher(row.group(1));
      while (name.find()) {
        settings.add(name.group(1));
      }
    }
    return settings;
  }

  private static Map<String, String> readmeServices() throws IOException {
    Matcher table = README_TABLE.matcher(Files.readString(root.resolve("README.md")));
    assertThat(table.find()).as("README.md has the compose-services table").isTrue();
    Map<String, String> rows = new LinkedHashMap<>();
    Matcher row = README_ROW.matcher(table.group(1));
    while (row.find()) {
      rows.put(row.group(1), row.group(2));
    }
    return rows;
  }

  /** The named volume that a service mounts at a directory, or null. */
  private static String volumeAt(String service, String directory) {
    for (Object mount : (List<?>) services.get(service).get("volumes")) {
      String[] parts = String.valueOf(mount).split(":");
      if (parts.length >= 2 && parts[1].equals(directory)) {
        return parts[0];
      }
    }
    return null;
  }

  private static List<String> publishedPorts(String service) {
    Object ports = services.get(service).get("ports");
    if (ports == null) {
      return List.of();
    }
    return ((List<?>) ports).stream().map(port -> port(port, "published")).toList();
  }

  private static String containerPort(String service) {
    List<?> ports = (List<?>) services.get(service).get("ports");
    assertThat(ports).as("ports of %s", service).hasSize(1);
    return port(ports.get(0), "target");
  }

  /**
   * A port of a service as {@code docker-compose config} writes it: a map, or, for one bound to a
   * host address (docker-compose 1 has no {@code host_ip} in the long form), {@code
   * 127.0.0.1:8025:8025/tcp}.
   */
  private static String port(Object port, String part) {
    if (port instanceof String written) {
      String[] parts = written.replaceFirst("/.*$", "").split(":");
      return parts[parts.length - (part.equals("target") ? 1 : 2)];
    }
    return String.valueOf(map(port).get(part));
  }

  private static Map<String, String> environment(String service) {
    assertThat(services).containsKey(service);
    Map<String, Object> environment = map(services.get(service).get("environment"));
    return environment.entrySet().stream()
        .filter(entry -> entry.getValue() != null)
        .collect(Collectors.toMap(Map.Entry::getKey, entry -> String.valueOf(entry.getValue())));
  }

  @SuppressWarnings("unchecked")
  private static <V> Map<String, V> map(Object yaml) {
    assertThat(yaml).isInstanceOf(Map.class);
    return (Map<String, V>) yaml;
  }

  private record Run(int exitCode, String stdout, String stderr) {}

  /**
   * Runs {@code docker-compose config} on the file with only the given variables set, so that the
   * developer's own environment, and the {@code .env} file beside docker-compose.yml that the
   * README suggests, cannot change what the tests see.
   */
  private static Run dockerComposeConfig(Map<String, String> variables) throws Exception {
    if (!Files.isExecutable(DOCKER_COMPOSE) || !Files.isExecutable(PYTHON)) {
      fail(
          "%s not found: install Debian's docker-compose (apt-get install docker-compose), which"
              + " validates docker-compose.yml without a Docker engine",
          DOCKER_COMPOSE);
    }
    Path noEnvFile = Files.createTempFile("compose-file-test", ".env");
    try {
      return run(
          variables,
          PYTHON.toString(),
          DOCKER_COMPOSE.toString(),
          "--env-file",
          noEnvFile.toString(),
          "--file",
          root.resolve("docker-compose.yml").toString(),
          "config");
    } finally {
      Files.delete(noEnvFile);
    }
  }

  private static Run run(Map<String, String> variables, String... command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile());
    builder.environment().clear();
    builder.environment().put("PATH", "/usr/bin:/bin");
    builder.environment().put("HOME", System.getProperty("java.io.tmpdir"));
    builder.environment().putAll(variables);
    Process process = builder.start();
    CompletableFuture<String> stderr =
        CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
    String stdout = read(process.getInputStream());
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("docker-compose config did not finish within a minute");
    }
    return new Run(process.exitValue(), stdout, stderr.get());
  }

  private static String read(InputStream stream) {
    try (stream) {
      return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The directory of docker-compose.yml: Maven runs the tests in the worker module's directory. */
  private static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve("docker-compose.yml")) && Files.exists(dir.resolve("mvnw"))) {
        return dir;
      }
    }
    return fail("No docker-compose.yml in %s or above", Path.of("").toAbsolutePath());
  }
}
