package dev.asyncgateway.runner;

import dev.asyncgateway.store.StateChange;

import java.util.List;

/**
 * A CDI event: a committed statement changed these jobs, some of which ended (completion, cancellation). Fired
 * synchronously; whoever announces what follows from ended jobs (batch-finished) observes it, so the layers that end
 * jobs do not name the callback layer.
 */
public record JobsEnded(List<StateChange> changes) {
}
