package io.github.ec2metadata.proxycache.upstream;

import io.smallrye.mutiny.Uni;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.function.Supplier;

/**
 * Lets at most a fixed number of upstream requests run at once; the rest wait in a bounded
 * first-come queue instead of being refused, so that a burst is spread out rather than dropped.
 */
final class ConnectionGate {

    private final int maxRunning;
    private final int maxWaiting;
    private final LinkedHashSet<Runnable> waiting = new LinkedHashSet<>();
    private int running;

    ConnectionGate(int maxRunning, int maxWaiting) {
        this.maxRunning = maxRunning;
        this.maxWaiting = maxWaiting;
    }

    /** Runs the call when a place is free; fails with QUEUE_FULL if the queue is full. */
    <T> Uni<T> submit(Supplier<Uni<T>> call) {
        return Uni.createFrom().emitter(emitter -> {
            Runnable start = () -> call.get()
                    .onTermination().invoke(this::leave)
                    .subscribe().with(emitter::complete, emitter::fail);
            emitter.onTermination(() -> forget(start));
            if (!enter(start)) {
                emitter.fail(new UpstreamFailure(UpstreamFailure.Kind.QUEUE_FULL,
                        maxWaiting + " requests waiting"));
            }
        });
    }

    /** Requests waiting for a place. */
    synchronized int waitingCount() {
        return waiting.size();
    }

    private boolean enter(Runnable start) {
        synchronized (this) {
            if (running >= maxRunning) {
                return waiting.size() < maxWaiting && waiting.add(start);
            }
            running++;
        }
        start.run();
        return true;
    }

    private void leave() {
        Runnable next;
        synchronized (this) {
            Iterator<Runnable> first = waiting.iterator();
            next = first.hasNext() ? first.next() : null;
            if (next == null) {
                running--;
            } else {
                first.remove();
            }
        }
        if (next != null) {
            next.run();
        }
    }

    /** Drops a request that gave up while still waiting, so that it never takes a place. */
    private synchronized void forget(Runnable start) {
        waiting.remove(start);
    }
}
