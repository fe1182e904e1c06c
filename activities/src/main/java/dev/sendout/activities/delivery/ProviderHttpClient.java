package dev.sendout.activities.delivery;

import java.time.Duration;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;

/** The HTTP client the provider SDKs (SendGrid's and Vonage's, both on Apache HttpClient 4) use. */
public final class ProviderHttpClient {

  private ProviderHttpClient() {}

  /**
   * A client with timeouts set (the SDKs' defaults have none, or a minute) that never resends on
   * its own: a resent POST could deliver every message it carries twice.
   *
   * @param connectTimeout a connection that cannot be made in this time means nothing was sent
   * @param readTimeout how long to wait for the answer; past it the send's outcome is unknown
   */
  public static CloseableHttpClient create(
      Duration connectTimeout, Duration readTimeout, int maxConnections) {
    RequestConfig timeouts =
        RequestConfig.custom()
            .setConnectTimeout((int) connectTimeout.toMillis())
            .setConnectionRequestTimeout((int) connectTimeout.toMillis())
            .setSocketTimeout((int) readTimeout.toMillis())
            .build();
    return HttpClients.custom()
        .setDefaultRequestConfig(timeouts)
        .disableAutomaticRetries()
        .setMaxConnTotal(maxConnections)
        .setMaxConnPerRoute(maxConnections)
        .build();
  }
}
