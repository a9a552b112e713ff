package dev.asyncgateway.job;

import dev.asyncgateway.common.ClientError;
import dev.asyncgateway.config.GatewayConfig;
import dev.asyncgateway.store.JobRow;
import dev.asyncgateway.store.JobStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Reads of jobs: one by id (the statusUrl) and an account's jobs page by page. */
@ApplicationScoped
public class JobQueryService {

    private static final Set<String> STATUSES = Set.of("running", "finished", "failed");
    private static final int DEFAULT_PAGE = 50;

    @Inject
    JobStore store;

    @Inject
    GatewayConfig config;

    public Uni<JobRow> get(UUID id) {
        return store.find(id).onItem().ifNull().failWith(() -> ClientError.notFound("job not found"));
    }

    /** A job of this account; another account's job answers 404 exactly like a missing one. */
    public Uni<JobRow> getOwned(UUID id, UUID accountId) {
        return get(id).invoke(job -> {
            if (!job.accountId().equals(accountId)) {
                throw ClientError.notFound("job not found");
            }
        });
    }

    public Uni<JobPage> list(UUID accountId, String status, String limit, String cursor) {
        if (status != null && !STATUSES.contains(status)) {
            throw ClientError.invalid("'status' must be running, finished or failed", "status");
        }
        int pageSize = pageSize(limit);
        Cursor position = cursor == null || cursor.isEmpty() ? null : Cursor.decode(cursor);
        return store.list(accountId, status, position == null ? null : position.createdAt(),
                        position == null ? null : position.id(), pageSize + 1)
                .map(rows -> page(rows, pageSize));
    }

    private int pageSize(String limit) {
        int max = config.jobs().listMaxLimit();
        if (limit == null || limit.isEmpty()) {
            return Math.min(DEFAULT_PAGE, max);
        }
        try {
            int n = Integer.parseInt(limit);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ClientError.invalid("'limit' must be a whole number from 1 to " + max, "limit");
    }

    /** Fetches one row more than asked: its presence says there is a next page. */
    private static JobPage page(List<JobRow> rows, int pageSize) {
        boolean more = rows.size() > pageSize;
        List<JobRow> shown = more ? rows.subList(0, pageSize) : rows;
        String next = more ? Cursor.of(shown.get(shown.size() - 1)).encode() : null;
        return new JobPage(shown.stream().map(JobView::of).toList(), next);
    }

    /** Position after the last job of a page: its creation time (microseconds, as PostgreSQL keeps it) and id. */
    record Cursor(OffsetDateTime createdAt, UUID id) {

        static Cursor of(JobRow job) {
            return new Cursor(job.createdAt(), job.id());
        }

        String encode() {
            Instant at = createdAt.toInstant();
            long micros = ChronoUnit.MICROS.between(Instant.EPOCH, at);
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((micros + ":" + id).getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String cursor) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split(":", 2);
                Instant at = Instant.EPOCH.plus(Long.parseLong(parts[0]), ChronoUnit.MICROS);
                return new Cursor(OffsetDateTime.ofInstant(at, ZoneOffset.UTC), UUID.fromString(parts[1]));
            } catch (RuntimeException e) {
                throw ClientError.invalid("'cursor' is not a cursor this API returned", "cursor");
            }
        }
    }
}
