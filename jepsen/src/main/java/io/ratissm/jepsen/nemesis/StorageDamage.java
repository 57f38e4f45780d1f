package io.ratissm.jepsen.nemesis;

import io.ratissm.jepsen.history.Keyword;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the {@code corrupt} nemesis does to a stopped replica's files: it flips a byte inside one entry of the newest
 * log segment, cuts the newest segment inside one of its last entries, or flips a byte of the newest snapshot. Each
 * returns what it did (file, offset, bytes, log index), for the history.
 *
 * <p>Where the files are: {@code <storage>/<group id>/current/log_<first>-<last>} (closed segments) and
 * {@code log_inprogress_<first>} (the open one), and {@code <storage>/<group id>/sm/snapshot.<term>_<index>}. A
 * segment is Ratis's format: the 8-byte header {@code RaftLog1}, then per entry a varint length, the entry, and a
 * 4-byte checksum of the two; a zero byte where a length should be ends the entries (the open segment's preallocated
 * space is zeros).
 */
final class StorageDamage {

    /** The three damages. */
    enum Kind {
        /** One byte inside an entry of the newest segment is changed: its checksum no longer matches. */
        LOG_FLIP("log-flip"),
        /** The newest segment is cut inside one of its last entries, as by a crash that lost written data. */
        LOG_TRUNCATE("log-truncate"),
        /** One byte of the newest snapshot is changed: its MD5 no longer matches. */
        SNAPSHOT_FLIP("snapshot-flip");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    static final byte[] SEGMENT_HEADER = "RaftLog1".getBytes(StandardCharsets.UTF_8);
    private static final int CHECKSUM_BYTES = 4;
    /** A truncation cuts inside one of this many last entries of the segment. */
    static final int TRUNCATE_WITHIN_LAST = 10;

    private static final Pattern SEGMENT = Pattern.compile("log_(?:inprogress_(\\d+)|(\\d+)-(\\d+))");
    private static final Pattern SNAPSHOT = Pattern.compile("snapshot\\.(\\d+)_(\\d+)");

    private StorageDamage() {}

    /** One entry in a segment file: where its frame starts, and where its serialized entry lies. */
    record Frame(long index, long start, long payloadStart, int payloadLength) {
        long end() {
            return payloadStart + payloadLength + CHECKSUM_BYTES;
        }
    }

    /**
     * Damages the storage under {@code storage} with {@code kind}, or with another kind when its files are missing
     * (no snapshot yet: a log damage; no log entry: the snapshot). Returns what was done, or {@code :none} with the
     * reason if there was nothing to damage.
     */
    static Map<Keyword, Object> damage(Path storage, Kind kind, Random random) {
        Optional<Path> segment = newestSegment(storage);
        Optional<Path> snapshot = newestSnapshot(storage);
        if (kind == Kind.SNAPSHOT_FLIP && snapshot.isPresent()) {
            return flipInSnapshot(snapshot.get(), random);
        }
        if (segment.isPresent()) {
            return kind == Kind.LOG_TRUNCATE
                    ? truncateInEntry(segment.get(), random)
                    : flipInEntry(segment.get(), random);
        }
        if (snapshot.isPresent()) {
            return flipInSnapshot(snapshot.get(), random);
        }
        Map<Keyword, Object> none = new LinkedHashMap<>();
        none.put(Keyword.of("kind"), Keyword.of("none"));
        none.put(Keyword.of("reason"), "no log entry and no snapshot under " + storage);
        return none;
    }

    /** The segment with the highest first index that holds at least one entry. */
    static Optional<Path> newestSegment(Path storage) {
        return files(storage, "current").stream()
                .filter(p -> SEGMENT.matcher(p.getFileName().toString()).matches())
                .filter(p -> !frames(p).isEmpty())
                .max(Comparator.comparingLong(StorageDamage::firstIndex));
    }

    /** The snapshot with the highest log index (not its {@code .md5}, nor a {@code .tmp} or {@code .unverified}). */
    static Optional<Path> newestSnapshot(Path storage) {
        return files(storage, "sm").stream()
                .filter(p -> SNAPSHOT.matcher(p.getFileName().toString()).matches())
                .max(Comparator.comparingLong(StorageDamage::snapshotIndex));
    }

