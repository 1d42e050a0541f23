package io.potok.metadata.quorum;

/** Told when this node becomes the active controller (its log is caught up) and when it stops being it. */
public interface LeadershipListener {
    void onBecomeLeader(long term);

    void onLoseLeadership();
}
