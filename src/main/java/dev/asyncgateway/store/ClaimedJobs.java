package dev.asyncgateway.store;

import java.util.List;

/**
 * What one job claim took.
 *
 * @param accountsAtCap whether an account with due jobs had reached its in-flight cap, so due jobs may be
 *                      waiting for one of its jobs to end
 */
public record ClaimedJobs(List<JobRow> jobs, boolean accountsAtCap) {
}
