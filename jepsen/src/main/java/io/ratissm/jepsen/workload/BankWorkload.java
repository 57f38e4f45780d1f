package io.ratissm.jepsen.workload;

import com.google.protobuf.ByteString;
import io.ratissm.StateMachine;
import io.ratissm.jepsen.checker.BankChecker;
import io.ratissm.jepsen.history.History;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.statemachines.Bank;
import io.ratissm.statemachines.proto.BankReply;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Transfers of 1 to 5 between random accounts of the {@code Bank} ({@value #ACCOUNTS} accounts, {@value #INITIAL}
 * each) and reads of all balances; checked by {@link BankChecker}: every read has the same total and no negative
 * balance. A transfer refused for insufficient funds is a definite refusal, {@code :fail}.
 */
public final class BankWorkload implements Workload {
    static final int ACCOUNTS = 5;
    static final long INITIAL = 20;
    private static final Keyword FROM = Keyword.of("from");
    private static final Keyword TO = Keyword.of("to");
    private static final Keyword AMOUNT = Keyword.of("amount");
    private static final Invocation READ = new Invocation("read", null, true);

    private final Map<String, Long> initial = new TreeMap<>();

    public BankWorkload() {
        for (int i = 0; i < ACCOUNTS; i++) {
            initial.put("a" + i, INITIAL);
        }
    }

    @Override
    public String name() {
        return "bank";
    }

    @Override
    public Class<? extends StateMachine> stateMachine() {
        return Bank.class;
    }

    /** Opens the accounts (idempotent, so retries are harmless), then reads them back. */
    @Override
    public List<Invocation> setUp() {
        return List.of(new Invocation("open", initial, false), READ);
    }

    @Override
    public Invocation next(Random random) {
        if (random.nextInt(3) == 0) {
            return READ;
        }
        int from = random.nextInt(ACCOUNTS);
        int to = (from + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
        Map<Keyword, Object> t = new LinkedHashMap<>();
        t.put(FROM, "a" + from);
        t.put(TO, "a" + to);
        t.put(AMOUNT, (long) (1 + random.nextInt(5)));
        return new Invocation("transfer", t, false);
    }

    @Override
    public ByteString request(Invocation op) {
        return switch (op.f()) {
            case "read" -> Bank.read().toByteString();
            case "open" -> Bank.open(initial).toByteString();
            case "transfer" -> {
                Map<?, ?> t = (Map<?, ?>) op.value();
                yield Bank.transfer((String) t.get(FROM), (String) t.get(TO), (Long) t.get(AMOUNT))
                        .toByteString();
            }
            default -> throw new IllegalArgumentException("bank workload has no op " + op.f());
        };
    }

    /** A transfer refused for insufficient funds is the default {@code :fail}: it had no effect. */
    @Override
    public Completion completion(Invocation op, ByteString reply) throws IOException {
        BankReply r = BankReply.parseFrom(reply);
        return Completion.ok(op.readOnly() ? new TreeMap<>(r.getBalancesMap()) : op.value());
    }

    @Override
    public List<Invocation> finalInvocations() {
        return List.of(READ);
    }

    @Override
    public WorkloadCheck check(History history, Path storeDir) {
        BankChecker.Result r = BankChecker.check(history, initial.keySet(), ACCOUNTS * INITIAL);
        return new WorkloadCheck(r.verdict(), r.toEdn());
    }
}
