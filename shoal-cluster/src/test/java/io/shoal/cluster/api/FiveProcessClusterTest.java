package io.shoal.cluster.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Five real JVMs on loopback: form a cluster from two seeds, kill -9 one member, see every
 * other member mark it failed within a bound, restart it with its identity file and see every
 * member take it back up under a higher incarnation. Every wait is a bounded poll of the
 * members' event lines.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class FiveProcessClusterTest {

    private static final int MEMBERS = 5;
    private static final long FORM_BOUND_MILLIS = 40_000;
    private static final long DETECT_BOUND_MILLIS = 20_000;
    private static final long REJOIN_BOUND_MILLIS = 40_000;

    @TempDir
    Path directory;

    private final List<Member> members = new ArrayList<>();

    private static final class Member {
        final int port;
        final Path identity;
        Process process;
        final List<String> lines = new CopyOnWriteArrayList<>();
        String id;
        long incarnation;

        Member(int port, Path identity) {
            this.port = port;
            this.identity = identity;
        }
    }

    @AfterEach
    void killAll() {
        for (Member member : members) {
            if (member.process != null) {
                member.process.destroyForcibly();
            }
        }
    }

    @Test
    void failedMemberIsDetectedAndRejoinsWithAHigherIncarnation() throws Exception {
        List<String> seeds = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            Member member = new Member(freeClientPort(), directory.resolve("node-" + i + ".id"));
            members.add(member);
            if (i < 2) {
                seeds.add("127.0.0.1:" + member.port);
            }
        }
        for (Member member : members) {
            start(member, seeds);
        }
        for (Member member : members) {
            awaitLine(member, line -> line.startsWith("ID "), FORM_BOUND_MILLIS);
            String[] fields = firstLine(member, "ID ").split(" ");
            member.id = fields[1];
            member.incarnation = Long.parseLong(fields[2]);
        }
        for (Member observer : members) {
            for (Member subject : members) {
                awaitLine(observer, line -> line.equals("EVENT MemberUp " + subject.id + " 1"), FORM_BOUND_MILLIS);
            }
        }

        Member victim = members.get(3);
        victim.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        for (Member observer : members) {
            if (observer != victim) {
                awaitLine(observer, line -> line.startsWith("EVENT Unreachable " + victim.id), DETECT_BOUND_MILLIS);
            }
        }

        victim.lines.clear();
        start(victim, seeds);
        awaitLine(victim, line -> line.startsWith("ID "), FORM_BOUND_MILLIS);
        String[] fields = firstLine(victim, "ID ").split(" ");
        assertThat(fields[1]).as("same node ID after restart").isEqualTo(victim.id);
        assertThat(Long.parseLong(fields[2])).as("higher incarnation").isGreaterThan(victim.incarnation);
        for (Member observer : members) {
            awaitLine(observer, line -> line.equals("EVENT MemberUp " + victim.id + " " + fields[2]),
                    REJOIN_BOUND_MILLIS);
        }
    }

    private void start(Member member, List<String> seeds) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                ProcessMember.class.getName(), Integer.toString(member.port), member.identity.toString()));
        command.addAll(seeds);
        member.process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Process process = member.process;
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    member.lines.add(line);
                }
            } catch (IOException e) {
                // The process died; the test's bounded waits report what is missing.
            }
        }, "member-" + member.port);
        reader.setDaemon(true);
        reader.start();
    }

    private static String firstLine(Member member, String prefix) {
        return member.lines.stream().filter(line -> line.startsWith(prefix)).findFirst().orElseThrow();
    }

    private static void awaitLine(Member member, Predicate<String> wanted, long boundMillis)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(boundMillis);
        while (System.nanoTime() < deadline) {
            if (member.lines.stream().anyMatch(wanted)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("member on port " + member.port + " did not print the expected line within "
                + boundMillis + " ms; it printed:\n" + String.join("\n", member.lines));
    }

    /** A client port whose bus port (+10000) is free on loopback. */
    private static int freeClientPort() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                int bus = socket.getLocalPort();
                if (bus > 10_000 + 1024) {
                    return bus - 10_000;
                }
            }
        }
        throw new IOException("no free port");
    }
}
