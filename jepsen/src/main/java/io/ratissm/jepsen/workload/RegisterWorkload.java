package io.ratissm.jepsen.workload;

import com.google.protobuf.ByteString;
import io.ratissm.StateMachine;
import io.ratissm.jepsen.checker.CheckResult;
import io.ratissm.jepsen.checker.IndependentModel;
import io.ratissm.jepsen.checker.KeyResult;
import io.ratissm.jepsen.checker.Model;
import io.ratissm.jepsen.checker.Models;
import io.ratissm.jepsen.checker.ResultsWriter;
import io.ratissm.jepsen.checker.Verdict;
import io.ratissm.jepsen.history.History;
import io.ratissm.jepsen.history.HistoryWriter;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.history.Op;
import io.ratissm.jepsen.report.TimelineHtml;
import io.ratissm.shard.ShardMap;
import io.ratissm.statemachines.KvStore;
import io.ratissm.statemachines.proto.KvReply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Jepsen's linearizable register on many independent keys of the {@code KvStore}: reads, writes and
 * compare-and-sets of small integers (stored as decimal strings), each op's value a {@code [key value]} tuple.
 * A few keys are live at a time; a key retires after {@code opsPerKey} operations and a fresh one takes its
 * place, which keeps each key's history small enough to check exhaustively and still long enough to span
 * several faults. Each key is checked on its own against the cas-register model starting at {@code nil}
 * (an absent key); the per-key histories and verdicts go to {@code independent/<key>/}.
 *
 * <p>In a sharded run ({@code shards > 0}) the op's store key ({@code r<key>}) is its {@link #shardKey}, and the live
 * keys are spread over every shard: live slot {@code i} only ever takes keys of shard {@code i mod shards} (by {@link
 * ShardMap#shardOf}), so with at least as many slots as shards every shard takes operations at every moment.
 */
public final class RegisterWorkload implements Workload {
    private static final int VALUES = 5;
    private static final Keyword VALID = Keyword.of("valid?");
    private static final Keyword MISMATCH = Keyword.of("mismatch");

    private final long[] liveKeys;
    private final int[] opsOnKey;
    private final int opsPerKey;
    private final Duration checkTimeLimit;
    private final int shards;
    private long nextKey;

    /**
     * @param liveKeys       how many keys take operations at the same time
     * @param opsPerKey      operations on a key before it retires
     * @param checkTimeLimit time budget of the linearizability check; past it the verdict is unknown
     */
    public RegisterWorkload(int liveKeys, int opsPerKey, Duration checkTimeLimit) {
        this(liveKeys, opsPerKey, checkTimeLimit, 0);
    }

    /**
     * @param liveKeys       how many keys take operations at the same time
     * @param opsPerKey      operations on a key before it retires
     * @param checkTimeLimit time budget of the linearizability check; past it the verdict is unknown
     * @param shards         the number of shards of a sharded run, whose keys the live slots spread over (see the
     *                       class comment); 0 for an unsharded run
     */
    public RegisterWorkload(int liveKeys, int opsPerKey, Duration checkTimeLimit, int shards) {
        if (shards < 0) {
            throw new IllegalArgumentException("shards is 0 (unsharded) or positive, not " + shards);
        }
        this.liveKeys = new long[liveKeys];
        this.opsOnKey = new int[liveKeys];
        this.opsPerKey = opsPerKey;
        this.checkTimeLimit = checkTimeLimit;
        this.shards = shards;
        for (int i = 0; i < liveKeys; i++) {
            this.liveKeys[i] = freshKey(i);
        }
    }

    /**
     * The next unused key for live slot {@code slot}: the next number, or in a sharded run the next number whose store
     * key belongs to the slot's shard (the numbers passed over are never used).
     */
    private long freshKey(int slot) {
        long key = nextKey++;
        while (shards > 0 && ShardMap.shardOf(storeKey(key), shards) != slot % shards) {
            key = nextKey++;
        }
        return key;
    }

    private static String storeKey(long key) {
        return "r" + key;
    }

    @Override
    public String name() {
        return "register";
    }

    @Override
    public Class<? extends StateMachine> stateMachine() {
        return KvStore.class;
    }

    /** A read of a key no client uses: it shows the group serves. */
    @Override
    public List<Invocation> setUp() {
        return List.of(new Invocation("read", tuple(-1, null), true));
    }

    @Override
    public Invocation next(Random random) {
        int slot = random.nextInt(liveKeys.length);
        long key = liveKeys[slot];
        if (++opsOnKey[slot] >= opsPerKey) {
            liveKeys[slot] = freshKey(slot);
            opsOnKey[slot] = 0;
        }
        int dice = random.nextInt(4);
        if (dice < 2) {
            return new Invocation("read", tuple(key, null), true);
        }
        if (dice == 2) {
            return new Invocation("write", tuple(key, (long) random.nextInt(VALUES)), false);
        }
        return new Invocation(
                "cas", tuple(key, List.of((long) random.nextInt(VALUES), (long) random.nextInt(VALUES))), false);
    }

    private static List<Object> tuple(long key, Object value) {
        List<Object> t = new ArrayList<>(2);
        t.add(key);
        t.add(value);
        return t;
    }

    /** The store key the op reads or changes, {@code r<key>}: every op touches exactly one. */
    @Override
    public String shardKey(Invocation op) {
        return storeKey((Long) ((List<?>) op.value()).get(0));
    }

    @Override
    public ByteString request(Invocation op) {
        List<?> kv = (List<?>) op.value();
        String storeKey = storeKey((Long) kv.get(0));
        return switch (op.f()) {
            case "read" -> KvStore.get(storeKey).toByteString();
            case "write" -> KvStore.put(storeKey, encode((Long) kv.get(1))).toByteString();
            case "cas" -> {
                List<?> oldNew = (List<?>) kv.get(1);
                yield KvStore.cas(storeKey, encode((Long) oldNew.get(0)), encode((Long) oldNew.get(1)))
                        .toByteString();
            }
            default -> throw new IllegalArgumentException("register workload has no op " + op.f());
        };
    }

    @Override
    public Completion completion(Invocation op, ByteString reply) throws IOException {
        KvReply r = KvReply.parseFrom(reply);
        return switch (op.f()) {
            case "read" -> {
                long key = (Long) ((List<?>) op.value()).get(0);
                yield Completion.ok(
                        tuple(key, r.getFound() ? Long.parseLong(r.getValue().toStringUtf8()) : null));
            }
            case "cas" -> r.getFound() ? Completion.ok(op.value()) : Completion.fail(op.value(), MISMATCH);
            default -> Completion.ok(op.value());
        };
    }

    private static ByteString encode(long value) {
        return ByteString.copyFrom(Long.toString(value), StandardCharsets.UTF_8);
    }

    /** A cas-register per key, from {@code nil} (an absent key). */
    @Override
    public Model model() {
        return new IndependentModel(Models.create("cas-register", true, null));
    }

    @Override
    public WorkloadCheck check(History history, Path storeDir) throws IOException {
        List<Op> clientOps = history.ops().stream().filter(Op::isClient).toList();
        CheckResult result = LinearizabilityCheck.search(new History(clientOps), model(), checkTimeLimit);
        writeIndependent(history, result, storeDir.resolve("independent"));
        Files.writeString(
                storeDir.resolve("timeline.html"),
                TimelineHtml.render("register " + storeDir.getFileName(), new History(clientOps), result));

        Map<Keyword, Object> details = new LinkedHashMap<>();
        details.put(VALID, result.verdict().ednValue());
        details.put(Keyword.of("model"), Keyword.of("cas-register"));
        details.put(Keyword.of("key-count"), (long) result.keys().size());
        if (result.cause() != null) {
            details.put(Keyword.of("cause"), result.cause());
        }
        List<Object> failures = new ArrayList<>();
        List<Object> unknown = new ArrayList<>();
        long cancelled = 0;
        for (KeyResult k : result.keys()) {
            if (k.verdict() == Verdict.NOT_LINEARIZABLE) {
                failures.add(k.key());
            } else if (k.verdict() == Verdict.UNKNOWN
                    && String.valueOf(k.cause()).contains("cancelled")) {
                cancelled++; // the checker stops the other keys once one fails: not checked, not suspicious
            } else if (k.verdict() == Verdict.UNKNOWN) {
                unknown.add(k.key());
            }
        }
        details.put(Keyword.of("failures"), failures);
        details.put(Keyword.of("unknown"), unknown);
        details.put(Keyword.of("not-checked-after-failure"), cancelled);
        KeyResult first = result.firstFailure();
        if (first != null) {
            details.put(
                    Keyword.of("counterexample"),
                    LinearizabilityCheck.counterexample(first, model(), "independent/" + first.key() + "/results.edn"));
        }
        return new WorkloadCheck(result.verdict(), details);
    }

    /**
     * Per key: {@code history.edn} with the key's ops unwrapped to plain values (plus the nemesis ops), which
     * Knossos accepts as is, and {@code results.edn}; a failed key also gets its own {@code timeline.html}.
     */
    private static void writeIndependent(History history, CheckResult result, Path dir) throws IOException {
        for (KeyResult k : result.keys()) {
            List<Op> ops = new ArrayList<>();
            for (Op op : history.ops()) {
                if (!op.isClient()) {
                    ops.add(op);
                } else if (op.value() instanceof List<?> kv
                        && kv.size() == 2
                        && k.key().equals(kv.get(0))) {
                    ops.add(new Op(op.index(), op.time(), op.type(), op.process(), op.f(), kv.get(1), op.extras()));
                }
            }
            Path keyDir = dir.resolve(String.valueOf(k.key()));
            History keyHistory = new History(ops);
            HistoryWriter.writeStore(keyHistory, keyDir);
            CheckResult single = new CheckResult(
                    k.verdict(), k.cause(), result.modelName(), false, List.of(k), List.of(result.historyOf(k)), 0);
            Files.writeString(keyDir.resolve("results.edn"), ResultsWriter.toEdn(single));
            if (k.verdict() == Verdict.NOT_LINEARIZABLE) {
                Files.writeString(
                        keyDir.resolve("timeline.html"),
                        TimelineHtml.render("register key " + k.key(), keyHistory, single));
            }
        }
    }
}
