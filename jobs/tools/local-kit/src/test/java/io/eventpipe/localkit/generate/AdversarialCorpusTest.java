package io.eventpipe.localkit.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventpipe.common.deadletter.Reason;
import io.eventpipe.common.serde.EnvelopeSchemas;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.schema.Event;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.message.BinaryMessageDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The corpus's own promises: coverage, size, determinism. Whether the job agrees is for the ingest tests. */
class AdversarialCorpusTest {
    private static final long MAX = 1_000_000;
    private static final long NOW = Instant.parse("2026-11-27T10:00:00Z").toEpochMilli();

    private static AdversarialCorpus corpus(EventFormat format, long seed) {
        return new AdversarialCorpus(new AdversarialCorpus.Settings(format, MAX, seed));
    }

    @ParameterizedTest
    @EnumSource(
            value = EventFormat.class,
            names = {"AVRO", "JSON"})
    void hasTheReadmesCountOfDistinctKebabCaseKinds(EventFormat format) {
        List<String> kinds = corpus(format, 1).kinds();
        // README.md states these counts: change it with them
        assertThat(kinds)
                .hasSize(format == EventFormat.AVRO ? 38 : 34)
                .doesNotHaveDuplicates()
                .allSatisfy(k -> assertThat(k).matches("[a-z0-9]+(-[a-z0-9]+)*"));
        assertThat(corpus(format, 2).kinds()).isEqualTo(kinds);
    }

