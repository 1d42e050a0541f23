package io.potok.storage.epoch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where an epoch ends (OffsetsForLeaderEpoch, KIP-101/279), with Kafka's answers. */
class LeaderEpochCacheTest {
    @TempDir
    Path dir;

    @Test
    void endOfTheLatestEpochIsTheLogEndAndOfAnOlderOneTheNextEpochsStart() {
        LeaderEpochCache cache = LeaderEpochCache.load(dir);
        cache.assign(1, 0);
        cache.assign(3, 40);
        assertThat(cache.endOffsetFor(3, 100)).isEqualTo(new EpochEndOffset(3, 100));
        assertThat(cache.endOffsetFor(1, 100)).isEqualTo(new EpochEndOffset(1, 40));
        // Epoch 2 was never written here: the largest epoch below it, ending where epoch 3 starts.
        assertThat(cache.endOffsetFor(2, 100)).isEqualTo(new EpochEndOffset(1, 40));
        // A later epoch than any known (a leader that has not written in its epoch yet): the latest.
        assertThat(cache.endOffsetFor(5, 100)).isEqualTo(new EpochEndOffset(3, 100));
    }

    @Test
    void anEpochOlderThanAnyKnownEndsWhereTheFirstKnownEpochStarts() {
        // A leader elected uncleanly with an empty log: its history starts with its own epoch at 0, so a
        // follower still on epoch 0 must truncate everything (not keep what only it has).
        LeaderEpochCache cache = LeaderEpochCache.load(dir);
        cache.assign(2, 0);
        assertThat(cache.endOffsetFor(0, 3)).isEqualTo(new EpochEndOffset(0, 0));
        cache.assign(4, 10);
        assertThat(cache.endOffsetFor(1, 20)).isEqualTo(new EpochEndOffset(1, 0));
    }

    @Test
    void unknownWithoutEpochsOrForTheUndefinedEpoch() {
        LeaderEpochCache cache = LeaderEpochCache.load(dir);
        assertThat(cache.endOffsetFor(0, 0)).isEqualTo(EpochEndOffset.UNDEFINED);
        cache.assign(0, 0);
        assertThat(cache.endOffsetFor(-1, 5)).isEqualTo(EpochEndOffset.UNDEFINED);
    }

    @Test
    void aNewEpochStartingAtTheSameOffsetReplacesAnEmptyOneAndSurvivesAReload() {
        LeaderEpochCache cache = LeaderEpochCache.load(dir);
        cache.assign(1, 0);
        cache.assign(2, 7); // became leader at 7, wrote nothing
        cache.assign(3, 7); // leader again later, still at 7
        assertThat(cache.entries()).containsExactly(new EpochEntry(1, 0), new EpochEntry(3, 7));
        assertThat(LeaderEpochCache.load(dir).entries()).containsExactly(new EpochEntry(1, 0), new EpochEntry(3, 7));
    }
}
