package dev.asyncgateway.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.asyncgateway.account.AccountService;
import dev.asyncgateway.api.JobView;
import dev.asyncgateway.observability.GatewayMetrics;
import dev.asyncgateway.runner.WakeUpSignal;
import dev.asyncgateway.store.JobStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Accepts jobs: validate, authenticate, store durably (committed before the answer), wake the runner. */
@ApplicationScoped
public class JobSubmissionService {

    private static final Logger LOG = Logger.getLogger(JobSubmissionService.class);

    @Inject
    JobRequestParser parser;

    @Inject
    AccountService accounts;

    @Inject
    JobStore store;

    @Inject
    WakeUpSignal wakeUp;

    @Inject
    ObjectMapper json;

    @Inject
    GatewayMetrics metrics;

    /**
     * @param body            the request body as sent
     * @param batch           true for {@code POST /batchjobs} ({@code urls}), false for {@code POST /jobs} ({@code url})
     * @param statusUrlPrefix absolute URL that a job id is appended to, ending in {@code /jobs/}
     */
    public Uni<List<JobView>> submit(JsonNode body, boolean batch, String statusUrlPrefix) {
        JobRequest request = parser.parse(body, batch);
        String apiKey = body.hasNonNull("apiKey") && body.get("apiKey").isTextual() ? body.get("apiKey").asText() : null;
        return accounts.authenticate(apiKey).chain(accountId -> store(accountId, request, batch, statusUrlPrefix));
    }

    private Uni<List<JobView>> store(UUID accountId, JobRequest request, boolean batch, String statusUrlPrefix) {
        List<UUID> ids = new ArrayList<>(request.urls().size());
        for (int i = 0; i < request.urls().size(); i++) {
            ids.add(UUID.randomUUID());
        }
        UUID batchId = batch ? UUID.randomUUID() : null;
        return store.insert(accountId, batchId, statusUrlPrefix, ids, request, toJson(request.headers()), toJson(request.apiParams()))
                .invoke(() -> {
                    wakeUp.jobsAdded();
                    metrics.jobsSubmitted(ids.size());
                    LOG.debugf("accepted %d job(s) for account %s", ids.size(), accountId);
                })
                .map(ignored -> views(ids, batchId, request, statusUrlPrefix));
    }

    private static List<JobView> views(List<UUID> ids, UUID batchId, JobRequest request, String statusUrlPrefix) {
        List<JobView> views = new ArrayList<>(ids.size());
        JobView.CallbackView callback = request.callbackUrl() == null ? null
                : new JobView.CallbackView(CredentialMask.url(request.callbackUrl()), "pending", 0);
        for (int i = 0; i < ids.size(); i++) {
            UUID id = ids.get(i);
            views.add(new JobView(id, "running", statusUrlPrefix + id, request.urls().get(i), 0, batchId,
                    request.project(), request.meta(), null, null, callback, null, null));
        }
        return views;
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("plain maps and records always encode", e);
        }
    }
}
