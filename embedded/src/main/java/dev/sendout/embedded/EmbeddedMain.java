package dev.sendout.embedded;

/** The README's run command: the whole engine in this process, until Ctrl-C. */
public final class EmbeddedMain {

  private EmbeddedMain() {}

  public static void main(String[] args) throws Exception {
    EmbeddedEngine.Settings settings;
    try {
      settings = EmbeddedEngine.Settings.fromEnvironment(System.getenv());
    } catch (IllegalArgumentException e) {
      // A setting the caller got wrong: its message, not a stack trace around it.
      System.err.println("The sendout engine did not start: " + e.getMessage());
      System.exit(2);
      return;
    }
    EmbeddedEngine engine = EmbeddedEngine.start(settings);
    String api = "http://localhost:" + engine.apiPort();
    System.out.printf(
        """

        ============================================================================
         Sendout engine is running (embedded default). Ctrl-C stops it.
           API          %s   (Swagger UI: %s/swagger-ui.html)
           API key      %s   (tenant "%s"; send it as Authorization: Bearer <key>,
                        or choose one with SENDOUT_DEV_API_KEY)
           Temporal     %s   %s
           Postgres     %s%s
           SendGrid     %s   (the sandbox unless SENDGRID_BASE_URL is set;
                        what it accepted: GET /sandbox/sendgrid/stats; it posts signed
                        receipts to the API's /webhooks/sendgrid/events)
           Vonage       %s   (the sandbox unless VONAGE_BASE_URL is set;
                        what it accepted: GET /sandbox/vonage/stats; it posts signed
                        statuses to the API's /webhooks/vonage/status)
        ============================================================================
        %n""",
        api,
        api,
        // A key the caller chose is theirs already, and a secret: not printed where logs go.
        settings.devApiKey() == null ? engine.devApiKey() : "the one in SENDOUT_DEV_API_KEY",
        EmbeddedEngine.DEV_TENANT,
        engine.temporalAddress(),
        temporalNote(engine, settings),
        engine.databaseUrl(),
        postgresNote(settings),
        engine.sendGridBaseUrl(),
        engine.vonageBaseUrl());
  }

  private static String temporalNote(EmbeddedEngine engine, EmbeddedEngine.Settings settings) {
    if (engine.temporalUiUrl() != null) {
      return "(the real server, temporal server start-dev, keeping its state in "
          + settings.devServer().stateDirectory()
          + ")\n"
          + "                Web UI: "
          + engine.temporalUiUrl()
          + "/namespaces/"
          + settings.devServer().namespace()
          + "/workflows\n"
          + "                (SENDOUT_TEMPORAL=test-server runs the SDK's test server instead)";
    }
    if (engine.onTestServer()
        && EmbeddedEngine.Settings.TEST_SERVER.equals(System.getenv("SENDOUT_TEMPORAL"))) {
      return "the SDK's test server (in memory, as SENDOUT_TEMPORAL=test-server asks)";
    }
    if (engine.onTestServer()) {
      return "the SDK's test server (in memory; build the real one with\n"
          + "                deploy/temporal-dev/temporal-dev.sh build, or set TEMPORAL_ADDRESS)";
    }
    return "(TEMPORAL_ADDRESS)";
  }

  private static String postgresNote(EmbeddedEngine.Settings settings) {
    if (settings.databaseUrl() == null && settings.devServer() != null) {
      return "\n                (embedded, kept in "
          + settings.devServer().stateDirectory().resolve("postgres")
          + ")";
    }
    return "";
  }
}
