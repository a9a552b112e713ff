package dev.asyncgateway.api.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.asyncgateway.callback.CallbackService;
import dev.asyncgateway.common.CredentialMask;
import dev.asyncgateway.config.ConsoleConfig;
import dev.asyncgateway.job.JobCancellationService;
import dev.asyncgateway.job.JobQueryService;
import dev.asyncgateway.store.ConsoleStore;
import dev.asyncgateway.store.DeliveryAttempt;
import dev.asyncgateway.store.DeliveryStore;
import dev.asyncgateway.store.FetchAttempt;
import dev.asyncgateway.store.JobRow;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** The account's jobs: a filtered, paged list, and one job with its timeline, cancel and re-send. */
@Path("/console/jobs")
@Produces(MediaType.TEXT_HTML)
public class ConsoleJobsResource {

    private static final Set<String> STATUSES = Set.of("running", "finished", "failed");
    private static final int PREVIEW_CHARS = 4000;
    private static final int TEXT_MAX = 2000;
    private static final Map<String, String> NOTICES = Map.of(
            "cancelled", "The job was cancelled.",
            "resent", "The callback was queued again; its attempts appear below as they happen.");

    @Inject
    ConsoleActions actions;

    @Inject
    ConsoleFrames frames;

    @Inject
    ConsoleStore store;

    @Inject
    DeliveryStore deliveries;

    @Inject
    JobQueryService jobs;

    @Inject
    JobCancellationService cancellation;

    @Inject
    CallbackService callbacks;

    @Inject
    ConsoleConfig config;

    @Inject
    ObjectMapper json;

    @GET
    @Operation(hidden = true)
    public Uni<Response> list(@CookieParam(ConsoleSessions.COOKIE) String cookie, @QueryParam("status") String status,
                              @QueryParam("project") String project, @QueryParam("batch") String batch,
                              @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("q") String q,
                              @QueryParam("after") String after) {
        ConsoleViews.Filters filters = new ConsoleViews.Filters(blankToNull(status), blankToNull(project),
                blankToNull(batch), blankToNull(from), blankToNull(to), blankToNull(q));
        int pageSize = config.pageSize();
        return actions.account(cookie).chain(session -> ConsoleHttp.guarded(() -> {
            ConsoleStore.JobFilter filter = filter(session.accountId(), filters);
            Cursor cursor = Cursor.decode(blankToNull(after));
            return store.searchJobs(filter, cursor == null ? null : cursor.createdAt(), cursor == null ? null : cursor.id(),
                            pageSize + 1)
                    .chain(rows -> frames.of(session, "Jobs", "jobs").map(frame -> {
                        boolean more = rows.size() > pageSize;
                        List<JobRow> shown = more ? rows.subList(0, pageSize) : rows;
                        String next = more ? "/console/jobs?" + query(filters)
                                + "after=" + Cursor.of(shown.get(shown.size() - 1)).encode() : null;
                        List<ConsoleViews.JobLine> lines = shown.stream().map(ConsoleJobsResource::line).toList();
                        return ConsoleHttp.html(ConsoleTemplates.jobs(new ConsoleViews.JobsView(frame, filters, lines, next,
                                cursor == null, "/console/jobs?" + query(filters))));
                    }));
        }));
    }

    @GET
    @Path("{id}")
    @Operation(hidden = true)
    public Uni<Response> job(@CookieParam(ConsoleSessions.COOKIE) String cookie, @PathParam("id") String id,
                             @QueryParam("done") String done) {
        return actions.account(cookie).chain(session -> page(session, id, 200, done == null ? null : NOTICES.get(done), null));
    }

    @POST
    @Path("{id}/cancel")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Uni<Response> cancel(@CookieParam(ConsoleSessions.COOKIE) String cookie, @PathParam("id") String id,
                                @FormParam("csrf") String csrf) {
        return actions.post(actions.account(cookie), csrf, session -> cancellation.cancel(jobId(id), session.accountId()),
                ConsoleActions.redirect(job -> "/console/jobs/" + job.id() + "?done=cancelled"), ConsoleActions.FailurePage.ERROR_PAGE);
    }

