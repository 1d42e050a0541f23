package io.potok.broker.api;

import io.potok.broker.network.RequestHandler.ClientInfo;
import io.potok.storage.LogDirDescription;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeLogDirsRequestData.DescribableLogDirTopic;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsPartition;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsResult;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeLogDirsRequest;
import org.apache.kafka.common.requests.DescribeLogDirsResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * DescribeLogDirs (kafka-log-dirs): each log directory of this node with the size of every
 * partition in it, and (v4+) the file store's total and usable bytes. An offline directory is
 * answered with KAFKA_STORAGE_ERROR. Potok does not move replicas between directories, so there are
 * no future replicas and the offset lag is 0.
 */
public final class DescribeLogDirsHandler implements ApiHandler<DescribeLogDirsRequest> {
    private final Supplier<List<LogDirDescription>> logDirs;

    /** @param logDirs the current state of the log dirs, e.g. {@code logManager::logDirs} */
    public DescribeLogDirsHandler(Supplier<List<LogDirDescription>> logDirs) {
        this.logDirs = logDirs;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_LOG_DIRS;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, DescribeLogDirsRequest request, ClientInfo client) {
        Set<TopicPartition> wanted = null;
        if (request.data().topics() != null) {
            wanted = new HashSet<>();
            for (DescribableLogDirTopic t : request.data().topics()) {
                for (int p : t.partitions()) {
                    wanted.add(new TopicPartition(t.topic(), p));
                }
            }
        }
        DescribeLogDirsResponseData data = new DescribeLogDirsResponseData().setErrorCode(Errors.NONE.code());
        for (LogDirDescription dir : logDirs.get()) {
            DescribeLogDirsResult result = new DescribeLogDirsResult().setLogDir(dir.path().toString());
            if (!dir.online()) {
                data.results().add(result.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code()));
                continue;
            }
            Map<String, List<DescribeLogDirsPartition>> byTopic = new TreeMap<>();
            Map<TopicPartition, Long> sizes = new HashMap<>(dir.partitionSizes());
            List<TopicPartition> partitions = new ArrayList<>(sizes.keySet());
            partitions.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
            for (TopicPartition tp : partitions) {
                if (wanted != null && !wanted.contains(tp)) {
                    continue;
                }
                byTopic.computeIfAbsent(tp.topic(), k -> new ArrayList<>()).add(new DescribeLogDirsPartition()
                        .setPartitionIndex(tp.partition()).setPartitionSize(sizes.get(tp)).setOffsetLag(0)
                        .setIsFutureKey(false));
            }
            byTopic.forEach((topic, list) -> result.topics().add(
                    new DescribeLogDirsTopic().setName(topic).setPartitions(list)));
            data.results().add(result.setErrorCode(Errors.NONE.code())
                    .setTotalBytes(dir.totalBytes()).setUsableBytes(dir.usableBytes()));
        }
        return CompletableFuture.completedFuture(new DescribeLogDirsResponse(data));
    }
}
