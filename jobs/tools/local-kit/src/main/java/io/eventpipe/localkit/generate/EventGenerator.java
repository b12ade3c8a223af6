package io.eventpipe.localkit.generate;

import io.eventpipe.common.deadletter.Reason;
import io.eventpipe.common.serde.EventEncoder;
import io.eventpipe.common.serde.EventFormat;
import io.eventpipe.schema.Event;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * Makes realistic events (orders, payments, page views, sign-ups) with a configurable share of duplicates and of
 * bad records of each kind, deterministic for a seed. Each record says what the ingest job must do with it, so
 * tests can compute the exact expected output. Not thread-safe.
 */
public final class EventGenerator {
    /** Every reason a generated bad record can have: all but {@link Reason#UNEXPECTED}, which only a bug causes. */
    /** Every reason an envelope record can have: not UNEXPECTED (a bug), nor a CloudEvent's UNSUPPORTED_CONTENT_TYPE. */
    public static final Set<Reason> BAD_KINDS =
            Set.copyOf(EnumSet.complementOf(EnumSet.of(Reason.UNEXPECTED, Reason.UNSUPPORTED_CONTENT_TYPE)));

    private static final String[] SOURCES = {"checkout-service", "payments-service", "web", "mobile-app"};
    private static final String[] CURRENCIES = {"EUR", "USD", "GBP"};
    private static final String[] METHODS = {"card", "bank_transfer", "wallet"};
    private static final String[] PAGES = {"/", "/cart", "/checkout", "/product/42", "/search?q=boots"};

    /**
     * @param format wire format of the values
     * @param duplicateShare share of records that repeat an earlier valid record (same bytes)
     * @param badSharePerKind share of records of each bad kind in {@code badKinds} (a fifth of them repeats)
     * @param badKinds which kinds of bad records to make
     * @param oversizeBytes size of TOO_LARGE records (must exceed the job's validation.max-record-bytes)
     * @param seed random seed
     */
    public record Settings(
            EventFormat format,
            double duplicateShare,
            double badSharePerKind,
            Set<Reason> badKinds,
            int oversizeBytes,
            long seed) {
        public Settings {
            badKinds = badKinds.isEmpty() ? EnumSet.noneOf(Reason.class) : EnumSet.copyOf(badKinds);
            if (badKinds.contains(Reason.UNEXPECTED)) {
                throw new IllegalArgumentException("no record is meant to cause UNEXPECTED");
            }
            if (badKinds.contains(Reason.UNSUPPORTED_CONTENT_TYPE)) {
                throw new IllegalArgumentException("the generator writes eventpipe's envelope, which has no content "
                        + "type: UNSUPPORTED_CONTENT_TYPE is a CloudEvent's");
            }
            if (duplicateShare < 0 || badSharePerKind < 0 || duplicateShare + badSharePerKind * badKinds.size() > 0.9) {
                throw new IllegalArgumentException(
                        "duplicate and bad shares must be >= 0 and leave at least 10% " + "of records clean");
            }
        }

        public static Settings defaults(long seed) {
            return new Settings(EventFormat.AVRO, 0.10, 0.01, BAD_KINDS, 100_000, seed);
        }
    }

    private final Settings settings;
    private final Random random;
    private final EventEncoder encoder;
    private final List<GeneratedRecord> recentClean = new ArrayList<>();
    private final Map<Reason, List<GeneratedRecord>> recentBad = new EnumMap<>(Reason.class);
    private final Reason[] kinds;

    public EventGenerator(Settings settings) {
        this.settings = settings;
        this.random = new Random(settings.seed());
        this.encoder = new EventEncoder(settings.format());
        this.kinds = settings.badKinds().toArray(new Reason[0]);
        for (Reason r : kinds) {
            recentBad.put(r, new ArrayList<>());
        }
    }

    /** The next record, timestamped {@code nowMillis}. */
    public GeneratedRecord next(long nowMillis) {
        double roll = random.nextDouble();
        if (roll < settings.duplicateShare() && !recentClean.isEmpty()) {
            // the same bytes again, as a producer retry sends them
            return repeat(recentClean.get(random.nextInt(recentClean.size())), GeneratedRecord.Expected.DUPLICATE);
        }
        roll -= settings.duplicateShare();
        int kind = roll < 0 ? kinds.length : (int) (roll / settings.badSharePerKind());
        if (kind >= kinds.length) {
            return remember(recentClean, clean(nowMillis));
        }
        // A share of bad records are repeats too: every occurrence must be dead-lettered, not deduplicated.
        List<GeneratedRecord> sameKind = recentBad.get(kinds[kind]);
        if (!sameKind.isEmpty() && random.nextInt(5) == 0) {
            return repeat(sameKind.get(random.nextInt(sameKind.size())), GeneratedRecord.Expected.DEAD_LETTER);
        }
        return remember(sameKind, bad(kinds[kind], nowMillis));
    }

    private static GeneratedRecord repeat(GeneratedRecord original, GeneratedRecord.Expected expected) {
        return new GeneratedRecord(
                original.key(),
                original.value(),
                original.timestamp(),
                original.id(),
                expected,
                original.reason(),
                original.kind());
    }

    private GeneratedRecord remember(List<GeneratedRecord> recent, GeneratedRecord r) {
        if (recent.size() < 1000) {
            recent.add(r);
        } else {
            recent.set(random.nextInt(recent.size()), r);
        }
        return r;
    }

    private GeneratedRecord clean(long now) {
        Event e = event(now);
        return new GeneratedRecord(
                EventEncoder.key(e), encoder.encode(e), now, e.getId(), GeneratedRecord.Expected.CLEAN, null);
    }

