package io.eventpipe.ingest.lake;

import io.eventpipe.schema.Event;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;

/**
 * The Parquet lake ({@link LakeLayout}): one file per bucket and subtask per checkpoint, committed when the checkpoint completes.
 * Committed files are {@code part-<uuid>-<n>.parquet}; in-progress files are hidden ({@code .part-...inprogress...})
 * so a reader globbing {@code *.parquet} sees only committed data.
 */
public final class LakeSink {
    private LakeSink() {}

    public static FileSink<Event> create(String root) {
        return FileSink.forBulkFormat(new Path(root), LakeLayout.writer())
                .withBucketAssigner(LakeLayout.partitions())
                .withRollingPolicy(OnCheckpointRollingPolicy.build())
                .withOutputFileConfig(OutputFileConfig.builder()
                        .withPartPrefix("part")
                        .withPartSuffix(".parquet")
                        .build())
                .build();
    }
}
