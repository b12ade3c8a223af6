package io.eventpipe.ingest.lake;

import io.eventpipe.schema.Event;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * Hive-style partitions by event type and event time (UTC): {@code type=<type>/dt=<yyyy-MM-dd>/hour=<HH>}. The
 * type is safe as a path segment: validation admits only {@code [A-Za-z0-9._-]} and no leading dot.
 */
public final class LakeBucketAssigner implements BucketAssigner<Event, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getBucketId(Event event, Context context) {
        ZonedDateTime t = event.getTime().atZone(ZoneOffset.UTC);
        StringBuilder b = new StringBuilder(48).append("type=").append(event.getType()).append("/dt=")
                .append(t.getYear()).append('-');
        pad(b, t.getMonthValue()).append('-');
        pad(b, t.getDayOfMonth()).append("/hour=");
        return pad(b, t.getHour()).toString();
    }

    private static StringBuilder pad(StringBuilder b, int v) {
        return (v < 10 ? b.append('0') : b).append(v);
    }

    @Override
    public SimpleVersionedSerializer<String> getSerializer() {
        return SimpleVersionedStringSerializer.INSTANCE;
    }
}
