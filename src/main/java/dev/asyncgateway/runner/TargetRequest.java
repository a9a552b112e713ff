package dev.asyncgateway.runner;

import dev.asyncgateway.store.ApiParams;

import java.util.Map;

/** Exactly what is sent to a job's target, headers already chosen according to {@code keep_headers}. */
public record TargetRequest(String method, String url, Map<String, String> headers, String body, ApiParams params) {

    public TargetRequest withHeaders(Map<String, String> otherHeaders) {
        return otherHeaders == headers ? this : new TargetRequest(method, url, otherHeaders, body, params);
    }
}
