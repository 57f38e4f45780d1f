package io.ratissm.internal.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP response as the operations endpoints send it: a status, a body of text, and the headers every answer
 * carries ({@code Content-Type}, {@code Content-Length}, {@code Cache-Control: no-store} and
 * {@code Connection: close}: one request per connection, so that no connection is kept for a client's next one).
 *
 * @param allow the value of an {@code Allow} header (for a 405), or null for none
 */
record Response(int status, String contentType, String body, String allow) {
    static final String TEXT = "text/plain; charset=utf-8";

    Response(int status, String contentType, String body) {
        this(status, contentType, body, null);
    }

    static Response text(int status, String body) {
        return new Response(status, TEXT, body);
    }

    /** The whole response, head and body, as written on the connection. */
    byte[] bytes() {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(160)
                .append("HTTP/1.1 ")
                .append(status)
                .append(' ')
                .append(reason(status))
                .append("\r\n")
                .append("Content-Type: ")
                .append(contentType)
                .append("\r\n")
                .append("Content-Length: ")
                .append(content.length)
                .append("\r\n")
                .append("Cache-Control: no-store\r\n")
                .append("Connection: close\r\n");
        if (allow != null) {
            head.append("Allow: ").append(allow).append("\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream(head.length() + content.length);
        out.writeBytes(head.toString().getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Status " + status;
        };
    }
}
