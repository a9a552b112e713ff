package dev.asyncgateway.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochRandomGenerator;
import dev.asyncgateway.common.ClientError;
import dev.asyncgateway.common.CredentialMask;
import dev.asyncgateway.common.SecretsAtRest;
import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.observability.GatewayMetrics;
import dev.asyncgateway.observability.StoredTraceContext;
import dev.asyncgateway.queue.WakeUpSignal;
import dev.asyncgateway.store.IdempotencyKeyStore;
import dev.asyncgateway.store.JobRequest;
import dev.asyncgateway.store.JobStore;
import dev.asyncgateway.store.NewJob;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Accepts jobs of an authenticated account: validate, rate-limit, store durably (committed before the answer), wake the
 * runner. A request retried with the same {@code Idempotency-Key} gets the jobs of the first one back.
 * <p>
 * Single-URL submissions without a key go through {@link SingleJobInserts} (one insert for many, started at once
 * when a runner slot is free); each still gets its answer only after its row is committed.
 */
@ApplicationScoped
public class JobSubmissionService {

    private static final Logger LOG = Logger.getLogger(JobSubmissionService.class);
    @Inject
    JobRequestParser parser;

    @Inject
    JobStore store;

    @Inject
    WakeUpSignal wakeUp;

    @Inject
    SingleJobInserts singles;

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

    @Inject
    SecretsAtRest secrets;

    /**
     * Job and batch ids are UUIDv7 (RFC 9562): time-ordered, so new rows land at the right edge of the
     * primary key instead of on random pages (about a fifth faster inserts into a table of a million rows),
     * and each carries 74 bits from SecureRandom, drawn afresh for every id: a {@code statusUrl} stays
     * unguessable from its neighbours.
     */
    private final TimeBasedEpochRandomGenerator idGenerator = Generators.timeBasedEpochRandomGenerator();

    /**
     * A submission read and validated, to be stored by {@link #submit} once its key is authenticated.
     *
     * @param apiKey the {@code apiKey} field (ScraperAPI style: the key travels in the body), or null
     * @param key    the {@code Idempotency-Key} with the request's fingerprint, or null
     */
    public record Submission(JobRequest request, boolean batch, IdempotencyKey key, String apiKey) {
    }

    /**
     * Checks a request body; CPU only (no I/O), so a large one can run off the event loop.
     *
     * @param body           the request body as parsed
     * @param batch          true for {@code POST /batchjobs} ({@code urls}), false for {@code POST /jobs} ({@code url})
     * @param strict         the request asked for {@code Prefer: handling=strict}
     * @param idempotencyKey the {@code Idempotency-Key} header, or null
     */
    public Submission validate(JsonNode body, boolean batch, boolean strict, String idempotencyKey) {
        JobRequest parsed = parser.parse(body, batch, strict);
        JobRequest request = parsed.withCallbackUrl(secrets.sealUrl(parsed.callbackUrl()));
        IdempotencyKey key = IdempotencyKey.of(idempotencyKey, body);
        String apiKey = body.hasNonNull("apiKey") && body.get("apiKey").isTextual() ? body.get("apiKey").asText() : null;
        return new Submission(request, batch, key, apiKey);
    }

    /**
     * @param accountId       the account that {@link Submission#apiKey()} authenticated
     * @param statusUrlPrefix absolute URL that a job id is appended to, ending in {@code /jobs/}
     * @param traceContext    the request's trace context, stored on every job of the submission (a batch is one
     *                        trace), or null
     */
    public Uni<List<JobView>> submit(Submission submission, UUID accountId, String statusUrlPrefix, String traceContext) {
        rateLimiter.acquire(accountId);
        return store(accountId, submission.request(), submission.batch(), statusUrlPrefix, submission.key(), traceContext);
    }

    private Uni<List<JobView>> store(UUID accountId, JobRequest request, boolean batch, String statusUrlPrefix,
                                     IdempotencyKey key, String traceContext) {
        List<UUID> ids = new ArrayList<>(request.urls().size());
        for (int i = 0; i < request.urls().size(); i++) {
            ids.add(idGenerator.generate());
        }
        UUID batchId = batch ? idGenerator.generate() : null;
        String headersJson = toJson(request.headers());
        String apiParamsJson = toJson(request.apiParams());
        String warningsJson = request.warnings().isEmpty() ? null : toJson(request.warnings());
        if (!batch && key == null) {
            UUID leaseToken = singles.reserveSlot();
            NewJob job = new NewJob(ids.get(0), accountId, statusUrlPrefix + ids.get(0), request, headersJson, apiParamsJson,
                    warningsJson, leaseToken, traceContext);
            return Uni.createFrom().completionStage(singles.insert(job))
                    .map(ignored -> accepted(accountId, ids, batchId, request, warningsJson, statusUrlPrefix, traceContext));
        }
        Duration keyTtl = config.jobs().idempotencyKeyTtl();
        return store.insert(accountId, batchId, statusUrlPrefix, ids, request, headersJson, apiParamsJson, warningsJson,
                        key == null ? null : key.value(), key == null ? null : key.requestHash(), keyTtl, traceContext)
                .chain(stored -> {
                    if (!stored) {
                        return replay(accountId, key, batch, keyTtl);
                    }
                    wakeUp.jobsAdded();
                    return Uni.createFrom().item(accepted(accountId, ids, batchId, request, warningsJson, statusUrlPrefix,
                            traceContext));
                });
    }

    /** Answers with the views of jobs just committed (and announced). */
    private List<JobView> accepted(UUID accountId, List<UUID> ids, UUID batchId, JobRequest request, String warningsJson,
                                   String statusUrlPrefix, String traceContext) {
        metrics.jobsSubmitted(ids.size());
        LOG.debugf("accepted %d job(s) for account %s", ids.size(), accountId);
        return views(ids, batchId, request, warningsJson, statusUrlPrefix, StoredTraceContext.traceId(traceContext));
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

    private static List<JobView> views(List<UUID> ids, UUID batchId, JobRequest request, String warningsJson,
                                       String statusUrlPrefix, String traceId) {
        List<JobView> views = new ArrayList<>(ids.size());
        JobView.CallbackView callback = request.callbackUrl() == null ? null
                : new JobView.CallbackView(CredentialMask.url(request.callbackUrl()), "pending", 0);
        for (int i = 0; i < ids.size(); i++) {
            UUID id = ids.get(i);
            views.add(new JobView(id, "running", statusUrlPrefix + id, request.urls().get(i), 0, batchId,
                    request.project(), request.meta(), warningsJson, null, null, callback, null, null, traceId));
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
