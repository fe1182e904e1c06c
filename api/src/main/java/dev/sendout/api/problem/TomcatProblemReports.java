package dev.sendout.api.problem;

import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.tomcat.util.buf.EncodedSolidusHandling;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * Puts {@link ProblemErrorReportValve} in place of Tomcat's HTML error report, adds {@link
 * UnreadBodyValve}, and sets the connector's handling of encoded slashes and of 100 Continue.
 * Ordered last, so that it replaces the report valve Spring Boot adds of its own.
 */
@Component
public class TomcatProblemReports
    implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory>, Ordered {

  @Override
  public void customize(ConfigurableTomcatWebServerFactory factory) {
    // On the engine: it acts once the host has written the answer, error pages included.
    factory.addEngineValves(new UnreadBodyValve());
    // An email address may hold a '/' before its '@': the suppression it names is read and removed
    // at /v1/suppressions/{address}, the '/' encoded as %2F, which Tomcat refused with a 400. Kept
    // encoded, it splits no path: the path variable holds it, decoded.
    factory.addConnectorCustomizers(
        connector ->
            connector.setEncodedSolidusHandling(EncodedSolidusHandling.PASS_THROUGH.getValue()),
        // A caller that waits for 100 Continue is sent it when its body is read, not as soon as its
        // head came (Tomcat's default): a request refused before its body is read (too large, no
        // valid key) gets its refusal instead, and sends no body (RFC 9110, 10.1.1). Before, it
        // was invited to send up to 16 MB that were thrown away (a hostile sweep).
        connector -> connector.setProperty("continueResponseTiming", "onRead"));
    factory.addContextCustomizers(
        context -> {
          var pipeline = context.getParent().getPipeline();
          for (Valve valve : pipeline.getValves()) {
            if (valve instanceof ErrorReportValve) {
              pipeline.removeValve(valve);
            }
          }
          pipeline.addValve(new ProblemErrorReportValve());
          // Or the host, when it starts, adds Tomcat's own report valve beside this one.
          if (context.getParent() instanceof StandardHost host) {
            host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
          }
        });
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
