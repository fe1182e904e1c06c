package dev.sendout.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The sandbox as docker-compose.yml runs it: importing the file {@link SandboxKeys} wrote, whose
 * entries stand in for environment variables that are not set, and give way to those that are.
 */
class SandboxKeysImportTest {

  private static final Pattern PUBLIC_KEY = Pattern.compile("\"publicKey\"\\s*:\\s*\"([^\"]+)\"");

  @TempDir Path directory;

  @Test
  void theSandboxSignsReceiptsWithTheKeyPairOfTheImportedFile() throws Exception {
    Path keys = directory.resolve("sandbox-keys.properties");
    SandboxKeys.write(keys);

    String served = servedPublicKey("--spring.config.import=file:" + keys);

    assertThat(served).isEqualTo(load(keys).getProperty(SandboxKeys.API_SENDGRID_PUBLIC_KEY));
  }

  @Test
  void aKeyPairSetOutsideTheFileTakesPrecedenceOverIt() throws Exception {
    Path keys = directory.resolve("sandbox-keys.properties");
    Path operators = directory.resolve("operators.properties");
    SandboxKeys.write(keys);
    SandboxKeys.write(operators);
    Properties operator = load(operators);

    // Command-line arguments, like environment variables, rank above imported files.
    String served =
        servedPublicKey(
            "--spring.config.import=file:" + keys,
            "--SANDBOX_SENDGRID_WEBHOOK_PRIVATE_KEY="
                + operator.getProperty(SandboxKeys.SANDBOX_SENDGRID_PRIVATE_KEY),
            "--SANDBOX_SENDGRID_WEBHOOK_PUBLIC_KEY="
                + operator.getProperty(SandboxKeys.SANDBOX_SENDGRID_PUBLIC_KEY));

    assertThat(served).isEqualTo(operator.getProperty(SandboxKeys.SANDBOX_SENDGRID_PUBLIC_KEY));
  }

  private static String servedPublicKey(String... arguments) throws Exception {
    String[] args = new String[arguments.length + 1];
    args[0] = "--server.port=0";
    System.arraycopy(arguments, 0, args, 1, arguments.length);
    try (ConfigurableApplicationContext sandbox = SandboxApplication.application().run(args)) {
      String port = sandbox.getEnvironment().getProperty("local.server.port");
      String body =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:" + port + "/sandbox/sendgrid/receipts/public-key"))
                      .build(),
                  BodyHandlers.ofString())
              .body();
      Matcher matcher = PUBLIC_KEY.matcher(body);
      assertThat(matcher.find()).as(body).isTrue();
      return matcher.group(1);
    }
  }

  private static Properties load(Path file) throws IOException {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
      properties.load(reader);
    }
    return properties;
  }
}
