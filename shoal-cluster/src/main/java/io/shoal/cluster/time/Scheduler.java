package io.shoal.cluster.time;

/**
 * Runs tasks later, on the thread that owns the node's protocol state.
 *
 * <p>Every node is confined to one thread (a Netty event loop in production, the simulator's
 * thread in simulation), so tasks never race with message handlers and protocol state needs no
 * locks. Implementations must run tasks on that thread.
 */
public interface Scheduler {

    /** Runs the task once after the delay; the returned handle cancels it if it has not run. */
    Cancellable schedule(long delayMillis, Runnable task);

    /** Runs the task as soon as possible on the owning thread. */
    void execute(Runnable task);

    /** A task that may still be cancelled. */
    interface Cancellable {
        void cancel();
    }
}
