package io.eventpipe.ingest.functions;

import io.eventpipe.common.deadletter.DeadLetter;
import io.eventpipe.common.deadletter.RawRecord;
import io.eventpipe.common.deadletter.Reason;
import io.eventpipe.common.generate.EventGenerator;
import io.eventpipe.common.generate.GeneratedRecord;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.common.validate.ValidationRules;
import io.eventpipe.schema.Event;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DecodeValidateFunctionTest {
    private static final ValidationRules RULES =
            new ValidationRules(EventFormat.AVRO, 4096, Duration.ofMinutes(5), Duration.ofDays(7));

    @Test
    void everyBadKindGoesToTheSideOutputWithItsReasonAndNothingIsLost() throws Exception {
        EventGenerator gen = new EventGenerator(new EventGenerator.Settings(EventFormat.AVRO, 0.1, 0.05,
                EnumSet.allOf(Reason.class), 5000, 7L));
        long now = 1_800_000_000_000L;
        List<GeneratedRecord> records = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            records.add(gen.next(now + i));
        }
        try (OneInputStreamOperatorTestHarness<RawRecord, Event> h =
                     ProcessFunctionTestHarnesses.forProcessFunction(new DecodeValidateFunction(RULES))) {
            for (int i = 0; i < records.size(); i++) {
                GeneratedRecord r = records.get(i);
                h.processElement(new RawRecord(r.key(), r.value(), "events", 0, i, r.timestamp()), r.timestamp());
            }
            List<Event> out = h.extractOutputValues();
            List<DeadLetter> dead = h.getSideOutput(DecodeValidateFunction.DEAD_LETTERS).stream()
                    .map(StreamRecord::getValue).toList();

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
            assertThat(actualReasons.keySet()).containsExactlyInAnyOrder(Reason.values());
            assertThat(out.size() + dead.size()).isEqualTo(records.size());
            for (DeadLetter d : dead) {
                GeneratedRecord source = records.get((int) d.offset);
                assertThat(d.value).isEqualTo(source.value());
                assertThat(d.reason).isEqualTo(source.reason());
            }
        }
    }
}
