package io.shoal.cluster.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PhiAccrualFailureDetectorTest {

    private static final PhiAccrualFailureDetector.Settings DEFAULTS = PhiAccrualFailureDetector.Settings.DEFAULT;

    private static PhiAccrualFailureDetector regularHeartbeats(int count) {
        PhiAccrualFailureDetector detector = new PhiAccrualFailureDetector(DEFAULTS, 0);
        for (int i = 1; i <= count; i++) {
            detector.heartbeat(i * 1_000L);
        }
        return detector;
    }

    @Test
    void defaultsAreTheIssues() {
        assertThat(DEFAULTS.threshold()).isEqualTo(8.0);
        assertThat(DEFAULTS.acceptablePauseMillis()).isEqualTo(3_000);
        assertThat(DEFAULTS.firstHeartbeatEstimateMillis()).isEqualTo(1_000);
        assertThat(DEFAULTS.windowMax()).isEqualTo(1_000);
    }

    @Test
    void phiIsLowRightAfterAHeartbeat() {
        PhiAccrualFailureDetector detector = regularHeartbeats(20);
        assertThat(detector.phi(20_000)).isLessThan(0.1);
        assertThat(detector.isAvailable(20_500)).isTrue();
    }

    @Test
    void toleratesTheAcceptablePause() {
        PhiAccrualFailureDetector detector = regularHeartbeats(20);
        // A second between heartbeats plus three of acceptable pause: still available at 3.5 s.
        assertThat(detector.isAvailable(20_000 + 3_500)).isTrue();
    }

    @Test
    void suspectsAfterPausePlusSpread() {
        PhiAccrualFailureDetector detector = regularHeartbeats(20);
        assertThat(detector.isAvailable(20_000 + 6_000)).isFalse();
    }

    @Test
    void phiGrowsMonotonicallyWithSilence() {
        PhiAccrualFailureDetector detector = regularHeartbeats(50);
        double previous = -1;
        for (long silence = 0; silence <= 8_000; silence += 250) {
            double phi = detector.phi(50_000 + silence);
            assertThat(phi).isGreaterThanOrEqualTo(previous);
            previous = phi;
        }
    }

    @Test
    void logisticApproximationMatchesTheNormalTail() {
        // One standard deviation above the mean: 1 - F = 0.1587, phi = 0.80.
        assertThat(PhiAccrualFailureDetector.phi(1_100, 1_000, 100)).isCloseTo(0.80, within(0.02));
        // At the mean, phi = -log10(0.5).
        assertThat(PhiAccrualFailureDetector.phi(1_000, 1_000, 100)).isCloseTo(0.301, within(0.01));
    }

    @Test
    void aNodeThatNeverAnswersIsStillDetected() {
        PhiAccrualFailureDetector detector = new PhiAccrualFailureDetector(DEFAULTS, 0);
        assertThat(detector.isAvailable(1_000)).isTrue();
        assertThat(detector.isAvailable(10_000)).isFalse();
    }

    @Test
    void historyIsBoundedByTheWindow() {
        PhiAccrualFailureDetector detector = new PhiAccrualFailureDetector(
                new PhiAccrualFailureDetector.Settings(8, 3_000, 1_000, 100, 10), 0);
        for (int i = 1; i <= 100; i++) {
            detector.heartbeat(i * 1_000L);
        }
        assertThat(detector.intervalCount()).isEqualTo(10);
    }

    @Test
    void jitteryLinksAreSuspectedLater() {
        PhiAccrualFailureDetector regular = regularHeartbeats(100);
        PhiAccrualFailureDetector jittery = new PhiAccrualFailureDetector(DEFAULTS, 0);
        long at = 0;
        for (int i = 0; i < 100; i++) {
            at += i % 2 == 0 ? 500 : 1_500;
            jittery.heartbeat(at);
        }
        assertThat(jittery.phi(at + 5_000)).isLessThan(regular.phi(100_000 + 5_000));
    }
}
