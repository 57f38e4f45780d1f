package com.acme;

import com.google.protobuf.Int64Value;
import io.ratissm.jepsen.workload.OperationGenerator;
import java.util.Random;

/** A generator the harness cannot make: its only constructor takes an argument. */
public class SeededGenerator implements OperationGenerator {
    private final long seed;

    public SeededGenerator(long seed) {
        this.seed = seed;
    }

    @Override
    public Request next(Random random) {
        return Request.command("enqueue", Int64Value.of(seed));
    }
}
