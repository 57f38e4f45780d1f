package com.acme;

import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import io.ratissm.jepsen.workload.OperationGenerator;
import java.util.Random;

/** Enqueues and dequeues in equal measure, with size and peek queries: all a user writes for the harness. */
public class JobQueueGenerator implements OperationGenerator {
    @Override
    public Request next(Random random) {
        int dice = random.nextInt(20);
        if (dice < 7) {
            return Request.command("enqueue", Int64Value.of(1 + random.nextInt(1_000_000)));
        }
        if (dice < 14) {
            return Request.command("dequeue", Int64Value.of(0));
        }
        return Request.query(dice < 17 ? "size" : "peek", StringValue.of(dice < 17 ? "size" : "peek"));
    }
}
