package dev.sendout.api.support;

import java.util.UUID;

/**
 * Answer to an addition: the messages it created are those with sequence numbers in {@code
 * [fromSeq, toSeq)}; list them with {@code GET /v1/sendouts/{id}/messages}.
 *
 * @param added how many recipients were added
 */
public record RecipientsAdded(UUID sendoutId, int added, int fromSeq, int toSeq) {}
