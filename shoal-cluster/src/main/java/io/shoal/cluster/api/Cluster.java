package io.shoal.cluster.api;

/** The entry point: {@code ClusterMember member = Cluster.start(config);}. */
public final class Cluster {

    private Cluster() {
    }

    /** Starts a member: binds its bus port and starts joining. */
    public static ClusterMember start(ClusterConfig config) {
        return ClusterMember.start(config);
    }
}
