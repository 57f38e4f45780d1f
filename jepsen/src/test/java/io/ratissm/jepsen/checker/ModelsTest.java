package io.ratissm.jepsen.checker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ratissm.jepsen.history.EdnReader;
import io.ratissm.jepsen.history.Keyword;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The models' step functions, one behaviour per test. */
class ModelsTest {
    private static final Keyword READ = Keyword.of("read");
    private static final Keyword WRITE = Keyword.of("write");
    private static final Keyword CAS = Keyword.of("cas");

    @Test
    void registerReadsWhatWasWrittenLast() {
        Model m = Models.create("register", true, 0L);

        Object s = m.step(m.initialState(), WRITE, 3L);

        assertThat(m.step(s, READ, 3L)).isEqualTo(3L);
        assertThat(m.step(s, READ, 0L)).isSameAs(Model.INCONSISTENT);
    }

    @Test
    void aNilReadConstrainsNothing() {
        Model m = Models.create("register", true, 5L);

        assertThat(m.step(5L, READ, null)).isEqualTo(5L);
        assertThat(m.step(null, READ, null)).isNull();
    }

    @Test
    void registersStartAtNilByDefault() {
        assertThat(Models.create("register", false, null).initialState()).isNull();
        assertThat(Models.create("cas-register", false, null).initialState()).isNull();
    }

    @Test
    void plainRegisterRejectsCasWithAHint() {
        Model m = Models.create("register", false, null);

        assertThatThrownBy(() -> m.step(null, CAS, List.of(1L, 2L)))
                .isInstanceOf(ModelMismatchException.class)
                .hasMessageContaining("use cas-register for :cas");
    }

    @Test
    void casRegisterSwapsOnlyWhenTheOldValueMatches() {
        Model m = Models.create("cas-register", true, 1L);

        assertThat(m.step(1L, CAS, List.of(1L, 2L))).isEqualTo(2L);
        assertThat(m.step(3L, CAS, List.of(1L, 2L))).isSameAs(Model.INCONSISTENT);
        assertThat(m.step(1L, WRITE, 4L)).isEqualTo(4L);
    }

    @Test
    void casRegisterRejectsACasValueThatIsNotAPair() {
        Model m = Models.create("cas-register", true, 1L);

        assertThatThrownBy(() -> m.step(1L, CAS, 2L))
                .isInstanceOf(ModelMismatchException.class)
                .hasMessageContaining("must be [old new]");
    }

    @Test
    void multiRegisterAppliesTransactionsAtomicallyInOrder() {
        Model m = Models.create("multi-register", true, EdnReader.readOne("{:x 0 :y 0}"));
        Object txn = EdnReader.readOne("[[:write :x 1] [:read :x 1] [:read :y nil]]");

        Object s = m.step(m.initialState(), Keyword.of("txn"), txn);

        assertThat(s).isEqualTo(Map.of(Keyword.of("x"), 1L, Keyword.of("y"), 0L));
        assertThat(m.step(s, Keyword.of("txn"), EdnReader.readOne("[[:read :y 2]]")))
                .isSameAs(Model.INCONSISTENT);
        assertThat(m.step(s, Keyword.of("txn"), EdnReader.readOne("[[:read :z nil]]")))
                .isEqualTo(s);
    }

    @Test
    void multiRegisterNeedsAMapAsInitialValue() {
        assertThatThrownBy(() -> Models.create("multi-register", true, 0L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a map");
    }

    @Test
    void kvGetsPutsAndAppendsStringsStartingEmpty() {
        Model m = Models.create("kv", false, null);

        Object s = m.step(m.initialState(), Keyword.of("append"), "x 1 y");
        s = m.step(s, Keyword.of("append"), "x 2 y");

        assertThat(m.initialState()).isEqualTo("");
        assertThat(m.step(s, Keyword.of("get"), "x 1 yx 2 y")).isEqualTo("x 1 yx 2 y");
        assertThat(m.step(s, Keyword.of("get"), "x 1 y")).isSameAs(Model.INCONSISTENT);
        assertThat(m.step(s, Keyword.of("get"), null)).isEqualTo(s);
        assertThat(m.step(s, Keyword.of("put"), "z")).isEqualTo("z");
    }

    @Test
    void mutexCanOnlyBeAcquiredWhenFreeAndReleasedWhenHeld() {
        Model m = Models.create("mutex", false, null);
        Keyword acquire = Keyword.of("acquire");
        Keyword release = Keyword.of("release");

        Object held = m.step(m.initialState(), acquire, null);

        assertThat(held).isEqualTo(true);
        assertThat(m.step(held, acquire, null)).isSameAs(Model.INCONSISTENT);
        assertThat(m.step(held, release, null)).isEqualTo(false);
        assertThat(m.step(false, release, null)).isSameAs(Model.INCONSISTENT);
        assertThat(Models.create("mutex", true, true).initialState()).isEqualTo(true);
    }

    @Test
    void unknownModelNamesListTheChoices() {
        assertThatThrownBy(() -> Models.create("queue", false, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cas-register");
    }

    @Test
    void modelsSayWhichOperationsReadOnly() {
        Model cas = Models.create("cas-register", false, null);
        Model multi = Models.create("multi-register", false, null);
        Model kv = Models.create("kv", false, null);
        Keyword txn = Keyword.of("txn");

        assertThat(cas.readsOnly(Keyword.of("read"), 1L)).isTrue();
        assertThat(cas.readsOnly(Keyword.of("write"), 1L)).isFalse();
        assertThat(cas.readsOnly(CAS, List.of(2L, 2L))).isTrue();
        assertThat(cas.readsOnly(CAS, List.of(2L, 3L))).isFalse();
        assertThat(cas.readsOnly(CAS, 2L)).isFalse();
        assertThat(Models.create("register", false, null).readsOnly(CAS, List.of(2L, 2L)))
                .isFalse();
        assertThat(multi.readsOnly(txn, EdnReader.readOne("[[:read :x 1] [:read :y nil]]")))
                .isTrue();
        assertThat(multi.readsOnly(txn, EdnReader.readOne("[[:read :x 1] [:write :y 2]]")))
                .isFalse();
        assertThat(kv.readsOnly(Keyword.of("get"), "x")).isTrue();
        assertThat(kv.readsOnly(Keyword.of("append"), "x")).isFalse();
        assertThat(Models.create("mutex", false, null).readsOnly(Keyword.of("acquire"), null))
                .isFalse();
    }
}
