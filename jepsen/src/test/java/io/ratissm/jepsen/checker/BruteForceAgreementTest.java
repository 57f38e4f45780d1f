package io.ratissm.jepsen.checker;

import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.jepsen.history.History;
import io.ratissm.jepsen.history.Keyword;
import io.ratissm.jepsen.history.Op;
import io.ratissm.jepsen.history.OpType;
import io.ratissm.jepsen.history.Operation;
import io.ratissm.jepsen.history.PairedHistory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * On thousands of small random cas-register histories with crashes and failures, the checker agrees with a
 * brute-force search over every order (and every subset of crashed operations) that respects real time.
 */
class BruteForceAgreementTest {
    private static final String[] FS = {"read", "write", "cas"};

    @Test
    void wglAgreesWithExhaustiveSearchOnRandomSmallHistories() {
        assertAgreement(Models.create("cas-register", true, 0L));
    }

    @Test
    void wglAgreesWithExhaustiveSearchWhenCrashedOperationsAreDeferred() {
        assertAgreement(variant(true, true));
    }

    @Test
    void wglAgreesWithExhaustiveSearchWithoutKnowingWhichOperationsReadOnly() {
        assertAgreement(variant(false, false));
        assertAgreement(variant(true, false));
    }

    /** The cas-register, deferring crashed operations or not, and saying which operations read only or not. */
    private static Model variant(boolean defers, boolean readsOnly) {
        Model register = Models.create("cas-register", true, 0L);
        return new Model() {
            @Override
            public String name() {
                return "cas-register-variant";
            }

            @Override
            public Object initialState() {
                return register.initialState();
            }

            @Override
            public Object step(Object state, Object f, Object value) {
                return register.step(state, f, value);
            }

            @Override
            public boolean defersCrashedOperations() {
                return defers;
            }

            @Override
            public boolean readsOnly(Object f, Object value) {
                return readsOnly && register.readsOnly(f, value);
            }
        };
    }

    private static void assertAgreement(Model model) {
        Random random = new Random(42);
        WglChecker checker = new WglChecker(CheckOptions.defaults().withParallelism(1));
        int invalid = 0;
        for (int trial = 0; trial < 3000; trial++) {
            History history = randomHistory(random);
            boolean expected = bruteForce(PairedHistory.of(history).operations(), model);
            Verdict actual = checker.check(history, model).verdict();
            assertThat(actual)
                    .as("trial %d: %s", trial, history.ops())
                    .isEqualTo(expected ? Verdict.LINEARIZABLE : Verdict.NOT_LINEARIZABLE);
            invalid += expected ? 0 : 1;
        }
        // The generator must produce both kinds, or the agreement says little.
        assertThat(invalid).isBetween(300, 2700);
    }

    private static History randomHistory(Random random) {
        int processes = 2 + random.nextInt(3);
        int opsLeft = 3 + random.nextInt(5);
        List<Op> ops = new ArrayList<>();
        Op[] open = new Op[processes];
        boolean[] crashed = new boolean[processes];
        while (opsLeft > 0 || anyOpen(open)) {
            int p = random.nextInt(processes);
            if (crashed[p]) {
                if (allDone(crashed, open) && opsLeft == 0) {
                    break;
                }
                opsLeft -= opsLeft > 0 && allCrashed(crashed) ? 1 : 0;
                continue;
            }
            if (open[p] == null) {
                if (opsLeft == 0) {
                    continue;
                }
                opsLeft--;
                String f = FS[random.nextInt(3)];
                Object value = switch (f) {
                    case "read" -> null;
                    case "write" -> (long) random.nextInt(3);
                    default -> List.of((long) random.nextInt(3), (long) random.nextInt(3));
                };
                open[p] = Op.of(ops.size(), OpType.INVOKE, (long) p, f, value);
                ops.add(open[p]);
            } else {
                Op inv = open[p];
                int roll = random.nextInt(10);
                OpType type = roll < 7 ? OpType.OK : roll < 9 ? OpType.INFO : OpType.FAIL;
                Object value = inv.value();
                if (inv.f() == Keyword.of("read") && type == OpType.OK) {
                    int r = random.nextInt(4);
                    value = r == 3 ? null : (Object) (long) r;
                }
                if (random.nextInt(12) == 0) {
                    open[p] = null;
                    crashed[p] = true; // left pending: never completes
                    continue;
                }
                ops.add(Op.of(ops.size(), type, (long) p, ((Keyword) inv.f()).name(), value));
                open[p] = null;
                crashed[p] = type == OpType.INFO;
            }
        }
        return new History(ops);
    }

    private static boolean anyOpen(Op[] open) {
        for (Op o : open) {
            if (o != null) {
                return true;
            }
        }
        return false;
    }

    private static boolean allCrashed(boolean[] crashed) {
        for (boolean c : crashed) {
            if (!c) {
                return false;
            }
        }
        return true;
    }

    private static boolean allDone(boolean[] crashed, Op[] open) {
        return allCrashed(crashed) || !anyOpen(open);
    }

    /** Tries every real-time-respecting order; crashed ops may be left out. */
    static boolean bruteForce(List<Operation> all, Model model) {
        List<Operation> ops =
                all.stream().filter(o -> o.outcome() != Operation.Outcome.FAIL).toList();
        return search(ops, new boolean[ops.size()], model.initialState(), model);
    }

    private static boolean search(List<Operation> ops, boolean[] done, Object state, Model model) {
        boolean allOkDone = true;
        for (int i = 0; i < ops.size(); i++) {
            if (!done[i] && ops.get(i).outcome() == Operation.Outcome.OK) {
                allOkDone = false;
            }
        }
        if (allOkDone) {
            return true;
        }
        for (int i = 0; i < ops.size(); i++) {
            if (done[i] || !minimal(ops, done, i)) {
                continue;
            }
            Object next = model.step(state, ops.get(i).f(), ops.get(i).value());
            if (next == Model.INCONSISTENT) {
                continue;
            }
            done[i] = true;
            boolean ok = search(ops, done, next, model);
            done[i] = false;
            if (ok) {
                return true;
            }
        }
        return false;
    }

    /** No not-yet-linearized completed op returned before op i was invoked. */
    private static boolean minimal(List<Operation> ops, boolean[] done, int i) {
        for (int j = 0; j < ops.size(); j++) {
            Operation o = ops.get(j);
            if (!done[j]
                    && j != i
                    && o.outcome() == Operation.Outcome.OK
                    && o.completePosition() < ops.get(i).invokePosition()) {
                return false;
            }
        }
        return true;
    }
}
