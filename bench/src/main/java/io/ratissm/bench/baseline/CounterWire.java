package io.ratissm.bench.baseline;

import com.alipay.remoting.CustomSerializerManager;
import com.alipay.remoting.DefaultCustomSerializer;
import com.alipay.remoting.InvokeContext;
import com.alipay.remoting.rpc.RequestCommand;
import com.alipay.remoting.rpc.ResponseCommand;
import com.alipay.remoting.rpc.protocol.RpcRequestCommand;
import com.alipay.remoting.rpc.protocol.RpcResponseCommand;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The SOFAJRaft baseline's client messages and their Bolt encoding. The request's body is the command's bytes
 * as they are; the reply's is a flag byte, then the counter's new value (8 bytes), or the refusal in UTF-8, or
 * (not the leader) the leader's address as the node knows it in UTF-8, possibly empty.
 *
 * <p>A custom Bolt serializer rather than Bolt's default (Hessian) because Hessian serializes by reflection,
 * which on JDK 17 needs {@code --add-opens java.base/java.lang} and costs more per request than ratis-sm's
 * Protobuf: the baseline should be SOFAJRaft at its best, as SOFAJRaft's own messages (Protobuf, through the same
 * mechanism) are.
 */
final class CounterWire {
    private static final byte APPLIED = 1;
    private static final byte REFUSED = 0;
    private static final byte NOT_LEADER = 2;

    private CounterWire() {}

    /**
     * Makes Bolt encode both messages with {@link Codec}, in this JVM's clients and servers. Idempotent (Bolt
     * refuses a second registration, and every group of a JVM's trials calls this).
     */
    static synchronized void register() {
        for (Class<?> message : new Class<?>[] {IncrementRequest.class, IncrementReply.class}) {
            if (CustomSerializerManager.getCustomSerializer(message.getName()) == null) {
                CustomSerializerManager.registerCustomSerializer(message.getName(), Codec.INSTANCE);
            }
        }
    }

    /** A counter command on the wire: the bytes the benchmark sends, as they are to be logged. */
    static final class IncrementRequest {
        final byte[] command;

        IncrementRequest(byte[] command) {
            this.command = command;
        }
    }

    /**
     * A node's answer: the counter's value after the command; or that the node is not the leader and never logged
     * the command (so sending it to another node cannot apply it twice), with the leader it knows of, if any; or
     * why the command failed otherwise (then it may or may not have been applied).
     */
    static final class IncrementReply {
        private static final long NO_VALUE = -1;

        final long value;
        final String refusal;
        final String leaderHint;

        private IncrementReply(long value, String refusal, String leaderHint) {
            this.value = value;
            this.refusal = refusal;
            this.leaderHint = leaderHint;
        }

        static IncrementReply applied(long value) {
            return new IncrementReply(value, null, null);
        }

        static IncrementReply refused(String why) {
            return new IncrementReply(NO_VALUE, why, null);
        }

        static IncrementReply notLeader(String leaderOrEmpty) {
            return new IncrementReply(NO_VALUE, null, leaderOrEmpty);
        }

        boolean isApplied() {
            return refusal == null && leaderHint == null;
        }

        boolean isNotLeader() {
            return leaderHint != null;
        }
    }

    private static final class Codec extends DefaultCustomSerializer {
        static final Codec INSTANCE = new Codec();

        @Override
        public <T extends RequestCommand> boolean serializeContent(T request, InvokeContext context) {
            RpcRequestCommand cmd = (RpcRequestCommand) request;
            cmd.setContent(((IncrementRequest) cmd.getRequestObject()).command);
            return true;
        }

        @Override
        public <T extends RequestCommand> boolean deserializeContent(T request) {
            RpcRequestCommand cmd = (RpcRequestCommand) request;
            cmd.setRequestObject(new IncrementRequest(cmd.getContent()));
            return true;
        }

        @Override
        public <T extends ResponseCommand> boolean serializeContent(T response) {
            RpcResponseCommand cmd = (RpcResponseCommand) response;
            IncrementReply reply = (IncrementReply) cmd.getResponseObject();
            if (reply.isApplied()) {
                cmd.setContent(ByteBuffer.allocate(1 + Long.BYTES)
                        .put(APPLIED)
                        .putLong(reply.value)
                        .array());
            } else {
                byte flag = reply.isNotLeader() ? NOT_LEADER : REFUSED;
                byte[] text = (reply.isNotLeader() ? reply.leaderHint : reply.refusal).getBytes(StandardCharsets.UTF_8);
                cmd.setContent(
                        ByteBuffer.allocate(1 + text.length).put(flag).put(text).array());
            }
            return true;
        }

        @Override
        public <T extends ResponseCommand> boolean deserializeContent(T response, InvokeContext context) {
            RpcResponseCommand cmd = (RpcResponseCommand) response;
            ByteBuffer body = ByteBuffer.wrap(cmd.getContent());
            byte flag = body.get();
            if (flag == APPLIED) {
                cmd.setResponseObject(IncrementReply.applied(body.getLong()));
            } else {
                String text = StandardCharsets.UTF_8.decode(body).toString();
                cmd.setResponseObject(
                        flag == NOT_LEADER ? IncrementReply.notLeader(text) : IncrementReply.refused(text));
            }
            return true;
        }
    }
}
