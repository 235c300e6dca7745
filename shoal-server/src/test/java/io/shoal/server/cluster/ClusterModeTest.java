package io.shoal.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.shoal.server.slot.KeySlot;
import io.shoal.server.testing.RedisCli;
import io.shoal.server.testing.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Three cluster-mode nodes in this JVM, formed by the real {@code redis-cli --cluster create},
 * then used by JedisCluster, Lettuce, plain clients and the proxy port; the last tests restart
 * every node and kill one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterModeTest {
  private static final long NODE_TIMEOUT_MILLIS = 3_000;
  private final List<TestServer> nodes = new ArrayList<>();
  private final List<Path> dirs = new ArrayList<>();
  private int basePort;

  @BeforeAll
  void createCluster() throws Exception {
    basePort = freeBasePort();
    for (int i = 0; i < 3; i++) {
      dirs.add(Files.createTempDirectory("shoal-cluster-test"));
      nodes.add(startNode(i));
    }
    String output = RedisCli.run(basePort, "--cluster", "create", "127.0.0.1:" + basePort,
        "127.0.0.1:" + (basePort + 1), "127.0.0.1:" + (basePort + 2), "--cluster-replicas", "0", "--cluster-yes");
    assertThat(output).contains("[OK] All 16384 slots covered.");
    awaitTrue("cluster_state:ok everywhere", () -> allNodes(n -> info(n).contains("cluster_state:ok")
        && info(n).contains("cluster_known_nodes:3")));
  }

  @AfterAll
  void stopAll() {
    for (TestServer node : nodes) {
      if (node != null) {
        node.close();
      }
    }
  }

  /** The third node's proxy has two event loops of its own (cluster-proxy-threads); the others share the node's. */
  private TestServer startNode(int index) {
    return TestServer.start("port", Integer.toString(basePort + index), "dir", dirs.get(index).toString(),
        "cluster-enabled", "yes", "cluster-node-timeout", Long.toString(NODE_TIMEOUT_MILLIS),
        "cluster-proxy-threads", index == 2 ? "2" : "0");
  }

  private static int freeBasePort() {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = 20_000 + ThreadLocalRandom.current().nextInt(9_000);
      if (allFree(base, base + 1, base + 2, base + 1000, base + 1001, base + 1002, base + 10_000, base + 10_001,
          base + 10_002)) {
        return base;
      }
    }
    throw new IllegalStateException("no free ports");
  }

  private static boolean allFree(int... ports) {
    for (int port : ports) {
      try (ServerSocket socket = new ServerSocket(port)) {
        socket.setReuseAddress(true);
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  private String info(TestServer node) {
    try (Jedis jedis = node.jedis()) {
      return jedis.clusterInfo();
    }
  }

  private boolean allNodes(java.util.function.Predicate<TestServer> check) {
    for (TestServer node : nodes) {
      if (node != null && !check.test(node)) {
        return false;
      }
    }
    return true;
  }

  private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException notYet) {
        // A node restarting: try again.
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out waiting for " + what);
  }

  /** The slot map as a node prints it: each node's ID and slot ranges, without times. */
  private String slotMap(TestServer node) {
    try (Jedis jedis = node.jedis()) {
      List<String> lines = new ArrayList<>();
      for (String line : jedis.clusterNodes().split("\n")) {
        String[] fields = line.trim().split(" ");
        lines.add(fields[0] + " " + fields[1] + " " + String.join(" ", List.of(fields).subList(8, fields.length)));
      }
      lines.sort(null);
      return String.join("\n", lines);
    }
  }

  private TestServer ownerOf(int slot) {
    for (TestServer node : nodes) {
      ClusterState state = node.server().module(ClusterModule.class).state();
      if (state.myId().equals(state.owner(slot))) {
        return node;
      }
    }
    throw new AssertionError("no owner for slot " + slot);
  }

  @Test
  @Order(1)
  void redisCliCheckAndNodesFormat() {
    String check = RedisCli.run(basePort, "--cluster", "check", "127.0.0.1:" + basePort);
    assertThat(check).contains("[OK] All nodes agree about slots configuration.", "[OK] All 16384 slots covered.");
    try (Jedis jedis = nodes.get(0).jedis()) {
      String[] lines = jedis.clusterNodes().split("\n");
      assertThat(lines).hasSize(3);
      assertThat(lines).anyMatch(line -> line.matches(
          "[0-9a-f]{40} 127\\.0\\.0\\.1:" + basePort + "@" + (basePort + 10_000)
              + " myself,master - 0 0 \\d+ connected 0-5460"));
      assertThat(jedis.clusterMyId()).matches("[0-9a-f]{40}");
      assertThat(jedis.clusterKeySlot("{user1000}.following")).isEqualTo(KeySlot.of("user1000".getBytes()));
      assertThat(jedis.clusterSlots()).hasSize(3);
      String info = jedis.clusterInfo();
      assertThat(info).contains("cluster_slots_assigned:16384", "cluster_size:3", "cluster_current_epoch:3");
    }
    // Epochs are distinct, as SET-CONFIG-EPOCH 1..3 made them.
    Set<String> epochs = new java.util.HashSet<>();
    for (String line : slotMapLines()) {
      epochs.add(line.split(" ")[6]);
    }
    assertThat(epochs).hasSize(3);
  }

  /** Three nodes on 127.0.0.1 share this host's cores: they poll only with a core beside each. */
  @Test
  @Order(1)
  void nodesSharingTheHostPollOnlyWithACoreEach() throws InterruptedException {
    boolean expected = Runtime.getRuntime().availableProcessors() > 3;
    awaitTrue("io polling " + expected + " on every node", () -> allNodes(n -> n.server().ioSpinAllowed() == expected));
  }

  private List<String> slotMapLines() {
    try (Jedis jedis = nodes.get(1).jedis()) {
      return List.of(jedis.clusterNodes().split("\n"));
    }
  }

  @Test
  @Order(2)
  void jedisClusterWritesAndLettuceReadsTenThousandKeys() {
    Set<HostAndPort> entry = Set.of(new HostAndPort("127.0.0.1", basePort));
    try (JedisCluster cluster = new JedisCluster(entry)) {
      for (int i = 0; i < 10_000; i++) {
        cluster.set("key:" + i, "value:" + i);
      }
    }
    long total = 0;
    for (TestServer node : nodes) {
      total += node.server().keyspace().db(0).size();
      assertThat(node.server().keyspace().db(0).size()).isGreaterThan(2_500);
    }
    assertThat(total).isEqualTo(10_000);
    RedisClusterClient client = RedisClusterClient.create("redis://127.0.0.1:" + (basePort + 1));
    try (StatefulRedisClusterConnection<String, String> connection = client.connect()) {
      for (int i = 0; i < 10_000; i++) {
        assertThat(connection.sync().get("key:" + i)).isEqualTo("value:" + i);
      }
    } finally {
      client.shutdown();
    }
  }

  @Test
  @Order(3)
  void redirectsAndCrossSlot() {
    int slot = KeySlot.of("foo".getBytes());
    TestServer owner = ownerOf(slot);
    TestServer other = nodes.stream().filter(n -> n != owner).findFirst().orElseThrow();
    try (Jedis jedis = other.jedis()) {
      assertThatThrownBy(() -> jedis.get("foo")).isInstanceOf(JedisDataException.class)
          .hasMessage("MOVED " + slot + " 127.0.0.1:" + owner.port());
      String crossSlot = RedisCli.run(owner.port(), "mset", "a", "1", "b", "2");
      assertThat(crossSlot).satisfiesAnyOf(
          text -> assertThat(text).contains("CROSSSLOT Keys in request don't hash to the same slot"),
          text -> assertThat(text).contains("unknown command"));
    }
    String followed = RedisCli.run(other.port(), "-c", "set", "foo", "bar");
    assertThat(followed).isEqualTo("OK");
  }

  @Test
  @Order(4)
  void askDuringMigration() {
    int slot = KeySlot.of("moving".getBytes());
    TestServer source = ownerOf(slot);
    TestServer target = nodes.stream().filter(n -> n != source).findFirst().orElseThrow();
    String sourceId = source.server().module(ClusterModule.class).state().myId().toHex();
    String targetId = target.server().module(ClusterModule.class).state().myId().toHex();
    try (Jedis src = source.jedis(); Jedis dst = target.jedis()) {
      src.set("{moving}present", "here");
      assertThat(dst.clusterSetSlotImporting(slot, sourceId)).isEqualTo("OK");
      assertThat(src.clusterSetSlotMigrating(slot, targetId)).isEqualTo("OK");
      assertThat(src.get("{moving}present")).isEqualTo("here");
      assertThatThrownBy(() -> src.get("moving")).hasMessage("ASK " + slot + " 127.0.0.1:" + target.port());
      assertThatThrownBy(() -> dst.get("moving")).hasMessage("MOVED " + slot + " 127.0.0.1:" + source.port());
      dst.asking();
      assertThat(dst.get("moving")).isNull();
      assertThatThrownBy(() -> dst.get("moving")).hasMessageStartingWith("MOVED");
      assertThat(src.clusterNodes()).contains("[" + slot + "->-" + targetId + "]");
      assertThat(dst.clusterNodes()).contains("[" + slot + "-<-" + sourceId + "]");
      assertThat(src.clusterSetSlotStable(slot)).isEqualTo("OK");
      assertThat(dst.clusterSetSlotStable(slot)).isEqualTo("OK");
      assertThat(src.get("moving")).isNull();
    }
  }

  @Test
  @Order(5)
  void proxyPortServesAPlainClient() {
    try (Jedis plain = new Jedis("127.0.0.1", basePort + 1000, 10_000)) {
      for (int i = 0; i < 500; i++) {
        assertThat(plain.set("proxied:" + i, "v" + i)).isEqualTo("OK");
      }
      for (int i = 0; i < 500; i++) {
        assertThat(plain.get("proxied:" + i)).isEqualTo("v" + i);
      }
      assertThat(plain.get("key:42")).isEqualTo("value:42");
      assertThatThrownBy(() -> plain.sendCommand(redis.clients.jedis.Protocol.Command.MULTI)).hasMessageContaining("not supported on the proxy port");
    }
  }

  @Test
  @Order(5)
  void proxyKeepsRepliesInOrderForAPipelineAcrossOwners() {
    // One batch of requests whose keys live on all three nodes, the node's own slots included:
    // replies come back from different links at different times and must be written in order.
    try (Jedis plain = new Jedis("127.0.0.1", basePort + 1001, 10_000)) {
      redis.clients.jedis.Pipeline pipeline = plain.pipelined();
      for (int i = 0; i < 2_000; i++) {
        pipeline.set("piped:" + i, "p" + i);
        pipeline.get("piped:" + i);
        pipeline.incr("piped-counter:" + (i % 7));
      }
      List<Object> replies = pipeline.syncAndReturnAll();
      long[] counters = new long[7];
      for (int i = 0; i < 2_000; i++) {
        assertThat(replies.get(3 * i)).isEqualTo("OK");
        assertThat(replies.get(3 * i + 1)).isEqualTo("p" + i);
        assertThat(replies.get(3 * i + 2)).isEqualTo(++counters[i % 7]);
      }
    }
  }

  @Test
  @Order(5)
  void proxyWithItsOwnEventLoopsKeepsEachClientsRepliesInOrder() throws Exception {
    // Node 2's proxy has two loops of its own: its clients are spread over both, each loop with
    // its own links, and the node's own slots run on them beside the client port's loop.
    assertThat(nodes.get(2).server().module(ClusterModule.class).proxy().threads()).isEqualTo(2);
    assertThat(nodes.get(0).server().module(ClusterModule.class).proxy().threads()).isZero();
    int clients = 6;
    List<java.util.concurrent.Future<List<Object>>> results = new ArrayList<>();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
    try {
      for (int c = 0; c < clients; c++) {
        int client = c;
        results.add(pool.submit(() -> {
          try (Jedis plain = new Jedis("127.0.0.1", basePort + 1002, 10_000)) {
            redis.clients.jedis.Pipeline pipeline = plain.pipelined();
            for (int i = 0; i < 1_000; i++) {
              pipeline.set("loops:" + client + ":" + i, client + "/" + i);
              pipeline.get("loops:" + client + ":" + i);
              pipeline.incr("loops-counter:" + client + ":" + (i % 5));
            }
            return pipeline.syncAndReturnAll();
          }
        }));
      }
      for (int c = 0; c < clients; c++) {
        List<Object> replies = results.get(c).get(30, java.util.concurrent.TimeUnit.SECONDS);
        long[] counters = new long[5];
        for (int i = 0; i < 1_000; i++) {
          assertThat(replies.get(3 * i)).isEqualTo("OK");
          assertThat(replies.get(3 * i + 1)).isEqualTo(c + "/" + i);
          assertThat(replies.get(3 * i + 2)).isEqualTo(++counters[i % 5]);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    // The keys landed on their owners: read back directly from the owner of one of them.
    String key = "loops:3:7";
    try (Jedis owner = ownerOf(io.shoal.server.slot.KeySlot.of(key.getBytes())).jedis()) {
      assertThat(owner.get(key)).isEqualTo("3/7");
    }
  }

  @Test
  @Order(5)
  void proxyRunsItsOwnSlotsInProcessInOrderThroughAClientPause() {
    // The proxy runs the commands of its own node's slots in process: a write parked by CLIENT
    // PAUSE must hold back the client's next command, and answer once the pause ends.
    TestServer node = nodes.get(0);
    ClusterModule module = node.server().module(ClusterModule.class);
    String key = null;
    for (int i = 0; key == null; i++) {
      if (module.state().routing().mine(io.shoal.server.slot.KeySlot.of(("paused:" + i).getBytes()))) {
        key = "paused:" + i;
      }
    }
    try (Jedis admin = node.jedis(); Jedis plain = new Jedis("127.0.0.1", basePort + 1000, 10_000)) {
      assertThat(plain.set(key, "before")).isEqualTo("OK");
      assertThat(admin.clientPause(400, redis.clients.jedis.args.ClientPauseMode.WRITE)).isEqualTo("OK");
      long started = System.nanoTime();
      redis.clients.jedis.Pipeline pipeline = plain.pipelined();
      pipeline.set(key, "after");
      pipeline.get(key);
      pipeline.get(key + "-other");
      assertThat(pipeline.syncAndReturnAll()).containsExactly("OK", "after", null);
      assertThat((System.nanoTime() - started) / 1_000_000).as("the write waited for the pause")
          .isGreaterThanOrEqualTo(250L);
      assertThat(plain.get(key)).isEqualTo("after");
    }
  }

  @Test
  @Order(6)
  void proxyWithRequirepassServesOnlyClientsThatLoggedIn() throws Exception {
    // The proxy shares its links to the nodes between its clients: one client's AUTH must not
    // log the others in, and the links themselves log in with the cluster's password.
    String password = "proxy-s3cret";
    try {
      for (TestServer node : nodes) {
        try (Jedis admin = node.jedis()) {
          admin.configSet("requirepass", password);
          admin.auth(password);
          // The links opened before the password existed would stay logged in: drop them.
          admin.clientKill(new redis.clients.jedis.params.ClientKillParams().type(
              redis.clients.jedis.args.ClientType.NORMAL).skipMe(redis.clients.jedis.params.ClientKillParams.SkipMe.YES));
        }
      }
      awaitTrue("a logged-in proxy client reaches every node", () -> {
        try (Jedis client = new Jedis("127.0.0.1", basePort + 1000, 10_000)) {
          client.auth(password);
          for (int i = 0; i < 60; i++) {
            client.set("auth:" + i, "a" + i);
          }
          return true;
        }
      });
      try (Jedis anonymous = new Jedis("127.0.0.1", basePort + 1000, 10_000);
           Jedis wrong = new Jedis("127.0.0.1", basePort + 1000, 10_000);
           Jedis user = new Jedis("127.0.0.1", basePort + 1000, 10_000)) {
        assertThatThrownBy(() -> anonymous.get("auth:1")).hasMessageStartingWith("NOAUTH");
        assertThatThrownBy(() -> wrong.auth("not-it")).hasMessageStartingWith("WRONGPASS");
        assertThatThrownBy(() -> wrong.get("auth:1")).hasMessageStartingWith("NOAUTH");
        assertThat(user.auth(password)).isEqualTo("OK");
        for (int i = 0; i < 300; i++) {
          assertThat(user.set("auth:" + i, "b" + i)).isEqualTo("OK");
        }
        for (int i = 0; i < 300; i++) {
          assertThat(user.get("auth:" + i)).isEqualTo("b" + i);
        }
        for (int i = 0; i < 300; i += 37) {
          int key = i;
          assertThatThrownBy(() -> anonymous.get("auth:" + key)).as("key auth:%d", key).hasMessageStartingWith("NOAUTH");
        }
        assertThat(user.ping()).isEqualTo("PONG");
        assertThat(user.sendCommand(redis.clients.jedis.Protocol.Command.RESET)).isNotNull();
        assertThatThrownBy(() -> user.get("auth:1")).hasMessageStartingWith("NOAUTH");
      }
    } finally {
      for (TestServer node : nodes) {
        try (Jedis admin = node.jedis()) {
          admin.auth(password);
          admin.configSet("requirepass", "");
        }
      }
    }
  }

  @Test
  @Order(6)
  void proxyAnswersBadInputWithRedisProtocolErrorsAndCloses() throws IOException {
    // The proxy scans requests in place instead of with the server's parser: same errors, same close.
    TestServer proxyNode = nodes.get(0);
    String remoteKey = null;
    for (int i = 0; remoteKey == null; i++) {
      if (ownerOf(KeySlot.of(("bad-input:" + i).getBytes())) != proxyNode) {
        remoteKey = "bad-input:" + i;
      }
    }
    int proxyPort = basePort + 1000;
    String set = "*3\r\n$3\r\nSET\r\n$" + remoteKey.length() + "\r\n" + remoteKey + "\r\n$2\r\nv1\r\n";
    assertThat(sendUntilClosed(proxyPort, set + "*1\r\n+PING\r\n*1\r\n$4\r\nPING\r\n"))
        .isEqualTo("+OK\r\n-ERR Protocol error: expected '$', got '+'\r\n");
    assertThat(sendUntilClosed(proxyPort, "*x\r\n")).isEqualTo("-ERR Protocol error: invalid multibulk length\r\n");
    assertThat(sendUntilClosed(proxyPort, "*2\r\n$3\r\nGET\r\n$-5\r\n"))
        .isEqualTo("-ERR Protocol error: invalid bulk length\r\n");
    assertThat(sendUntilClosed(proxyPort, "*1\r\n$" + "9".repeat(70_000)))
        .isEqualTo("-ERR Protocol error: too big bulk count string\r\n");
    assertThat(sendUntilClosed(proxyPort, "PING\r\nECHO \"unbalanced\r\n"))
        .isEqualTo("+PONG\r\n-ERR Protocol error: unbalanced quotes in request\r\n");
    try (Jedis plain = new Jedis("127.0.0.1", proxyPort, 10_000)) {
      assertThat(plain.get(remoteKey)).isEqualTo("v1");
    }
  }

  @Test
  @Order(6)
  void proxyHoldsRepliesForASlowOneOnlyBriefly() throws IOException {
    // A reply waits for the replies still owed so that a pipeline's replies leave together, but
    // only within the hold: PONG does not wait the 600 ms of the WAIT behind it.
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", basePort + 1000)) {
      socket.setSoTimeout(10_000);
      long started = System.nanoTime();
      socket.getOutputStream().write("*1\r\n$4\r\nPING\r\n*3\r\n$4\r\nWAIT\r\n$1\r\n1\r\n$3\r\n600\r\n"
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      java.io.InputStream in = socket.getInputStream();
      StringBuilder received = new StringBuilder();
      long pong = -1;
      while (!received.toString().endsWith(":0\r\n")) {
        int b = in.read();
        assertThat(b).as("the connection stays open").isNotNegative();
        received.append((char) b);
        if (pong < 0 && received.toString().equals("+PONG\r\n")) {
          pong = (System.nanoTime() - started) / 1_000_000;
        }
      }
      long waited = (System.nanoTime() - started) / 1_000_000;
      assertThat(received.toString()).isEqualTo("+PONG\r\n:0\r\n");
      assertThat(pong).as("PONG written before the WAIT's reply").isBetween(0L, 400L);
      assertThat(waited).as("the WAIT waited").isGreaterThanOrEqualTo(550L);
    }
  }

  /** Sends bytes and returns everything the server wrote before it closed the connection. */
  private static String sendUntilClosed(int port, String request) throws IOException {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      try {
        socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
      } catch (IOException e) {
        // Closed while we still wrote: what it replied is still readable.
      }
      java.io.ByteArrayOutputStream reply = new java.io.ByteArrayOutputStream();
      byte[] chunk = new byte[4096];
      try {
        int n;
        while ((n = socket.getInputStream().read(chunk)) != -1) {
          reply.write(chunk, 0, n);
        }
      } catch (java.net.SocketException e) {
        // A reset after the close: the proxy did close.
      }
      return reply.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  @Order(6)
  void proxyFollowsAskWithTheRequestItForwardedAsReceived() {
    // The proxy forwards requests as received and keeps no copy of its own: on ASK it sends the
    // bytes again from the batch they were written in, in order with the rest of the pipeline.
    String key = "{ask-proxy}k";
    int slot = KeySlot.of(key.getBytes());
    TestServer source = ownerOf(slot);
    TestServer target = nodes.stream().filter(n -> n != source).findFirst().orElseThrow();
    TestServer proxyNode = nodes.stream().filter(n -> n != source).reduce((a, b) -> b).orElseThrow();
    int proxyPort = basePort + 1000 + nodes.indexOf(proxyNode);
    String sourceId = source.server().module(ClusterModule.class).state().myId().toHex();
    String targetId = target.server().module(ClusterModule.class).state().myId().toHex();
    try (Jedis src = source.jedis(); Jedis dst = target.jedis(); Jedis plain = new Jedis("127.0.0.1", proxyPort, 10_000)) {
      assertThat(dst.clusterSetSlotImporting(slot, sourceId)).isEqualTo("OK");
      assertThat(src.clusterSetSlotMigrating(slot, targetId)).isEqualTo("OK");
      try {
        dst.asking();
        assertThat(dst.set(key, "on the target")).isEqualTo("OK");
        redis.clients.jedis.Pipeline pipeline = plain.pipelined();
        for (int i = 0; i < 50; i++) {
          pipeline.get(key);
          pipeline.set("ask-bystander:" + i, "b" + i);
          pipeline.get("ask-bystander:" + i);
        }
        List<Object> replies = pipeline.syncAndReturnAll();
        for (int i = 0; i < 50; i++) {
          assertThat(replies.get(3 * i)).isEqualTo("on the target");
          assertThat(replies.get(3 * i + 1)).isEqualTo("OK");
          assertThat(replies.get(3 * i + 2)).isEqualTo("b" + i);
        }
      } finally {
        dst.asking();
        io.shoal.server.testing.RawCommands.call(dst, "DEL", key);
        assertThat(src.clusterSetSlotStable(slot)).isEqualTo("OK");
        assertThat(dst.clusterSetSlotStable(slot)).isEqualTo("OK");
      }
    }
  }

  /** MGET and DEL stand-ins, registered on the test nodes only if their families are not built yet. */
  private void registerMultiKeyCommandsIfMissing() {
    for (TestServer node : nodes) {
      var server = node.server();
      if (server.commands().lookup("mget") == null) {
        server.register(io.shoal.server.command.CommandSpec.builder("mget", -2)
            .flags(io.shoal.server.command.CommandFlag.READONLY).keys(1, -1, 1).handler(c -> {
              c.reply().array(c.argc() - 1);
              for (int i = 1; i < c.argc(); i++) {
                Object value = c.db().get(c.arg(i));
                if (value instanceof byte[] bytes) {
                  c.reply().bulk(bytes);
                } else {
                  c.reply().nullBulk();
                }
              }
            }).build());
      }
      if (server.commands().lookup("del") == null) {
        server.register(io.shoal.server.command.CommandSpec.builder("del", -2)
            .flags(io.shoal.server.command.CommandFlag.WRITE).keys(1, -1, 1).handler(c -> {
              long removed = 0;
              for (int i = 1; i < c.argc(); i++) {
                removed += c.db().remove(c.arg(i)) ? 1 : 0;
              }
              c.reply().integer(removed);
            }).build());
      }
    }
  }

  @Test
  @Order(6)
  void proxySplitsAndMergesMultiKeyCommands() {
    registerMultiKeyCommandsIfMissing();
    try (Jedis plain = new Jedis("127.0.0.1", basePort + 1002, 10_000)) {
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        keys.add("key:" + i);
      }
      keys.add("missing-key");
      List<String> values = plain.mget(keys.toArray(String[]::new));
      for (int i = 0; i < 30; i++) {
        assertThat(values.get(i)).isEqualTo("value:" + i);
      }
      assertThat(values.get(30)).isNull();
      assertThat(plain.del("key:0", "key:1", "key:2", "missing-key")).isEqualTo(3);
      assertThat(plain.get("key:1")).isNull();
    }
    try (Jedis direct = nodes.get(0).jedis()) {
      assertThatThrownBy(() -> direct.mget("key:5", "key:6")).hasMessage(RedirectGate.CROSSSLOT);
    }
  }

  @Test
  @Order(7)
  void restartOfEveryNodeKeepsTheSlotMap() throws Exception {
    String before = slotMap(nodes.get(0));
    for (int i = 0; i < nodes.size(); i++) {
      nodes.get(i).close();
      nodes.set(i, null);
    }
    for (int i = 0; i < 3; i++) {
      nodes.set(i, startNode(i));
    }
    for (TestServer node : nodes) {
      assertThat(slotMap(node)).isEqualTo(before);
    }
    awaitTrue("members rejoined", () -> allNodes(n -> {
      ClusterModule module = n.server().module(ClusterModule.class);
      return module.member().members().members().size() == 3 && info(n).contains("cluster_state:ok");
    }));
    for (TestServer node : nodes) {
      assertThat(slotMap(node)).isEqualTo(before);
    }
  }

  @Test
  @Order(8)
  void aKilledNodeFailsTheClusterWithinTheTimeout() throws Exception {
    TestServer victim = nodes.get(2);
    victim.close();
    nodes.set(2, null);
    long killed = System.currentTimeMillis();
    awaitTrue("cluster_state:fail", () -> allNodes(n -> info(n).contains("cluster_state:fail")));
    long took = System.currentTimeMillis() - killed;
    assertThat(took).isLessThan(NODE_TIMEOUT_MILLIS * 2);
    try (Jedis jedis = nodes.get(0).jedis()) {
      assertThat(jedis.clusterInfo()).contains("cluster_slots_fail:5461");
      assertThat(jedis.clusterNodes()).contains("master,fail");
      assertThatThrownBy(() -> jedis.get("key:1")).hasMessage("CLUSTERDOWN The cluster is down");
    }
  }
}
