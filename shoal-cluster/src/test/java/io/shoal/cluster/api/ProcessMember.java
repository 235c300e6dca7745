package io.shoal.cluster.api;

import io.shoal.cluster.member.NodeAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A member in its own JVM, for the multi-process test: prints its identity and every event as
 * one line on stdout, so that the test can follow it without sleeping.
 *
 * <pre>java -cp … io.shoal.cluster.api.ProcessMember &lt;port&gt; &lt;identity file&gt; &lt;seed host:port&gt;…</pre>
 */
public final class ProcessMember {

    private ProcessMember() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path identity = Path.of(args[1]);
        List<NodeAddress> seeds = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            seeds.add(NodeAddress.parse(args[i]));
        }
        ClusterConfig config = ClusterConfig.builder().host("127.0.0.1").port(port).seeds(seeds)
                .identityFile(identity).build();
        ClusterMember member = Cluster.start(config);
        member.subscribe(event -> System.out.println("EVENT " + describe(event)));
        System.out.println("ID " + member.id().toHex() + " " + member.incarnation().value());
        System.out.flush();
        // Runs until killed; the parent test ends it with destroyForcibly (kill -9).
        Thread.currentThread().join();
    }

    static String describe(ClusterEvent event) {
        if (event instanceof ClusterEvent.MemberUp e) {
            return "MemberUp " + e.member().id().toHex() + " " + e.member().incarnation().value();
        } else if (event instanceof ClusterEvent.Unreachable e) {
            return "Unreachable " + e.member().id().toHex() + " " + e.member().incarnation().value();
        } else if (event instanceof ClusterEvent.Reachable e) {
            return "Reachable " + e.member().id().toHex() + " " + e.member().incarnation().value();
        } else if (event instanceof ClusterEvent.Down e) {
            return "Down " + e.member().id().toHex() + " " + e.member().incarnation().value();
        } else if (event instanceof ClusterEvent.Removed e) {
            return "Removed " + e.member().id().toHex() + " " + e.member().incarnation().value();
        }
        return event.getClass().getSimpleName();
    }
}
