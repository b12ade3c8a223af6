package io.eventpipe.localkit.generate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventpipe.common.deadletter.DeadLetterHeaders;
import io.eventpipe.common.deadletter.Reason;
import io.eventpipe.common.serde.EnvelopeSchemas;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.schema.Event;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Hostile records for the ingest job, deterministic for a seed: records over 1 MiB, Avro bodies whose lengths lie,
 * truncated and garbage bodies, invalid UTF-8, null and empty keys and values, JSON nested thousands of levels deep,
 * numbers with huge exponents or thousands of digits, absurd event times, ids of a megabyte, and valid events that
 * merely look hostile. Each record says exactly what the job must do with it (see {@link GeneratedRecord}): the
 * reason of the first rule it breaks, or CLEAN.
 *
 * <p>The rules assumed are the job's defaults: records over {@code validation.max-record-bytes} are TOO_LARGE, event
 * time may lie at most 5 minutes after and 7 days before the record timestamp, JSON is read with a nesting depth of
 * 64, numbers of at most 100 characters and at most 20 integer and 20 fraction digits.
 *
 * <p>Random state lives in the instance: two instances with the same settings make the same records for the same
 * calls, and one instance never repeats a CLEAN id, even across calls. Not thread-safe.
 */
public final class AdversarialCorpus {
    /** A record over this many bytes is LARGE: after the first round of kinds, one every {@link #LARGE_SPACING}. */
    public static final int LARGE_BYTES = 100_000;

    public static final int LARGE_SPACING = 400;
    /** The smallest {@code maxRecordBytes} for which every kind keeps its reason (the deep-nesting ones take 30 KB). */
    public static final long MIN_MAX_RECORD_BYTES = 64 * 1024;

    /** 1.1 MiB: oversized values are larger, whether a MB is taken to be 10^6 or 2^20 bytes. */
    private static final long OVERSIZED_MIN = 1_153_434;

