package io.shoal.cluster.transport;

/**
 * A message or frame that cannot be read: truncated, out of range, or of an unknown version.
 *
 * <p>It is thrown by readers and caught at the edge of the node, where the message is dropped
 * and counted. It never escapes into protocol code, so a bad peer cannot crash a member.
 */
public final class MalformedMessageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public MalformedMessageException(String message) {
        super(message, null, false, false);
    }
}
