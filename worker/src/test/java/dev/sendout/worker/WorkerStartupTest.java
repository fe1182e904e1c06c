package dev.sendout.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker refuses to run half-configured. It is started as operators start it, in a process of
 * its own with settings from the environment, and must exit by itself, before it connects to
 * anything (there is no database or Temporal here for it to find).
 */
class WorkerStartupTest {

  @TempDir Path dir;

  @Test
  void liveProvidersWithNothingSetStopTheWorkerWithOneLineNamingTheFirstSetting() throws Exception {
    List<String> output = startWorker("SENDOUT_PROVIDERS", "live");

    assertThat(output)
        .contains(
            "SENDGRID_BASE_URL is not set: the worker sends email to SendGrid at this address,"
                + " https://api.sendgrid.com; with SENDOUT_PROVIDERS=live it has no default")
        .noneMatch(line -> line.startsWith("\tat ") || line.contains("Exception"));
  }

  @Test
  void liveProvidersWithoutVonageCredentialsStopTheWorkerNamingThem() throws Exception {
    List<String> output =
        startWorker(
            "SENDOUT_PROVIDERS",
            "live",
            "SENDGRID_BASE_URL",
            "https://api.sendgrid.com",
            "SENDGRID_API_KEY",
            "SG.a-real-looking-key",
            "VONAGE_BASE_URL",
            "https://api.nexmo.com");

    assertThat(output)
        .anyMatch(line -> line.startsWith("VONAGE_APPLICATION_ID is not set: "))
        .noneMatch(line -> line.startsWith("\tat "));
  }

  /** Starts the worker with these variables and no provider settings; returns what it printed. */
  private List<String> startWorker(String... variables) throws Exception {
    File log = dir.resolve("worker.log").toFile();
    var builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                WorkerApplication.class.getName())
            .redirectErrorStream(true)
            .redirectOutput(log);
    var environment = builder.environment();
    environment
        .keySet()
        .removeIf(
            k ->
                k.startsWith("SENDGRID_")
                    || k.startsWith("VONAGE_")
                    || k.startsWith("SENDOUT_")
                    || k.startsWith("SPRING_"));
    environment.put("WORKER_PORT", "0");
    for (int i = 0; i < variables.length; i += 2) {
      environment.put(variables[i], variables[i + 1]);
    }
    Process worker = builder.start();
    boolean exited = worker.waitFor(120, TimeUnit.SECONDS);
    if (!exited) {
      worker.destroyForcibly();
    }
    List<String> output = Files.readAllLines(log.toPath());
    assertThat(exited).as("the worker exits by itself; it printed:%n%s", output).isTrue();
    assertThat(worker.exitValue()).as("exit code").isNotZero();
    return output;
  }
}
