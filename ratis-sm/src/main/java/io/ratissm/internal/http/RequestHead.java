package io.ratissm.internal.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;

/**
 * The parts of an HTTP/1.x request head that the operations endpoints need: the method and the decoded path.
 * Headers are checked for form only; none changes an answer, and a body is never read.
 *
 * @param method the request method, e.g. {@code GET}
 * @param path   the decoded path of the request target, without its query
 */
record RequestHead(String method, String path) {
    /** A head that is not HTTP/1.x: answered 400 with the reason. */
    static final class MalformedRequest extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedRequest(String reason) {
            super(reason);
        }
    }

    /**
     * Where the head that starts at {@code buf[0]} ends: the index just after its blank line ({@code CRLF CRLF}, or
     * bare {@code LF LF} as RFC 9112 lets a server accept), or -1 if {@code buf[0..length)} holds no end yet.
     *
     * @param from where to resume the search: the length at the previous call (the end may straddle it)
     */
    static int end(byte[] buf, int from, int length) {
        for (int i = Math.max(1, from - 3); i < length; i++) {
            if (buf[i] == '\n' && (buf[i - 1] == '\n' || (i >= 2 && buf[i - 1] == '\r' && buf[i - 2] == '\n'))) {
                return i + 1;
            }
        }
        return -1;
    }

    /** Parses the head in {@code buf[0..length)}, which {@link #end} found whole. */
    static RequestHead parse(byte[] buf, int length) throws MalformedRequest {
        // ISO-8859-1 maps every byte to one char, so nothing is lost before the checks below.
        String[] lines = new String(buf, 0, length, StandardCharsets.ISO_8859_1).split("\r?\n", -1);
        String[] parts = lines[0].split(" ", -1);
        if (parts.length != 3) {
            throw new MalformedRequest("the request line is not 'METHOD TARGET HTTP/1.1'");
        }
        String method = parts[0];
        if (method.isEmpty() || !method.chars().allMatch(RequestHead::isTokenChar)) {
            throw new MalformedRequest("the method is not a token");
        }
        if (!parts[2].matches("HTTP/1\\.[01]")) {
            throw new MalformedRequest("the version is not HTTP/1.0 or HTTP/1.1");
        }
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !line.substring(0, colon).chars().allMatch(RequestHead::isTokenChar)) {
                throw new MalformedRequest("header line " + i + " is not 'Name: value'");
            }
        }
        return new RequestHead(method, path(parts[1]));
    }

    /** The origin form ({@code /path?query}) or the absolute form ({@code http://host/path}) of a request target. */
    private static String path(String target) throws MalformedRequest {
        URI uri;
        try {
            uri = new URI(target);
        } catch (URISyntaxException e) {
            throw new MalformedRequest("the request target is not a URI");
        }
        String path = uri.getPath();
        boolean originForm = !uri.isAbsolute() && uri.getRawAuthority() == null && target.startsWith("/");
        boolean absoluteForm = uri.isAbsolute()
                && ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()));
        if (path == null || !(originForm || absoluteForm)) {
            throw new MalformedRequest("the request target is not a path");
        }
        return path.isEmpty() ? "/" : path;
    }

    /** RFC 9110's tchar. */
    private static boolean isTokenChar(int c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
