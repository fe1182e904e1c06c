import com.sendgrid.Client;
import com.sendgrid.Method;
import com.sendgrid.Request;
import com.sendgrid.Response;
import com.sendgrid.SendGrid;
import com.sendgrid.helpers.mail.Mail;
import com.sendgrid.helpers.mail.objects.Content;
import com.sendgrid.helpers.mail.objects.Email;
import com.sendgrid.helpers.mail.objects.Personalization;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;

/**
 * The direct-send baseline of bench/email-sendout.py: the sendgrid-java calls the engine makes,
 * without the engine. N recipients go out as requests of 1,000 personalizations (the engine's batch
 * size), each personalization shaped as the engine writes it (a recipient, our message id in
 * custom_args, the two one-click unsubscribe headers, the two substitutions of the benchmark's
 * template), over C connections at once (the engine keeps 8 batches in flight), with the client
 * configured as the engine's (timeouts, no automatic retries). Each request is built just before it
 * is sent, as the engine does. Prints one JSON line: messages, requests, seconds, messages per
 * second, and the non-2xx answers (must be 0).
 *
 * <p>bench/email-sendout.py runs it before the engine's sendout, with the jars the engine runs
 * with (the embedded jar's BOOT-INF/lib, extracted to bench/target/embedded-lib), no build: {@code
 * java -cp "bench/target/embedded-lib/BOOT-INF/lib/*" bench/DirectSend.java 127.0.0.1:PORT 100000
 * 8}.
 */
public class DirectSend {

  static final int PER_REQUEST = 1000;

  public static void main(String[] args) throws Exception {
    String host = args[0];
    int n = Integer.parseInt(args[1]);
    int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    RequestConfig timeouts =
        RequestConfig.custom()
            .setConnectTimeout(5_000)
            .setConnectionRequestTimeout(5_000)
            .setSocketTimeout(30_000)
            .build();
    CloseableHttpClient http =
        HttpClients.custom()
            .setDefaultRequestConfig(timeouts)
            .disableAutomaticRetries()
            .setMaxConnTotal(concurrency)
            .setMaxConnPerRoute(concurrency)
            .build();
    SendGrid sendGrid = new SendGrid(args.length > 3 ? args[3] : "SG.sandbox-key", new Client(http, true));
    sendGrid.setHost(host);

    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    List<Future<Integer>> calls = new ArrayList<>();
    long started = System.nanoTime();
    for (int from = 0; from < n; from += PER_REQUEST) {
      int first = from;
      int count = Math.min(PER_REQUEST, n - from);
      calls.add(pool.submit(() -> send(sendGrid, first, count)));
    }
    int failures = 0;
    for (Future<Integer> call : calls) {
      int status = call.get(5, TimeUnit.MINUTES);
      if (status != 202 && status != 200) {
        failures++;
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    pool.shutdown();
    http.close();
    System.out.printf(
        "{\"messages\": %d, \"requests\": %d, \"seconds\": %.3f, \"messages_per_second\": %d,"
            + " \"non_2xx\": %d}%n",
        n, calls.size(), seconds, Math.round(n / seconds), failures);
  }

  static String token(UUID id) {
    var bytes = java.nio.ByteBuffer.allocate(32);
    bytes.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
    bytes.putLong(id.getLeastSignificantBits() * 31).putLong(id.getMostSignificantBits() * 17);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
  }

  static int send(SendGrid sendGrid, int first, int count) throws Exception {
    Mail mail = new Mail();
    mail.setFrom(new Email("surveys@example.com", "Surveys"));
    mail.setSubject("{{firstName}}, how was your visit?");
    mail.addContent(new Content("text/plain", "Hello {{firstName}}, tell us: {{surveyUrl}}"));
    for (int i = first; i < first + count; i++) {
      UUID id = UUID.randomUUID();
      Personalization p = new Personalization();
      p.addTo(new Email("direct" + i + "@example.com", "User " + i));
      p.addCustomArg("message_id", id.toString());
      // As long as the engine's: its link carries the message id and a MAC, base64url.
      p.addHeader("List-Unsubscribe", "<http://localhost:8080/u/" + token(id) + ">");
      p.addHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
      p.addSubstitution("{{firstName}}", "U" + i);
      p.addSubstitution("{{surveyUrl}}", "https://s.example.com/" + i);
      mail.addPersonalization(p);
    }
    Request request = new Request();
    request.setMethod(Method.POST);
    request.setEndpoint("mail/send");
    request.setBody(mail.build());
    Response response = sendGrid.api(request);
    return response.getStatusCode();
  }
}
