package dev.sendout.api.receipt;

import dev.sendout.core.config.ProviderMode;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * In live mode the api trusts only the real providers' webhook keys. In the compose stack the api
 * imports the sandbox's keys file, whose entries are named like the variables they stand in for;
 * unless the real key is set in the environment, the sandbox's would verify "delivered" from
 * whoever holds it. Checked as soon as the environment is prepared, before the api connects to
 * anything, and refused with one line naming the variable.
 */
public class LiveWebhookKeysCheck
    implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

  /** The entries of the sandbox's keys file (SandboxKeys) that hold its own key and secret. */
  static final String SANDBOX_SENDGRID_PUBLIC_KEY = "SANDBOX_SENDGRID_WEBHOOK_PUBLIC_KEY";

  static final String SANDBOX_VONAGE_SECRET = "SANDBOX_VONAGE_SIGNATURE_SECRET";

  static final String SANDBOX_UNSUBSCRIBE_SECRET = "SANDBOX_UNSUBSCRIBE_SECRET";

  @Override
  public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
    ConfigurableEnvironment environment = event.getEnvironment();
    ProviderMode mode = ProviderMode.of(environment);
    mode.require(
        environment,
        "sendout.webhooks.sendgrid.public-key",
        "SENDGRID_WEBHOOK_PUBLIC_KEY",
        SANDBOX_SENDGRID_PUBLIC_KEY,
        "the api verifies SendGrid's Event Webhook with the key of its Signed Event Webhook");
    mode.require(
        environment,
        "sendout.webhooks.vonage.signature-secret",
        "VONAGE_SIGNATURE_SECRET",
        SANDBOX_VONAGE_SECRET,
        "the api verifies Vonage's status webhooks with the account's signature secret");
    mode.require(
        environment,
        "sendout.unsubscribe.secret",
        "SENDOUT_UNSUBSCRIBE_SECRET",
        SANDBOX_UNSUBSCRIBE_SECRET,
        "the api checks the one-click unsubscribe links the worker signed with it");
  }
}
