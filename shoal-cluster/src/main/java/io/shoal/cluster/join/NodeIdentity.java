package io.shoal.cluster.join;

import io.shoal.cluster.member.Incarnation;
import io.shoal.cluster.member.NodeId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A node's lasting identity: its ID and the incarnation of its current life.
 *
 * <p>{@link #loadAndAdvance(Path, NodeId)} is how a restarted process rejoins as the same node:
 * it reads the file written by its previous life (like Redis's nodes.conf), keeps the ID, and
 * takes the next incarnation, writing it back before the node speaks to anyone, so that two lives
 * can never share an incarnation even if the process dies right after starting.
 */
public record NodeIdentity(NodeId id, Incarnation incarnation) {

    /** Reads the identity file, or creates it with {@code freshId}, and advances the incarnation. */
    public static NodeIdentity loadAndAdvance(Path file, NodeId freshId) {
        try {
            NodeIdentity identity;
            if (Files.exists(file)) {
                String[] fields = Files.readString(file, StandardCharsets.US_ASCII).trim().split("\\s+");
                if (fields.length != 2) {
                    throw new IllegalStateException("identity file " + file + ": expected '<node id> <incarnation>'");
                }
                identity = new NodeIdentity(NodeId.parse(fields[0]),
                        new Incarnation(Long.parseLong(fields[1])).next());
            } else {
                identity = new NodeIdentity(freshId, Incarnation.FIRST);
            }
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(temporary, identity.id().toHex() + " " + identity.incarnation().value() + "\n",
                    StandardCharsets.US_ASCII);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return identity;
        } catch (IOException e) {
            throw new UncheckedIOException("identity file " + file, e);
        }
    }
}
