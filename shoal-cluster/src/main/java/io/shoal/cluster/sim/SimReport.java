package io.shoal.cluster.sim;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one run. {@link #toString()} is one line of key=value pairs, the last line the
 * simulator prints, so that scripts and the design document quote it as is. A figure that does
 * not apply to a scenario, or was never reached, is -1.
 */
public record SimReport(
        String scenario, int nodes, long seed, double formSeconds,
        long convergeRounds, double convergeSeconds,
        double detectFirstSeconds, double detectLastSeconds,
        long falsePositives, long falseDowns,
        double messagesPerNodeSecond, double bytesPerNodeSecond, double bytesPerNodeSecondMax,
        double virtualSeconds, double wallSeconds, Map<String, String> extra) {

    public boolean converged() {
        return convergeSeconds >= 0;
    }

    @Override
    public String toString() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("scenario", scenario);
        fields.put("nodes", Integer.toString(nodes));
        fields.put("seed", Long.toString(seed));
        fields.put("form_s", format(formSeconds));
        fields.put("converge_rounds", Long.toString(convergeRounds));
        fields.put("converge_s", format(convergeSeconds));
        fields.put("detect_first_s", format(detectFirstSeconds));
        fields.put("detect_last_s", format(detectLastSeconds));
        fields.put("false_positives", Long.toString(falsePositives));
        fields.put("false_downs", Long.toString(falseDowns));
        fields.put("msgs_per_node_s", format(messagesPerNodeSecond));
        fields.put("bytes_per_node_s", format(bytesPerNodeSecond));
        fields.put("bytes_per_node_s_max", format(bytesPerNodeSecondMax));
        fields.putAll(extra);
        fields.put("virtual_s", format(virtualSeconds));
        fields.put("wall_s", format(wallSeconds));
        StringBuilder line = new StringBuilder();
        fields.forEach((key, value) -> line.append(line.length() == 0 ? "" : " ").append(key).append('=').append(value));
        return line.toString();
    }

    static String format(double value) {
        return value < 0 ? "-1" : String.format(Locale.ROOT, "%.1f", value);
    }
}