    private static final int NESTING = 5_000;
    private static final int MANY_DIGITS = 5_000;
    private static final long YEAR_10000 = 253_402_300_800_000L;
    private static final byte[][] BAD_UTF8 = {
        {(byte) 0xC3, 0x28}, // lead byte followed by a non-continuation byte
        {(byte) 0xFF}, // never valid in UTF-8
        {(byte) 0xC0, (byte) 0x80}, // overlong encoding of U+0000
        {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // an encoded UTF-16 surrogate
        {(byte) 0xE2, (byte) 0x82}, // a 3-byte sequence cut after 2 bytes (ASCII follows)
        {(byte) 0x80}, // a continuation byte with no lead byte
        {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // beyond U+10FFFF
    };
    private static final String[] NOT_JSON = {
        "{oops",
        "{\"orderId\": o-17",
        "<order id=\"1\"/>",
        "[1, 2",
        "orderId=o-1&amount=3",
        "{'orderId':'o-1'}",
        "{\"orderId\":\"o-1\",}",
    };
    private static final String PLACEHOLDER = "@@BAD-UTF8@@";

    /**
     * @param format which wire format the records are in
     * @param maxRecordBytes the job's {@code validation.max-record-bytes} (records above it are TOO_LARGE); at least
     *     {@link #MIN_MAX_RECORD_BYTES}
     * @param seed random seed
     */
    public record Settings(EventFormat format, long maxRecordBytes, long seed) {
        public Settings {
            Objects.requireNonNull(format, "format");
            if (format != EventFormat.AVRO && format != EventFormat.JSON) {
                throw new IllegalArgumentException("the corpus is of eventpipe's envelope, avro or json");
            }
            if (maxRecordBytes < MIN_MAX_RECORD_BYTES) {
                throw new IllegalArgumentException("maxRecordBytes must be at least " + MIN_MAX_RECORD_BYTES
                        + " for every kind to keep its reason, got " + maxRecordBytes);
            }
        }
    }

    /** One kind of record: its name, whether its records can exceed {@link #LARGE_BYTES}, and how to make one. */
    private record Kind(String name, boolean large, LongFunction<GeneratedRecord> maker) {}

    private final Settings settings;
    private final long max;
    private final Random random;
    private final EventGenerator events;
    private final ObjectMapper mapper = new ObjectMapper();
    /** Fingerprints of envelope v1 and v2, whose field layouts the body writer knows. */
    private final long[] fingerprints;

    private final List<Kind> kinds = new ArrayList<>();
    private long sequence;

    public AdversarialCorpus(Settings settings) {
        this.settings = settings;
        this.max = settings.maxRecordBytes();
        this.random = new Random(settings.seed());
        // a stream of its own, so that the base events differ from those of an EventGenerator with the same seed
        this.events = new EventGenerator(EventGenerator.Settings.defaults(settings.seed() * 0x9E3779B97F4A7C15L + 17));
        this.fingerprints = envelopeFingerprints();
        if (settings.format() == EventFormat.AVRO) {
            avroKinds();
        } else {
            jsonKinds();
        }
        // LARGE kinds last, so that a short corpus holds the small ones first
        List<Kind> large = kinds.stream().filter(Kind::large).toList();
        kinds.removeIf(Kind::large);
        kinds.addAll(large);
    }

    /** The names of every kind this format makes, in a fixed order. */
    public List<String> kinds() {
        return kinds.stream().map(Kind::name).toList();
    }

    /** Names of the kinds whose records can exceed {@link #LARGE_BYTES}. */
    public List<String> largeKinds() {
        return kinds.stream().filter(Kind::large).map(Kind::name).toList();
    }

    /**
     * {@code count} records stamped {@code nowMillis} (the Kafka record timestamp). The first {@code kinds().size()}
     * records are one of each kind, in {@link #kinds()} order; after them the kinds take turns, except that a LARGE
     * kind comes only when the previous LARGE record lies at least {@link #LARGE_SPACING} records back, so that
     * 10,000 records stay well under 100 MB. Deterministic for the seed (and the calls made before on this instance).
     */
    public List<GeneratedRecord> generate(int count, long nowMillis) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        List<Kind> small = kinds.stream().filter(k -> !k.large()).toList();
        List<Kind> large = kinds.stream().filter(Kind::large).toList();
        List<GeneratedRecord> out = new ArrayList<>(count);
        int nextSmall = 0;
        int nextLarge = 0;
        long lastLarge = Long.MIN_VALUE / 2;
        for (int i = 0; i < count; i++) {
            Kind kind;
            if (i < kinds.size()) {
                kind = kinds.get(i);
            } else if (!large.isEmpty() && i - lastLarge >= LARGE_SPACING) {
                kind = large.get(nextLarge++ % large.size());
            } else {
                kind = small.get(nextSmall++ % small.size());
            }
            if (kind.large()) {
                lastLarge = i;
            }
            out.add(kind.maker().apply(nowMillis));
        }
        return Collections.unmodifiableList(out);
    }

    // ---------------------------------------------------------------------------------------------------- Avro kinds

    private void avroKinds() {
        // TOO_LARGE
        kind("oversized-value", true, now -> {
            Event e = base(now, "page.viewed");
            long lo = Math.max(OVERSIZED_MIN, max + 1);
            long hi = Math.max(3_000_000, lo + 1_000);
            return dead("oversized-value", key(e), padded(e, between(lo, hi - 8)), now, e.getId(), Reason.TOO_LARGE);
        });
        kind("oversized-near-limit", max + 20_000 + 300 > LARGE_BYTES, now -> {
            Event e = base(now, "page.viewed");
            return dead(
                    "oversized-near-limit",
                    key(e),
                    padded(e, between(max + 1, max + 20_000 - 8)),
                    now,
                    e.getId(),
                    Reason.TOO_LARGE);
        });
        kind("huge-id", true, now -> {
            Event e = base(now, null);
            e.setId(pad(
                    e.getId() + "-",
                    (int) between(Math.max(1_100_000, max + 1), Math.max(1_150_000, max + 50_000)),
                    'i'));
            return dead("huge-id", key(e), encode(e), now, e.getId(), Reason.TOO_LARGE);
        });
        kind("huge-key", true, now -> {
            Event e = base(now, null);
            byte[] key = new byte[(int) Math.max(1_200_000, max + 1)];
            random.nextBytes(key);
            return dead("huge-key", key, encode(e), now, e.getId(), Reason.TOO_LARGE);
        });

        // UNDECODABLE: lying lengths, broken bodies, garbage
        kind("string-length-overclaim", false, now -> {
            // marker + fingerprint + a 5-byte varint claiming ~1 GiB for the id: 15 bytes (16 with one more byte)
            Body b = new Body(knownFingerprint()).varlong((1L << 30) + random.nextInt(1024));
            if (random.nextBoolean()) {
                b.raw(new byte[] {(byte) random.nextInt(256)});
            }
            return dead("string-length-overclaim", smallKey(), b.bytes(), now, "", Reason.UNDECODABLE);
        });
        kind("negative-string-length", false, now -> {
            Event e = base(now, null);
            int version = version();
            Body b = new Body(fingerprints[version - 1]).varlong(-5);
            afterId(b, e, version);
            return dead("negative-string-length", key(e), b.bytes(), now, "", Reason.UNDECODABLE);
        });
        kind("payload-length-overclaim", false, now -> {
            Event e = base(now, null);
            Body b = new Body(fingerprints[version() - 1])
                    .string(e.getId())
                    .varlong(e.getTime().toEpochMilli())
                    .string(e.getType())
                    .string(e.getSource());
            byte[] rest = utf8(e.getPayload());
            b.varlong(rest.length + 1_000_000L).raw(rest);
            return dead("payload-length-overclaim", key(e), b.bytes(), now, e.getId(), Reason.UNDECODABLE);
        });
        kind("union-index-out-of-range", false, now -> {
            Event e = base(now, null);
            Body b = fields(new Body(fingerprints[1]), e).varlong(7).string("{\"traceId\":\"" + sequence + "\"}");
            return dead("union-index-out-of-range", key(e), b.bytes(), now, e.getId(), Reason.UNDECODABLE);
        });
        kind("truncated-body", false, now -> {
            Event e = base(now, null);
            byte[] whole = avro(e, version());
            int cut = 1 + random.nextInt(whole.length - Body.HEADER_BYTES);
            return dead(
                    "truncated-body",
                    key(e),
                    Arrays.copyOf(whole, whole.length - cut),
                    now,
                    e.getId(),
                    Reason.UNDECODABLE);
        });
        kind("unknown-fingerprint", false, now -> {
            long fp;
            do {
                fp = random.nextLong();
            } while (fp == fingerprints[0] || fp == fingerprints[1]);
            return dead(
                    "unknown-fingerprint",
                    smallKey(),
                    new Body(fp).raw(randomBytes(random.nextInt(201))).bytes(),
                    now,
                    "",
                    Reason.UNDECODABLE);
        });
        kind("known-fingerprint-garbage", false, now -> {
            byte[] ff = new byte[10 + random.nextInt(91)];
            Arrays.fill(ff, (byte) 0xFF);
            return dead(
                    "known-fingerprint-garbage",
                    smallKey(),
                    new Body(knownFingerprint()).raw(ff).bytes(),
                    now,
                    "",
                    Reason.UNDECODABLE);
        });
        kind("bad-marker", false, now -> {
            Event e = base(now, null);
            byte[] v;
            switch (random.nextInt(3)) {
                case 0 -> v = json(jsonFields(e)); // a JSON event on an Avro topic
                case 1 -> {
                    v = avro(e, 2);
                    v[1] = 0x00; // C3 00: the marker's second byte is wrong
                }
                default -> {
                    v = randomBytes(1 + random.nextInt(200));
                    if (v.length >= 2 && v[0] == (byte) 0xC3 && v[1] == 0x01) {
                        v[0] = 0x00;
                    }
                }
            }
            return dead("bad-marker", smallKey(), v, now, "", Reason.UNDECODABLE);
        });
        kind("invalid-utf8", false, now -> {
            Event e = base(now, null);
            int version = version();
            byte[] bad = BAD_UTF8[random.nextInt(BAD_UTF8.length)];
            Body b = new Body(fingerprints[version - 1])
                    .string(e.getId())
                    .varlong(e.getTime().toEpochMilli())
                    .string(e.getType());
            if (random.nextBoolean()) {
                b.string(concat(utf8("web"), bad, utf8("x"))).string(e.getPayload());
            } else {
                b.string(e.getSource()).string(concat(utf8("{\"note\":\""), bad, utf8("x\"}")));
            }
            if (version == 2) {
                b.varlong(0);
            }
            return dead("invalid-utf8", key(e), b.bytes(), now, e.getId(), Reason.UNDECODABLE);
        });
        kind(
                "null-value",
                false,
                now -> dead("null-value", random.nextBoolean() ? null : smallKey(), null, now, "", Reason.UNDECODABLE));
        kind(
                "empty-value",
                false,
                now -> dead(
                        "empty-value",
                        random.nextBoolean() ? null : smallKey(),
                        new byte[0],
                        now,
                        "",
                        Reason.UNDECODABLE));

        // MISSING_FIELD, INVALID_FIELD
        kind("blank-id", false, now -> {
            Event e = base(now, null);
            e.setId(new String[] {" ", "   ", "\t", "\u2003"}[random.nextInt(4)]);
            return dead("blank-id", key(e), encode(e), now, e.getId(), Reason.MISSING_FIELD);
        });
        kind("long-id", false, now -> {
            Event e = base(now, null);
            e.setId(pad(e.getId() + "-", 300, 'L'));
            return dead("long-id", key(e), encode(e), now, e.getId(), Reason.INVALID_FIELD);
        });
        kind("invalid-type", false, now -> {
            Event e = base(now, null);
            e.setType(new String[] {
                        "../order.created",
                        "order created",
                        "t".repeat(129),
                        "order.created\n",
                        ".hidden",
                        "order/created",
                        "ord\u00E9r.created"
                    }
                    [random.nextInt(7)]);
            return dead("invalid-type", key(e), encode(e), now, e.getId(), Reason.INVALID_FIELD);
        });
        kind("source-with-nul", false, now -> {
            Event e = base(now, null);
            e.setSource("web\u0000x");
            return dead("source-with-nul", key(e), encode(e), now, e.getId(), Reason.INVALID_FIELD);
        });
        kind("long-source", false, now -> {
            Event e = base(now, null);
            e.setSource(pad("source-", 1_000, 's'));
            return dead("long-source", key(e), encode(e), now, e.getId(), Reason.INVALID_FIELD);
        });

        // TIME_IN_FUTURE, TIME_TOO_OLD
        timeKind("time-negative", -1_000_000_000_000_000L, Reason.TIME_TOO_OLD);
        timeKind("time-year-10000", YEAR_10000, Reason.TIME_IN_FUTURE);
        timeKind("time-long-max", Long.MAX_VALUE, Reason.TIME_IN_FUTURE);
        timeKind("time-long-min", Long.MIN_VALUE, Reason.TIME_TOO_OLD);

        // PAYLOAD_NOT_JSON, PAYLOAD_LIMIT (payloads otherwise valid order.created)
        kind("payload-not-json", false, now -> {
            Event e = base(now, null);
            e.setPayload(NOT_JSON[random.nextInt(NOT_JSON.length)]);
            return dead("payload-not-json", key(e), encode(e), now, e.getId(), Reason.PAYLOAD_NOT_JSON);
        });
        payloadKind("deep-nesting-payload", () -> order("1.25", ",\"meta\":" + nested(NESTING)));
        payloadKind("huge-exponent", () -> order("1e9999999", ""));
        payloadKind("tiny-exponent", () -> order("1e-9999999", ""));
        payloadKind("many-digits", () -> order(digits(MANY_DIGITS), ""));

        // CLEAN: valid, but hostile-looking
        kind("null-key-valid", false, now -> {
            Event e = base(now, null);
            return clean("null-key-valid", null, encode(e), now, e.getId());
        });
        kind("empty-key-valid", false, now -> {
            Event e = base(now, null);
            return clean("empty-key-valid", new byte[0], encode(e), now, e.getId());
        });
        kind("v1-envelope-valid", false, now -> {
            Event e = base(now, null);
            e.setHeaders(null);
            return clean("v1-envelope-valid", key(e), avro(e, 1), now, e.getId());
        });
        kind("unicode-valid", false, now -> {
            Event e = unicode(base(now, "user.signed_up"));
            return clean("unicode-valid", key(e), encode(e), now, e.getId());
        });
        kind("id-max-length-valid", false, now -> {
            Event e = base(now, null);
            e.setId(pad(e.getId() + "-", 256, 'm'));
            return clean("id-max-length-valid", key(e), encode(e), now, e.getId());
        });
        headerKinds("");
    }

    // ---------------------------------------------------------------------------------------------------- JSON kinds

    private void jsonKinds() {
        // TOO_LARGE
        kind("json-oversized", true, now -> {
            Event e = base(now, "page.viewed");
            long lo = Math.max(OVERSIZED_MIN, max + 1);
            long hi = Math.max(3_000_000, lo + 1_000);
            return dead("json-oversized", key(e), padded(e, between(lo, hi - 8)), now, e.getId(), Reason.TOO_LARGE);
        });
        kind("json-oversized-near-limit", max + 20_000 + 300 > LARGE_BYTES, now -> {
            Event e = base(now, "page.viewed");
            return dead(
                    "json-oversized-near-limit",
                    key(e),
                    padded(e, between(max + 1, max + 20_000 - 8)),
                    now,
                    e.getId(),
                    Reason.TOO_LARGE);
        });
        kind("json-huge-key", true, now -> {
            Event e = base(now, null);
            byte[] key = new byte[(int) Math.max(1_200_000, max + 1)];
            random.nextBytes(key);
            return dead("json-huge-key", key, encode(e), now, e.getId(), Reason.TOO_LARGE);
        });

        // UNDECODABLE
        kind("json-not-json", false, now -> {
            Event e = base(now, null);
            byte[] v = switch (random.nextInt(4)) {
                case 0 -> avro(e, 2); // an Avro event on a JSON topic
                case 1 -> utf8("not json at all");
                case 2 -> utf8("{\"id\":" + q(e.getId()) + ",\"time\":"); // cut short
                default -> utf8("<event id=\"" + e.getId() + "\"/>");
            };
            return dead("json-not-json", key(e), v, now, "", Reason.UNDECODABLE);
        });
        kind("json-invalid-utf8", false, now -> {
            Event e = base(now, null);
            Map<String, String> f = jsonFields(e);
            if (random.nextBoolean()) {
                f.put("source", q("web" + PLACEHOLDER + "x"));
            } else {
                f.put("payload", q("{\"note\":\"" + PLACEHOLDER + "\"}"));
            }
            String text = new String(json(f), StandardCharsets.UTF_8);
            int at = text.indexOf(PLACEHOLDER);
            byte[] v = concat(
                    utf8(text.substring(0, at)),
                    BAD_UTF8[random.nextInt(BAD_UTF8.length)],
                    utf8(text.substring(at + PLACEHOLDER.length())));
            return dead("json-invalid-utf8", key(e), v, now, e.getId(), Reason.UNDECODABLE);
        });
        kind("json-array-root", false, now -> {
            Event e = base(now, null);
            byte[] v = utf8("[" + new String(json(jsonFields(e)), StandardCharsets.UTF_8) + "]");
            return dead("json-array-root", key(e), v, now, "", Reason.UNDECODABLE);
        });
        kind(
                "json-scalar-root",
                false,
                now -> dead(
                        "json-scalar-root",
                        smallKey(),
                        utf8(new String[] {"null", "42", "\"event\"", "true"}[random.nextInt(4)]),
                        now,
                        "",
                        Reason.UNDECODABLE));
        kind(
                "json-null-value",
                false,
                now -> dead(
                        "json-null-value",
                        random.nextBoolean() ? null : smallKey(),
                        null,
                        now,
                        "",
                        Reason.UNDECODABLE));
        kind(
                "json-empty-value",
                false,
                now -> dead(
                        "json-empty-value",
                        random.nextBoolean() ? null : smallKey(),
                        new byte[0],
                        now,
                        "",
                        Reason.UNDECODABLE));
        kind("json-id-object", false, now -> {
            Event e = base(now, null);
            Map<String, String> f = jsonFields(e);
            f.put("id", random.nextBoolean() ? "{\"value\":" + q(e.getId()) + "}" : "[" + q(e.getId()) + "]");
            return dead("json-id-object", key(e), json(f), now, "", Reason.UNDECODABLE);
        });
        jsonTimeKind("json-time-bigint", "99999999999999999999999", Reason.UNDECODABLE);
        jsonTimeKind("json-time-iso-overflow", "\"+1000000000-01-01T00:00:00Z\"", Reason.UNDECODABLE);
        kind("json-time-garbage", false, now -> {
            Event e = base(now, null);
            Map<String, String> f = jsonFields(e);
            f.put(
                    "time",
                    new String[] {"\"yesterday\"", "\"2024-13-45T99:00:00Z\"", "true", "1.7e12", "{\"ms\":1}"}
                            [random.nextInt(5)]);
            return dead("json-time-garbage", key(e), json(f), now, e.getId(), Reason.UNDECODABLE);
        });
        kind("json-payload-missing", false, now -> {
            Event e = base(now, null);
            Map<String, String> f = jsonFields(e);
            if (random.nextBoolean()) {
                f.remove("payload");
            } else {
                f.put("payload", "null");
            }
            return dead("json-payload-missing", key(e), json(f), now, e.getId(), Reason.UNDECODABLE);
        });

        // PAYLOAD_LIMIT while reading the envelope
        kind("json-deep-envelope", false, now -> {
            Event e = base(now, null);
            Map<String, String> f = jsonFields(e);
            f.put("trace", nested(NESTING));
            return dead("json-deep-envelope", key(e), json(f), now, e.getId(), Reason.PAYLOAD_LIMIT);
        });
        kind("json-many-digits-envelope", false, now -> {
            Event e = base(now, null);
            Map<String, String> f = jsonFields(e);
            f.put("checksum", digits(MANY_DIGITS));
            return dead("json-many-digits-envelope", key(e), json(f), now, e.getId(), Reason.PAYLOAD_LIMIT);
        });

        // MISSING_FIELD, INVALID_FIELD
        kind("json-missing-id", false, now -> {
            Event e = base(now, null);
            Map<String, String> f = jsonFields(e);
            String id = "";
            switch (random.nextInt(4)) {
                case 0 -> f.remove("id");
                case 1 -> f.put("id", "null");
                case 2 -> f.put("id", "\"\"");
                default -> {
                    id = "   ";
                    f.put("id", q(id));
                }
            }
            return dead("json-missing-id", smallKey(), json(f), now, id, Reason.MISSING_FIELD);
        });
        kind("json-long-id", false, now -> {
            Event e = base(now, null);
            e.setId(pad(e.getId() + "-", 300, 'L'));
            return dead("json-long-id", key(e), encode(e), now, e.getId(), Reason.INVALID_FIELD);
        });
        kind("json-source-with-nul", false, now -> {
            Event e = base(now, null);
            e.setSource("web\u0000x");
            return dead("json-source-with-nul", key(e), encode(e), now, e.getId(), Reason.INVALID_FIELD);
        });

        // TIME_IN_FUTURE, TIME_TOO_OLD
        kind("json-time-year-10000", false, now -> {
            Event e = base(now, null);
            Map<String, String> f = jsonFields(e);
            f.put("time", random.nextBoolean() ? Long.toString(YEAR_10000) : "\"+10000-01-01T00:00:00Z\"");
            return dead("json-time-year-10000", key(e), json(f), now, e.getId(), Reason.TIME_IN_FUTURE);
        });
        jsonTimeKind("json-time-long-min", Long.toString(Long.MIN_VALUE), Reason.TIME_TOO_OLD);

        // PAYLOAD_NOT_JSON, PAYLOAD_LIMIT (payloads otherwise valid order.created)
        kind("json-payload-not-json", false, now -> {
            Event e = base(now, null);
            e.setPayload(NOT_JSON[random.nextInt(NOT_JSON.length)]);
            return dead("json-payload-not-json", key(e), encode(e), now, e.getId(), Reason.PAYLOAD_NOT_JSON);
        });
        inlinePayloadKind("json-payload-huge-exponent", "1e9999999");
        inlinePayloadKind("json-payload-tiny-exponent", "1e-9999999");
        payloadKind("json-deep-payload", () -> order("1.25", ",\"meta\":" + nested(NESTING)));
        payloadKind("json-many-digits-payload", () -> order(digits(MANY_DIGITS), ""));

        // CLEAN: valid, but hostile-looking
        kind("json-null-key-valid", false, now -> {
            Event e = base(now, null);
            return clean("json-null-key-valid", null, encode(e), now, e.getId());
        });
        kind("json-inline-payload-valid", false, now -> {
            Event e = base(now, random.nextBoolean() ? "order.created" : null);
            Map<String, String> f = jsonFields(e);
            f.put("payload", e.getPayload()); // the JSON text itself, not a string holding it
            return clean("json-inline-payload-valid", key(e), json(f), now, e.getId());
        });
        kind("json-iso-time-valid", false, now -> {
            Event e = base(now, null);
            Map<String, String> f = jsonFields(e);
            f.put("time", q(e.getTime().plusNanos(random.nextInt(1_000_000)).toString()));
            return clean("json-iso-time-valid", key(e), json(f), now, e.getId());
        });
        kind("json-unicode-valid", false, now -> {
            Event e = unicode(base(now, "user.signed_up"));
            Map<String, String> f = jsonFields(e);
            f.put("extra", "{\"unknown\":[1,2.5,null,true,{\"x\":\"\\u0000\"}]}"); // fields the job ignores
            return clean("json-unicode-valid", key(e), json(f), now, e.getId());
        });
        headerKinds("json-");
    }

    // ---------------------------------------------------------------------------------------------- header kinds

    /**
     * Records whose headers are hostile: thousands of them, one huge one, and ones named like a dead letter's own.
     * The value decides the outcome; the headers must neither refuse a record nor make its letter one the topic
     * refuses (the huge one does not fit the letter, which is cut and archived with it whole).
     */
    private void headerKinds(String prefix) {
        kind(prefix + "many-headers-valid", false, now -> {
            Event e = base(now, null);
            return clean(prefix + "many-headers-valid", key(e), encode(e), now, e.getId())
                    .withHeaders(headers(2_000, 8));
        });
        kind(prefix + "huge-header-valid", true, now -> {
            Event e = base(now, null);
            return clean(prefix + "huge-header-valid", key(e), encode(e), now, e.getId())
                    .withHeaders(headers(1, 300_000));
        });
        kind(
                prefix + "dlq-named-headers",
                false,
                now -> dead(prefix + "dlq-named-headers", smallKey(), garbage(), now, "", Reason.UNDECODABLE)
                        .withHeaders(List.of(
                                new RecordHeader(DeadLetterHeaders.REASON, utf8("PAYLOAD_CONTRACT")),
                                new RecordHeader(DeadLetterHeaders.CUT, utf8("true")),
                                new RecordHeader(DeadLetterHeaders.REPLAY_OF, utf8("events.dlq/0@0")),
                                new RecordHeader("no-value", null))));
        kind(
                prefix + "huge-header-bad",
                true,
                now -> dead(prefix + "huge-header-bad", smallKey(), garbage(), now, "", Reason.UNDECODABLE)
                        .withHeaders(headers(1, (int) (max + max / 10))));
    }

    /** {@code n} headers {@code h<i>} of {@code bytes} random bytes each. */
    private List<Header> headers(int n, int bytes) {
        List<Header> h = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            h.add(new RecordHeader("h" + i, randomBytes(bytes)));
        }
        return h;
    }