    @POST
    @Path("{id}/resend")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Uni<Response> resend(@CookieParam(ConsoleSessions.COOKIE) String cookie, @PathParam("id") String id,
                                @FormParam("csrf") String csrf) {
        return actions.post(actions.account(cookie), csrf, session -> callbacks.retry(jobId(id), session.accountId()),
                ConsoleActions.redirect(job -> "/console/jobs/" + job.id() + "?done=resent"),
                // A conflict (no callback URL, a delivery in progress) is shown on the job's page.
                (session, e) -> e.status() == 409 ? page(session, id, 409, null, e.getMessage()) : Uni.createFrom().failure(e));
    }

    private Uni<Response> page(ConsoleSession session, String id, int status, String notice, String error) {
        return ConsoleHttp.guarded(() -> jobs.getOwned(jobId(id), session.accountId()))
                .chain(job -> store.deliveries(job.id()).chain(deliveryRows -> deliveries.attempts(job.id())
                        .chain(attempts -> store.fetchAttempts(job.id()).chain(fetches -> frames.of(session,
                                "Job " + job.id(), "jobs").map(frame -> {
                            Map<UUID, Integer> numbers = new HashMap<>();
                            List<ConsoleViews.DeliveryLine> lines = new ArrayList<>();
                            for (ConsoleStore.DeliveryRow row : deliveryRows) {
                                numbers.put(row.id(), lines.size() + 1);
                                lines.add(new ConsoleViews.DeliveryLine(lines.size() + 1, CredentialMask.url(row.url()),
                                        row.status(), row.attempts(), row.maxAttempts(), ConsoleFormat.time(row.createdAt()),
                                        ConsoleFormat.time(row.endedAt())));
                            }
                            List<ConsoleViews.AttemptLine> attemptLines = attempts.stream()
                                    .map(a -> attempt(a, numbers.getOrDefault(a.deliveryId(), 0))).toList();
                            return ConsoleHttp.html(status, ConsoleTemplates.job(new ConsoleViews.JobPageView(frame,
                                    detail(job), lines, attemptLines, notice, error, fetchLines(fetches))));
                        })))));
    }

    private static List<ConsoleViews.FetchLine> fetchLines(List<FetchAttempt> fetches) {
        List<ConsoleViews.FetchLine> lines = new ArrayList<>(fetches.size());
        for (FetchAttempt f : fetches) {
            lines.add(new ConsoleViews.FetchLine(lines.size() + 1, ConsoleFormat.time(f.startedAt().atOffset(ZoneOffset.UTC)),
                    f.durationMs(), f.statusCode() != null ? f.statusCode().toString() : f.errorKind(),
                    f.rendered() ? "browser" : f.proxy() != null ? "proxy " + f.proxy() : "direct"));
        }
        return lines;
    }

    private ConsoleViews.JobDetail detail(JobRow job) {
        JsonNode response = ConsoleFormat.parse(json, job.response());
        Integer resultStatus = null;
        List<ConsoleViews.NameValue> resultHeaders = List.of();
        String preview = null;
        boolean truncated = false;
        boolean binary = false;
        String finalUrl = null;
        String warnings = null;
        if (response != null && response.isObject()) {
            resultStatus = response.hasNonNull("statusCode") ? response.get("statusCode").asInt() : null;
            resultHeaders = nameValues(response.get("headers"), false);
            if (response.hasNonNull("body")) {
                JsonNode body = response.get("body");
                String text = body.isTextual() ? body.asText() : body.toString();
                truncated = text.length() > PREVIEW_CHARS;
                preview = truncated ? text.substring(0, PREVIEW_CHARS) : text;
            }
            binary = response.hasNonNull("base64EncodedBody");
            finalUrl = response.hasNonNull("finalUrl") ? response.get("finalUrl").asText() : null;
            warnings = response.hasNonNull("warnings") ? response.get("warnings").toString() : null;
        }
        String duration = job.finishedAt() == null ? null
                : ConsoleFormat.duration(Duration.between(job.createdAt(), job.finishedAt()));
        return new ConsoleViews.JobDetail(job.id().toString(), job.status(), job.url(), job.method(), job.statusUrl(),
                job.project(), job.batchId() == null ? null : job.batchId().toString(),
                nameValues(ConsoleFormat.parse(json, job.headers()), true),
                ConsoleFormat.prettyJson(json, job.apiParams()), ConsoleFormat.prettyJson(json, job.meta()), warnings,
                job.failReason(), job.attempts(), ConsoleFormat.time(job.createdAt()), ConsoleFormat.time(job.finishedAt()),
                duration, resultStatus, resultHeaders, preview, truncated, binary, finalUrl,
                response != null && response.hasNonNull("traceId") ? response.get("traceId").asText() : null,
                job.isRunning(), callbackState(job));
    }

