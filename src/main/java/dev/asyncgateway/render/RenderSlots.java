package dev.asyncgateway.render;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Pages open at once, with their own bounded queue: a render waits here, never in a fetch slot, and past
 * {@code queueMax} waiting renders the attempt fails at once (retried later) instead of piling up leases.
 */
final class RenderSlots {

    private final int capacity;
    private final int queueMax;
    private final Deque<Waiter> waiting = new ArrayDeque<>();
    private int busy;

    RenderSlots(int capacity, int queueMax) {
        this.capacity = capacity;
        this.queueMax = queueMax;
    }

    /** A held slot; releasing it twice releases it once. */
    final class Slot {
        private final AtomicBoolean released = new AtomicBoolean();
        private volatile boolean delivered;

        void release() {
            if (released.compareAndSet(false, true)) {
                freed();
            }
        }
    }

    private static final class Waiter {
        final UniEmitter<? super Slot> emitter;
        Slot granted;

        Waiter(UniEmitter<? super Slot> emitter) {
            this.emitter = emitter;
        }
    }

    Uni<Slot> acquire() {
        return Uni.createFrom().<Slot>emitter(emitter -> {
            Waiter waiter = new Waiter(emitter);
            boolean now = false;
            boolean full = false;
            synchronized (this) {
                if (busy < capacity) {
                    busy++;
                    now = true;
                } else if (waiting.size() >= queueMax) {
                    full = true;
                } else {
                    waiting.add(waiter);
                }
            }
            if (full) {
                emitter.fail(new RenderFailure("render_queue_full", "more than " + queueMax + " renders are waiting", true));
                return;
            }
            if (now) {
                emitter.complete(new Slot());
                return;
            }
            emitter.onTermination(() -> {
                Slot lost;
                synchronized (this) {
                    waiting.remove(waiter);
                    lost = waiter.granted;
                }
                // Given up between being granted a slot and receiving it: the slot goes to the next in line.
                if (lost != null && !lost.delivered) {
                    lost.release();
                }
            });
        }).invoke(slot -> slot.delivered = true);
    }

    synchronized int busy() {
        return busy;
    }

    synchronized int waiting() {
        return waiting.size();
    }

    private void freed() {
        Waiter next;
        Slot slot = new Slot();
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                busy--;
                return;
            }
            next.granted = slot;
        }
        next.emitter.complete(slot);
    }
}