    /** A value no format decodes: no Avro marker, not UTF-8. */
    private byte[] garbage() {
        byte[] b = randomBytes(40);
        b[0] = (byte) 0xFF;
        return b;
    }

    // ------------------------------------------------------------------------------------------------ kind helpers

    private void kind(String name, boolean large, LongFunction<GeneratedRecord> maker) {
        kinds.add(new Kind(name, large, maker));
    }

    private void timeKind(String name, long millis, Reason reason) {
        kind(name, false, now -> {
            Event e = base(now, null);
            e.setTime(Instant.ofEpochMilli(millis));
            return dead(name, key(e), encode(e), now, e.getId(), reason);
        });
    }

    private void jsonTimeKind(String name, String timeJson, Reason reason) {
        kind(name, false, now -> {
            Event e = base(now, null);
            Map<String, String> f = jsonFields(e);
            f.put("time", timeJson);
            return dead(name, key(e), json(f), now, e.getId(), reason);
        });
    }

    /** An order.created event whose payload text breaks a JSON limit, but would otherwise meet the contract. */
    private void payloadKind(String name, Supplier<String> payload) {
        kind(name, false, now -> {
            Event e = base(now, "order.created");
            e.setPayload(payload.get());
            return dead(name, key(e), encode(e), now, e.getId(), Reason.PAYLOAD_LIMIT);
        });
    }

