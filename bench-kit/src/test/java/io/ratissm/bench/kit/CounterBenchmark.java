package io.ratissm.bench.kit;

import io.ratissm.NonNegativeCounter;
import io.ratissm.StateMachine;

/**
 * A user's benchmark as {@link StateMachineBenchmark}'s javadoc tells one to write it, on the framework tests'
 * counter: it adds 1, and one command in four subtracts more than the counter will ever hold, which the counter
 * refuses ({@code CommandRejected}). Its commands are 8 bytes whatever {@code commandBytes} says.
 */
public class CounterBenchmark extends StateMachineBenchmark {
    @Override
    protected StateMachine newStateMachine() {
        return new NonNegativeCounter();
    }

    @Override
    protected CommandGenerator commands() {
        return random -> NonNegativeCounter.add(random.nextInt(4) == 0 ? -1_000_000_000L : 1);
    }
}
