package dev.sendout.core.unsubscribe;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * One-click unsubscribe (RFC 8058): where its links point and what signs them.
 *
 * @param publicUrl the api's address as recipients reach it ({@code SENDOUT_PUBLIC_URL}, by default
 *     {@code http://localhost:8080}, the api on this machine); links are {@code
 *     <publicUrl>/u/<token>}
 * @param secret signs the tokens ({@code SENDOUT_UNSUBSCRIBE_SECRET}, at least 32 characters); the
 *     worker and the api must share it. Required with {@code SENDOUT_PROVIDERS=live}; in sandbox
 *     mode a process without one makes up its own ({@link UnsubscribeConfiguration}).
 * @param mailto a mailbox that also takes unsubscribe requests, offered as a second {@code
 *     List-Unsubscribe} entry ({@code SENDOUT_UNSUBSCRIBE_MAILTO}); none when blank
 */
@ConfigurationProperties("sendout.unsubscribe")
public record UnsubscribeProperties(
    @DefaultValue("http://localhost:8080") URI publicUrl, String secret, String mailto) {}
