package io.potok.broker.group.classic;

import java.util.EnumSet;
import java.util.Set;

/**
 * States of a group using the classic rebalance protocol, with the states each may be entered
 * from. {@link #toString()} is the name Kafka reports in DescribeGroups and ListGroups.
 *
 * <pre>
 *   Empty ──join──> PreparingRebalance ──all joined / timeout──> CompletingRebalance ──leader sync──> Stable
 *     ^                 ^   │ (no member left)                       │                                  │
 *     └─────────────────┼───┘                                        └──── member change ───────────────┤
 *                       └────────────────────────────────────────────────────────────────────────────┘
 *   any ──> Dead (group deleted or coordinator moved)
 * </pre>
 */
public enum ClassicGroupState {
    EMPTY("Empty"),
    PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"),
    STABLE("Stable"),
    DEAD("Dead");

    private final String kafkaName;

    ClassicGroupState(String kafkaName) {
        this.kafkaName = kafkaName;
    }

    /** The states this state may be entered from. */
    Set<ClassicGroupState> validPrevious() {
        return switch (this) {
            case EMPTY -> EnumSet.of(PREPARING_REBALANCE);
            case PREPARING_REBALANCE -> EnumSet.of(STABLE, COMPLETING_REBALANCE, EMPTY);
            case COMPLETING_REBALANCE -> EnumSet.of(PREPARING_REBALANCE);
            case STABLE -> EnumSet.of(COMPLETING_REBALANCE);
            case DEAD -> EnumSet.allOf(ClassicGroupState.class);
        };
    }

    @Override
    public String toString() {
        return kafkaName;
    }
}