    /** A JSON order.created event whose payload is an inline object with {@code amount} written as given. */
    private void inlinePayloadKind(String name, String amount) {
        kind(name, false, now -> {
            Event e = base(now, "order.created");
            Map<String, String> f = jsonFields(e);
            f.put("payload", order(amount, ""));
            return dead(name, key(e), json(f), now, e.getId(), Reason.PAYLOAD_LIMIT);
        });
    }

    private static GeneratedRecord dead(String kind, byte[] key, byte[] value, long now, String id, Reason reason) {
        return new GeneratedRecord(key, value, now, id, GeneratedRecord.Expected.DEAD_LETTER, reason, kind);
    }

    private static GeneratedRecord clean(String kind, byte[] key, byte[] value, long now, String id) {
        return new GeneratedRecord(key, value, now, id, GeneratedRecord.Expected.CLEAN, null, kind);
    }

    // ------------------------------------------------------------------------------------------------ event helpers

    /** A valid event with a fresh id never used before by this instance; of {@code type} if not null. */
    private Event base(long now, String type) {
        Event e = events.event(now);
        e.setId("adv-" + (++sequence) + "-" + new UUID(random.nextLong(), random.nextLong()));
        if (type != null && !type.equals(e.getType())) {
            e.setType(type);
            e.setPayload(
                    switch (type) {
                        case "order.created" ->
                            order(String.format(Locale.ROOT, "%.2f", (100 + random.nextInt(50_000)) / 100.0), "");
                        case "page.viewed" ->
                            "{\"sessionId\":\"s-" + random.nextInt(100_000) + "\",\"path\":\"/\"," + "\"durationMs\":"
                                    + random.nextInt(60_000) + "}";
                        case "user.signed_up" ->
                            "{\"userId\":\"u-" + random.nextInt(1_000_000) + "\",\"plan\":\"free\"}";
                        default -> throw new IllegalArgumentException(type);
                    });
        }
        return e;
    }

