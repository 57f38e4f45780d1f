package io.ratissm;

import com.google.protobuf.ByteString;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A state machine for commands of any size: it counts the commands it applied and their bytes. A command's
 * reply is the count after it (8 bytes, big-endian), so commands applied once each get distinct replies; a query
 * answers the byte total.
 */
final class PayloadCounter implements StateMachine {
    private long commands;
    private long bytes;

    static long decode(ByteString reply) {
        return NonNegativeCounter.decode(reply);
    }

    @Override
    public ByteString apply(ByteString command) {
        commands++;
        bytes += command.size();
        return NonNegativeCounter.encode(commands);
    }

    @Override
    public ByteString query(ByteString query) {
        return NonNegativeCounter.encode(bytes);
    }

    @Override
    public void writeSnapshot(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeLong(commands);
        data.writeLong(bytes);
    }

    @Override
    public void readSnapshot(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        commands = data.readLong();
        bytes = data.readLong();
    }
}
