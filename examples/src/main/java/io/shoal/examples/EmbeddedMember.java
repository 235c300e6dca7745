package io.shoal.examples;

import io.shoal.cluster.api.Cluster;
import io.shoal.cluster.api.ClusterConfig;
import io.shoal.cluster.api.ClusterEvent;
import io.shoal.cluster.api.ClusterMember;
import io.shoal.cluster.member.NodeAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Embeds a Shoal cluster member in an application: joins through a seed, prints membership
 * events, publishes a small application value, answers "ping" messages on its own message type.
 *
 * <pre>
 *   java … io.shoal.examples.EmbeddedMember 7001            # the first seed forms the cluster
 *   java … io.shoal.examples.EmbeddedMember 7002 127.0.0.1:7001
 * </pre>
 */
public final class EmbeddedMember {

    /** Application message types start at 1024; below is the membership protocol's. */
    private static final int PING = 4000;

    private EmbeddedMember() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        ClusterConfig.Builder config = ClusterConfig.builder().host("127.0.0.1").port(port)
                .identityFile(Path.of("data", Integer.toString(port), "node.id"));
        // The first seed must be the same on every node; a node that is itself the first seed
        // forms the cluster when no other seed answers.
        config.seed(NodeAddress.of("127.0.0.1", args.length > 1 ? NodeAddress.parse(args[1]).port() : port));
        ClusterMember member = Cluster.start(config.build());
        member.subscribe(event -> {
            if (!(event instanceof ClusterEvent.ApplicationStateChanged)) {
                System.out.println("event: " + event);
            }
        });
        member.onApplicationStateChange(change -> System.out.println("value: " + change.owner().shortHex() + " "
                + change.key() + "=" + new String(change.value(), StandardCharsets.UTF_8)));
        member.registerHandler(PING, (from, payload) ->
                System.out.println("ping from " + from + ": " + new String(payload, StandardCharsets.UTF_8)));
        member.setApplicationState("greeting", ("hello from " + port).getBytes(StandardCharsets.UTF_8));
        System.out.println("started " + member.id() + " on bus port " + member.address().busPort());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                member.leave().get(15, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                // Leaving is best effort on shutdown; the others will detect the failure.
            }
            member.close();
        }));
        while (true) {
            Thread.sleep(10_000);
            System.out.print(member.members());
            for (var other : member.members().members()) {
                if (!other.id().equals(member.id())) {
                    member.send(other.id(), PING, ("ping from " + port).getBytes(StandardCharsets.UTF_8));
                }
            }
        }
    }
}
