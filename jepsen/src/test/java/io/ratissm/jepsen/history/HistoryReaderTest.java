package io.ratissm.jepsen.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryReaderTest {
    @Test
    void readsAKnossosVectorOfOps() {
        History h = HistoryReader.parse("[{:process 0, :type :invoke, :f :read, :value nil}\n"
                + " {:process 0, :type :ok, :f :read, :value 3}]");

        assertThat(h.ops()).extracting(Op::type).containsExactly(OpType.INVOKE, OpType.OK);
        assertThat(h.ops().get(1).value()).isEqualTo(3L);
        assertThat(h.ops()).extracting(Op::index).containsExactly(0L, 1L);
    }

    @Test
    void readsJepsenHistoryEdnWithOneOpPerLineKeepingIndexTimeAndExtras() {
        History h = HistoryReader.parse("{:index 7, :time 100, :type :invoke, :process 2, :f :write, :value 1}\n"
                + "{:index 9, :time 250, :type :info, :process 2, :f :write, :value 1, :error :timed-out}\n");

        assertThat(h.ops()).extracting(Op::index).containsExactly(7L, 9L);
        assertThat(h.ops().get(1).time()).isEqualTo(250L);
        assertThat(h.ops().get(1).extra(Op.ERROR)).isEqualTo(Keyword.of("timed-out"));
    }

    @Test
    void readsThePorcupineKvFormatWithASeparateKey() {
        History h = HistoryReader.parse("{:process 0, :type :invoke, :f :get, :key \"7\", :value nil}\n"
                + "{:process 0, :type :ok, :f :get, :key \"7\", :value \"\"}\n");

        assertThat(h.ops()).extracting(op -> op.extra(Keyword.of("key"))).containsExactly("7", "7");
        assertThat(h.ops().get(1).value()).isEqualTo("");
    }

    @Test
    void keepsNemesisOpsButMarksThemAsNotClients() {
        History h = HistoryReader.parse("{:process :nemesis, :type :info, :f :start, :value nil}");

        assertThat(h.ops())
                .singleElement()
                .satisfies(op -> assertThat(op.isClient()).isFalse());
    }

    @Test
    void anEmptyFileIsAnEmptyHistory() {
        assertThat(HistoryReader.parse("  ; nothing\n").ops()).isEmpty();
    }

    @Test
    void rejectsAnElementThatIsNotAnOpMap() {
        assertThatThrownBy(() -> HistoryReader.parse("[{:process 0, :type :invoke, :f :read} 42]"))
                .isInstanceOf(MalformedHistoryException.class)
                .hasMessageContaining("history element 1 is not an op map");
    }

    @Test
    void rejectsAnOpWithoutAValidType() {
        assertThatThrownBy(() -> HistoryReader.parse("{:process 0, :type :done, :f :read}"))
                .isInstanceOf(MalformedHistoryException.class)
                .hasMessageContaining("expected :invoke, :ok, :fail or :info");
    }

    @Test
    void rejectsAnOpWithoutProcess() {
        assertThatThrownBy(() -> HistoryReader.parse("{:type :ok, :f :read}"))
                .isInstanceOf(MalformedHistoryException.class)
                .hasMessageContaining("lacks :process or :f");
    }

    @Test
    void writesHistoryEdnInJepsenKeyOrderAndReadsItBack() {
        History h = new History(List.of(
                new Op(0, 5, OpType.INVOKE, 1L, Keyword.of("cas"), List.of(1L, 2L), null),
                new Op(
                        1,
                        9,
                        OpType.INFO,
                        1L,
                        Keyword.of("cas"),
                        List.of(1L, 2L),
                        java.util.Map.of(Op.ERROR, Keyword.of("timed-out")))));

        String edn = HistoryWriter.toEdn(h);

        assertThat(edn)
                .isEqualTo("{:index 0, :time 5, :type :invoke, :process 1, :f :cas, :value [1 2]}\n"
                        + "{:index 1, :time 9, :type :info, :process 1, :f :cas, :value [1 2], :error :timed-out}\n");
        assertThat(HistoryReader.parse(edn)).isEqualTo(h);
    }

    @Test
    void writesHistoryTxtAsTabSeparatedProcessTypeFunctionValueAndError() {
        History h = HistoryReader.parse("{:process 3, :type :invoke, :f :read, :value nil}\n"
                + "{:process 3, :type :fail, :f :read, :value nil, :error \"no leader\"}\n");

        assertThat(HistoryWriter.toText(h)).isEqualTo("3\t:invoke\t:read\tnil\n3\t:fail\t:read\tnil\t\"no leader\"\n");
    }

    @Test
    void readsAFileWithUtf8Text(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("h.edn");
        Files.writeString(file, "{:process 0, :type :invoke, :f :write, :value \"grüße\"}\n", StandardCharsets.UTF_8);

        assertThat(HistoryReader.read(file).ops().get(0).value()).isEqualTo("grüße");
    }

    @Test
    void namesTheFileLineAndColumnOfTextThatIsNotUtf8(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("latin1.edn");
        Files.write(
                file,
                "{:process 0, :type :invoke, :f :write, :value 1}\n{:process 0, :type :ok, :f :write, :value \"gr\u00fc\"}\n"
                        .getBytes(StandardCharsets.ISO_8859_1));

        assertThatThrownBy(() -> HistoryReader.read(file))
                .isInstanceOf(MalformedHistoryException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not valid UTF-8 at line 2, column 46");
    }

    @Test
    void readsAFileOnAnotherFileSystem(@TempDir Path dir) throws IOException {
        try (FileSystem zip = FileSystems.newFileSystem(dir.resolve("h.zip"), Map.of("create", "true"))) {
            Path file = zip.getPath("h.edn");
            Files.writeString(file, "{:process 0, :type :invoke, :f :read, :value nil}\n");

            assertThat(HistoryReader.read(file).ops()).hasSize(1);
        }
    }
}
