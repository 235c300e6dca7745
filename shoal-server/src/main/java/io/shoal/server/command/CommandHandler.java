package io.shoal.server.command;

/** The body of a command: reads its arguments from the context and writes its reply there. */
@FunctionalInterface
public interface CommandHandler {
  void execute(CommandContext context);
}
