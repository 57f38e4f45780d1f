package io.ratissm.internal.client;

import com.google.protobuf.ByteString;
import io.ratissm.CommandRejected;
import io.ratissm.MalformedCommand;
import io.ratissm.RatisSmException;
import io.ratissm.internal.Causes;
import io.ratissm.internal.proto.BatchReply;
import io.ratissm.internal.proto.Outcome;
import java.util.concurrent.CompletableFuture;

/** Turns an {@link Outcome} back into what the user's call returns or throws. */
public final class Replies {
    /** The group did not apply the command and asks for it again (same session and sequence number). */
    public static final class RetryRequested extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public RetryRequested(String why) {
            super(why, null, false, false);
        }
    }

    private Replies() {}

    /** Completes the future of the {@code i}-th request of a batch with its outcome, or with the batch's error. */
    static void complete(CompletableFuture<ByteString> result, BatchReply reply, Throwable error, int i) {
        if (error != null) {
            result.completeExceptionally(Causes.unwrapped(error));
            return;
        }
        try {
            result.complete(unwrap(reply.getOutcomes(i)));
        } catch (CommandRejected | RuntimeException e) {
            result.completeExceptionally(e);
        }
    }

    static ByteString unwrap(Outcome outcome) throws CommandRejected {
        switch (outcome.getResultCase()) {
            case OK:
                return outcome.getOk();
            case REJECTED:
                throw new CommandRejected(outcome.getRejected());
            case MALFORMED:
                throw new MalformedCommand(outcome.getMalformed());
            case RETRY:
                throw new RetryRequested(outcome.getRetry());
            case EXPIRED:
                throw new RatisSmException("the reply is no longer available: " + outcome.getExpired());
            default:
                throw new RatisSmException("the replica sent a reply this client does not understand: " + outcome);
        }
    }
}
