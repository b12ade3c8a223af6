package io.eventpipe.common.kafka;

import io.eventpipe.common.deadletter.DeadLetter;
import io.eventpipe.common.deadletter.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Dead letters: the original key and value bytes untouched (or, for a letter cut to fit, their prefixes and the cut
 * headers), the reason and origin as headers, then the original record's headers.
 */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;
    private final String topic;

    public DeadLetterSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter d, KafkaSinkContext context, Long timestamp) {
        RecordHeaders h = new RecordHeaders();
        h.add(DeadLetterHeaders.REASON, utf8(d.reason.name()));
        h.add(DeadLetterHeaders.MESSAGE, utf8(d.message));
        h.add(DeadLetterHeaders.SOURCE_TOPIC, utf8(d.topic));
        h.add(DeadLetterHeaders.SOURCE_PARTITION, utf8(Integer.toString(d.partition)));
        h.add(DeadLetterHeaders.SOURCE_OFFSET, utf8(Long.toString(d.offset)));
        h.add(DeadLetterHeaders.SOURCE_TIMESTAMP, utf8(Long.toString(d.timestamp)));
        if (d.cut) {
            h.add(DeadLetterHeaders.CUT, utf8("true"));
            h.add(DeadLetterHeaders.ORIGINAL_KEY_BYTES, utf8(Integer.toString(d.originalKeyBytes)));
            h.add(DeadLetterHeaders.ORIGINAL_VALUE_BYTES, utf8(Integer.toString(d.originalValueBytes)));
            if (d.valueSha256 != null) {
                h.add(DeadLetterHeaders.ORIGINAL_VALUE_SHA256, utf8(d.valueSha256));
            }
            h.add(DeadLetterHeaders.ARCHIVE, utf8(d.archive));
            if (d.headersDropped > 0) {
                h.add(DeadLetterHeaders.HEADERS_DROPPED, utf8(Integer.toString(d.headersDropped)));
            }
        }
        // the input record's own headers (a replay's eventpipe.replay.of among them), after the letter's
        if (d.headerKeys != null) {
            for (int i = 0; i < d.headerKeys.length; i++) {
                if (DeadLetter.carried(d.headerKeys[i])) {
                    h.add(d.headerKeys[i], d.headerValues[i]);
                }
            }
        }
        // Timestamped now, not with the original time: topic retention then counts from when the letter was written.
        return new ProducerRecord<>(topic, null, null, d.key, d.value, h);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
