import io.shoal.server.types.zset.ZSetValue;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The sorted set's structure alone, without the network: what redis-benchmark's ZADD does to one
 * key (random scores and members "element:%012d" drawn from 1,000,000), in one thread. Each round
 * fills a fresh set with 1,000,000 ZADDs (~630k members), then times 2,000,000 more (63% move an
 * existing member, 37% insert), 2,000,000 ZSCOREs and 300,000 pops of the lowest entry.
 *
 *   ./mvnw -q -pl shoal-cli -am package -DskipTests
 *   flock /tmp/shoal-bench.lock java -XX:+UseParallelGC -cp shoal-cli/target/shoal.jar bench/ZSetInProcess.java 3
 *
 * Compare two builds by alternating runs of each jar: a shared machine moves single runs by 20%+.
 */
public class ZSetInProcess {
  public static void main(String[] args) {
    int rounds = Integer.parseInt(args.length > 0 ? args[0] : "3");
    byte[][] names = new byte[1_000_000][];
    for (int i = 0; i < names.length; i++) {
      names[i] = String.format("element:%012d", i).getBytes(StandardCharsets.US_ASCII);
    }
    double[] out = new double[1];
    for (int r = 0; r < rounds; r++) {
      SplittableRandom random = new SplittableRandom(42 + r);
      ZSetValue z = new ZSetValue(128, 64);
      for (int i = 0; i < 1_000_000; i++) {
        z.add(names[random.nextInt(1_000_000)].clone(), random.nextInt(1_000_000), 0, out);
      }
      int ops = 2_000_000;
      long t0 = System.nanoTime();
      for (int i = 0; i < ops; i++) {
        z.add(names[random.nextInt(1_000_000)].clone(), random.nextInt(1_000_000), 0, out);
      }
      long t1 = System.nanoTime();
      long found = 0;
      for (int i = 0; i < ops; i++) {
        if (z.score(names[random.nextInt(1_000_000)]) != null) {
          found++;
        }
      }
      long t2 = System.nanoTime();
      int pops = 300_000;
      for (int i = 0; i < pops; i++) {
        z.removeRange(0, 0, (member, score) -> { });
      }
      long t3 = System.nanoTime();
      System.out.printf("round %d: ZADD %.0f ns/op, ZSCORE %.0f ns/op (%d found), pop lowest %.0f ns/op, %d members left%n",
          r, (t1 - t0) / (double) ops, (t2 - t1) / (double) ops, found, (t3 - t2) / (double) pops, z.length());
    }
  }
}
