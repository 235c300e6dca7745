package io.shoal.server.client;

import java.util.Collection;
import java.util.Collections;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/** Connected clients by id, in id order as CLIENT LIST prints them. */
public final class ClientRegistry {
  private final ConcurrentSkipListMap<Long, ClientConnection> clients = new ConcurrentSkipListMap<>();
  private final AtomicLong nextId = new AtomicLong(1);
  private final AtomicLong totalConnections = new AtomicLong();
  private final AtomicLong rejectedConnections = new AtomicLong();

  public long nextId() {
    return nextId.getAndIncrement();
  }

  public void add(ClientConnection client) {
    clients.put(client.id(), client);
    totalConnections.incrementAndGet();
  }

  public void remove(ClientConnection client) {
    clients.remove(client.id());
  }

  public ClientConnection get(long id) {
    return clients.get(id);
  }

  public Collection<ClientConnection> all() {
    return Collections.unmodifiableCollection(clients.values());
  }

  public int size() {
    return clients.size();
  }

  public long totalConnections() {
    return totalConnections.get();
  }

  public void countRejected() {
    rejectedConnections.incrementAndGet();
  }

  public long rejectedConnections() {
    return rejectedConnections.get();
  }
}