    /** The entries of a segment file, in order, up to its end or its first incomplete entry. */
    static List<Frame> frames(Path segment) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(segment);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read log segment " + segment, e);
        }
        List<Frame> frames = new ArrayList<>();
        if (bytes.length < SEGMENT_HEADER.length) {
            return frames;
        }
        long index = firstIndex(segment);
        int pos = SEGMENT_HEADER.length;
        while (pos < bytes.length && bytes[pos] != 0) {
            int length = 0;
            int shift = 0;
            int p = pos;
            while (p < bytes.length && shift < 35) {
                byte b = bytes[p++];
                length |= (b & 0x7f) << shift;
                shift += 7;
                if ((b & 0x80) == 0) {
                    break;
                }
            }
            Frame f = new Frame(index++, pos, p, length);
            if (length <= 0 || f.end() > bytes.length) {
                break; // an entry cut short: what a crash while writing leaves, not an entry
            }
            frames.add(f);
            pos = (int) f.end();
        }
        return frames;
    }

    /** Changes one byte inside a random entry of {@code segment}. */
    static Map<Keyword, Object> flipInEntry(Path segment, Random random) {
        List<Frame> frames = frames(segment);
        Frame f = frames.get(random.nextInt(frames.size()));
        Map<Keyword, Object> done = described(Kind.LOG_FLIP, segment);
        flip(segment, f.payloadStart() + random.nextInt(f.payloadLength()), random, done);
        done.put(Keyword.of("index"), f.index());
        done.put(Keyword.of("entries-in-segment"), (long) frames.size());
        return done;
    }

    /** Cuts {@code segment} at a random point strictly inside one of its last entries. */
    static Map<Keyword, Object> truncateInEntry(Path segment, Random random) {
        List<Frame> frames = frames(segment);
        int from = Math.max(0, frames.size() - TRUNCATE_WITHIN_LAST);
        Frame f = frames.get(from + random.nextInt(frames.size() - from));
        long cut = f.start() + 1 + (long) (random.nextDouble() * (f.end() - f.start() - 1));
        long before;
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            before = ch.size();
            ch.truncate(cut);
            ch.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot truncate " + segment, e);
        }
        Map<Keyword, Object> done = described(Kind.LOG_TRUNCATE, segment);
        done.put(Keyword.of("size-before"), before);
        done.put(Keyword.of("size-after"), cut);
        done.put(Keyword.of("from-index"), f.index());
        done.put(Keyword.of("entries-lost"), (long) frames.size() - frames.indexOf(f));
        return done;
    }

    /** Changes one random byte of {@code snapshot}. */
    static Map<Keyword, Object> flipInSnapshot(Path snapshot, Random random) {
        long size;
        try {
            size = Files.size(snapshot);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read snapshot " + snapshot, e);
        }
        if (size == 0) {
            throw new IllegalStateException("snapshot " + snapshot + " is empty: there is no byte to change");
        }
        Map<Keyword, Object> done = described(Kind.SNAPSHOT_FLIP, snapshot);
        flip(snapshot, (long) (random.nextDouble() * size), random, done);
        done.put(Keyword.of("snapshot-index"), snapshotIndex(snapshot));
        return done;
    }

    private static Map<Keyword, Object> described(Kind kind, Path file) {
        Map<Keyword, Object> done = new LinkedHashMap<>();
        done.put(Keyword.of("kind"), Keyword.of(kind.label));
        done.put(Keyword.of("file"), file.toString());
        return done;
    }

    /**
     * XORs the byte at {@code offset} with a random non-zero mask, so it always changes, and adds {@code :offset},
     * {@code :was} and {@code :now} to {@code done}.
     */
    private static void flip(Path file, long offset, Random random, Map<Keyword, Object> done) {
        ByteBuffer one = ByteBuffer.allocate(1);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ch.read(one, offset);
            int was = one.get(0) & 0xff;
            int now = was ^ (1 + random.nextInt(255));
            ch.write(ByteBuffer.wrap(new byte[] {(byte) now}), offset);
            ch.force(true);
            done.put(Keyword.of("offset"), offset);
            done.put(Keyword.of("was"), (long) was);
            done.put(Keyword.of("now"), (long) now);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot change a byte of " + file, e);
        }
    }

    /** The regular files in {@code <storage>/<group>/<dir>/} for every group directory. */
    private static List<Path> files(Path storage, String dir) {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> groups = Files.list(storage)) {
            for (Path group : groups.filter(Files::isDirectory).toList()) {
                Path d = group.resolve(dir);
                if (Files.isDirectory(d)) {
                    try (Stream<Path> fs = Files.list(d)) {
                        fs.filter(Files::isRegularFile).forEach(found::add);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the storage " + storage, e);
        }
        return found;
    }

    static long firstIndex(Path segment) {
        Matcher m = SEGMENT.matcher(segment.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(segment + " is not a log segment");
        }
        return Long.parseLong(m.group(1) != null ? m.group(1) : m.group(2));
    }

    private static long snapshotIndex(Path snapshot) {
        Matcher m = SNAPSHOT.matcher(snapshot.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(snapshot + " is not a snapshot");
        }
        return Long.parseLong(m.group(2));
    }
}
