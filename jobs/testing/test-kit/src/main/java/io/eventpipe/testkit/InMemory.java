package io.eventpipe.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;

/**
 * A bounded source of given elements and a sink that collects what reaches it, for running a job's topology on a
 * local mini-cluster in this JVM without Kafka or files (the topologies take any source and sinks). Elements and
 * results live in this JVM, looked up by a random id, so neither needs to be serializable. Not exactly-once: a
 * restart would replay into the sink; use them for runs without failures.
 */
public final class InMemory {
    private static final Map<String, List<?>> SOURCES = new ConcurrentHashMap<>();
    private static final Map<String, Queue<Object>> SINKS = new ConcurrentHashMap<>();

    private InMemory() {}

    /** A bounded source of {@code elements}, in order, split over the source's parallel readers. */
    public static <T> Source<T, ?, ?> source(List<T> elements, TypeInformation<T> type) {
        String id = UUID.randomUUID().toString();
        SOURCES.put(id, List.copyOf(elements));
        return new DataGeneratorSource<>(
                index -> element(id, index), elements.size(), RateLimiterStrategy.noOp(), type);
    }

    @SuppressWarnings("unchecked")
    private static <T> T element(String id, long index) {
        return (T) SOURCES.get(id).get((int) index);
    }

    /** A sink that keeps every element it receives; read them with {@link Collected#elements()}. */
    public static <T> Collected<T> sink() {
        String id = UUID.randomUUID().toString();
        SINKS.put(id, new ConcurrentLinkedQueue<>());
        return new Collected<>(id);
    }

    /** The sink, and what reached it. */
    public static final class Collected<T> implements Sink<T> {
        private static final long serialVersionUID = 1L;
        private final String id;

        private Collected(String id) {
            this.id = id;
        }

        @SuppressWarnings("unchecked")
        public List<T> elements() {
            return new ArrayList<>((Queue<T>) SINKS.get(id));
        }

        @Override
        public SinkWriter<T> createWriter(WriterInitContext context) {
            Queue<Object> queue = SINKS.get(id);
            return new SinkWriter<>() {
                @Override
                public void write(T element, Context ctx) {
                    queue.add(element);
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
