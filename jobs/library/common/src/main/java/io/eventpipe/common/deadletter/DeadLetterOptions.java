package io.eventpipe.common.deadletter;

import io.eventpipe.common.config.ConfigReader;
import io.eventpipe.common.config.Option;
import io.eventpipe.common.kafka.KafkaConnection;
import io.eventpipe.common.kafka.KafkaPreflight;
import java.util.List;

/** The dead-letter keys both jobs share: the topic, its sink, and making every dead letter fit it. */
public final class DeadLetterOptions {
    public static final Option<String> TOPIC = Option.string(
            "topics.dlq",
            "events.dlq",
            "Dead-letter topic: records the job cannot use, with the original key and value and the reason as "
                    + "headers.");
    public static final Option<String> TX_PREFIX = Option.string(
            "sink.dlq.transactional-id-prefix",
            null,
            "Transactional id prefix of the dead-letter sink; default: job.name + \"-dlq\".");
    public static final Option<Long> MAX_RECORD_BYTES = Option.bytes(
            "sink.dlq.max-record-bytes",
            null,
            "Most key plus value bytes of a dead-letter record; a larger record is cut (prefixes, original sizes, "
                    + "SHA-256, archive path in headers) and kept whole in sink.dlq.archive-path. Default: "
                    + "kafka.properties.max.request.size minus " + DeadLetterHeaders.MAX_OVERHEAD_BYTES
                    + " bytes for headers. Lower it when the dead-letter topic's max.message.bytes is lower.");
    public static final Option<String> ARCHIVE_PATH = Option.string(
            "sink.dlq.archive-path",
            null,
            "Where records too large for the dead-letter topic are kept whole, as JSON lines under dt=<day>/, "
                    + "committed with each checkpoint. Ingest default: lake.path + /_dead_letters; required by the "
                    + "aggregate job and by ingest without a lake.");

    public static final List<Option<?>> ALL = List.of(TOPIC, TX_PREFIX, MAX_RECORD_BYTES, ARCHIVE_PATH);

    private DeadLetterOptions() {}

    /** The start-up check that the dead-letter topic takes every letter {@code limit} lets through. */
    public static KafkaPreflight.RecordSizeUse topicTakes(String key, String dlqTopic, DeadLetterLimit limit) {
        return new KafkaPreflight.RecordSizeUse(
                key, dlqTopic, MAX_RECORD_BYTES.key(), limit.maxRecordBytes(), DeadLetterHeaders.MAX_OVERHEAD_BYTES);
    }

    /**
     * @param defaultArchive the job's default archive root, or null when it has none (then the key is required)
     * @return the limit, or null where a key is missing or wrong (a problem is recorded)
     */
    public static DeadLetterLimit read(ConfigReader s, KafkaConnection kafka, String defaultArchive) {
        String archive = s.get(ARCHIVE_PATH);
        if (archive == null) {
            archive = defaultArchive;
        }
        if (archive == null) {
            s.problem(ARCHIVE_PATH.key() + ": is required: records too large for the dead-letter topic are kept "
                    + "whole there (for example file:///data/dead-letters or s3://bucket/dead-letters)");
        } else if (archive.length() > DeadLetterHeaders.MAX_ARCHIVE_PATH_CHARS) {
            s.problem(ARCHIVE_PATH.key() + ": is longer than " + DeadLetterHeaders.MAX_ARCHIVE_PATH_CHARS
                    + " characters");
            archive = null;
        }
        long room = kafka.maxRequestSize() - DeadLetterHeaders.MAX_OVERHEAD_BYTES;
        Long given = s.get(MAX_RECORD_BYTES);
        long max = given == null ? room : given;
        if (given != null && max > room) {
            s.problem(MAX_RECORD_BYTES.key() + ": " + max + " plus " + DeadLetterHeaders.MAX_OVERHEAD_BYTES
                    + " bytes of headers exceeds the producer's max.request.size (" + kafka.maxRequestSize()
                    + "); lower it or raise kafka.properties.max.request.size");
        }
        if (max <= DeadLetterLimit.MAX_CUT_KEY_BYTES) {
            s.problem((given == null ? "kafka.properties.max.request.size" : MAX_RECORD_BYTES.key())
                    + ": leaves " + max + " bytes for a dead letter's key and value; it must leave more than "
                    + DeadLetterLimit.MAX_CUT_KEY_BYTES);
        }
        return archive == null ? null : new DeadLetterLimit(max, stripSlash(archive));
    }

    private static String stripSlash(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