    /** Source, payload and headers full of characters that look dangerous but break no rule. */
    private Event unicode(Event e) {
        e.setSource(new String[] {
                    "mobile-app-\u00FCn\u00EFc\u00F8d\u00E9-\uD83D\uDE80",
                    "web\u202Eppa-elibom",
                    "w\u00E9b\u200B",
                    "\u65E5\u672C\u8A9E-source",
                    "web \"quoted\" 'source' <b>&amp;"
                }
                [random.nextInt(5)]);
        e.setPayload("{\"userId\":\"u-\u03A9-\uD83D\uDE80-" + random.nextInt(1_000_000) + "\",\"plan\":\"pro\","
                + "\"bio\":\"nul:\\u0000 bidi:\u202E zero-width:\u200B quote:\\\" backslash:\\\\ "
                + "emoji:\uD83D\uDC69\u200D\uD83D\uDC69\u200D\uD83D\uDC67\"}");
        e.setHeaders("{\"traceId\":\"\uD83E\uDDF5-" + random.nextInt(1_000_000) + "\",\"x\":\"\\u0000\"}");
        return e;
    }

    /** {@code e} encoded with its payload padded so that the value is {@code target} to {@code target + 3} bytes. */
    private byte[] padded(Event e, long target) {
        String prefix = e.getPayload().substring(0, e.getPayload().length() - 1) + ",\"padding\":\"";
        e.setPayload(prefix + "\"}");
        int pad = (int) (target - encode(e).length);
        e.setPayload(prefix + "x".repeat(Math.max(0, pad)) + "\"}");
        return encode(e);
    }

