package dev.asyncgateway.runner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.asyncgateway.store.ApiParams;
import dev.asyncgateway.store.JobRow;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decides what a job sends to its target. Without {@code keep_headers} only safe browser-like defaults
 * go out (plus the body's Content-Type), so a client cannot leak its own credentials by accident.
 */
@ApplicationScoped
public class TargetRequestFactory {

    static final String DESKTOP_USER_AGENT =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    static final String MOBILE_USER_AGENT =
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1";
    private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {
    };

    @Inject
    ObjectMapper json;

    public TargetRequest of(JobRow job) {
        ApiParams params = job.apiParams() == null ? ApiParams.DEFAULTS : read(job.apiParams(), ApiParams.class);
        Map<String, String> own = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (job.headers() != null) {
            own.putAll(read(job.headers(), HEADERS));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("User-Agent", "mobile".equals(params.deviceType()) ? MOBILE_USER_AGENT : DESKTOP_USER_AGENT);
        headers.put("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        headers.put("Accept-Language", "en-US,en;q=0.9");
        if (params.keepHeaders()) {
            headers.keySet().removeIf(own::containsKey);
            headers.putAll(own);
        } else if (job.body() != null && own.containsKey("Content-Type")) {
            headers.put("Content-Type", own.get("Content-Type"));
        }
        return new TargetRequest(job.method(), job.url(), headers, job.body(), params);
    }

    private <T> T read(String text, Class<T> type) {
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored job fields are always valid JSON", e);
        }
    }

    private <T> T read(String text, TypeReference<T> type) {
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored job fields are always valid JSON", e);
        }
    }
}
