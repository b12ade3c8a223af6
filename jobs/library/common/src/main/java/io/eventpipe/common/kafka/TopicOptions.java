package io.eventpipe.common.kafka;

import io.eventpipe.common.config.Option;

/** Topic keys that more than one job reads: the clean topic is the ingest job's output and the aggregate's input. */
public final class TopicOptions {
    public static final Option<String> CLEAN = Option.string(
            "topics.clean",
            "events.clean",
            "Topic of valid, deduplicated events (Avro single-object encoding, key = event id): the ingest job "
                    + "writes it, the aggregate job reads it with read_committed.");

    private TopicOptions() {}
}
