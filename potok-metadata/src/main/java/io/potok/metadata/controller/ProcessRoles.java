package io.potok.metadata.controller;

/**
 * What a node runs, Kafka's {@code process.roles}: a broker (registers, heartbeats, hosts
 * partitions, serves clients), a controller (a voter of the metadata quorum that may become the
 * active controller), or both (the default, and what a single node runs).
 */
public enum ProcessRoles {
    BROKER_AND_CONTROLLER(true, true),
    /** A quorum voter only: never registered as a broker, so never placed on, fenced or listed to clients. */
    CONTROLLER(false, true),
    /** Not a voter: follows the metadata log by fetching it from the active controller. */
    BROKER(true, false);

    private final boolean broker;
    private final boolean controller;

    ProcessRoles(boolean broker, boolean controller) {
        this.broker = broker;
        this.controller = controller;
    }

    public boolean isBroker() {
        return broker;
    }

    public boolean isController() {
        return controller;
    }

    public static ProcessRoles of(boolean broker, boolean controller) {
        if (broker && controller) {
            return BROKER_AND_CONTROLLER;
        }
        if (controller) {
            return CONTROLLER;
        }
        if (broker) {
            return BROKER;
        }
        throw new IllegalArgumentException("a node is a broker, a controller or both");
    }
}
