package io.shoal.server.blocking;

import io.shoal.server.resp.Reply;
import java.util.function.Consumer;

/**
 * The "retry" of a blocked command: called when one of its keys was written, after the writing
 * command released its locks. It takes the locks it needs itself (see
 * {@link BlockingRegistry#underLocks}), tries to do its work and, if it could, returns the writer of
 * its reply, which the registry runs on the blocked client's event loop. Returning null means
 * "still nothing for me": the client stays blocked. Throwing a {@code ShoalError} ends the wait
 * with that error, as Redis does when a re-run blocked command fails (BLMOVE to a key that became
 * another type).
 */
@FunctionalInterface
public interface BlockedCommand {
  Consumer<Reply> tryServe();
}
