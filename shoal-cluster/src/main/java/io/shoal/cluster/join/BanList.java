package io.shoal.cluster.join;

import io.shoal.cluster.member.NodeId;
import java.util.HashMap;
import java.util.Map;

/**
 * Node IDs whose gossip and join requests are ignored until a deadline, so that a forgotten or
 * removed node cannot come back from a stale message still travelling between peers.
 *
 * <p>Redis's CLUSTER FORGET keeps such a list for 60 seconds. A ban covers incarnations up to
 * a bound: a removed node may come back with a newer incarnation (it restarted), a forgotten
 * node may not come back at all until the ban expires. The list is bounded; when full, the ban
 * that expires first is dropped.
 */
public final class BanList {

    public static final int BANS_MAX = 4096;
    public static final long ALL_INCARNATIONS = Long.MAX_VALUE;

    private final Map<NodeId, Ban> bans = new HashMap<>();

    private record Ban(long incarnationMax, long expiresAtMillis) {
    }

    public void ban(NodeId id, long incarnationMax, long expiresAtMillis) {
        Ban current = bans.get(id);
        if (current != null) {
            incarnationMax = Math.max(incarnationMax, current.incarnationMax);
            expiresAtMillis = Math.max(expiresAtMillis, current.expiresAtMillis);
        } else if (bans.size() >= BANS_MAX) {
            NodeId first = null;
            long earliest = Long.MAX_VALUE;
            for (Map.Entry<NodeId, Ban> entry : bans.entrySet()) {
                if (entry.getValue().expiresAtMillis < earliest) {
                    earliest = entry.getValue().expiresAtMillis;
                    first = entry.getKey();
                }
            }
            bans.remove(first);
        }
        bans.put(id, new Ban(incarnationMax, expiresAtMillis));
    }

    public boolean isBanned(NodeId id, long incarnation, long nowMillis) {
        Ban ban = bans.get(id);
        return ban != null && ban.expiresAtMillis > nowMillis && incarnation <= ban.incarnationMax;
    }

    public void pruneExpired(long nowMillis) {
        bans.values().removeIf(ban -> ban.expiresAtMillis <= nowMillis);
    }

    public int size() {
        return bans.size();
    }
}
