package io.shoal.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shoal.server.slot.KeySlot;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The slots the dispatcher hands to a command must be exactly what hashing the key gives. */
class CommandContextSlotTest {
  private static byte[] b(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void slotsOfKeyArgumentsMatchHashingInAnyOrder() {
    byte[][] args = {b("MSET"), b("a"), b("1"), b("{user}x"), b("2"), b("zz"), b("3")};
    int[] positions = {1, 3, 5};
    CommandContext context = new CommandContext(null, null);
    context.prepare(null, args);
    context.keySlots(positions, -1, Dispatcher.slotsOf(args, positions));
    for (int position : new int[] {1, 3, 5, 5, 1, 3}) {
      assertEquals(KeySlot.of(args[position]), context.slotOf(args[position]));
    }
    // An equal array that is not the argument itself is hashed, as is a value argument.
    assertEquals(KeySlot.of(b("zz")), context.slotOf(b("zz")));
    assertEquals(KeySlot.of(args[2]), context.slotOf(args[2]));
  }

  @Test
  void singleKeySlotIsUsedOnlyForThatKeyAndForgottenByTheNextCommand() {
    byte[][] args = {b("INCR"), b("counter")};
    CommandContext context = new CommandContext(null, null);
    context.prepare(null, args);
    context.keySlots(new int[] {1}, 1234, new int[0]);
    assertEquals(1234, context.slotOf(args[1])); // the dispatcher's word is taken for its own key
    assertEquals(KeySlot.of(b("counter")), context.slotOf(b("counter")));
    context.prepare(null, args);
    assertEquals(KeySlot.of(args[1]), context.slotOf(args[1]));
  }
}
