package io.ratissm;

/**
 * The client was given a replica id at an address where another replica answers: the group knows that replica at
 * another address. The client then keeps asking the wrong replica for the leader it names, and gets no answer.
 * Definite: retrying with the same peers cannot succeed; give each replica id its own address.
 */
public class ReplicaMisaddressedException extends RatisSmException {
    private static final long serialVersionUID = 1L;

    public ReplicaMisaddressedException(String message, Throwable cause) {
        super(message, cause);
    }
}
