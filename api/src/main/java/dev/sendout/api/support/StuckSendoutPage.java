package dev.sendout.api.support;

import dev.sendout.core.watchdog.StuckSendouts.StuckSendout;
import java.util.List;

/**
 * One page of the sendouts that need attention.
 *
 * @param nextCursor pass as {@code cursor} for the next page; null on the last page
 */
public record StuckSendoutPage(List<StuckSendout> items, String nextCursor) {}
