package io.ratissm.jepsen.checker;

import com.google.protobuf.ByteString;
import io.ratissm.CommandRejected;
import io.ratissm.jepsen.history.History;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.history.Op;
import io.ratissm.jepsen.history.OpType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Histories of a {@link FifoQueueStateMachine} shared by concurrent clients, simulated the way a Raft group serves
 * them: each request reaches the leader after a network delay, the leader applies requests one at a time in arrival
 * order (the linearization point), and the reply travels back after another delay. Delays are a base plus a uniform
 * jitter; the larger the jitter against the base, the more often two overlapping operations take effect in an order
 * that their invocations do not suggest. A crashed command (a killed replica) is {@code :info}: it took effect or
 * not, at random, and its client continues as a new process, as Jepsen's interpreter does; a crashed query is a
 * {@code :fail}, as the harness records it. Replies come from running the real state machine in linearization
 * order, so an unmutated history is linearizable by construction; a {@link Mutation} plants one anomaly.
 */
final class QueueHistories {
    /** One planted anomaly. */
    enum Mutation {
        NONE,
        /** An acknowledged enqueue that never took effect. */
        LOST_ENQUEUE,
        /** A dequeue that returns the element an earlier dequeue already returned. */
        DUPLICATED_DEQUEUE,
        /** A peek that returns an element a dequeue had removed before the peek was invoked. */
        STALE_PEEK
    }

    /**
     * What to simulate.
     *
     * @param ops client operations (invocations), crashed and failed ones included
     * @param targetLength the queue grows to about this length and then hovers around it
     * @param crashRate the chance that a command crashes as {@code :info} (or a query fails)
     */
    record Spec(
            long seed,
            int clients,
            int ops,
            int targetLength,
            double crashRate,
            long baseDelayNanos,
            long jitterNanos,
            boolean enqueueRepliesTicket,
            Mutation mutation) {

        /** The target shape: 4 clients, 2,000 ops, a queue reaching 50, about 2% crashed commands. */
        static Spec target(long seed) {
            return new Spec(seed, 4, 2000, 50, 0.02, 1_000_000, 200_000, true, Mutation.NONE);
        }

        Spec withOps(int n, int length) {
            return new Spec(
                    seed, clients, n, length, crashRate, baseDelayNanos, jitterNanos, enqueueRepliesTicket, mutation);
        }

        Spec withJitter(long nanos) {
            return new Spec(
                    seed, clients, ops, targetLength, crashRate, baseDelayNanos, nanos, enqueueRepliesTicket, mutation);
        }

        Spec withCrashRate(double rate) {
            return new Spec(
                    seed,
                    clients,
                    ops,
                    targetLength,
                    rate,
                    baseDelayNanos,
                    jitterNanos,
                    enqueueRepliesTicket,
                    mutation);
        }

        Spec withSilentEnqueues() {
            return new Spec(seed, clients, ops, targetLength, crashRate, baseDelayNanos, jitterNanos, false, mutation);
        }

        Spec with(Mutation m) {
            return new Spec(
                    seed, clients, ops, targetLength, crashRate, baseDelayNanos, jitterNanos, enqueueRepliesTicket, m);
        }
    }

    /** The history and what the simulation saw: the longest queue and the crashed commands. */
    record Generated(History history, int maxLength, int crashed, int crashedApplied) {}

    private static final Keyword ENQUEUE = Keyword.of("enqueue");
    private static final Keyword DEQUEUE = Keyword.of("dequeue");
    private static final Keyword SIZE = Keyword.of("size");
    private static final Keyword PEEK = Keyword.of("peek");

    private QueueHistories() {}

    /** One client operation as simulated. */
    private static final class Sim {
        final int seq;
        final long process;
        final Keyword f;
        final ByteString request;
        final long invoked;
        final long linearized;
        final long completed;
        final OpType outcome;
        final boolean applied;
        Map<Keyword, Object> completion;
        ByteString reply;

