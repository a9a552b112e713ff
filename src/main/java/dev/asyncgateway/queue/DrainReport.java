package dev.asyncgateway.queue;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The answer of {@code POST /admin/drain}: whether nothing was due any more when it returned, and the
 * queue as last seen. {@code drained} is false when the time limit or a shutdown ended the drain first.
 */
@RegisterForReflection
public record DrainReport(boolean drained, long jobsDue, long jobsQueued, long deliveriesDue, long deliveriesQueued,
                          long durationMs) {
}
