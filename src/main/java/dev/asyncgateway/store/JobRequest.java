package dev.asyncgateway.store;

import java.util.List;
import java.util.Map;

/**
 * A validated submission: everything a job needs, for one URL ({@code POST /jobs}) or many
 * ({@code POST /batchjobs}).
 *
 * @param meta     raw JSON of the client's {@code meta} object, stored and returned unchanged; null when absent
 * @param warnings what the submission asked for that the gateway ignored, one sentence each; empty when nothing was
 */
public record JobRequest(
        List<String> urls,
        String method,
        Map<String, String> headers,
        String body,
        ApiParams apiParams,
        String callbackUrl,
        String project,
        boolean expectUnsuccessReport,
        int timeoutSec,
        String meta,
        List<String> warnings) {

    /** This request with another callback URL (the same URL with its password sealed, before it is stored). */
    public JobRequest withCallbackUrl(String url) {
        return new JobRequest(urls, method, headers, body, apiParams, url, project, expectUnsuccessReport, timeoutSec, meta, warnings);
    }
}
