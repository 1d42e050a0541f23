package io.potok.broker.replica.fetcher;

import io.potok.broker.replica.Partition;

/**
 * A partition this broker follows, as its fetcher sees it: which leader epoch it follows and
 * whether it must first find where its history diverges from the leader's.
 */
final class FetchTarget {
    enum State { TRUNCATING, FETCHING }

    final Partition partition;
    final int leaderEpoch;
    volatile State state = State.TRUNCATING;
    volatile long delayedUntilMs;
    /** While truncating over several rounds: the epoch to ask the leader about next; -1 = the log's latest. */
    volatile int epochToAsk = -1;

    FetchTarget(Partition partition, int leaderEpoch) {
        this.partition = partition;
        this.leaderEpoch = leaderEpoch;
    }
}
