package dev.asyncgateway.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.asyncgateway.account.AccountService;
import dev.asyncgateway.api.ClientError;
import dev.asyncgateway.api.JobView;
import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.observability.GatewayMetrics;
import dev.asyncgateway.runner.WakeUpSignal;
import dev.asyncgateway.store.IdempotencyKeyStore;
import dev.asyncgateway.store.JobStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Accepts jobs: validate, authenticate, rate-limit, store durably (committed before the answer), wake the
 * runner. A request retried with the same {@code Idempotency-Key} gets the jobs of the first one back.
 */
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
    SubmissionRateLimiter rateLimiter;

    @Inject
    IdempotencyKeyStore idempotencyKeys;

    @Inject
    GatewayConfig config;

    @Inject
    GatewayMetrics metrics;

    /**
     * @param body            the request body as sent
     * @param batch           true for {@code POST /batchjobs} ({@code urls}), false for {@code POST /jobs} ({@code url})
     * @param statusUrlPrefix absolute URL that a job id is appended to, ending in {@code /jobs/}
     * @param idempotencyKey  the {@code Idempotency-Key} header, or null
     */
    public Uni<List<JobView>> submit(JsonNode body, boolean batch, String statusUrlPrefix, String idempotencyKey) {
        JobRequest request = parser.parse(body, batch);
        IdempotencyKey key = IdempotencyKey.of(idempotencyKey, body);
        String apiKey = body.hasNonNull("apiKey") && body.get("apiKey").isTextual() ? body.get("apiKey").asText() : null;
        return accounts.authenticate(apiKey)
                .invoke(rateLimiter::acquire)
                .chain(accountId -> store(accountId, request, batch, statusUrlPrefix, key));
    }

    private Uni<List<JobView>> store(UUID accountId, JobRequest request, boolean batch, String statusUrlPrefix,
                                     IdempotencyKey key) {
        List<UUID> ids = new ArrayList<>(request.urls().size());
        for (int i = 0; i < request.urls().size(); i++) {
            ids.add(UUID.randomUUID());
        }
        UUID batchId = batch ? UUID.randomUUID() : null;
        Duration keyTtl = config.jobs().idempotencyKeyTtl();
        return store.insert(accountId, batchId, statusUrlPrefix, ids, request, toJson(request.headers()),
                        toJson(request.apiParams()), key, keyTtl)
                .chain(stored -> {
                    if (!stored) {
                        return replay(accountId, key, batch, keyTtl);
                    }
                    wakeUp.jobsAdded();
                    metrics.jobsSubmitted(ids.size());
                    LOG.debugf("accepted %d job(s) for account %s", ids.size(), accountId);
                    return Uni.createFrom().item(views(ids, batchId, request, statusUrlPrefix));
                });
    }

    /** A retry of a request already accepted under this key: the jobs it created, as they are now. */
    private Uni<List<JobView>> replay(UUID accountId, IdempotencyKey key, boolean batch, Duration keyTtl) {
        return idempotencyKeys.find(accountId, key.value(), keyTtl).map(replay -> {
            if (replay == null || replay.jobs().isEmpty()) {
                // The key expired or its jobs were purged between the insert and this read.
                throw ClientError.conflict("the jobs of this Idempotency-Key no longer exist; retry with a new key");
            }
            if (replay.batch() != batch) {
                throw ClientError.conflict("this Idempotency-Key was used for " + (replay.batch() ? "POST /batchjobs" : "POST /jobs"));
            }
            if (!Arrays.equals(replay.requestHash(), key.requestHash())) {
                throw ClientError.conflict("this Idempotency-Key was used for a different request");
            }
            LOG.debugf("replayed Idempotency-Key for account %s", accountId);
            return replay.jobs().stream().map(JobView::of).toList();
        });
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
