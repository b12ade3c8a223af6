package io.eventpipe.common.metrics;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * The {@code eventTimeLagMs} gauge: wall clock minus the current watermark, i.e. how far event-time processing is
 * behind now. 0 until the first watermark.
 */
public final class EventTimeLag {
    private EventTimeLag() {}

    public static long of(long watermark) {
        return watermark == Long.MIN_VALUE ? 0 : Math.max(0, System.currentTimeMillis() - watermark);
    }

    /**
     * {@code strategy} plus the gauge {@code eventpipe.eventTimeLagMs} on the operator that generates the watermarks,
     * fed by every watermark it emits: it stays current without records (a keyed function only sees the watermark
     * when a record or timer arrives). For {@code assignTimestampsAndWatermarks}, which makes one generator per
     * subtask; a source makes one per split, whose gauges would collide.
     */
    public static <T> WatermarkStrategy<T> measured(WatermarkStrategy<T> strategy) {
        return new Measured<>(strategy);
    }

    private record Measured<T>(WatermarkStrategy<T> inner) implements WatermarkStrategy<T> {
        @Override
        public TimestampAssigner<T> createTimestampAssigner(TimestampAssignerSupplier.Context context) {
            return inner.createTimestampAssigner(context);
        }

        @Override
        public WatermarkGenerator<T> createWatermarkGenerator(WatermarkGeneratorSupplier.Context context) {
            WatermarkGenerator<T> generator = inner.createWatermarkGenerator(context);
            AtomicLong last = new AtomicLong(Long.MIN_VALUE);
            context.getMetricGroup().addGroup("eventpipe").gauge("eventTimeLagMs", () -> of(last.get()));
            return new WatermarkGenerator<>() {
                @Override
                public void onEvent(T event, long timestamp, WatermarkOutput output) {
                    generator.onEvent(event, timestamp, recording(output));
                }

                @Override
                public void onPeriodicEmit(WatermarkOutput output) {
                    generator.onPeriodicEmit(recording(output));
                }

                private WatermarkOutput recording(WatermarkOutput output) {
                    return new WatermarkOutput() {
                        @Override
                        public void emitWatermark(Watermark watermark) {
                            last.accumulateAndGet(watermark.getTimestamp(), Math::max);
                            output.emitWatermark(watermark);
                        }

                        @Override
                        public void markIdle() {
                            output.markIdle();
                        }

                        @Override
                        public void markActive() {
                            output.markActive();
                        }
                    };
                }
            };
        }
    }
}
