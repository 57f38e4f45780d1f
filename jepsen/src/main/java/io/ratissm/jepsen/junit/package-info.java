/**
 * The harness from a user's own tests: {@link io.ratissm.jepsen.junit.LinearizabilityTest} runs the user's
 * {@code StateMachine} on a group of real {@code ratis-sm server} processes under real faults (kills, partitions,
 * pauses, snapshots), checks the history, reads every replica at the end, and returns a
 * {@link io.ratissm.jepsen.junit.HarnessResult} with the verdict, the store directory and the counterexample;
 * {@link io.ratissm.jepsen.junit.HarnessResult#assertLinearizable()} fails a test with a readable message.
 *
 * <p>It needs no test framework (it throws {@link java.lang.AssertionError}, which JUnit 5, JUnit 4 and TestNG all
 * report as a failure); the name says where it is meant to be used. Add {@code ratis-sm-jepsen} as a test dependency:
 * the replicas run the test's own classpath, so the state machine under test and its Protobuf classes reach them
 * without packaging anything.
 */
package io.ratissm.jepsen.junit;
