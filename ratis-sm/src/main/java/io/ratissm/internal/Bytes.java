package io.ratissm.internal;

import com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.protocol.Message;

/**
 * Zero-copy hops between the user's Protobuf {@code ByteString} and the shaded one inside Ratis. Both are
 * immutable, so wrapping the other's read-only buffer is safe.
 */
public final class Bytes {
    private Bytes() {}

    public static org.apache.ratis.thirdparty.com.google.protobuf.ByteString toRatis(com.google.protobuf.ByteString b) {
        return org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations.unsafeWrap(
                b.asReadOnlyByteBuffer());
    }

    public static com.google.protobuf.ByteString fromRatis(
            org.apache.ratis.thirdparty.com.google.protobuf.ByteString b) {
        return UnsafeByteOperations.unsafeWrap(b.asReadOnlyByteBuffer());
    }

    public static Message message(com.google.protobuf.MessageLite m) {
        return Message.valueOf(toRatis(m.toByteString()));
    }

    public static com.google.protobuf.ByteString content(Message m) {
        return fromRatis(m.getContent());
    }
}
