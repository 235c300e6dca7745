package io.shoal.cluster.sim;

import io.shoal.cluster.time.Scheduler;

/**
 * One node's scheduler on the shared virtual time line. A crashed node's timers never fire.
 */
final class SimScheduler implements Scheduler {

    private final VirtualTime time;
    private boolean alive = true;

    SimScheduler(VirtualTime time) {
        this.time = time;
    }

    void stop() {
        alive = false;
    }

    @Override
    public Cancellable schedule(long delayMillis, Runnable task) {
        boolean[] cancelled = {false};
        time.after(delayMillis, () -> {
            if (alive && !cancelled[0]) {
                task.run();
            }
        });
        return () -> cancelled[0] = true;
    }

    @Override
    public void execute(Runnable task) {
        schedule(0, task);
    }
}
