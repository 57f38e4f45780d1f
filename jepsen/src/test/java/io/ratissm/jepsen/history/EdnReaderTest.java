package io.ratissm.jepsen.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EdnReaderTest {
    @Test
    void readsAnOpMapWithKeywordsNumbersAndNil() {
        Object form = EdnReader.readOne("{:type :invoke, :f :cas, :value [1 -4], :process 0, :x nil}");

        assertThat(form).isInstanceOf(Map.class);
        @SuppressWarnings("unchecked")
        Map<Object, Object> map = (Map<Object, Object>) form;
        assertThat(map)
                .containsEntry(Keyword.of("type"), Keyword.of("invoke"))
                .containsEntry(Keyword.of("f"), Keyword.of("cas"))
                .containsEntry(Keyword.of("value"), List.of(1L, -4L))
                .containsEntry(Keyword.of("process"), 0L)
                .containsEntry(Keyword.of("x"), null);
    }

    @Test
    void internsKeywordsSoTheyCompareByIdentity() {
        assertThat(EdnReader.readOne(":read")).isSameAs(Keyword.of("read"));
    }

    @Test
    void readsStringsWithEscapesAndCharacters() {
        assertThat(EdnReader.readAll("\"a \\\"q\\\" \\n \\\\ \\u0041\" \\x \\newline"))
                .containsExactly("a \"q\" \n \\ A", 'x', '\n');
    }

    @Test
    void skipsCommentsCommasAndDiscardedForms() {
        assertThat(EdnReader.readAll("; a comment\n[1, 2 #_ 3 ;; more\n 4]")).containsExactly(List.of(1L, 2L, 4L));
    }

    @Test
    void readsSetsTagsSymbolsBooleansAndBigNumbers() {
        assertThat(EdnReader.readAll("#{:a} #inst \"2020\" foo true false 12345678901234567890 7N 1.5"))
                .containsExactly(
                        Set.of(Keyword.of("a")),
                        new Tagged("inst", "2020"),
                        new Symbol("foo"),
                        true,
                        false,
                        new BigInteger("12345678901234567890"),
                        BigInteger.valueOf(7),
                        1.5);
    }

    @Test
    void namesTheLineAndColumnOfAnUnclosedMap() {
        assertThatThrownBy(() -> EdnReader.readAll("[{:a 1}\n {:b 2"))
                .isInstanceOf(EdnParseException.class)
                .hasMessageContaining("map is not closed")
                .hasMessageContaining("line 2");
    }

    @Test
    void rejectsAMismatchedCloser() {
        assertThatThrownBy(() -> EdnReader.readAll("[1 2)"))
                .isInstanceOf(EdnParseException.class)
                .hasMessageContaining("expected ']' but found ')'");
    }

    @Test
    void rejectsTrailingTextAfterASingleValue() {
        assertThatThrownBy(() -> EdnReader.readOne("0 1"))
                .isInstanceOf(EdnParseException.class)
                .hasMessageContaining("unexpected text");
    }

    @Test
    void writerOutputReadsBackToTheSameValue() {
        Object value = EdnReader.readOne(
                "{:a [1 \"two\\n\" :three nil true], :b #{4}, :c {\"k\" (5 6)}, :d 1.25, :e \\c, :f 9N}");

        assertThat(EdnReader.readOne(EdnWriter.write(value))).isEqualTo(value);
    }

    @Test
    void readsUtf8TextAndTakesUnicodeWhitespaceAsASeparator() {
        assertThat(EdnReader.readAll("\"é \uD83D\uDE00\" :ké\u2003sym\u00e9 \\é"))
                .containsExactly("é \uD83D\uDE00", Keyword.of("ké"), new Symbol("symé"), 'é');
    }

    @Test
    void aBadUnicodeEscapeIsAParseErrorNotACrash() {
        assertThatThrownBy(() -> EdnReader.readOne("\"\\uZZZZ\""))
                .isInstanceOf(EdnParseException.class)
                .hasMessageContaining("'\\uZZZZ' is not a \\u escape");
        assertThatThrownBy(() -> EdnReader.readOne("\\uZZZZ"))
                .isInstanceOf(EdnParseException.class)
                .hasMessageContaining("'\\uZZZZ' is not a \\u escape");
    }

    @Test
    void smallAndLargeMapsEqualAnyMapWithTheSameEntriesAndTheLastValueOfARepeatedKeyWins() {
        Map<Object, Object> small = castMap(EdnReader.readOne("{:a 1, :b 2, :a 3}"));
        StringBuilder text = new StringBuilder("{");
        Map<Object, Object> expected = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 12; i++) {
            text.append(':').append("k").append(i).append(' ').append(i).append(' ');
            expected.put(Keyword.of("k" + i), (long) i);
        }
        Map<Object, Object> large =
                castMap(EdnReader.readOne(text.append(":k0 99}").toString()));
        expected.put(Keyword.of("k0"), 99L);

        assertThat(small).isEqualTo(Map.of(Keyword.of("a"), 3L, Keyword.of("b"), 2L));
        assertThat(small.hashCode())
                .isEqualTo(Map.of(Keyword.of("a"), 3L, Keyword.of("b"), 2L).hashCode());
        assertThat(small.keySet()).containsExactly(Keyword.of("a"), Keyword.of("b"));
        assertThat(large).isEqualTo(expected);
        assertThat(large.keySet()).containsExactlyElementsOf(expected.keySet());
        assertThatThrownBy(() -> small.put(Keyword.of("c"), 4L)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> large.put(Keyword.of("c"), 4L)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aMapMayHaveNilAsAKey() {
        assertThat(castMap(EdnReader.readOne("{nil 1, :a nil}")))
                .containsEntry(null, 1L)
                .containsEntry(Keyword.of("a"), null)
                .hasSize(2);
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> castMap(Object form) {
        return (Map<Object, Object>) form;
    }
}
