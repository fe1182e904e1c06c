package dev.sendout.api.support;

import dev.sendout.workflows.sendout.SupportActionType;
import java.util.UUID;

/**
 * Answer to a support action.
 *
 * @param messages how many messages the action affected, as the workflow counted them: cancelled,
 *     sent again, and so on
 */
public record ActionTaken(UUID sendoutId, SupportActionType action, int messages) {}
