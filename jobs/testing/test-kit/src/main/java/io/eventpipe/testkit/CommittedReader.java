package io.eventpipe.testkit;

import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Something that reads the committed records of a topic: a test broker, plain or secured. */
@FunctionalInterface
public interface CommittedReader {
    /** Every committed record now in the topic, read with read_committed from the beginning. */
    List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic);
}
