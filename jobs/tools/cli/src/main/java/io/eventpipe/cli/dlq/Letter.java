package io.eventpipe.cli.dlq;

import io.eventpipe.common.deadletter.DeadLetter;
import io.eventpipe.common.deadletter.DeadLetterHeaders;
import io.eventpipe.common.deadletter.Reason;
import io.eventpipe.common.kafka.RawRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * One record of the dead-letter topic, read back: where it sits in the topic, why it was dead-lettered, and the
 * input record it holds (whole, or cut to fit with the whole record in the archive).
 *
 * @param dlqPartition partition of the letter in the dead-letter topic
 * @param dlqOffset offset of the letter there
 * @param reason why the ingest job refused the input record
 * @param sourceTopic the input record's topic
 * @param sourcePartition its partition
 * @param sourceOffset its offset
 * @param sourceTimestamp its Kafka timestamp (epoch milliseconds)
 * @param cut whether key and value are prefixes; the whole record is in {@code archive}
 * @param archive the archive root of a cut letter, else null
 * @param key the input record's key (a prefix when cut)
 * @param value the input record's value (a prefix when cut)
 * @param headers the input record's headers that the letter carries, in order (for a cut letter whose headers did
 *     not fit, the archive has them)
 */
public record Letter(
        int dlqPartition,
        long dlqOffset,
        Reason reason,
        String sourceTopic,
        int sourcePartition,
        long sourceOffset,
        long sourceTimestamp,
        boolean cut,
        String archive,
        byte[] key,
        byte[] value,
        List<Header> headers) {

    /** The letter in {@code r}, or null when its headers are not an eventpipe dead letter's. */
    public static Letter read(ConsumerRecord<byte[], byte[]> r) {
        try {
            Reason reason = Reason.valueOf(header(r, DeadLetterHeaders.REASON));
            String topic = header(r, DeadLetterHeaders.SOURCE_TOPIC);
            int partition = Integer.parseInt(header(r, DeadLetterHeaders.SOURCE_PARTITION));
            long offset = Long.parseLong(header(r, DeadLetterHeaders.SOURCE_OFFSET));
            long timestamp = Long.parseLong(header(r, DeadLetterHeaders.SOURCE_TIMESTAMP));
            boolean cut = "true".equals(header(r, DeadLetterHeaders.CUT));
            if (topic == null) {
                return null;
            }
            return new Letter(
                    r.partition(),
                    r.offset(),
                    reason,
                    topic,
                    partition,
                    offset,
                    timestamp,
                    cut,
                    cut ? header(r, DeadLetterHeaders.ARCHIVE) : null,
                    r.key(),
                    r.value(),
                    carried(r));
        } catch (RuntimeException e) { // a missing header (NullPointerException) or one that is not a number
            return null;
        }
    }

    /** The letter's headers that are the input record's own: all but the letter's ({@link DeadLetterHeaders#PREFIX}). */
    private static List<Header> carried(ConsumerRecord<byte[], byte[]> r) {
        List<Header> headers = new ArrayList<>();
        for (Header h : r.headers()) {
            if (DeadLetter.carried(h.key())) {
                headers.add(h);
            }
        }
        return List.copyOf(headers);
    }

    /** {@code <dlq topic>/<partition>@<offset>}: names this letter, in the replay header. */
    public String name(String dlqTopic) {
        return dlqTopic + "/" + dlqPartition + "@" + dlqOffset;
    }

    /**
     * The input record as the ingest job saw it, with {@code key}, {@code value} and {@code headers} (whole ones for
     * a cut letter).
     */
    public RawRecord raw(byte[] wholeKey, byte[] wholeValue, List<Header> wholeHeaders) {
        RawRecord raw =
                new RawRecord(wholeKey, wholeValue, sourceTopic, sourcePartition, sourceOffset, sourceTimestamp);
        if (!wholeHeaders.isEmpty()) {
            raw.withHeaders(
                    wholeHeaders.stream().map(Header::key).toArray(String[]::new),
                    wholeHeaders.stream().map(Header::value).toArray(byte[][]::new));
        }
        return raw;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
