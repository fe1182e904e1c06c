package dev.sendout.api.sendout;

import dev.sendout.core.message.StoredMessage;
import java.util.List;

/**
 * One page of a sendout's messages.
 *
 * @param nextCursor pass as {@code cursor} for the next page; null on the last page
 */
public record MessagePage(List<StoredMessage> items, String nextCursor) {}
