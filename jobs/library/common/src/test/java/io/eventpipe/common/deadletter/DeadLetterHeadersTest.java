package io.eventpipe.common.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventpipe.common.kafka.DeadLetterSerializer;
import io.eventpipe.common.kafka.RawRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * A dead letter carries its input record's headers after its own, as long as the topic takes them with it; where it
 * does not, the letter is cut, the archive keeps the whole record with every header, and the letter says how many it
 * left out. Input headers named like the letter's own are never copied onto it.
 */
class DeadLetterHeadersTest {
    private static final DeadLetterLimit LIMIT = new DeadLetterLimit(1000, "file:///lake/_dead_letters");

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static DeadLetter letter(int valueBytes, String[] keys, byte[][] values) {
        RawRecord raw = new RawRecord(utf8("k"), new byte[valueBytes], "events", 2, 41, 1_700_000_000_000L)
                .withHeaders(keys, values);
        return DeadLetter.of(raw, Reason.UNDECODABLE, "not JSON");
    }

    private final List<DeadLetter> toTopic = new ArrayList<>();
    private final List<DeadLetter> toArchive = new ArrayList<>();

    private void route(DeadLetter d) {
        LIMIT.route(d, toTopic::add, toArchive::add);
    }

    private static List<String> headerKeys(ProducerRecord<byte[], byte[]> r) {
        List<String> keys = new ArrayList<>();
        for (Header h : r.headers()) {
            keys.add(h.key());
        }
        return keys;
    }

    private static ProducerRecord<byte[], byte[]> serialized(DeadLetter d) {
        return new DeadLetterSerializer("events.dlq").serialize(d, null, null);
    }

    @Test
    void inputHeadersFollowTheLettersOwnWhole() {
        DeadLetter d = letter(10, new String[] {"ce_id", "traceparent", "empty", "eventpipe.replay.of"}, new byte[][] {
            utf8("e-1"), utf8("00-ab-cd-01"), null, utf8("events.dlq/0@7")
        });
        route(d);
        assertThat(toArchive).isEmpty();
        ProducerRecord<byte[], byte[]> r = serialized(toTopic.get(0));
        assertThat(headerKeys(r))
                .endsWith("ce_id", "traceparent", "empty", "eventpipe.replay.of")
                .startsWith(DeadLetterHeaders.REASON);
        assertThat(r.headers().lastHeader("ce_id").value()).isEqualTo(utf8("e-1"));
        assertThat(r.headers().lastHeader("empty").value()).isNull();
        assertThat(r.headers().lastHeader(DeadLetterHeaders.HEADERS_DROPPED)).isNull();
    }

    @Test
    void inputHeadersNamedLikeTheLettersOwnAreNotCopied() {
        DeadLetter d =
                letter(10, new String[] {DeadLetterHeaders.REASON, "eventpipe.dlq.anything", "ce_id"}, new byte[][] {
                    utf8("OK"), utf8("x"), utf8("e-1")
                });
        route(d);
        ProducerRecord<byte[], byte[]> r = serialized(toTopic.get(0));
        assertThat(headerKeys(r))
                .containsOnlyOnce(DeadLetterHeaders.REASON)
                .doesNotContain("eventpipe.dlq.anything")
                .endsWith("ce_id");
        assertThat(new String(r.headers().lastHeader(DeadLetterHeaders.REASON).value(), StandardCharsets.UTF_8))
                .isEqualTo("UNDECODABLE");
    }

    @Test
    void headersTheTopicCannotTakeGoToTheArchiveWithTheWholeRecord() {
        // a small record with 2,000 bytes of headers: key and value fit, the headers do not
        String[] keys = new String[20];
        byte[][] values = new byte[20][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = "h" + i;
            values[i] = new byte[100];
        }
        DeadLetter d = letter(10, keys, values);
        route(d);
        assertThat(toArchive).singleElement().satisfies(whole -> {
            assertThat(whole.headerKeys).containsExactly(keys);
            assertThat(whole.cut).isFalse();
        });
        DeadLetter cut = toTopic.get(0);
        assertThat(cut.cut).isTrue();
        assertThat(cut.value).hasSize(10);
        assertThat(cut.headersDropped).isEqualTo(20);
        ProducerRecord<byte[], byte[]> r = serialized(cut);
        assertThat(headerKeys(r)).noneMatch(k -> k.startsWith("h"));
        assertThat(new String(
                        r.headers()
                                .lastHeader(DeadLetterHeaders.HEADERS_DROPPED)
                                .value(),
                        StandardCharsets.UTF_8))
                .isEqualTo("20");
        long bytes = (r.key() == null ? 0 : r.key().length) + r.value().length;
        for (Header h : r.headers()) {
            if (DeadLetter.carried(h.key())) {
                bytes += h.key().length() + h.value().length;
            }
        }
        assertThat(bytes).isLessThanOrEqualTo(LIMIT.maxRecordBytes());
    }

    @Test
    void aCutLetterKeepsHeadersThatStillFit() {
        // too large by its value, with one small header: cut to the budget, the header stays, counted in it
        DeadLetter d = letter(5_000, new String[] {"ce_id"}, new byte[][] {utf8("e-1")});
        route(d);
        assertThat(toArchive).hasSize(1);
        DeadLetter cut = toTopic.get(0);
        assertThat(cut.cut).isTrue();
        assertThat(cut.headerKeys).containsExactly("ce_id");
        assertThat(cut.headersDropped).isZero();
        assertThat(cut.size() + cut.carriedHeaderBytes()).isEqualTo(LIMIT.maxRecordBytes());
    }
}
