package com.acme;

import io.ratissm.jepsen.checker.Model;

/** A workload with nothing to check the history with: no model, and the default check. */
public class UncheckedWorkload extends QueueWorkload {
    @Override
    public Model model() {
        return null;
    }
}