    private static List<ConsoleViews.NameValue> nameValues(JsonNode object, boolean mask) {
        if (object == null || !object.isObject()) {
            return List.of();
        }
        List<ConsoleViews.NameValue> list = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String value = field.getValue().isTextual() ? field.getValue().asText() : field.getValue().toString();
            list.add(new ConsoleViews.NameValue(field.getKey(), mask ? CredentialMask.headerValue(value) : value));
        }
        return list;
    }

    private static ConsoleViews.AttemptLine attempt(DeliveryAttempt a, int delivery) {
        return new ConsoleViews.AttemptLine(delivery, a.attempt(), ConsoleFormat.time(a.startedAt()), a.durationMs(),
                a.statusCode() == null ? "–" : a.statusCode().toString(), a.errorKind(), a.error(), a.responseBody());
    }

    private static ConsoleViews.JobLine line(JobRow job) {
        return new ConsoleViews.JobLine(job.id().toString(), job.status(), job.url(), job.attempts(), callbackState(job),
                ConsoleFormat.age(job.createdAt()), ConsoleFormat.time(job.createdAt()));
    }

    private static String callbackState(JobRow job) {
        if (job.callback() != null) {
            return job.callback().status() + " (" + job.callback().attempts() + " attempt"
                    + (job.callback().attempts() == 1 ? "" : "s") + ")";
        }
        return job.callbackUrl() != null && job.isRunning() ? "pending" : "none";
    }

    private static ConsoleStore.JobFilter filter(UUID accountId, ConsoleViews.Filters f) {
        if (f.status() != null && !STATUSES.contains(f.status())) {
            throw new ConsoleFailure(400, "Status must be running, finished or failed.");
        }
        UUID batch = null;
        if (f.batch() != null) {
            try {
                batch = UUID.fromString(f.batch().trim());
            } catch (IllegalArgumentException e) {
                throw new ConsoleFailure(400, "The batch must be a batch id.");
            }
        }
        String text = f.q() == null ? null : f.q().trim();
        if (text != null && text.length() > TEXT_MAX) {
            throw new ConsoleFailure(400, "The search text is longer than " + TEXT_MAX + " characters.");
        }
        return new ConsoleStore.JobFilter(accountId, f.status(), f.project(), batch, instant(f.from(), "from"),
                instant(f.to(), "to"), text == null || text.isEmpty() ? null : text);
    }

    /** The browser's datetime-local value, read as UTC (the times the console shows are UTC). */
    private static OffsetDateTime instant(String value, String field) {
        if (value == null) {
            return null;
        }
        try {
            return LocalDateTime.parse(value.trim()).atOffset(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new ConsoleFailure(400, "'" + field + "' must be a date and time like 2025-01-31T13:45.");
        }
    }

    private static UUID jobId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new ConsoleFailure(404, "There is no such job.");
        }
    }

    private static String query(ConsoleViews.Filters f) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("status", f.status());
        params.put("project", f.project());
        params.put("batch", f.batch());
        params.put("from", f.from());
        params.put("to", f.to());
        params.put("q", f.q());
        StringBuilder query = new StringBuilder();
        params.forEach((name, value) -> {
            if (value != null) {
                query.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8)).append('&');
            }
        });
        return query.toString();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    /** Position after the last job of a page, as the API's cursor: creation time in microseconds and id. */
    record Cursor(OffsetDateTime createdAt, UUID id) {

        static Cursor of(JobRow job) {
            return new Cursor(job.createdAt(), job.id());
        }

        String encode() {
            long micros = ChronoUnit.MICROS.between(Instant.EPOCH, createdAt.toInstant());
            return Base64.getUrlEncoder().withoutPadding().encodeToString((micros + ":" + id).getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String cursor) {
            if (cursor == null) {
                return null;
            }
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split(":", 2);
                Instant at = Instant.EPOCH.plus(Long.parseLong(parts[0]), ChronoUnit.MICROS);
                return new Cursor(OffsetDateTime.ofInstant(at, ZoneOffset.UTC), UUID.fromString(parts[1]));
            } catch (RuntimeException e) {
                throw new ConsoleFailure(400, "That page link is not one the console made.");
            }
        }
    }
}