        Sim(
                int seq,
                long process,
                Keyword f,
                ByteString request,
                long invoked,
                long linearized,
                long completed,
                OpType outcome,
                boolean applied) {
            this.seq = seq;
            this.process = process;
            this.f = f;
            this.request = request;
            this.invoked = invoked;
            this.linearized = linearized;
            this.completed = completed;
            this.outcome = outcome;
            this.applied = applied;
        }

        boolean isQuery() {
            return f == SIZE || f == PEEK;
        }

        Map<Keyword, Object> invocation() {
            return isQuery() ? StateMachineModel.query(request) : StateMachineModel.command(request);
        }
    }

    static Generated generate(Spec spec) {
        SplittableRandom random = new SplittableRandom(spec.seed());
        long[] free = new long[spec.clients()];
        long[] process = new long[spec.clients()];
        for (int c = 0; c < spec.clients(); c++) {
            process[c] = c;
            free[c] = random.nextLong(spec.baseDelayNanos());
        }
        List<Sim> sims = new ArrayList<>(spec.ops());
        int intendedLength = 0;
        long nextValue = 1;
        int crashed = 0;
        int crashedApplied = 0;
        for (int i = 0; i < spec.ops(); i++) {
            int c = 0;
            for (int k = 1; k < spec.clients(); k++) {
                if (free[k] < free[c]) {
                    c = k;
                }
            }
            long invoked = free[c] + random.nextLong(spec.baseDelayNanos() / 4 + 1);
            double roll = random.nextDouble();
            boolean growing = intendedLength < spec.targetLength();
            Keyword f;
            ByteString request;
            if (roll < (growing ? 0.60 : 0.35)) {
                f = ENQUEUE;
                request = FifoQueueStateMachine.enqueue(nextValue++);
                intendedLength++;
            } else if (roll < 0.85) {
                f = DEQUEUE;
                request = FifoQueueStateMachine.dequeue();
                intendedLength = Math.max(0, intendedLength - 1);
            } else if (roll < 0.92) {
                f = SIZE;
                request = FifoQueueStateMachine.size();
            } else {
                f = PEEK;
                request = FifoQueueStateMachine.peek();
            }
            long linearized = invoked + delay(spec, random);
            long replied = linearized + delay(spec, random);
            boolean crash = random.nextDouble() < spec.crashRate();
            boolean query = f == SIZE || f == PEEK;
            OpType outcome = !crash ? OpType.OK : query ? OpType.FAIL : OpType.INFO;
            boolean applied = !crash || (!query && random.nextBoolean());
            long completed = outcome == OpType.INFO ? replied + 5 * spec.baseDelayNanos() : replied;
            sims.add(new Sim(i, process[c], f, request, invoked, linearized, completed, outcome, applied));
            if (outcome == OpType.INFO) {
                crashed++;
                crashedApplied += applied ? 1 : 0;
                process[c] += spec.clients();
            }
            free[c] = completed;
        }
        int maxLength = replay(sims, spec);
        return new Generated(toHistory(sims), maxLength, crashed, crashedApplied);
    }

    private static long delay(Spec spec, SplittableRandom random) {
        return spec.baseDelayNanos() + (spec.jitterNanos() == 0 ? 0 : random.nextLong(spec.jitterNanos()));
    }

