package com.acme;

/** A workload the harness cannot make: its constructor throws. */
public class BrokenWorkload extends QueueWorkload {
    public BrokenWorkload() {
        throw new IllegalStateException("no queue configured");
    }
}
