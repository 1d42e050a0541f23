package io.potok.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Told when an I/O error makes a log directory unusable, so that every partition in it can be taken offline while
 * other directories keep serving. Implementations must not block or take log locks: they are called with the failing
 * log's lock held.
 */
@FunctionalInterface
interface LogDirFailureHandler {

    void onLogDirFailure(Path logDir, String message, IOException cause);
}