    /** Runs the applied operations through the state machine in linearization order; returns the longest queue. */
    private static int replay(List<Sim> sims, Spec spec) {
        List<Sim> order = new ArrayList<>();
        for (Sim s : sims) {
            if (s.applied) {
                order.add(s);
            }
        }
        order.sort(Comparator.comparingLong((Sim s) -> s.linearized).thenComparingInt(s -> s.seq));
        Sim target = mutationTarget(order, spec.mutation());
        FifoQueueStateMachine sm = new FifoQueueStateMachine(spec.enqueueRepliesTicket());
        int length = 0;
        int maxLength = 0;
        ByteString lastDequeued = null;
        List<Sim> finishedDequeues = new ArrayList<>();
        for (Sim s : order) {
            byte[] before = s == target && spec.mutation() == Mutation.LOST_ENQUEUE ? snapshot(sm) : null;
            ByteString reply = null;
            String rejection = null;
            try {
                reply = s.isQuery() ? sm.query(s.request) : sm.apply(s.request);
            } catch (CommandRejected e) {
                rejection = e.getMessage();
            }
            if (before != null) {
                sm = restore(before, spec.enqueueRepliesTicket());
            }
            if (s == target && spec.mutation() == Mutation.DUPLICATED_DEQUEUE) {
                reply = lastDequeued;
            }
            if (s == target && spec.mutation() == Mutation.STALE_PEEK) {
                reply = staleElement(finishedDequeues, s);
            }
            s.reply = reply;
            if (s.f == DEQUEUE && rejection == null) {
                lastDequeued = reply;
                finishedDequeues.add(s);
            }
            if (s.f == ENQUEUE) {
                length++;
            } else if (s.f == DEQUEUE && rejection == null) {
                length--;
            }
            maxLength = Math.max(maxLength, length);
            s.completion = rejection != null
                    ? StateMachineModel.rejected(s.invocation(), rejection)
                    : StateMachineModel.replied(s.invocation(), reply);
        }
        return maxLength;
    }

    /** The operation to mutate: the first suitable one past the middle of the history. */
    private static Sim mutationTarget(List<Sim> order, Mutation mutation) {
        Keyword f = switch (mutation) {
            case NONE -> null;
            case LOST_ENQUEUE -> ENQUEUE;
            case DUPLICATED_DEQUEUE -> DEQUEUE;
            case STALE_PEEK -> PEEK;
        };
        for (int i = order.size() / 2; f != null && i < order.size(); i++) {
            Sim s = order.get(i);
            if (s.f == f && s.outcome == OpType.OK) {
                return s;
            }
        }
        if (f != null) {
            throw new IllegalStateException("no " + f + " to mutate in the second half; generate more ops");
        }
        return null;
    }

    /** The element of the last dequeue that had completed before {@code peek} was invoked. */
    private static ByteString staleElement(List<Sim> dequeues, Sim peek) {
        for (int i = dequeues.size() - 1; i >= 0; i--) {
            Sim d = dequeues.get(i);
            if (d.completed < peek.invoked && d.outcome == OpType.OK) {
                return d.reply;
            }
        }
        throw new IllegalStateException("no dequeue completed before the peek to mutate");
    }

    private static byte[] snapshot(FifoQueueStateMachine sm) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            sm.writeSnapshot(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static FifoQueueStateMachine restore(byte[] bytes, boolean enqueueRepliesTicket) {
        FifoQueueStateMachine sm = new FifoQueueStateMachine(enqueueRepliesTicket);
        try {
            sm.readSnapshot(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sm;
    }

    private static History toHistory(List<Sim> sims) {
        record Event(long time, int seq, boolean invoke, Sim sim) {}
        List<Event> events = new ArrayList<>(2 * sims.size());
        for (Sim s : sims) {
            events.add(new Event(s.invoked, s.seq, true, s));
            events.add(new Event(s.completed, s.seq, false, s));
        }
        events.sort(Comparator.comparingLong(Event::time)
                .thenComparing(Event::invoke)
                .thenComparingInt(Event::seq));
        List<Op> ops = new ArrayList<>(events.size());
        for (Event e : events) {
            Sim s = e.sim();
            OpType type = e.invoke() ? OpType.INVOKE : s.outcome;
            Object value = type == OpType.OK ? s.completion : s.invocation();
            Map<Keyword, Object> extras = switch (type) {
                case INFO -> Map.of(Op.ERROR, List.of(Keyword.of("indeterminate"), "replica killed"));
                case FAIL -> Map.of(Op.ERROR, List.of(Keyword.of("unavailable"), "replica killed"));
                default -> Map.of();
            };
            ops.add(new Op(ops.size(), e.time(), type, s.process, s.f, value, extras));
        }
        return new History(ops);
    }
}