    private String order(String amount, String extra) {
        int quantity = 1 + random.nextInt(3);
        return "{\"orderId\":\"o-" + random.nextInt(1_000_000) + "\",\"customerId\":\"c-" + random.nextInt(10_000)
                + "\",\"amount\":" + amount + ",\"currency\":\"EUR\",\"items\":[{\"sku\":\"sku-" + random.nextInt(500)
                + "\",\"quantity\":" + quantity + ",\"unitPrice\":1.25}]" + extra + "}";
    }

    /** JSON nested {@code depth} levels deep: arrays or objects. */
    private String nested(int depth) {
        return random.nextBoolean()
                ? "[".repeat(depth) + "]".repeat(depth)
                : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
    }

    /** A number of {@code n} digits, sometimes with a decimal point. */
    private String digits(int n) {
        StringBuilder sb = new StringBuilder(n + 1);
        sb.append((char) ('1' + random.nextInt(9)));
        boolean point = random.nextBoolean();
        for (int i = 1; i < n; i++) {
            if (point && i == n / 2) {
                sb.append('.');
            }
            sb.append((char) ('0' + random.nextInt(10)));
        }
        return sb.toString();
    }

    private static String pad(String prefix, int length, char c) {
        return prefix.length() >= length
                ? prefix.substring(0, length)
                : prefix + String.valueOf(c).repeat(length - prefix.length());
    }

