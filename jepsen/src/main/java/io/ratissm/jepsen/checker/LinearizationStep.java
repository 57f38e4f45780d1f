package io.ratissm.jepsen.checker;

import io.ratissm.jepsen.history.Operation;

/** One operation of a (partial) linearization and the model state right after it took effect. */
public record LinearizationStep(Operation op, Object stateAfter) {}
