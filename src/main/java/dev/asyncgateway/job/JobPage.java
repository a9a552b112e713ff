package dev.asyncgateway.job;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/** One page of {@code GET /jobs}; {@code nextCursor} is null on the last page. */
@RegisterForReflection
public record JobPage(List<JobView> jobs, String nextCursor) {
}
