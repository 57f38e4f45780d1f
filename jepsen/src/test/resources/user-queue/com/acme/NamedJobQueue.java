package com.acme;

/** A state machine the harness and the replicas cannot make: its only constructor takes a name. */
public class NamedJobQueue extends JobQueue {
    public NamedJobQueue(String name) {}
}
