package io.ratissm.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestHeadTest {
    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void theEndOfAHeadIsFoundWhenItStraddlesTwoReads() {
        byte[] head = ascii("GET / HTTP/1.1\r\nHost: x\r\n\r\nbody");
        int blankLine = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".length();

        for (int firstRead = 0; firstRead < blankLine; firstRead++) {
            assertThat(RequestHead.end(head, 0, firstRead))
                    .as("after %d bytes", firstRead)
                    .isEqualTo(-1);
            assertThat(RequestHead.end(head, firstRead, head.length))
                    .as("resumed at %d", firstRead)
                    .isEqualTo(blankLine);
        }
    }

    @Test
    void bareLineFeedsEndAHeadToo() {
        assertThat(RequestHead.end(ascii("GET / HTTP/1.1\nHost: x\n\n"), 0, 24)).isEqualTo(24);
    }

    @Test
    void thePathIsDecodedAndItsQueryDropped() throws Exception {
        byte[] head = ascii("GET /sta%74us?x=1 HTTP/1.1\r\n\r\n");

        assertThat(RequestHead.parse(head, head.length)).isEqualTo(new RequestHead("GET", "/status"));
    }

    @Test
    void aTargetThatIsNotAPathIsMalformed() {
        byte[] head = ascii("GET ftp://host/health HTTP/1.1\r\n\r\n");

        assertThatThrownBy(() -> RequestHead.parse(head, head.length))
                .isInstanceOf(RequestHead.MalformedRequest.class)
                .hasMessage("the request target is not a path");
    }
}
