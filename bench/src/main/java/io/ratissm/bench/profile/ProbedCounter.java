package io.ratissm.bench.profile;

import com.google.protobuf.ByteString;
import io.ratissm.MalformedCommand;
import io.ratissm.StateMachine;
import io.ratissm.bench.statemachines.PaddedCounter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** {@link PaddedCounter} that emits a {@link CommandProbe.Applied} event for each command it applies. */
final class ProbedCounter implements StateMachine {
    private final PaddedCounter counter = new PaddedCounter();

    @Override
    public void validate(ByteString command) throws MalformedCommand {
        counter.validate(command);
    }

    @Override
    public ByteString apply(ByteString command) {
        new CommandProbe.Applied().commit();
        return counter.apply(command);
    }

    @Override
    public ByteString query(ByteString query) {
        return counter.query(query);
    }

    @Override
    public boolean queriesAreThreadSafe() {
        return counter.queriesAreThreadSafe();
    }

    @Override
    public void writeSnapshot(OutputStream out) throws IOException {
        counter.writeSnapshot(out);
    }

    @Override
    public void readSnapshot(InputStream in) throws IOException {
        counter.readSnapshot(in);
    }
}
