package io.ratissm;

/**
 * Whether a replica is serving. A replica is unhealthy when it is not running or when its state machine has
 * fail-stopped; {@link #reason()} then says why, for an operator.
 *
 * @param healthy true if the replica takes part in the group and its state machine applies commands
 * @param reason  empty when healthy; otherwise a sentence naming the cause (for a fail-stop: the exception and
 *                the log index of the command)
 */
public record Health(boolean healthy, String reason) {
    /** A replica that serves. */
    public static final Health OK = new Health(true, "");

    /** A replica that does not serve, and why. */
    public static Health unhealthy(String reason) {
        return new Health(false, reason);
    }
}
