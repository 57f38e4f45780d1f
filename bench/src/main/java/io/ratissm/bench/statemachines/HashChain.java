package io.ratissm.bench.statemachines;

import com.google.protobuf.ByteString;
import io.ratissm.MalformedCommand;
import io.ratissm.StateMachine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A CPU-heavy state machine: the state is a 32-byte SHA-256 digest, and a command asks for {@code rounds}
 * rounds of hashing, each folding the command into the digest. The work is deterministic (same state and
 * command give the same digest on every replica) and proportional to {@code rounds}: a round is one SHA-256 of 36 bytes, 0.2-0.3 microseconds on a current
 * core with the JDK's SHA intrinsics, so 2,000 rounds stand for a command that computes for about half a
 * millisecond. In
 * ACTIVE replication every replica does that work; in PASSIVE replication only the leader does.
 *
 * <p>A command is the 4-byte big-endian round count; the reply and the query answer are the digest.
 */
public final class HashChain implements StateMachine {
    private final MessageDigest sha256;
    private byte[] digest = new byte[32];

    public HashChain() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** The command that hashes {@code rounds} times. */
    public static ByteString command(int rounds) {
        return ByteString.copyFrom(
                ByteBuffer.allocate(Integer.BYTES).putInt(0, rounds).array());
    }

    @Override
    public void validate(ByteString command) throws MalformedCommand {
        if (command.size() != Integer.BYTES || command.asReadOnlyByteBuffer().getInt() < 0) {
            throw new MalformedCommand("a hash-chain command is a non-negative 4-byte round count");
        }
    }

    @Override
    public ByteString apply(ByteString command) {
        byte[] input = command.toByteArray();
        int rounds = ByteBuffer.wrap(input).getInt();
        for (int i = 0; i < rounds; i++) {
            sha256.update(digest);
            sha256.update(input);
            digest = sha256.digest();
        }
        return ByteString.copyFrom(digest);
    }

    @Override
    public ByteString query(ByteString query) {
        return ByteString.copyFrom(digest);
    }

    @Override
    public void writeSnapshot(OutputStream out) throws IOException {
        out.write(digest);
    }

    @Override
    public void readSnapshot(InputStream in) throws IOException {
        byte[] read = in.readNBytes(32);
        if (read.length != 32) {
            throw new IOException("a hash-chain snapshot is 32 bytes, this one " + read.length);
        }
        digest = read;
    }
}
