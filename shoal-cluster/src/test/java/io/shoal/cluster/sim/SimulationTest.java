package io.shoal.cluster.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The real protocol on 60 simulated nodes with 1% loss, for fixed seeds. Each run takes about
 * a second of wall time; a failing seed reproduces with {@code Simulation.main}.
 */
class SimulationTest {

    private static SimReport run(SimOptions.Scenario scenario, int seconds, long seed) {
        return Simulation.run(SimOptions.defaults(60, seconds, scenario).withSeed(seed));
    }

    @Test
    void joiningNodeIsSeenUpByAllWithinThreeLogNRounds() {
        for (long seed = 1; seed <= 3; seed++) {
            SimReport report = run(SimOptions.Scenario.JOIN, 60, seed);
            assertThat(report.formSeconds()).as("formed, seed " + seed).isPositive().isLessThan(30);
            assertThat(report.converged()).as(report.toString()).isTrue();
            assertThat(report.convergeRounds()).as(report.toString())
                    .isLessThanOrEqualTo((long) Math.ceil(3 * Math.log(61) / Math.log(2)));
            assertThat(report.falsePositives()).as(report.toString()).isZero();
            assertThat(report.bytesPerNodeSecond()).as(report.toString()).isLessThan(20_000);
        }
    }

    @Test
    void crashIsKnownToAllWithinFifteenSecondsAndDowned() {
        for (long seed = 1; seed <= 3; seed++) {
            SimReport report = run(SimOptions.Scenario.CRASH, 60, seed);
            assertThat(report.detectFirstSeconds()).as(report.toString()).isGreaterThan(3);
            assertThat(report.detectLastSeconds()).as(report.toString()).isBetween(0.0, 15.0);
            assertThat(report.converged()).as("downed everywhere: " + report).isTrue();
            assertThat(report.falsePositives()).as(report.toString()).isZero();
            assertThat(report.falseDowns()).as(report.toString()).isZero();
        }
    }

    @Test
    void partitionMinorityLosesAndClusterHeals() {
        SimReport report = run(SimOptions.Scenario.PARTITION, 90, 1);
        assertThat(report.detectLastSeconds()).as("every minority node judged itself lost: " + report).isPositive();
        assertThat(report.extra().get("majority_nodes_lost")).as(report.toString()).isEqualTo("0");
        assertThat(report.converged()).as("settled after healing: " + report).isTrue();
        assertThat(report.falsePositives()).as(report.toString()).isZero();
        assertThat(report.falseDowns()).as(report.toString()).isZero();
    }

    @Test
    void churnSettles() {
        SimReport report = run(SimOptions.Scenario.CHURN, 60, 1);
        assertThat(report.converged()).as(report.toString()).isTrue();
        assertThat(report.falsePositives()).as(report.toString()).isZero();
    }

    @Test
    void noFalsePositivesInFiveQuietMinutes() {
        SimReport report = run(SimOptions.Scenario.JOIN, 300, 7);
        assertThat(report.falsePositives()).as(report.toString()).isZero();
        assertThat(report.falseDowns()).as(report.toString()).isZero();
    }

    @Test
    void sameSeedSameRun() {
        SimReport first = run(SimOptions.Scenario.CRASH, 30, 5);
        SimReport second = run(SimOptions.Scenario.CRASH, 30, 5);
        assertThat(first.toString().replaceAll("wall_s=\\S+", ""))
                .isEqualTo(second.toString().replaceAll("wall_s=\\S+", ""));
    }
}
