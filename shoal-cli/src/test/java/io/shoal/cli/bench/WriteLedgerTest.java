package io.shoal.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WriteLedgerTest {
  private final Map<String, String> store = new HashMap<>();

  private List<String> read(List<String> keys) {
    return keys.stream().map(store::get).toList();
  }

  @Test
  void aMissingKeyOrAnOlderValueIsALostWriteAndANewerValueIsNot() {
    WriteLedger ledger = new WriteLedger();
    ledger.acknowledged("kept", 3);
    ledger.acknowledged("newer", 3);
    ledger.acknowledged("older", 2);
    ledger.acknowledged("older", 5);
    ledger.acknowledged("missing", 1);
    store.put("kept", "3");
    store.put("newer", "4"); // an unacknowledged write that did happen
    store.put("older", "2");
    store.put("garbage", "x");

    WriteLedger.Verdict verdict = ledger.verify(this::read, 2);

    assertThat(ledger.acknowledgedWrites()).isEqualTo(5);
    assertThat(verdict.keysChecked()).isEqualTo(4);
    assertThat(verdict.lost()).isEqualTo(2);
    assertThat(verdict.examples()).containsExactlyInAnyOrder("older=2 (acked 5)", "missing=null (acked 1)");
  }

  @Test
  void everyAcknowledgedWriteReadBackIsNothingLost() {
    WriteLedger ledger = new WriteLedger();
    for (int i = 0; i < 2_500; i++) {
      ledger.acknowledged("k" + i, i);
      store.put("k" + i, Integer.toString(i));
    }
    assertThat(ledger.verify(this::read, 1_000).nothingLost()).isTrue();
  }
}
