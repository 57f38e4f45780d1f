package io.ratissm.jepsen.workload;

/**
 * What a client is about to do: Jepsen's {@code :f} and the invocation's {@code :value}. A {@code readOnly} op is sent
 * as a query and has no effect, so one whose outcome is unknown is recorded as {@code :fail} rather than {@code :info};
 * any other is sent as a command.
 */
public record Invocation(String f, Object value, boolean readOnly) {}
