package com.acme;

import io.ratissm.jepsen.checker.Model;
import io.ratissm.jepsen.history.Keyword;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The README's queue workload with a wrong model: it takes the queue for a stack, whose newest job leaves first. */
public class LifoQueueWorkload extends QueueWorkload {
    @Override
    public Model model() {
        return new FifoModel() {
            @Override
            public String name() {
                return "lifo-stack";
            }

            /** The FIFO queue's steps, but an enqueue puts the job in front, where the next dequeue takes it. */
            @Override
            public Object step(Object state, Object f, Object value) {
                if (!((Keyword) f).name().equals("enqueue")) {
                    return super.step(state, f, value);
                }
                Object next = super.step(reversed((State) state), f, value);
                return next instanceof State s ? reversed(s) : next;
            }

            private State reversed(State s) {
                List<Object> jobs = new ArrayList<>(s.jobs());
                Collections.reverse(jobs);
                return new State(s.tickets(), List.copyOf(jobs));
            }
        };
    }
}
