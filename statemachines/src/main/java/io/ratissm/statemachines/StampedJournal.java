package io.ratissm.statemachines;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import io.ratissm.MalformedCommand;
import io.ratissm.ProtoEffectStateMachine;
import io.ratissm.statemachines.proto.JournalCommand;
import io.ratissm.statemachines.proto.JournalEntries;
import io.ratissm.statemachines.proto.JournalEntry;
import io.ratissm.statemachines.proto.JournalQuery;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A journal whose entries are stamped, when a command runs, with the executing replica's clock and a random id:
 * deliberately <em>non-deterministic</em>, to show what PASSIVE replication is for. In PASSIVE mode the leader
 * stamps each entry once and the log carries the stamped entry, so every replica holds the same journal. In
 * ACTIVE mode every replica stamps its own, the replicas diverge, and divergence detection reports it.
 */
public final class StampedJournal extends ProtoEffectStateMachine<JournalCommand, JournalQuery, JournalEntry> {
    private final List<JournalEntry> entries = new ArrayList<>();

    public StampedJournal() {
        super(JournalCommand.parser(), JournalQuery.parser(), JournalEntry.parser());
    }

    @Override
    protected Optional<Descriptor> commandReplyType() {
        return Optional.of(JournalEntry.getDescriptor());
    }

    @Override
    protected Optional<Descriptor> queryReplyType() {
        return Optional.of(JournalEntries.getDescriptor());
    }

    public static JournalCommand append(String text) {
        return JournalCommand.newBuilder().setText(text).build();
    }

    public static JournalQuery all() {
        return JournalQuery.newBuilder().setAll(true).build();
    }

    @Override
    protected void validate(JournalCommand command) throws MalformedCommand {
        if (command.getText().isEmpty()) {
            throw new MalformedCommand("a journal entry needs text");
        }
    }

    @Override
    protected Effect<JournalEntry> execute(JournalCommand command) {
        JournalEntry entry = JournalEntry.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setStampedAtNanos(System.nanoTime())
                .setText(command.getText())
                .build();
        entries.add(entry);
        return new Effect<>(entry, entry);
    }

    @Override
    protected void applyUpdate(JournalEntry entry) {
        entries.add(entry);
    }

    @Override
    protected Message query(JournalQuery query) {
        return JournalEntries.newBuilder().addAllEntries(entries).build();
    }

    @Override
    public void writeSnapshot(OutputStream out) throws IOException {
        CodedOutputStream coded = CodedOutputStream.newInstance(out);
        coded.writeInt32NoTag(entries.size());
        for (JournalEntry e : entries) {
            coded.writeMessageNoTag(e);
        }
        coded.flush();
    }

    @Override
    public void readSnapshot(InputStream in) throws IOException {
        CodedInputStream coded = CodedInputStream.newInstance(in);
        int n = coded.readInt32();
        for (int i = 0; i < n; i++) {
            coded.resetSizeCounter();
            entries.add(coded.readMessage(JournalEntry.parser(), null));
        }
    }
}
