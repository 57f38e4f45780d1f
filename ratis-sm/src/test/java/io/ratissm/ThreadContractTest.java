package io.ratissm;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The threading contract of {@link StateMachine}, checked from inside a state machine that records every pair of
 * calls that overlap on one instance: changes (apply, execute, applyUpdate, readSnapshot) overlap nothing; reads
 * (query, validate, writeSnapshot, digest) overlap each other only if the state machine says its reads are
 * thread-safe.
 */
class ThreadContractTest {

    @ParameterizedTest(name = "{0}, thread-safe reads: {1}")
    @CsvSource({"ACTIVE, false", "ACTIVE, true", "PASSIVE, false", "PASSIVE, true"})
    void noInstanceEverSeesCallsOverlapThatItsContractRulesOut(Replication mode, boolean threadSafeReads)
            throws Exception {
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        try (LocalCluster cluster = LocalCluster.builder()
                        .replicas(3)
                        .replication(mode)
                        .stateMachine(() -> new OverlapRecorder(threadSafeReads, violations))
                        .configure(b -> b.snapshotEvery(40).digestEvery(10))
                        .start();
                ReplicaClient client = cluster.newClient()) {
            cluster.awaitLeader();
            for (int round = 0; round < 30; round++) {
                List<CompletableFuture<ByteString>> calls = new java.util.ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    calls.add(client.submitAsync(NonNegativeCounter.add(1)));
                    calls.add(client.queryAsync(NonNegativeCounter.get()));
                    for (String id : cluster.ids()) {
                        calls.add(client.queryStaleAsync(NonNegativeCounter.get(), id));
                    }
                }
                CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
            }
            cluster.awaitCaughtUp(java.time.Duration.ofSeconds(30));
            for (ReplicaServer r : cluster.replicas()) {
                assertThat(NonNegativeCounter.decode(client.queryStale(NonNegativeCounter.get(), r.id())))
                        .isEqualTo(240);
            }
        }
        assertThat(violations).as("overlapping calls the contract rules out").isEmpty();
    }

    /** A counter (8-byte deltas, see {@link NonNegativeCounter}) that records calls overlapping on one instance. */
    static final class OverlapRecorder implements EffectStateMachine {
        private final boolean threadSafeReads;
        private final ConcurrentLinkedQueue<String> violations;
        private final AtomicInteger changing = new AtomicInteger();
        private final AtomicInteger reading = new AtomicInteger();
        private volatile long value;

        OverlapRecorder(boolean threadSafeReads, ConcurrentLinkedQueue<String> violations) {
            this.threadSafeReads = threadSafeReads;
            this.violations = violations;
        }

        private void change(String method, Runnable body) {
            if (changing.incrementAndGet() > 1 || reading.get() > 0) {
                violations.add(method + " overlapped another call");
            }
            try {
                LockSupport.parkNanos(200_000); // widen the window in which an overlap would show
                body.run();
            } finally {
                changing.decrementAndGet();
            }
        }

        private <T> T read(String method, java.util.function.Supplier<T> body) {
            if (reading.incrementAndGet() > 1 && !threadSafeReads) {
                violations.add(method + " overlapped another read, but reads are not thread-safe");
            }
            if (changing.get() > 0) {
                violations.add(method + " overlapped a change");
            }
            try {
                LockSupport.parkNanos(200_000);
                return body.get();
            } finally {
                reading.decrementAndGet();
            }
        }

        @Override
        public ByteString apply(ByteString command) {
            long[] reply = new long[1];
            change("apply", () -> reply[0] = value += NonNegativeCounter.decode(command));
            return NonNegativeCounter.encode(reply[0]);
        }

        @Override
        public Execution execute(ByteString command) {
            long[] reply = new long[1];
            change("execute", () -> reply[0] = value += NonNegativeCounter.decode(command));
            return new Execution(NonNegativeCounter.encode(reply[0]), NonNegativeCounter.encode(reply[0]));
        }

        @Override
        public void applyUpdate(ByteString update) {
            change("applyUpdate", () -> value = NonNegativeCounter.decode(update));
        }

        @Override
        public ByteString query(ByteString query) {
            return read("query", () -> NonNegativeCounter.encode(value));
        }

        @Override
        public void validate(ByteString command) {
            read("validate", () -> value);
        }

        @Override
        public Optional<ByteString> digest() {
            return read("digest", () -> Optional.of(NonNegativeCounter.encode(value)));
        }

        @Override
        public void writeSnapshot(OutputStream out) throws IOException {
            IOException[] failure = new IOException[1];
            read("writeSnapshot", () -> {
                try {
                    new DataOutputStream(out).writeLong(value);
                } catch (IOException e) {
                    failure[0] = e;
                }
                return null;
            });
            if (failure[0] != null) {
                throw failure[0];
            }
        }

        @Override
        public void readSnapshot(InputStream in) throws IOException {
            long v = new DataInputStream(in).readLong();
            change("readSnapshot", () -> value = v);
        }

        @Override
        public boolean queriesAreThreadSafe() {
            return threadSafeReads;
        }
    }
}