    @ParameterizedTest
    @EnumSource(
            value = EventFormat.class,
            names = {"AVRO", "JSON"})
    void tenThousandRecordsHoldEveryKindInUnderOneHundredMegabytes(EventFormat format) {
        AdversarialCorpus corpus = corpus(format, 7);
        List<GeneratedRecord> records = corpus.generate(10_000, NOW);

        assertThat(records).hasSize(10_000);
        assertThat(records.stream().map(GeneratedRecord::kind).collect(Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(corpus.kinds());
        long total = records.stream()
                .mapToLong(r -> r.size() + r.carriedHeaderBytes())
                .sum();
        assertThat(total).isLessThan(100_000_000L);
        assertThat(records).anySatisfy(r -> assertThat(r.size()).isGreaterThan(1 << 20));
        assertThat(records).allSatisfy(r -> assertThat(r.timestamp()).isEqualTo(NOW));
    }

    @ParameterizedTest
    @EnumSource(
            value = EventFormat.class,
            names = {"AVRO", "JSON"})
    void largeRecordsComeAtMostOnceEveryFourHundredAfterTheFirstRound(EventFormat format) {
        AdversarialCorpus corpus = corpus(format, 3);
        List<GeneratedRecord> records = corpus.generate(10_000, NOW);
        int k = corpus.kinds().size();
        Set<String> largeKinds = Set.copyOf(corpus.largeKinds());
        int last = -1;
        for (int i = 0; i < records.size(); i++) {
            GeneratedRecord r = records.get(i);
            if (r.size() > AdversarialCorpus.LARGE_BYTES) {
                assertThat(largeKinds)
                        .as("kind of record %d of %d bytes", i, r.size())
                        .contains(r.kind());
            }
            if (largeKinds.contains(r.kind())) {
                if (i >= k) {
                    assertThat(i - last)
                            .as("records between LARGE ones at %d", i)
                            .isGreaterThanOrEqualTo(AdversarialCorpus.LARGE_SPACING);
                }
                last = i;
            }
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = EventFormat.class,
            names = {"AVRO", "JSON"})
    void theFirstRoundIsOneOfEachKindInOrder(EventFormat format) {
        AdversarialCorpus corpus = corpus(format, 4);
        List<String> kinds = corpus.kinds();
        assertThat(corpus.generate(kinds.size(), NOW).stream()
                        .map(GeneratedRecord::kind)
                        .toList())
                .isEqualTo(kinds);
        assertThat(corpus(format, 4).generate(5, NOW).stream()
                        .map(GeneratedRecord::kind)
                        .toList())
                .isEqualTo(kinds.subList(0, 5));
        assertThat(corpus.generate(0, NOW)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(
            value = EventFormat.class,
            names = {"AVRO", "JSON"})
    void isDeterministicForASeed(EventFormat format) {
        List<GeneratedRecord> a = corpus(format, 42).generate(1_000, NOW);
        List<GeneratedRecord> b = corpus(format, 42).generate(1_000, NOW);
        List<GeneratedRecord> c = corpus(format, 43).generate(1_000, NOW);
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) {
            assertSame(a.get(i), b.get(i));
        }
        assertThat(a.stream()
                        .filter(r -> r.expected() == GeneratedRecord.Expected.CLEAN)
                        .map(GeneratedRecord::id))
                .doesNotContainAnyElementsOf(c.stream().map(GeneratedRecord::id).toList());
    }

    private static void assertSame(GeneratedRecord x, GeneratedRecord y) {
        assertThat(y.key()).isEqualTo(x.key());
        assertThat(y.value()).isEqualTo(x.value());
        assertThat(y.timestamp()).isEqualTo(x.timestamp());
        assertThat(y.id()).isEqualTo(x.id());
        assertThat(y.expected()).isEqualTo(x.expected());
        assertThat(y.reason()).isEqualTo(x.reason());
        assertThat(y.kind()).isEqualTo(x.kind());
    }

    @ParameterizedTest
    @EnumSource(
            value = EventFormat.class,
            names = {"AVRO", "JSON"})
    void cleanRecordsHaveFreshUniqueIdsAcrossCalls(EventFormat format) {
        AdversarialCorpus corpus = corpus(format, 5);
        Set<String> ids = new HashSet<>();
        for (int call = 0; call < 2; call++) {
            for (GeneratedRecord r : corpus.generate(3_000, NOW)) {
                if (r.expected() == GeneratedRecord.Expected.CLEAN) {
                    assertThat(r.reason()).isNull();
                    assertThat(r.id()).isNotBlank();
                    assertThat(ids.add(r.id())).as("CLEAN id %s is new", r.id()).isTrue();
                } else {
                    assertThat(r.expected()).isEqualTo(GeneratedRecord.Expected.DEAD_LETTER);
                    assertThat(r.reason()).isNotNull().isNotEqualTo(Reason.UNEXPECTED);
                    assertThat(r.id()).isNotNull();
                }
            }
        }
        assertThat(ids).isNotEmpty();
    }

    @ParameterizedTest
    @EnumSource(
            value = EventFormat.class,
            names = {"AVRO", "JSON"})
    void onlyTooLargeRecordsExceedTheLimit(EventFormat format) {
        for (long max : new long[] {AdversarialCorpus.MIN_MAX_RECORD_BYTES, MAX}) {
            AdversarialCorpus corpus = new AdversarialCorpus(new AdversarialCorpus.Settings(format, max, 11));
            for (GeneratedRecord r : corpus.generate(2_000, NOW)) {
                if (r.reason() == Reason.TOO_LARGE) {
                    assertThat((long) r.size()).as(r.kind()).isGreaterThan(max);
                } else {
                    assertThat((long) r.size()).as(r.kind()).isLessThanOrEqualTo(max);
                }
            }
        }
    }

    @Test
    void oversizedAvroValuesAreBetweenOnePointOneMegabytesAndThreeMillionBytes() {
        List<GeneratedRecord> records = corpus(EventFormat.AVRO, 8).generate(10_000, NOW);
        assertThat(records.stream().filter(r -> r.kind().equals("oversized-value")))
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.value().length).isBetween(1_100_001, 3_000_000));
        assertThat(records.stream().filter(r -> r.kind().equals("oversized-near-limit")))
                .isNotEmpty()
                .allSatisfy(r -> assertThat((long) r.value().length).isBetween(MAX + 1, MAX + 20_000));
        assertThat(records.stream().filter(r -> r.kind().equals("huge-key")))
                .allSatisfy(r -> assertThat(r.key()).hasSize(1_200_000));
    }

    @Test
    void theStringLengthOverclaimIsAFifteenByteRecord() {
        List<GeneratedRecord> overclaims = corpus(EventFormat.AVRO, 9).generate(2_000, NOW).stream()
                .filter(r -> r.kind().equals("string-length-overclaim"))
                .toList();
        assertThat(overclaims).isNotEmpty().allSatisfy(r -> {
            assertThat(r.value().length).isIn(15, 16);
            assertThat(r.value()[0]).isEqualTo((byte) 0xC3);
            assertThat(r.value()[1]).isEqualTo((byte) 0x01);
            assertThat(r.reason()).isEqualTo(Reason.UNDECODABLE);
        });
    }

    /** The valid kinds really are valid envelopes (read with plain Avro and Jackson, not the job's validator). */
    @Test
    void cleanAvroRecordsAreEventsOfAKnownEnvelopeVersion() throws Exception {
        BinaryMessageDecoder<Event> decoder = Event.createDecoder(EnvelopeSchemas.load());
        for (GeneratedRecord r : corpus(EventFormat.AVRO, 10).generate(500, NOW)) {
            if (r.expected() == GeneratedRecord.Expected.CLEAN) {
                Event e = decoder.decode(r.value());
                assertThat(e.getId()).as(r.kind()).isEqualTo(r.id());
            }
        }
    }

    @Test
    void cleanJsonRecordsAreJsonObjectsWithTheirId() throws Exception {
        ObjectMapper json = new ObjectMapper();
        for (GeneratedRecord r : corpus(EventFormat.JSON, 10).generate(500, NOW)) {
            if (r.expected() == GeneratedRecord.Expected.CLEAN) {
                JsonNode n = json.readTree(r.value());
                assertThat(n.get("id").textValue()).as(r.kind()).isEqualTo(r.id());
                assertThat(n.get("payload")).isNotNull();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = EventFormat.class,
            names = {"AVRO", "JSON"})
    void everyKindHasASingleExpectation(EventFormat format) {
        Map<String, Set<String>> outcomes = corpus(format, 12).generate(3_000, NOW).stream()
                .collect(Collectors.groupingBy(
                        GeneratedRecord::kind,
                        Collectors.mapping(r -> r.expected() + "/" + r.reason(), Collectors.toSet())));
        assertThat(outcomes.values()).allSatisfy(s -> assertThat(s).hasSize(1));
    }

    @Test
    void refusesALimitTooSmallForItsKinds() {
        assertThatThrownBy(() -> new AdversarialCorpus.Settings(EventFormat.AVRO, 1_000, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
