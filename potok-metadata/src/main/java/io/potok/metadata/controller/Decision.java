package io.potok.metadata.controller;

import io.potok.metadata.record.MetadataRecord;
import java.util.List;

/** The records a command adds to the metadata log (possibly none) and the answer for its caller. */
public record Decision(List<MetadataRecord> records, ControllerResult result) {
    public Decision {
        records = List.copyOf(records);
    }
}
