package io.shoal.server.server;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.shoal.server.ShoalServer;
import java.util.ArrayList;

/**
 * The connections of one event loop whose replies wait for a reply barrier's shared work (the
 * AOF's write of the records their commands logged), or for the end of the iteration after a
 * pipelined read. Instead of each connection paying for that
 * work when it flushes, they join this batch; a task on the event loop, which Netty runs after
 * the iteration's reads, does the work once (Redis's beforeSleep: one AOF write per iteration,
 * not one per client) and then flushes every connection of the batch.
 */
final class FlushBatch implements Runnable {
  private static final FastThreadLocal<FlushBatch> OF_EVENT_LOOP = new FastThreadLocal<>() {
    @Override
    protected FlushBatch initialValue() {
      return new FlushBatch();
    }
  };

  private ArrayList<ConnectionHandler> waiting = new ArrayList<>();
  private ArrayList<ConnectionHandler> flushing = new ArrayList<>();
  private ShoalServer server;
  private boolean scheduled;
  /**
   * A batch flushes as soon as it holds this many connections, before the iteration ends: replies
   * then reach clients while the event loop still reads others (the overlap with the clients' own
   * core that makes plain SET fast), at one AOF write per EARLY connections. Measured at 50
   * clients, -P 1, everysec (docs/performance.md): 2 did better than 8 and than the end of the
   * iteration only.
   */
  static final int EARLY = 2;

  /**
   * Adds a connection of the calling event loop to its batch; the first one schedules the batch.
   * {@code barrier} says a reply barrier batches it; a connection that only read a pipeline
   * ({@link ConnectionHandler#channelReadComplete}) waits for the end of the iteration.
   */
  static void join(ShoalServer server, ConnectionHandler connection, EventExecutor eventLoop, boolean barrier) {
    FlushBatch batch = OF_EVENT_LOOP.get();
    if (!batch.scheduled) {
      batch.scheduled = true;
      batch.server = server;
      eventLoop.execute(batch);
    }
    batch.waiting.add(connection);
    if (barrier && batch.waiting.size() >= EARLY && server.replyBatchesFlushEarly()) {
      batch.flush();
    }
  }

  @Override
  public void run() {
    scheduled = false;
    flush();
  }

  private void flush() {
    if (waiting.isEmpty()) {
      return;
    }
    ArrayList<ConnectionHandler> batch = waiting;
    waiting = flushing;
    flushing = batch;
    // One event loop belongs to one server: every connection of the batch shares this work.
    server.beforeBatchFlush();
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).flushBatched();
    }
    batch.clear();
  }
}
