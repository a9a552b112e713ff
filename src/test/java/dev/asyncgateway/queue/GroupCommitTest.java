package dev.asyncgateway.queue;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.mutiny.core.Vertx;
import io.vertx.sqlclient.ClosedConnectionException;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.instanceOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Group commit: who shares a write, who learns of a failure, and where callers resume. */
@QuarkusTest
class GroupCommitTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Inject
    Vertx vertx;

    /** A writer that records each batch; every write waits for {@link #gate}, and fails for a batch holding "bad". */
    private static final class Writer implements Function<List<String>, Uni<?>> {
        final List<List<String>> batches = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> gate = new CompletableFuture<>();
        final Throwable badItemFailure;

        Writer(Throwable badItemFailure) {
            this.badItemFailure = badItemFailure;
        }

        @Override
        public Uni<?> apply(List<String> items) {
            batches.add(items);
            Uni<Void> held = Uni.createFrom().completionStage(gate);
            return items.contains("bad") ? held.chain(() -> Uni.createFrom().failure(badItemFailure)) : held;
        }
    }

    private static CompletableFuture<Void> submit(GroupCommit<String> commit, String item) {
        return commit.submit(item).subscribeAsCompletionStage();
    }

    private static Throwable failureOf(CompletableFuture<Void> call) {
        return assertThrows(ExecutionException.class, () -> call.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).getCause();
    }

    @Test
    void itemsArrivingDuringAWriteShareTheNextOneAndEachCallerWaitsForItsOwn() throws Exception {
        Writer writer = new Writer(null);
        GroupCommit<String> commit = GroupCommit.failing("item", 100, writer);
        CompletableFuture<Void> first = submit(commit, "a");
        List<CompletableFuture<Void>> queued = List.of(submit(commit, "b"), submit(commit, "c"), submit(commit, "d"));

        assertEquals(List.of(List.of("a")), writer.batches);
        assertFalse(first.isDone());
        assertTrue(queued.stream().noneMatch(CompletableFuture::isDone));

        writer.gate.complete(null);
        for (CompletableFuture<Void> call : queued) {
            call.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        assertTrue(first.isDone());
        assertEquals(List.of(List.of("a"), List.of("b", "c", "d")), writer.batches);
    }

    @Test
    void aBatchIsCutAtTheMaximumSize() {
        Writer writer = new Writer(null);
        GroupCommit<String> commit = GroupCommit.failing("item", 2, writer);
        List<CompletableFuture<Void>> calls = List.of(submit(commit, "a"), submit(commit, "b"), submit(commit, "c"),
                submit(commit, "d"), submit(commit, "e"));
        writer.gate.complete(null);
        calls.forEach(CompletableFuture::join);
        assertEquals(List.of(List.of("a"), List.of("b", "c"), List.of("d", "e")), writer.batches);
    }

    @Test
    void aBadItemFailsOnlyItsOwnCallerAndTheRestOfItsBatchIsWritten() throws Exception {
        IllegalArgumentException bad = new IllegalArgumentException("not storable");
        Writer writer = new Writer(bad);
        GroupCommit<String> commit = GroupCommit.failing("item", 100, writer);
        CompletableFuture<Void> first = submit(commit, "a");
        CompletableFuture<Void> good1 = submit(commit, "b");
        CompletableFuture<Void> poisoned = submit(commit, "bad");
        CompletableFuture<Void> good2 = submit(commit, "c");
        writer.gate.complete(null);

        first.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        good1.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        good2.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertSame(bad, failureOf(poisoned));
        assertEquals(List.of("b", "bad", "c"), writer.batches.get(1));
        assertThat(writtenWithout("bad", writer.batches), containsInAnyOrder("a", "b", "c"));
        assertTrue(writer.batches.contains(List.of("bad")), "the bad item was narrowed down to a write of its own");
    }

    @Test
    void aPoisonItemIsSettledOnceByItsFallbackWhileTheOthersAreWrittenAsTheyAre() throws Exception {
        Writer writer = new Writer(new IllegalArgumentException("invalid byte sequence"));
        List<String> settled = new CopyOnWriteArrayList<>();
        GroupCommit<String> commit = GroupCommit.retryingOutages("item", 100, writer,
                new GroupCommit.Poison<>(item -> item, item -> {
                    settled.add(item);
                    return Uni.createFrom().voidItem();
                }), vertx);
        List<String> items = List.of("a", "b", "c", "d", "bad", "e", "f", "g", "h");
        CompletableFuture<Void> first = submit(commit, "first");
        List<CompletableFuture<Void>> calls = items.stream().map(item -> submit(commit, item)).toList();
        writer.gate.complete(null);

        first.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        for (CompletableFuture<Void> call : calls) {
            call.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        assertEquals(List.of("bad"), settled);
        assertThat(writtenWithout("bad", writer.batches), containsInAnyOrder("first", "a", "b", "c", "d", "e", "f", "g", "h"));
        long writesWithTheBadItem = writer.batches.stream().filter(batch -> batch.contains("bad")).count();
        assertTrue(writesWithTheBadItem <= 4, "halving, not item by item: " + writer.batches);

        submit(commit, "later").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals(List.of("later"), writer.batches.get(writer.batches.size() - 1), "the queue moved on");
    }

    @Test
    void aPoisonItemWhoseFallbackFailsTooFailsOnlyItsOwnCaller() throws Exception {
        Writer writer = new Writer(new IllegalArgumentException("invalid byte sequence"));
        IllegalStateException fallbackFailure = new IllegalStateException("the fallback is not storable either");
        GroupCommit<String> commit = GroupCommit.retryingOutages("item", 100, writer,
                new GroupCommit.Poison<>(item -> item, item -> Uni.createFrom().failure(fallbackFailure)), vertx);
        CompletableFuture<Void> first = submit(commit, "a");
        CompletableFuture<Void> poisoned = submit(commit, "bad");
        CompletableFuture<Void> neighbour = submit(commit, "b");
        writer.gate.complete(null);

        first.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        neighbour.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertSame(fallbackFailure, failureOf(poisoned));
    }

    @Test
    void anOutageWhileABatchIsNarrowedDownIsWaitedOutNotSettled() throws Exception {
        AtomicBoolean outagePending = new AtomicBoolean(true);
        List<List<String>> batches = new CopyOnWriteArrayList<>();
        List<String> settled = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> gate = new CompletableFuture<>();
        GroupCommit<String> commit = GroupCommit.retryingOutages("item", 100, items -> {
            batches.add(items);
            Uni<Void> held = Uni.createFrom().completionStage(gate);
            if (items.contains("bad")) {
                return held.chain(() -> Uni.createFrom().failure(new IllegalArgumentException("not storable")));
            }
            if (items.equals(List.of("b")) && outagePending.compareAndSet(true, false)) {
                return held.chain(() -> Uni.createFrom().failure(ClosedConnectionException.INSTANCE));
            }
            return held;
        }, new GroupCommit.Poison<>(item -> item, item -> {
            settled.add(item);
            return Uni.createFrom().voidItem();
        }), vertx);
        CompletableFuture<Void> first = submit(commit, "a");
        CompletableFuture<Void> interrupted = submit(commit, "b");
        CompletableFuture<Void> poisoned = submit(commit, "bad");
        gate.complete(null);

        first.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        poisoned.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        interrupted.get(WAIT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        assertEquals(List.of("bad"), settled);
        assertEquals(2, batches.stream().filter(List.of("b")::equals).count(), "written again once the database was back");
    }

    @Test
    void anOutageFailsEveryCallerOfTheBatchWithoutWritingAgain() {
        Writer writer = new Writer(ClosedConnectionException.INSTANCE);
        GroupCommit<String> commit = GroupCommit.failing("item", 100, writer);
        CompletableFuture<Void> first = submit(commit, "a");
        CompletableFuture<Void> neighbour = submit(commit, "b");
        CompletableFuture<Void> poisoned = submit(commit, "bad");
        writer.gate.complete(null);

        first.join();
        assertThat(failureOf(neighbour), instanceOf(ClosedConnectionException.class));
        assertThat(failureOf(poisoned), instanceOf(ClosedConnectionException.class));
        assertEquals(List.of(List.of("a"), List.of("b", "bad")), writer.batches);
    }

    @Test
    void aWriteThatThrowsWhileBeingBuiltFailsItsCallerAndTheQueueMovesOn() throws Exception {
        IllegalStateException broken = new IllegalStateException("cannot build the statement");
        GroupCommit<String> commit = GroupCommit.failing("item", 100, items -> {
            if (items.contains("bad")) {
                throw broken;
            }
            return Uni.createFrom().voidItem();
        });
        assertSame(broken, failureOf(submit(commit, "bad")));
        submit(commit, "good").get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void aCommitRetryingOutagesWritesABatchAgainWhenTheDatabaseIsBackWithoutSettlingAnything() throws Exception {
        List<List<String>> batches = new CopyOnWriteArrayList<>();
        List<String> settled = new CopyOnWriteArrayList<>();
        GroupCommit<String> commit = GroupCommit.retryingOutages("item", 100, items -> {
            batches.add(items);
            return batches.size() <= 2 ? Uni.createFrom().failure(ClosedConnectionException.INSTANCE) : Uni.createFrom().voidItem();
        }, new GroupCommit.Poison<>(item -> item, item -> {
            settled.add(item);
            return Uni.createFrom().voidItem();
        }), vertx);
        submit(commit, "a").get(WAIT.toMillis() + 2000, TimeUnit.MILLISECONDS);
        assertEquals(List.of(List.of("a"), List.of("a"), List.of("a")), batches);
        assertEquals(List.of(), settled);
    }

    /** Every item written by a write that succeeded and did not hold {@code bad}. */
    private static List<String> writtenWithout(String bad, List<List<String>> batches) {
        // The Writer fails exactly the batches holding the bad item, so the others are the successful writes.
        return batches.stream().filter(batch -> !batch.contains(bad)).flatMap(List::stream).toList();
    }

    @Test
    void callersResumeOnTheirOwnContextWhateverThreadFinishesTheWrite() {
        Writer writer = new Writer(null);
        GroupCommit<String> commit = GroupCommit.failing("item", 100, writer);
        Context callerContext = vertx.getDelegate().getOrCreateContext();
        CompletableFuture<Context> resumedOn = new CompletableFuture<>();
        callerContext.runOnContext(ignored -> commit.submit("a").subscribe().with(
                done -> resumedOn.complete(io.vertx.core.Vertx.currentContext()), resumedOn::completeExceptionally));
        await().atMost(WAIT).until(() -> writer.batches.size() == 1);

        writer.gate.complete(null); // on the test thread, outside any Vert.x context
        assertSame(callerContext, resumedOn.orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join());
    }
}
