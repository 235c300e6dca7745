package io.shoal.cluster.sim;

import io.shoal.cluster.member.NodeAddress;
import io.shoal.cluster.member.NodeId;
import io.shoal.cluster.node.ClusterNode;

/** One simulated process: the real {@link ClusterNode} with its network endpoint and timers. */
public final class SimNode {

    final int index;
    final NodeId id;
    final NodeAddress address;
    final ClusterNode node;
    final SimNetwork.Endpoint endpoint;
    final SimScheduler scheduler;
    boolean started;

    SimNode(int index, NodeId id, NodeAddress address, ClusterNode node, SimNetwork.Endpoint endpoint,
            SimScheduler scheduler) {
        this.index = index;
        this.id = id;
        this.address = address;
        this.node = node;
        this.endpoint = endpoint;
        this.scheduler = scheduler;
    }

    public ClusterNode node() {
        return node;
    }

    public boolean isAlive() {
        return endpoint.isAlive();
    }

    public int side() {
        return endpoint.side();
    }

    void crash() {
        endpoint.crash();
        scheduler.stop();
        node.stop();
    }
}
