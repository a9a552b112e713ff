package dev.asyncgateway.queue;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Context;
import io.vertx.core.impl.VertxInternal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One Vert.x context on each event loop, handed out in turn. The answers to a statement or an HTTP exchange come
 * back on the context that started it, so the rows of a claim issued from one of these contexts run their attempts
 * on its loop: successive claims share the work among the loops. Claims issued from whatever context woke the loop
 * would put it wherever that happened to be, often all of it on one loop while the others idle.
 * <p>
 * Vert.x has no public way to make a context on a chosen event loop, hence its internal interface here.
 */
final class EventLoopRotation {

    private final List<Context> contexts = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();

    EventLoopRotation(io.vertx.core.Vertx vertx) {
        VertxInternal internal = (VertxInternal) vertx;
        ClassLoader classLoader = Thread.currentThread().getContextClassLoader();
        for (EventExecutor loop : internal.getEventLoopGroup()) {
            contexts.add(internal.createEventLoopContext((EventLoop) loop, internal.getWorkerPool(), classLoader));
        }
    }

    /** The next loop's context. */
    Context next() {
        return contexts.get(Math.floorMod(next.getAndIncrement(), contexts.size()));
    }
}
