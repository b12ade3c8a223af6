package io.eventpipe.ingest.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventpipe.common.deadletter.DeadLetter;
import io.eventpipe.common.deadletter.DeadLetterArchive;
import io.eventpipe.common.deadletter.DeadLetterLimit;
import io.eventpipe.common.deadletter.Reason;
import io.eventpipe.common.kafka.RawRecord;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.common.validate.PayloadContracts;
import io.eventpipe.common.validate.ValidationRules;
import io.eventpipe.localkit.generate.EventGenerator;
import io.eventpipe.localkit.generate.GeneratedRecord;
import io.eventpipe.schema.Event;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class DecodeValidateFunctionTest {
    private static final ValidationRules RULES =
            new ValidationRules(EventFormat.AVRO, 4096, Duration.ofMinutes(5), Duration.ofDays(7));
    /** Dead letters of up to 8 KiB fit the topic whole; the tests' TOO_LARGE records are 5000 bytes. */
    private static final DeadLetterLimit LIMIT = new DeadLetterLimit(8192, "file:///lake/_dead_letters");

    @Test
    void everyBadKindGoesToTheSideOutputWithItsReasonAndNothingIsLost() throws Exception {
        EventGenerator gen = new EventGenerator(
                new EventGenerator.Settings(EventFormat.AVRO, 0.1, 0.05, EventGenerator.BAD_KINDS, 5000, 7L));
        long now = 1_800_000_000_000L;
        List<GeneratedRecord> records = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            records.add(gen.next(now + i));
        }
        try (OneInputStreamOperatorTestHarness<RawRecord, Event> h = ProcessFunctionTestHarnesses.forProcessFunction(
                new DecodeValidateFunction(RULES, PayloadContracts.Texts.builtIn(), LIMIT))) {
            for (int i = 0; i < records.size(); i++) {
                GeneratedRecord r = records.get(i);
                h.processElement(new RawRecord(r.key(), r.value(), "events", 0, i, r.timestamp()), r.timestamp());
            }
            List<Event> out = h.extractOutputValues();
            List<DeadLetter> dead = h.getSideOutput(DecodeValidateFunction.DEAD_LETTERS).stream()
                    .map(StreamRecord::getValue)
                    .toList();

            Map<Reason, Integer> expectedReasons = new EnumMap<>(Reason.class);
            List<String> expectedIds = new ArrayList<>();
            for (GeneratedRecord r : records) {
                if (r.expected() == GeneratedRecord.Expected.DEAD_LETTER) {
                    expectedReasons.merge(r.reason(), 1, Integer::sum);
                } else {
                    expectedIds.add(r.id());
                }
            }
            assertThat(out).extracting(Event::getId).containsExactlyElementsOf(expectedIds);
            Map<Reason, Integer> actualReasons = new EnumMap<>(Reason.class);
            dead.forEach(d -> actualReasons.merge(d.reason, 1, Integer::sum));
            assertThat(actualReasons).isEqualTo(expectedReasons);
            assertThat(actualReasons.keySet()).containsExactlyInAnyOrderElementsOf(EventGenerator.BAD_KINDS);
            assertThat(out.size() + dead.size()).isEqualTo(records.size());
            for (DeadLetter d : dead) {
                GeneratedRecord source = records.get((int) d.offset);
                assertThat(d.value).isEqualTo(source.value());
                assertThat(d.reason).isEqualTo(source.reason());
                assertThat(d.cut).isFalse();
            }
            assertThat(h.getSideOutput(DeadLetterArchive.ARCHIVE)).isNull();
        }
    }

    @Test
    void aDeadLetterTooLargeForItsTopicIsCutThereAndArchivedWhole() throws Exception {
        byte[] key = new byte[3000];
        byte[] value = new byte[20_000];
        Arrays.fill(key, (byte) 'k');
        new Random(1).nextBytes(value);
        long ts = 1_800_000_000_000L; // 2027-01-15
        try (OneInputStreamOperatorTestHarness<RawRecord, Event> h = ProcessFunctionTestHarnesses.forProcessFunction(
                new DecodeValidateFunction(RULES, PayloadContracts.Texts.builtIn(), LIMIT))) {
            h.processElement(new RawRecord(key, value, "events", 3, 42, ts), ts);

            assertThat(h.extractOutputValues()).isEmpty();
            List<DeadLetter> archived = h.getSideOutput(DeadLetterArchive.ARCHIVE).stream()
                    .map(StreamRecord::getValue)
                    .toList();
            assertThat(archived).singleElement().satisfies(d -> {
                assertThat(d.key).isEqualTo(key);
                assertThat(d.value).isEqualTo(value);
                assertThat(d.reason).isEqualTo(Reason.TOO_LARGE);
            });
            List<DeadLetter> dead = h.getSideOutput(DecodeValidateFunction.DEAD_LETTERS).stream()
                    .map(StreamRecord::getValue)
                    .toList();
            assertThat(dead).singleElement().satisfies(d -> {
                assertThat(d.cut).isTrue();
                assertThat(d.size()).isEqualTo(8192);
                assertThat(d.key).isEqualTo(Arrays.copyOf(key, DeadLetterLimit.MAX_CUT_KEY_BYTES));
                assertThat(d.value).isEqualTo(Arrays.copyOf(value, 8192 - DeadLetterLimit.MAX_CUT_KEY_BYTES));
                assertThat(d.originalKeyBytes).isEqualTo(3000);
                assertThat(d.originalValueBytes).isEqualTo(20_000);
                assertThat(d.valueSha256)
                        .isEqualTo(HexFormat.of()
                                .formatHex(MessageDigest.getInstance("SHA-256").digest(value)));
                assertThat(d.archive).isEqualTo("file:///lake/_dead_letters/dt=2027-01-15/");
                assertThat(d.offset).isEqualTo(42);
                assertThat(d.partition).isEqualTo(3);
            });
        }
    }
}
