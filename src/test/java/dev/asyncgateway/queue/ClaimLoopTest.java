package dev.asyncgateway.queue;

import io.smallrye.mutiny.Uni;
import io.vertx.core.VertxOptions;
import io.vertx.mutiny.core.Vertx;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The claim loop's own bookkeeping, on rows the test hands it and attempts the test ends. */
class ClaimLoopTest {

    private record Row(UUID id, UUID lease) {
    }

    /** A loop whose attempts each wait for the test to end them; it never claims by itself. */
    private static class ScriptedLoop extends ClaimLoop<Row> {
        final Map<UUID, CompletableFuture<Void>> attemptsByLease = new ConcurrentHashMap<>();

        @Override
        public String workName() {
            return "row";
        }

        @Override
        protected int capacity() {
            return 4;
        }

        @Override
        protected Uni<List<Row>> claim(int free) {
            return Uni.createFrom().item(List.of());
        }

        @Override
        protected boolean mayHaveMore(List<Row> claimed, int free) {
            return false;
        }

        @Override
        protected Uni<Void> run(Row row, Runnable exchanged) {
            return Uni.createFrom().completionStage(attemptsByLease.computeIfAbsent(row.lease(), lease -> new CompletableFuture<>()));
        }

        @Override
        protected UUID id(Row row) {
            return row.id();
        }

        @Override
        protected UUID leaseToken(Row row) {
            return row.lease();
        }

        @Override
        protected Uni<Integer> release(Map<UUID, UUID> leasesById) {
            return Uni.createFrom().item(leasesById.size());
        }

        void endAttempt(Row row) {
            attemptsByLease.get(row.lease()).complete(null);
        }
    }

    @Test
    void anAttemptWhoseLeaseLapsedLeavesTheLeaseOfTheRowsNextAttemptInPlace() {
        ScriptedLoop loop = new ScriptedLoop();
        UUID rowId = UUID.randomUUID();
        Row lapsed = new Row(rowId, UUID.randomUUID());
        Row reclaimed = new Row(rowId, UUID.randomUUID());
        loop.startReserved(List.of(lapsed), 1);
        // Its lease lapsed (renewals failed) and this same instance claimed the row again while the first attempt ran on.
        loop.startReserved(List.of(reclaimed), 1);

        loop.endAttempt(lapsed);

        assertEquals(Map.of(rowId, reclaimed.lease()), loop.leases(), "the new attempt's lease is still renewed and handed back");
        assertEquals(1, loop.releaseUnfinished().await().atMost(Duration.ofSeconds(1)));
        loop.endAttempt(reclaimed);
        assertEquals(Map.of(), loop.leases());
    }

    /** A loop that finds one row at each claim and notes the thread each claim ran on; the attempts end at once. */
    private static final class ThreadNotingLoop extends ScriptedLoop {
        final Set<String> claimThreads = ConcurrentHashMap.newKeySet();

        @Override
        protected Uni<List<Row>> claim(int free) {
            claimThreads.add(Thread.currentThread().getName());
            return Uni.createFrom().item(List.of(new Row(UUID.randomUUID(), UUID.randomUUID())));
        }

        @Override
        protected Uni<Void> run(Row row, Runnable exchanged) {
            exchanged.run();
            return Uni.createFrom().voidItem();
        }
    }

    @Test
    void successiveClaimsRunOnEachEventLoopInTurnWhoeverWokeTheLoop() {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        try {
            ThreadNotingLoop loop = new ThreadNotingLoop();
            loop.startLoop(vertx, new WakeUpSignal(), "test", Duration.ofHours(1));
            // woken again and again from this one thread, as a signal or a finished row would wake it from theirs
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                loop.wake();
                return loop.claimThreads.size() == 2;
            });
            assertEquals(Set.of("vert.x-eventloop-thread-0", "vert.x-eventloop-thread-1"), loop.claimThreads);
            loop.stopClaiming();
        } finally {
            vertx.closeAndAwait();
        }
    }
}
