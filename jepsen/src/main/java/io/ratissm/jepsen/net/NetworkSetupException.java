package io.ratissm.jepsen.net;

/** The harness could not build, change or tear down its test network; the message names the failing command. */
public class NetworkSetupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NetworkSetupException(String message) {
        super(message);
    }
}
