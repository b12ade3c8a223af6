package io.eventpipe.common.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.eventpipe.common.deadletter.DeadLetter;
import io.eventpipe.common.deadletter.DeadLetterHeaders;
import io.eventpipe.common.deadletter.Reason;
import io.eventpipe.common.kafka.RawRecord;
import io.eventpipe.common.serde.DecodeException;
import io.eventpipe.common.serde.EnvelopeSchemas;
import io.eventpipe.common.serde.EventDecoder;
import io.eventpipe.common.serde.JsonLimits;
import io.eventpipe.schema.Event;
import java.util.regex.Pattern;

/**
 * Decodes and validates one record. Every check depends only on the record itself (event time is compared with the
 * Kafka record timestamp, never the wall clock), so a replay after a failure gives the same answer. Not
 * thread-safe; build one per task in {@code open()}.
 */
public final class EventValidator {
    public static final int MAX_ID_LENGTH = 256;
    public static final Pattern TYPE_PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    /** The source names a system; it keys windows and rows, so it is short and printable. */
    public static final int MAX_SOURCE_LENGTH = 256;

    private final ValidationRules rules;
    private final EventDecoder decoder;
    private final PayloadContracts contracts;
    private final JsonLimits limits;
    private final ObjectReader json;
    private final long futureSkewMillis;
    private final long maxAgeMillis;

    public EventValidator(ValidationRules rules, EnvelopeSchemas schemas, PayloadContracts contracts) {
        this.rules = rules;
        this.limits = rules.json();
        this.decoder = new EventDecoder(rules.format(), schemas, limits, rules.mapping());
        // a reader built once: ObjectMapper.readTree resolves the JsonNode type on every call
        this.json = limits.mapper().readerFor(JsonNode.class);
        this.contracts = contracts;
        this.futureSkewMillis = rules.maxFutureSkew().toMillis();
        this.maxAgeMillis = rules.maxAge().toMillis();
    }

    public static EventValidator create(ValidationRules rules) {
        return new EventValidator(rules, EnvelopeSchemas.load(), PayloadContracts.load());
    }

    /** Outcome of {@link #check}: exactly one of the two fields is set. */
    public static final class Outcome {
        public Event event;
        public DeadLetter deadLetter;
    }

    /**
     * Fills {@code out} with the event, or with a dead letter naming the first rule the record breaks. Never throws:
     * an exception no rule foresaw becomes a dead letter of reason {@link Reason#UNEXPECTED}.
     */
    public Outcome check(RawRecord raw, Outcome out) {
        out.event = null;
        out.deadLetter = null;
        try {
            return checkRules(raw, out);
        } catch (RuntimeException | StackOverflowError e) {
            out.event = null;
            return reject(out, raw, Reason.UNEXPECTED, e.getClass().getName() + ": " + e.getMessage());
        }
    }

    private Outcome checkRules(RawRecord raw, Outcome out) {
        if (raw.size() > rules.maxRecordBytes()) {
            return reject(
                    out,
                    raw,
                    Reason.TOO_LARGE,
                    "record of " + raw.size() + " bytes exceeds the limit of " + rules.maxRecordBytes());
        }
        Event event;
        try {
            event = decoder.decode(raw);
        } catch (DecodeException e) {
            return reject(out, raw, e.reason(), e.getMessage());
        }
        if (event.getId().isBlank()) {
            return reject(out, raw, Reason.MISSING_FIELD, "id is empty");
        }
        if (event.getType().isBlank()) {
            return reject(out, raw, Reason.MISSING_FIELD, "type is empty");
        }
        if (event.getId().length() > MAX_ID_LENGTH) {
            return reject(out, raw, Reason.INVALID_FIELD, "id is longer than " + MAX_ID_LENGTH + " characters");
        }
        if (!validType(event.getType())) {
            return reject(out, raw, Reason.INVALID_FIELD, "type must match " + TYPE_PATTERN.pattern());
        }
        String sourceProblem = sourceProblem(event.getSource());
        if (sourceProblem != null) {
            return reject(out, raw, Reason.INVALID_FIELD, sourceProblem);
        }
        long time = event.getTime().toEpochMilli();
        if (time > saturatedAdd(raw.timestamp, futureSkewMillis)) {
            return reject(
                    out,
                    raw,
                    Reason.TIME_IN_FUTURE,
                    "event time " + event.getTime() + " is more than " + rules.maxFutureSkew()
                            + " after the record timestamp " + raw.timestamp);
        }
        if (time < saturatedAdd(raw.timestamp, -maxAgeMillis)) {
            return reject(
                    out,
                    raw,
                    Reason.TIME_TOO_OLD,
                    "event time " + event.getTime() + " is more than " + rules.maxAge()
                            + " before the record timestamp " + raw.timestamp);
        }
        JsonNode payload;
        try {
            payload = json.readTree(event.getPayload());
        } catch (Exception e) {
            if (JsonLimits.isLimit(e)) {
                return reject(out, raw, Reason.PAYLOAD_LIMIT, "payload exceeds a limit: " + e.getMessage());
            }
            return reject(out, raw, Reason.PAYLOAD_NOT_JSON, "payload is not JSON: " + e.getMessage());
        }
        if (payload == null || payload.isMissingNode()) {
            return reject(out, raw, Reason.PAYLOAD_NOT_JSON, "payload is empty");
        }
        String numberProblem = limits.numberProblem(payload);
        if (numberProblem != null) {
            return reject(out, raw, Reason.PAYLOAD_LIMIT, "payload exceeds a limit: " + numberProblem);
        }
        String violations = contracts.violations(event.getType(), payload, 3);
        if (violations != null) {
            return reject(
                    out,
                    raw,
                    Reason.PAYLOAD_CONTRACT,
                    "payload breaks the " + event.getType() + " contract: " + violations);
        }
        out.event = event;
        return out;
    }

    /** Whether {@code type} matches {@link #TYPE_PATTERN}; by hand, as the regex was a tenth of this class's time. */
    public static boolean validType(String type) {
        int n = type.length();
        if (n == 0 || n > 128 || !alphanumeric(type.charAt(0))) {
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = type.charAt(i);
            if (!alphanumeric(c) && c != '.' && c != '_' && c != '-') {
                return false;
            }
        }
        return true;
    }

    private static boolean alphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static String sourceProblem(String source) {
        if (source.length() > MAX_SOURCE_LENGTH) {
            return "source is longer than " + MAX_SOURCE_LENGTH + " characters";
        }
        for (int i = 0; i < source.length(); i++) {
            if (Character.isISOControl(source.charAt(i))) {
                return "source contains the control character U+" + String.format("%04X", (int) source.charAt(i));
            }
        }
        return null;
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        // overflow iff both operands have the sign opposite to the result's
        return ((a ^ r) & (b ^ r)) < 0 ? (b > 0 ? Long.MAX_VALUE : Long.MIN_VALUE) : r;
    }

    private static Outcome reject(Outcome out, RawRecord raw, Reason reason, String message) {
        String m = message.length() <= DeadLetterHeaders.MAX_MESSAGE_CHARS
                ? message
                : message.substring(0, DeadLetterHeaders.MAX_MESSAGE_CHARS);
        out.deadLetter = DeadLetter.of(raw, reason, m);
        return out;
    }
}
