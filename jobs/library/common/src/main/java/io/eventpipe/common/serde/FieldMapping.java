package io.eventpipe.common.serde;

import io.eventpipe.common.config.ConfigReader;
import io.eventpipe.common.config.Option;
import java.io.Serializable;
import java.util.List;

/**
 * Where the envelope's fields are in a foreign JSON record ({@code source.format: mapped-json}): the id and the time
 * are fields; the type and the source are fields or constants; the payload is one named field or the rest of the
 * record. A field is a top-level name ({@code orderId}) or a JSON Pointer ({@code /meta/id}).
 *
 * @param id the field that holds the id (a string or an integer)
 * @param time the field that holds the time (epoch milliseconds, or an ISO-8601 instant)
 * @param type the field that holds the type, or null where {@code typeConstant} gives it
 * @param typeConstant every record's type, or null
 * @param source the field that holds the source, or null where {@code sourceConstant} gives it
 * @param sourceConstant every record's source, or null
 * @param payload the field whose value is the payload, or null for the record without the top-level fields mapped
 */
public record FieldMapping(
        String id, String time, String type, String typeConstant, String source, String sourceConstant, String payload)
        implements Serializable {

    public static final Option<String> ID = Option.string(
            "source.mapping.id",
            null,
            "With source.format: mapped-json, the field that holds the event id (a name or a JSON Pointer).");
    public static final Option<String> TIME = Option.string(
            "source.mapping.time",
            null,
            "With source.format: mapped-json, the field that holds the event time: epoch milliseconds or ISO-8601.");
    public static final Option<String> TYPE = Option.string(
            "source.mapping.type",
            null,
            "With source.format: mapped-json, the field that holds the event type; or set source.mapping.type-constant.");
    public static final Option<String> TYPE_CONSTANT = Option.string(
            "source.mapping.type-constant",
            null,
            "With source.format: mapped-json, the type of every record, instead of source.mapping.type.");
    public static final Option<String> SOURCE = Option.string(
            "source.mapping.source",
            null,
            "With source.format: mapped-json, the field that holds the source; or set source.mapping.source-constant.");
    public static final Option<String> SOURCE_CONSTANT = Option.string(
            "source.mapping.source-constant",
            null,
            "With source.format: mapped-json, the source of every record, instead of source.mapping.source.");
    public static final Option<String> PAYLOAD = Option.string(
            "source.mapping.payload",
            null,
            "With source.format: mapped-json, the field whose value is the payload; default: the record without the "
                    + "top-level fields mapped above.");

    public static final List<Option<?>> OPTIONS =
            List.of(ID, TIME, TYPE, TYPE_CONSTANT, SOURCE, SOURCE_CONSTANT, PAYLOAD);

    /**
     * The mapping of {@code format} mapped-json, or null for the other formats (where no mapping key may be set).
     * Problems name their keys.
     */
    public static FieldMapping read(ConfigReader s, EventFormat format) {
        if (format != EventFormat.MAPPED_JSON) {
            for (Option<?> o : OPTIONS) {
                if (s.get(o) != null) {
                    s.problem(o.key() + ": applies only with source.format: mapped-json");
                }
            }
            return null;
        }
        String id = s.require(ID);
        String time = s.require(TIME);
        String type = s.get(TYPE);
        String typeConstant = s.get(TYPE_CONSTANT);
        if ((type == null) == (typeConstant == null)) {
            s.problem(TYPE.key() + ", " + TYPE_CONSTANT.key() + ": set exactly one (a field, or every record's type)");
        }
        String source = s.get(SOURCE);
        String sourceConstant = s.get(SOURCE_CONSTANT);
        if ((source == null) == (sourceConstant == null)) {
            s.problem(SOURCE.key() + ", " + SOURCE_CONSTANT.key()
                    + ": set exactly one (a field, or every record's source)");
        }
        return new FieldMapping(id, time, type, typeConstant, source, sourceConstant, s.get(PAYLOAD));
    }
}
