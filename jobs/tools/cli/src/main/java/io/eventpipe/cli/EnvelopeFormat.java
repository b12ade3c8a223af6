package io.eventpipe.cli;

import io.eventpipe.common.serde.EventFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --format} of the commands that write events (run, produce, corpus): eventpipe's own envelope, Avro or JSON,
 * in any case. The ingest job also reads CloudEvents; these commands do not write them.
 */
public final class EnvelopeFormat {
    private static final List<EventFormat> WRITTEN = List.of(EventFormat.AVRO, EventFormat.JSON);

    private EnvelopeFormat() {}

    /** The formats, for {@code ${COMPLETION-CANDIDATES}}. */
    public static final class Candidates implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return WRITTEN.stream().map(f -> f.name().toLowerCase(Locale.ROOT)).iterator();
        }
    }

    public static final class Converter implements ITypeConverter<EventFormat> {
        @Override
        public EventFormat convert(String value) {
            for (EventFormat f : WRITTEN) {
                if (f.name().equalsIgnoreCase(value.trim())) {
                    return f;
                }
            }
            throw new TypeConversionException(
                    "'" + value + "': the command writes eventpipe's own envelope, avro or " + "json");
        }
    }
}
