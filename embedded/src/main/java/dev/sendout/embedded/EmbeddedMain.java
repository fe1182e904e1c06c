package dev.sendout.embedded;

/** The README's run command: the whole engine in this process, until Ctrl-C. */
public final class EmbeddedMain {

  private EmbeddedMain() {}

  public static void main(String[] args) throws Exception {
    EmbeddedEngine engine =
        EmbeddedEngine.start(EmbeddedEngine.Settings.fromEnvironment(System.getenv()));
    Runtime.getRuntime().addShutdownHook(new Thread(engine::close, "embedded-engine-shutdown"));
    String api = "http://localhost:" + engine.apiPort();
    System.out.printf(
        """

        ============================================================================
         Sendout engine is running (embedded default). Ctrl-C stops it.
           API          %s   (Swagger UI: %s/swagger-ui.html)
           API key      %s   (tenant "%s"; send it as Authorization: Bearer <key>,
                        or choose one with SENDOUT_DEV_API_KEY)
           Temporal     %s   (the SDK's test server unless TEMPORAL_ADDRESS is set)
           Postgres     %s
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
        engine.devApiKey(),
        EmbeddedEngine.DEV_TENANT,
        engine.temporalAddress(),
        engine.databaseUrl(),
        engine.sendGridBaseUrl(),
        engine.vonageBaseUrl());
  }
}
