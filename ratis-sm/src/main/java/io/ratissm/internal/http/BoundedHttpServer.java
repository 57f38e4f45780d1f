package io.ratissm.internal.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 server whose answers no other connection can hold up: one request per connection, no body read,
 * {@code Connection: close}.
 *
 * <p>Why not the JDK's server: it reads a request on its executor's threads with no read timeout, so two idle
 * connections holding half a request took both threads and {@code /health} went unanswered for minutes while Raft
 * kept working, and a load balancer would have taken a serving replica out. Here one thread reads every connection
 * without blocking (a slow one costs a buffer, not a thread), and only a whole request head reaches the
 * {@linkplain Limits#workers() workers}, which compute the answer and never touch a socket. Every connection has
 * deadlines: its head must arrive whole within {@link Limits#headDeadline()}, with no gap longer than
 * {@link Limits#idleTimeout()}, and its answer must be taken within {@link Limits#writeDeadline()}; past that it is
 * closed. At most {@link Limits#maxConnections()} are open: a new one closes the oldest still sending its head, so
 * a flood of slow connections cannot keep a health check out. A head larger than {@link Limits#maxHeadBytes()} gets
 * 431, a malformed one 400, and a request that finds every worker busy and the queue full gets 503 at once.
 *
 * <p>After the answer the server shuts its side down and reads until the client closes (for at most
 * {@link Limits#lingerTimeout()}), so that a request body it did not read does not turn the close into a reset that
 * would destroy the answer before the client reads it.
 */
final class BoundedHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BoundedHttpServer.class);
    /** How often deadlines are checked: they are met to within this. */
    private static final long TICK_MILLIS = 100;

    /** Computes the answer to a request; called on a worker thread. */
    interface Handler {
        Response handle(RequestHead request);
    }

    /**
     * The server's bounds. The defaults suit a health check and a metrics scraper on a replica: answers take
     * milliseconds, and no legitimate client needs seconds to send a few hundred bytes of head.
     *
     * @param maxConnections most connections open at once
     * @param maxHeadBytes   longest request head (request line and headers)
     * @param idleTimeout    longest gap between two reads of a request head
     * @param headDeadline   longest time from accepting a connection to having its whole request head
     * @param writeDeadline  longest time a client may take to read the answer (and the handler to compute it)
     * @param lingerTimeout  longest wait, after the answer, for the client to close its side
     * @param workers        threads computing answers
     * @param queue          requests waiting for a worker, past which a request gets 503 (0: none wait)
     */
    record Limits(
            int maxConnections,
            int maxHeadBytes,
            Duration idleTimeout,
            Duration headDeadline,
            Duration writeDeadline,
            Duration lingerTimeout,
            int workers,
            int queue) {
        static final Limits DEFAULT = new Limits(
                64,
                8 << 10,
                Duration.ofSeconds(5),
                Duration.ofSeconds(10),
                Duration.ofSeconds(10),
                Duration.ofSeconds(2),
                2,
                16);
    }

    private enum Stage {
        /** Receiving the request head. */
        READING,
        /** The head is whole; a worker computes the answer. */
        ANSWERING,
        /** Sending the answer. */
        WRITING,
        /** Answer sent, our side shut down; reading until the client closes. */
        LINGERING
    }

    private final String name;
    private final Limits limits;
    private final Handler handler;
    private final ServerSocketChannel listener;
    private final int port;
    private final Selector selector;
    private final ThreadPoolExecutor workers;
    /** Answers computed by workers, for the I/O thread to send. */
    private final Queue<Runnable> answered = new ConcurrentLinkedQueue<>();
    /** Open connections, oldest first. Touched by the I/O thread only. */
    private final Set<Connection> connections = new LinkedHashSet<>();
    /** Where lingering connections' unwanted bytes go. */
    private final ByteBuffer discard = ByteBuffer.allocate(4096);

    private final Thread io;
    private volatile boolean closing;
    private long lastSweepNanos;
    /** The listener's key while accepting is paused after a failure; touched by the I/O thread only. */
    private SelectionKey acceptPaused;

    private long acceptResumesNanos;

    private BoundedHttpServer(
            String name, Limits limits, Handler handler, ServerSocketChannel listener, Selector selector) {
        this.name = name;
        this.limits = limits;
        this.handler = handler;
        this.listener = listener;
        this.port = listener.socket().getLocalPort();
        this.selector = selector;
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(
                limits.workers(),
                limits.workers(),
                0,
                TimeUnit.MILLISECONDS,
                limits.queue() == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(limits.queue()),
                r -> daemon(r, name + "-" + n.incrementAndGet()));
        this.io = daemon(this::run, name + "-io");
    }

    /**
     * Binds and starts serving.
     *
     * @param name names the server's threads
     * @throws IOException if the address cannot be bound
     */
    static BoundedHttpServer start(String name, InetSocketAddress address, Limits limits, Handler handler)
            throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open();
        Selector selector;
        try {
            listener.bind(address, limits.maxConnections());
            listener.configureBlocking(false);
            selector = Selector.open();
            listener.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException | RuntimeException e) {
            listener.close();
            throw e;
        }
        BoundedHttpServer server = new BoundedHttpServer(name, limits, handler, listener, selector);
        server.io.start();
        return server;
    }

    int port() {
        return port;
    }

    /** Stops serving: closes the port and every connection, and ends the threads. */
    @Override
    public void close() {
        closing = true;
        selector.wakeup();
        try {
            io.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdownNow();
    }

    private void run() {
        try {
            while (!closing) {
                selector.select(TICK_MILLIS);
                for (Runnable send; (send = answered.poll()) != null; ) {
                    send.run();
                }
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept(key);
                    } else {
                        ((Connection) key.attachment()).ready(key);
                    }
                }
                long now = System.nanoTime();
                if (now - lastSweepNanos >= TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS)) {
                    lastSweepNanos = now;
                    if (acceptPaused != null && now - acceptResumesNanos >= 0) {
                        acceptPaused.interestOps(SelectionKey.OP_ACCEPT);
                        acceptPaused = null;
                    }
                    new ArrayList<>(connections).forEach(c -> c.checkDeadline(now));
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closing) {
                LOG.error("{}: HTTP server stopped by an error", name, e);
            }
        } finally {
            new ArrayList<>(connections).forEach(Connection::close);
            closeQuietly(listener);
            closeQuietly(selector);
        }
    }

    private void accept(SelectionKey listening) {
        while (true) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (IOException e) {
                // Out of file descriptors, most likely: pause accepting for a second rather than spin on it.
                LOG.warn("{}: cannot accept a connection, pausing for 1 s: {}", name, e.toString());
                listening.interestOps(0);
                acceptPaused = listening;
                acceptResumesNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                return;
            }
            if (channel == null) {
                return;
            }
            if (connections.size() >= limits.maxConnections() && !evictOneStillReading()) {
                // Every connection has its whole request: this one waits for none of them, it is turned away.
                try {
                    channel.configureBlocking(false);
                    channel.write(ByteBuffer.wrap(
                            Response.text(503, "too many connections\n").bytes()));
                } catch (IOException ignored) {
                    // it is closed below either way
                }
                closeQuietly(channel);
                continue;
            }
            try {
                channel.configureBlocking(false);
                Connection c = new Connection(channel);
                c.key = channel.register(selector, SelectionKey.OP_READ, c);
                connections.add(c);
            } catch (IOException e) {
                closeQuietly(channel);
            }
        }
    }

    /** Closes the oldest connection that has not sent its whole head: the slowest, or an idle one. */
    private boolean evictOneStillReading() {
        for (Connection c : connections) {
            if (c.stage == Stage.READING) {
                LOG.debug(
                        "{}: {} connections open, closing the oldest that is still sending its request",
                        name,
                        connections.size());
                c.close();
                return true;
            }
        }
        return false;
    }

    private Response answerTo(RequestHead request) {
        try {
            return handler.handle(request);
        } catch (RuntimeException e) {
            LOG.warn("{}: {} {} failed", name, request.method(), request.path(), e);
            return Response.text(500, "internal error: " + e + "\n");
        }
    }

    /** One client connection; touched by the I/O thread only. */
    private final class Connection {
        private final SocketChannel channel;
        private final long acceptedNanos = System.nanoTime();
        private SelectionKey key;
        private Stage stage = Stage.READING;
        private byte[] head = new byte[512];
        private int headLength;
        private long lastReadNanos = acceptedNanos;
        private ByteBuffer answer;
        private long stageStartNanos;
        private boolean closed;

        Connection(SocketChannel channel) {
            this.channel = channel;
        }

        void ready(SelectionKey key) {
            try {
                if (key.isReadable()) {
                    if (stage == Stage.READING) {
                        readHead();
                    } else if (stage == Stage.LINGERING) {
                        linger();
                    }
                } else if (key.isWritable() && stage == Stage.WRITING) {
                    write();
                }
            } catch (IOException e) {
                close(); // the client went away: nothing to answer
            }
        }

        private void readHead() throws IOException {
            if (headLength == head.length) {
                head = Arrays.copyOf(head, Math.min(head.length * 2, limits.maxHeadBytes() + 1));
            }
            int from = headLength;
            int n = channel.read(ByteBuffer.wrap(head, headLength, head.length - headLength));
            if (n < 0) {
                close();
                return;
            }
            headLength += n;
            lastReadNanos = System.nanoTime();
            int end = RequestHead.end(head, from, headLength);
            if (end >= 0) {
                request(end);
            } else if (headLength > limits.maxHeadBytes()) {
                answer(Response.text(431, "the request head is longer than " + limits.maxHeadBytes() + " bytes\n"));
            }
        }

        private void request(int end) {
            RequestHead request;
            try {
                request = RequestHead.parse(head, end);
            } catch (RequestHead.MalformedRequest e) {
                answer(Response.text(400, "bad request: " + e.getMessage() + "\n"));
                return;
            }
            head = null;
            stage = Stage.ANSWERING;
            stageStartNanos = System.nanoTime();
            key.interestOps(0);
            try {
                workers.execute(() -> {
                    Response r = answerTo(request);
                    answered.add(() -> answer(r));
                    selector.wakeup();
                });
            } catch (RejectedExecutionException e) {
                answer(Response.text(503, "busy: too many requests at once; retry\n"));
            }
        }

        private void answer(Response response) {
            if (closed) {
                return;
            }
            head = null;
            answer = ByteBuffer.wrap(response.bytes());
            stage = Stage.WRITING;
            stageStartNanos = System.nanoTime();
            key.interestOps(SelectionKey.OP_WRITE);
            try {
                write();
            } catch (IOException e) {
                close();
            }
        }

        private void write() throws IOException {
            channel.write(answer);
            if (!answer.hasRemaining()) {
                answer = null;
                channel.shutdownOutput();
                stage = Stage.LINGERING;
                stageStartNanos = System.nanoTime();
                key.interestOps(SelectionKey.OP_READ);
            }
        }

        private void linger() throws IOException {
            int n;
            do {
                discard.clear();
                n = channel.read(discard);
            } while (n > 0);
            if (n < 0) {
                close();
            }
        }

        void checkDeadline(long now) {
            boolean late = switch (stage) {
                case READING ->
                    now - lastReadNanos > limits.idleTimeout().toNanos()
                            || now - acceptedNanos > limits.headDeadline().toNanos();
                case ANSWERING, WRITING ->
                    now - stageStartNanos > limits.writeDeadline().toNanos();
                case LINGERING -> now - stageStartNanos > limits.lingerTimeout().toNanos();
            };
            if (late) {
                if (stage != Stage.LINGERING) {
                    LOG.debug("{}: closing a connection too slow while {}", name, stage);
                }
                close();
            }
        }

        void close() {
            if (closed) {
                return;
            }
            closed = true;
            connections.remove(this);
            if (key != null) {
                key.cancel();
            }
            closeQuietly(channel);
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing: nothing left to do with it
        }
    }
}