    private byte[] encode(Event e) {
        return settings.format() == EventFormat.AVRO ? avro(e, 2) : json(jsonFields(e));
    }

    private static byte[] key(Event e) {
        return utf8(e.getId());
    }

    private byte[] smallKey() {
        return utf8("adv-key-" + Long.toHexString(random.nextLong()));
    }

    private long between(long lo, long hiInclusive) {
        return hiInclusive <= lo ? lo : lo + (long) (random.nextDouble() * (hiInclusive - lo + 1));
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.write(p, 0, p.length);
        }
        return out.toByteArray();
    }

    // ----------------------------------------------------------------------------------------------------- JSON

    /** The envelope's fields as raw JSON texts, in the order EventEncoder writes them. */
    private Map<String, String> jsonFields(Event e) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("id", q(e.getId()));
        f.put("time", Long.toString(e.getTime().toEpochMilli()));
        f.put("type", q(e.getType()));
        f.put("source", q(e.getSource()));
        f.put("payload", q(e.getPayload()));
        if (e.getHeaders() != null) {
            f.put("headers", q(e.getHeaders()));
        }
        return f;
    }

    private static byte[] json(Map<String, String> fields) {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, String> f : fields.entrySet()) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append('"').append(f.getKey()).append("\":").append(f.getValue());
        }
        return utf8(sb.append('}').toString());
    }

    /** {@code s} as a JSON string literal. */
    private String q(String s) {
        try {
            return mapper.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ----------------------------------------------------------------------------------------------------- Avro

    private long[] envelopeFingerprints() {
        List<Schema> versions = EnvelopeSchemas.load().versions();
        List<String> v1 = List.of("id", "time", "type", "source", "payload");
        List<String> v2 = List.of("id", "time", "type", "source", "payload", "headers");
        if (versions.size() < 2
                || !fieldNames(versions.get(0)).equals(v1)
                || !fieldNames(versions.get(1)).equals(v2)) {
            throw new IllegalStateException("envelope v1/v2 are not laid out as this generator writes them");
        }
        return new long[] {
            SchemaNormalization.parsingFingerprint64(versions.get(0)),
            SchemaNormalization.parsingFingerprint64(versions.get(1))
        };
    }

    private static List<String> fieldNames(Schema s) {
        return s.getFields().stream().map(Schema.Field::name).toList();
    }

    private int version() {
        return 1 + random.nextInt(2);
    }

    private long knownFingerprint() {
        return fingerprints[random.nextInt(2)];
    }

    /** {@code e} in Avro single-object encoding with envelope {@code version} (1: no headers). */
    private byte[] avro(Event e, int version) {
        return fields(new Body(fingerprints[version - 1]), e, version).bytes();
    }

    private static Body fields(Body b, Event e) {
        return b.string(e.getId())
                .varlong(e.getTime().toEpochMilli())
                .string(e.getType())
                .string(e.getSource())
                .string(e.getPayload());
    }

    private static Body fields(Body b, Event e, int version) {
        fields(b, e);
        if (version >= 2) {
            if (e.getHeaders() == null) {
                b.varlong(0);
            } else {
                b.varlong(1).string(e.getHeaders());
            }
        }
        return b;
    }

    /** Every field of {@code e} after the id. */
    private static void afterId(Body b, Event e, int version) {
        b.varlong(e.getTime().toEpochMilli())
                .string(e.getType())
                .string(e.getSource())
                .string(e.getPayload());
        if (version >= 2) {
            b.varlong(0);
        }
    }

    /** A hand-written Avro single-object encoding, so that lengths, indexes and bytes can lie. */
    private static final class Body {
        static final int HEADER_BYTES = 10;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Body(long fingerprint) {
            out.write(0xC3);
            out.write(0x01);
            for (int i = 0; i < 8; i++) {
                out.write((int) (fingerprint >>> (8 * i)) & 0xff); // little-endian
            }
        }

        /** A long (or int, length, union index) as a zig-zag varint. */
        Body varlong(long n) {
            long z = (n << 1) ^ (n >> 63);
            while ((z & ~0x7FL) != 0) {
                out.write((int) ((z & 0x7F) | 0x80));
                z >>>= 7;
            }
            out.write((int) z);
            return this;
        }

        Body string(String s) {
            return string(utf8(s));
        }

        /** A string from raw bytes, valid UTF-8 or not, with its true length. */
        Body string(byte[] bytes) {
            varlong(bytes.length);
            return raw(bytes);
        }

        Body raw(byte[] bytes) {
            out.write(bytes, 0, bytes.length);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
