package io.ratissm.cli;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import com.google.protobuf.UnknownFieldSet;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Messages of a state machine the command line knows only from the descriptors its group advertised: read from
 * Protobuf text format, and shown in it.
 */
final class TextMessages {
    private TextMessages() {}

    /**
     * {@code text} as a message of {@code type}.
     *
     * @throws IllegalArgumentException naming the type, where the text went wrong and the type's fields
     */
    static Message parse(String text, Descriptor type) {
        DynamicMessage.Builder message = DynamicMessage.newBuilder(type);
        try {
            TextFormat.getParser().merge(text, message);
        } catch (TextFormat.ParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not a " + type.getFullName()
                    + " in Protobuf text format: "
                    + e.getMessage().replace('\n', ' ').replace('\t', ' ') + " ("
                    + type.getFullName() + " has the fields "
                    + String.join(
                            ", ",
                            type.getFields().stream().map(TextMessages::field).toList())
                    + "; nothing was sent)");
        }
        return message.build();
    }

    /** {@code name: type}, as a user writes the field. */
    private static String field(FieldDescriptor f) {
        String type = f.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                ? f.getMessageType().getName()
                : f.getType().name().toLowerCase(java.util.Locale.ROOT);
        return f.getName() + " (" + (f.isRepeated() ? "repeated " : "") + type + ")";
    }

    /** A reply as text; with {@code note} set to why it is not shown by its type's field names, if it is not. */
    record Shown(String text, Optional<String> note) {}

    /**
     * A reply in text format as its declared type; without one, field by field by number (as
     * {@code protoc --decode_raw} does), or in hexadecimal if it is no Protobuf message at all.
     */
    static Shown show(ByteString reply, Optional<Descriptor> type, String kind) {
        if (type.isPresent()) {
            try {
                return new Shown(
                        TextFormat.printer()
                                .escapingNonAscii(false)
                                .printToString(DynamicMessage.parseFrom(type.get(), reply)),
                        Optional.empty());
            } catch (InvalidProtocolBufferException e) {
                return new Shown(
                        hex(reply),
                        Optional.of("the reply does not parse as " + type.get().getFullName()
                                + ", the type the state machine declares for its " + kind + " replies ("
                                + e.getMessage()
                                + "); its bytes in hexadecimal"));
            }
        }
        String undeclared = "the state machine declares no type for its " + kind + " replies";
        try {
            return new Shown(
                    TextFormat.printer().printToString(UnknownFieldSet.parseFrom(reply)),
                    Optional.of(undeclared + ": its fields are shown by number, without names"));
        } catch (InvalidProtocolBufferException e) {
            return new Shown(
                    hex(reply),
                    Optional.of(undeclared + ", and it is no Protobuf message; its bytes in" + " hexadecimal"));
        }
    }

    private static String hex(ByteString bytes) {
        return HexFormat.of().formatHex(bytes.toByteArray()) + "\n";
    }
}
