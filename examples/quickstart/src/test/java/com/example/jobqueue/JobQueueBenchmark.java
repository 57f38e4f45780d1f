package com.example.jobqueue;

import io.ratissm.StateMachine;
import io.ratissm.bench.kit.CommandGenerator;
import io.ratissm.bench.kit.StateMachineBenchmark;
import java.util.Random;

/**
 * The job queue's write throughput, latency and CPU per command on three replicas, beside a no-op state machine
 * measured in the same run: the difference is what the queue's own code costs. Enqueues and dequeues, half and half,
 * of jobs of {@code commandBytes} letters. README.md says how to run it.
 */
public class JobQueueBenchmark extends StateMachineBenchmark {

    @Override
    protected StateMachine newStateMachine() {
        return new JobQueue();
    }

    @Override
    protected CommandGenerator commands() {
        return CommandGenerator.messages(
                random -> random.nextBoolean() ? JobQueue.enqueue(job(random)) : JobQueue.dequeue());
    }

    private String job(Random random) {
        char[] letters = new char[Math.max(1, commandBytes)];
        for (int i = 0; i < letters.length; i++) {
            letters[i] = (char) ('a' + random.nextInt(26));
        }
        return new String(letters);
    }
}