    /** A valid event whose time lies up to 2 s before {@code now}. */
    public Event event(long now) {
        String id = new UUID(random.nextLong(), random.nextLong()).toString();
        String source = SOURCES[random.nextInt(SOURCES.length)];
        String type;
        String payload;
        switch (random.nextInt(4)) {
            case 0 -> {
                type = "order.created";
                int qty = 1 + random.nextInt(3);
                double price = cents(5 + random.nextInt(200));
                payload = String.format(
                        Locale.ROOT,
                        "{\"orderId\":\"o-%d\",\"customerId\":\"c-%d\",\"amount\":%.2f,"
                                + "\"currency\":\"%s\",\"items\":[{\"sku\":\"sku-%d\",\"quantity\":%d,\"unitPrice\":%.2f}]}",
                        random.nextInt(1_000_000),
                        random.nextInt(10_000),
                        qty * price,
                        CURRENCIES[random.nextInt(CURRENCIES.length)],
                        random.nextInt(500),
                        qty,
                        price);
            }
            case 1 -> {
                type = "payment.captured";
                payload = String.format(
                        Locale.ROOT,
                        "{\"paymentId\":\"p-%d\",\"orderId\":\"o-%d\",\"amount\":%.2f,"
                                + "\"currency\":\"%s\",\"method\":\"%s\"}",
                        random.nextInt(1_000_000),
                        random.nextInt(1_000_000),
                        cents(100 + random.nextInt(50_000)),
                        CURRENCIES[random.nextInt(CURRENCIES.length)],
                        METHODS[random.nextInt(METHODS.length)]);
            }
            case 2 -> {
                type = "page.viewed";
                payload = String.format(
                        Locale.ROOT,
                        "{\"sessionId\":\"s-%d\",\"path\":\"%s\",\"durationMs\":%d}",
                        random.nextInt(100_000),
                        PAGES[random.nextInt(PAGES.length)],
                        random.nextInt(60_000));
            }
            default -> {
                type = "user.signed_up";
                payload = String.format(
                        Locale.ROOT,
                        "{\"userId\":\"u-%d\",\"plan\":\"%s\"}",
                        random.nextInt(1_000_000),
                        random.nextBoolean() ? "free" : "pro");
            }
        }
        return Event.newBuilder()
                .setId(id)
                .setTime(Instant.ofEpochMilli(now - random.nextInt(2000)))
                .setType(type)
                .setSource(source)
                .setPayload(payload)
                .setHeaders(
                        random.nextInt(4) == 0 ? "{\"traceId\":\"" + Long.toHexString(random.nextLong()) + "\"}" : null)
                .build();
    }

    private static double cents(int c) {
        return c / 100.0;
    }

    private GeneratedRecord bad(Reason reason, long now) {
        Event e = event(now);
        byte[] value;
        switch (reason) {
            case TOO_LARGE -> {
                String pad = "x".repeat(settings.oversizeBytes());
                e.setPayload("{\"padding\":\"" + pad + "\"}");
                e.setType("page.viewed");
                value = encoder.encode(e);
            }
            case UNDECODABLE -> {
                byte[] good = encoder.encode(e);
                value = random.nextBoolean()
                        ? ("garbage-" + e.getId()).getBytes(StandardCharsets.UTF_8)
                        : java.util.Arrays.copyOf(good, Math.max(1, good.length / 3)); // truncated
            }
            case MISSING_FIELD -> {
                if (random.nextBoolean()) {
                    e.setType("");
                } else {
                    value = encoder.encode(withId(e, ""));
                    return new GeneratedRecord(
                            ("no-id-" + random.nextLong()).getBytes(StandardCharsets.UTF_8),
                            value,
                            now,
                            "",
                            GeneratedRecord.Expected.DEAD_LETTER,
                            reason);
                }
                value = encoder.encode(e);
            }
            case INVALID_FIELD -> {
                e.setType("../" + e.getType());
                value = encoder.encode(e);
            }
            case TIME_IN_FUTURE -> {
                e.setTime(Instant.ofEpochMilli(now + 3_600_000L));
                value = encoder.encode(e);
            }
            case TIME_TOO_OLD -> {
                e.setTime(Instant.ofEpochMilli(now - 30L * 24 * 3_600_000L));
                value = encoder.encode(e);
            }
            case PAYLOAD_NOT_JSON -> {
                e.setPayload("{\"orderId\": o-" + random.nextInt(1000));
                value = encoder.encode(e);
            }
            case PAYLOAD_LIMIT -> {
                // a valid order whose amount has ten million integer digits once written out
                e.setType("order.created");
                e.setPayload("{\"orderId\":\"o-1\",\"customerId\":\"c-1\",\"amount\":1e9999999,"
                        + "\"currency\":\"EUR\",\"items\":[{\"sku\":\"sku-1\",\"quantity\":1,\"unitPrice\":1}]}");
                value = encoder.encode(e);
            }
            case PAYLOAD_CONTRACT -> {
                e.setType("order.created");
                e.setPayload("{\"orderId\":\"o-1\",\"customerId\":\"c-1\",\"currency\":\"euro\",\"items\":[]}");
                value = encoder.encode(e);
            }
            default -> throw new IllegalArgumentException(reason.name());
        }
        return new GeneratedRecord(
                EventEncoder.key(e), value, now, e.getId(), GeneratedRecord.Expected.DEAD_LETTER, reason);
    }

    private static Event withId(Event e, String id) {
        Event copy = Event.newBuilder(e).build();
        copy.setId(id);
        return copy;
    }
}
