package io.eventpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventpipe.common.serde.EventFormat;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The commands that write events write eventpipe's envelope: they take avro or json, not cloudevents. */
class EnvelopeFormatTest {
    @Test
    void writersTakeTheEnvelopeFormatsOnly() {
        EnvelopeFormat.Converter c = new EnvelopeFormat.Converter();
        assertThat(c.convert("AVRO")).isEqualTo(EventFormat.AVRO);
        assertThat(c.convert(" json ")).isEqualTo(EventFormat.JSON);
        assertThatThrownBy(() -> c.convert("cloudevents"))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("avro or json");
        assertThat(new EnvelopeFormat.Candidates()).containsExactly("avro", "json");
    }
}
