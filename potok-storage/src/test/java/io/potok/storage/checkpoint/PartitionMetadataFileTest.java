package io.potok.storage.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionMetadataFileTest {
    @TempDir
    Path dir;

    @Test
    void writesKafkasFormatAndReadsItBack() throws IOException {
        Uuid id = Uuid.fromString("Ws8-UZVWRdOIHVaaPZjvwA");
        new PartitionMetadataFile(dir).write(id);

        assertThat(Files.readString(dir.resolve("partition.metadata"))).isEqualTo("version: 0\ntopic_id: " + id + "\n");
        assertThat(new PartitionMetadataFile(dir).read()).contains(id);
    }

    @Test
    void aMissingEmptyOrMalformedFileMeansNoKnownId() throws IOException {
        PartitionMetadataFile file = new PartitionMetadataFile(dir);
        assertThat(file.read()).isEmpty();
        Files.writeString(dir.resolve("partition.metadata"), "");
        assertThat(file.read()).isEmpty();
        Files.writeString(dir.resolve("partition.metadata"), "version: 0\ntopic_id: not-an-id\n");
        assertThat(file.read()).isEmpty();
        Files.writeString(dir.resolve("partition.metadata"), "version: 7\ntopic_id: Ws8-UZVWRdOIHVaaPZjvwA\n");
        assertThat(file.read()).isEmpty();
    }
}
