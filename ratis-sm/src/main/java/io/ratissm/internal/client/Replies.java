package io.ratissm.internal.client;

import com.google.protobuf.ByteString;
import io.ratissm.CommandRejected;
import io.ratissm.MalformedCommand;
import io.ratissm.RatisSmException;
import io.ratissm.internal.proto.Outcome;

/** Turns an {@link Outcome} back into what the user's call returns or throws. */
public final class Replies {
    /** The group did not apply the command and asks for it again (same session and sequence number). */
    public static final class RetryRequested extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public RetryRequested(String why) {
            super(why, null, false, false);
        }
    }

    private Replies() {
    }

    public static ByteString unwrap(Outcome outcome) throws CommandRejected {
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
