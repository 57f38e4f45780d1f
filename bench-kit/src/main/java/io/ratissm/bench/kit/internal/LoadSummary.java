package io.ratissm.bench.kit.internal;

/**
 * What a {@link LoadWindow} measured.
 *
 * @param requests       requests whose latency was recorded in the windows
 * @param answered       requests answered in the windows, rejected commands included
 * @param rejected       of those, the commands the state machine refused ({@code CommandRejected})
 * @param opsPerSecond   answered over the windows' wall time
 * @param p50Ms          median latency, from a request's start to its answer, in milliseconds
 * @param p99Ms          99th percentile
 * @param p999Ms         99.9th percentile
 * @param maxMs          the slowest
 * @param cpuUsPerOp     the JVM's CPU time in the windows per answered request, in microseconds
 * @param cpuCores       the JVM's CPU time over the windows' wall time: the cores it kept busy on average
 * @param measuredFromS  where the first window began, in seconds since the loop's first request
 * @param measuredUntilS where the last window ended, on the same clock
 */
public record LoadSummary(
        long requests,
        long answered,
        long rejected,
        double opsPerSecond,
        double p50Ms,
        double p99Ms,
        double p999Ms,
        double maxMs,
        double cpuUsPerOp,
        double cpuCores,
        double measuredFromS,
        double measuredUntilS) {

    /** The share of answered commands that were rejected, 0 to 1 (0 when nothing was answered). */
    public double rejectedShare() {
        return answered == 0 ? 0 : (double) rejected / answered;
    }
}
