package io.eventpipe.cli;

import io.eventpipe.aggregate.functions.WindowAcc;
import io.eventpipe.aggregate.functions.WindowAggregator;
import io.eventpipe.ingest.functions.DedupEntry;
import io.eventpipe.ingest.functions.DedupFunction;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.StateBootstrapTransformation;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.state.api.runtime.SavepointLoader;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code eventpipe savepoint}: offline tools over savepoints and retained checkpoints, built on Flink's State
 * Processor API.
 */
@Command(
        name = "savepoint",
        mixinStandardHelpOptions = true,
        description = "Inspect a savepoint or retained checkpoint, or drop old dedup entries from one.",
        subcommands = {SavepointCommand.Inspect.class, SavepointCommand.PruneDedup.class})
final class SavepointCommand implements Runnable {
    /** Dedup entries are read without expiring any: the TTL only has to be enabled, as when they were written. */
    static final Duration READ_TTL = Duration.ofDays(365L * 100);

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** Operator id → uid, for every uid the two jobs use. */
    static Map<OperatorID, String> knownUids() {
        Map<OperatorID, String> out = new LinkedHashMap<>();
        for (Class<?> uids : new Class<?>[] {io.eventpipe.ingest.Uids.class, io.eventpipe.aggregate.Uids.class}) {
            for (Field f : uids.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                    try {
                        String uid = (String) f.get(null);
                        out.put(OperatorIdentifier.forUid(uid).getOperatorId(), uid);
                        out.put(
                                OperatorIdentifier.forUid("Sink Committer: " + uid)
                                        .getOperatorId(),
                                "Sink Committer: " + uid);
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        return out;
    }

    static <T> long count(DataStream<T> stream) throws Exception {
        long n = 0;
        try (CloseableIterator<T> it = stream.executeAndCollect()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    @Command(
            name = "inspect",
            mixinStandardHelpOptions = true,
            description = "List the operators of a savepoint (uid, parallelism, state size) and, for the stateful "
                    + "operators of the eventpipe jobs, their states and key counts.")
    static final class Inspect implements Callable<Integer> {
        @Parameters(description = "Savepoint or retained checkpoint directory (or its _metadata file).")
        String path;

        @Override
        public Integer call() throws Exception {
            CheckpointMetadata metadata = SavepointLoader.loadSavepointMetadata(path);
            Map<OperatorID, String> uids = knownUids();
            System.out.println("savepoint " + path + " (checkpoint " + metadata.getCheckpointId() + ")");
            System.out.printf(
                    Locale.ROOT,
                    "  %-34s %-36s %11s %15s %12s%n",
                    "operator id",
                    "uid",
                    "parallelism",
                    "max parallelism",
                    "state bytes");
            for (OperatorState op : metadata.getOperatorStates()) {
                System.out.printf(
                        Locale.ROOT,
                        "  %-34s %-36s %11d %15d %12d%n",
                        op.getOperatorID(),
                        uids.getOrDefault(op.getOperatorID(), "?"),
                        op.getParallelism(),
                        op.getMaxParallelism(),
                        op.getStateSize());
            }
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            SavepointReader reader = SavepointReader.read(env, path, new HashMapStateBackend());
            for (OperatorState op : metadata.getOperatorStates()) {
                String uid = uids.get(op.getOperatorID());
                if (io.eventpipe.ingest.Uids.DEDUP.equals(uid)) {
                    long keys = count(reader.readKeyedState(
                            OperatorIdentifier.forUid(uid),
                            new DedupReader(),
                            Types.STRING,
                            TypeInformation.of(DedupRow.class)));
                    System.out.println("  " + uid + ": keyed state '" + DedupFunction.STATE_NAME + "' (event id → "
                            + "first seen), " + keys + " keys");
                } else if (io.eventpipe.aggregate.Uids.WINDOWS.equals(uid)) {
                    long keys = count(reader.readKeyedState(
                            OperatorIdentifier.forUid(uid), new WindowKeyReader(), Types.STRING, Types.INT));
                    System.out.println("  " + uid + ": keyed states '" + WindowAggregator.WINDOWS_STATE + "', '"
                            + WindowAggregator.PROGRESS_STATE + "' (type|source → open windows, closed up to), "
                            + keys + " keys");
                }
            }
            return 0;
        }
    }

    @Command(
            name = "prune-dedup",
            mixinStandardHelpOptions = true,
            description = "Write a copy of an ingest savepoint without the dedup entries first seen before a cutoff "
                    + "(for example to shrink state after lowering dedup.ttl). Kept entries start a new TTL.")
    static final class PruneDedup implements Callable<Integer> {
        @Parameters(description = "Savepoint of the ingest job.")
        String path;

        @Option(
                names = "--older-than",
                required = true,
                description = "Drop entries first seen before this instant, e.g. 2026-11-01T00:00:00Z.")
        Instant cutoff;

        @Option(names = "--output", required = true, description = "Directory of the new savepoint.")
        String output;

        @Override
        public Integer call() throws Exception {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            OperatorIdentifier dedup = OperatorIdentifier.forUid(io.eventpipe.ingest.Uids.DEDUP);
            long cutoffMillis = cutoff.toEpochMilli();
            DataStream<DedupRow> kept = SavepointReader.read(env, path, new HashMapStateBackend())
                    .readKeyedState(dedup, new DedupReader(), Types.STRING, TypeInformation.of(DedupRow.class))
                    .filter(r -> r.firstSeenAt >= cutoffMillis);
            StateBootstrapTransformation<DedupRow> state = OperatorTransformation.bootstrapWith(kept)
                    .keyBy(r -> r.id, Types.STRING)
                    .transform(new DedupWriter());
            SavepointWriter.fromExistingSavepoint(env, path, new HashMapStateBackend())
                    .removeOperator(dedup)
                    .withOperator(dedup, state)
                    .write(output);
            env.execute("eventpipe prune-dedup");
            System.out.println("wrote " + output + " without the dedup entries first seen before " + cutoff);
            return 0;
        }
    }

    /** One dedup entry. */
    public static class DedupRow {
        public String id;
        public long firstSeenAt;

        public DedupRow() {}

        DedupRow(String id, long firstSeenAt) {
            this.id = id;
            this.firstSeenAt = firstSeenAt;
        }
    }

    static final class DedupReader extends KeyedStateReaderFunction<String, DedupRow> {
        private transient ValueState<DedupEntry> state;

        @Override
        public void open(OpenContext context) {
            state = getRuntimeContext().getState(DedupFunction.stateDescriptor(READ_TTL));
        }

        @Override
        public void readKey(String key, Context ctx, Collector<DedupRow> out) throws Exception {
            DedupEntry e = state.value();
            if (e != null) {
                out.collect(new DedupRow(key, e.firstSeenAt));
            }
        }
    }

    static final class DedupWriter extends KeyedStateBootstrapFunction<String, DedupRow> {
        private transient ValueState<DedupEntry> state;

        @Override
        public void open(OpenContext context) {
            state = getRuntimeContext().getState(DedupFunction.stateDescriptor(READ_TTL));
        }

        @Override
        public void processElement(DedupRow row, Context ctx) throws Exception {
            state.update(new DedupEntry(row.firstSeenAt));
        }
    }

    /** Emits, per (type, source) key, its number of open windows. */
    static final class WindowKeyReader extends KeyedStateReaderFunction<String, Integer> {
        private transient MapState<Long, WindowAcc> windows;

        @Override
        public void open(OpenContext context) {
            windows = getRuntimeContext()
                    .getMapState(new MapStateDescriptor<>(
                            WindowAggregator.WINDOWS_STATE, Types.LONG, Types.POJO(WindowAcc.class)));
        }

        @Override
        public void readKey(String key, Context ctx, Collector<Integer> out) throws Exception {
            int open = 0;
            for (Long ignored : windows.keys()) {
                open++;
            }
            out.collect(open);
        }
    }
}
