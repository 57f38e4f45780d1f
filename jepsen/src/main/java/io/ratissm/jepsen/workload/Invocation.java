package io.ratissm.jepsen.workload;

/**
 * What a client is about to do: Jepsen's {@code :f} and the invocation's {@code :value}. {@code readOnly} ops have
 * no effect, so one whose outcome is unknown can be recorded as {@code :fail} rather than {@code :info}.
 */
public record Invocation(String f, Object value, boolean readOnly) {}
