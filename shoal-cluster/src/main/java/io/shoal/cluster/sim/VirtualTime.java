package io.shoal.cluster.sim;

import io.shoal.cluster.time.Clock;
import java.util.PriorityQueue;

/**
 * The simulator's single time line: a clock that jumps from event to event, and the queue of
 * events (timers and message deliveries) ordered by time, then by insertion, so that equal
 * times resolve the same way in every run.
 */
public final class VirtualTime implements Clock {

    /** Wall time at virtual zero: any fixed value works, this one reads well in logs. */
    private static final long EPOCH_MILLIS = 1_700_000_000_000L;

    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private long nowMillis;
    private long sequence;
    private long eventsRun;

    private record Event(long atMillis, long sequence, Runnable task) implements Comparable<Event> {
        @Override
        public int compareTo(Event other) {
            int byTime = Long.compare(atMillis, other.atMillis);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }

    @Override
    public long monotonicMillis() {
        return nowMillis;
    }

    @Override
    public long wallMillis() {
        return EPOCH_MILLIS + nowMillis;
    }

    public void at(long atMillis, Runnable task) {
        queue.add(new Event(Math.max(atMillis, nowMillis), sequence++, task));
    }

    public void after(long delayMillis, Runnable task) {
        at(nowMillis + Math.max(0, delayMillis), task);
    }

    /** Runs every event up to and including the given time, then sets the clock to it. */
    public void runUntil(long untilMillis) {
        while (!queue.isEmpty() && queue.peek().atMillis() <= untilMillis) {
            Event event = queue.poll();
            nowMillis = event.atMillis();
            eventsRun++;
            event.task().run();
        }
        nowMillis = Math.max(nowMillis, untilMillis);
    }

    public long eventsRun() {
        return eventsRun;
    }

    public int pending() {
        return queue.size();
    }
}
