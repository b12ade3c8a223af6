package io.eventpipe.common.job;

import io.eventpipe.common.config.ConfigReader;
import io.eventpipe.common.config.Option;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;

/**
 * How a job runs on Flink: parallelism, checkpoints, state backend, restarts. {@link #toConfiguration()} also fixes
 * what every eventpipe job must have for savepoint upgrades: explicit uids only, no Kryo, a fixed max parallelism.
 *
 * @param jobName the Flink job name
 * @param parallelism default operator parallelism; 0 leaves Flink's default
 * @param maxParallelism number of key groups; fixed for the life of the job's state
 * @param checkpointInterval how often checkpoints (and so Kafka transactions and lake files) complete
 * @param checkpointTimeout a checkpoint taking longer fails
 * @param checkpointDir durable checkpoint storage URI; null keeps checkpoints in JobManager memory (tests only)
 * @param stateBackend hashmap or rocksdb
 * @param restartAttempts fixed-delay restarts before the job fails; 0 leaves Flink's default (exponential, unbounded)
 * @param restartDelay pause between restarts
 */
public record JobRuntime(
        String jobName,
        int parallelism,
        int maxParallelism,
        Duration checkpointInterval,
        Duration checkpointTimeout,
        String checkpointDir,
        StateBackendKind stateBackend,
        int restartAttempts,
        Duration restartDelay) {

    /** {@code job.name}, with the job's own default. */
    public static Option<String> jobNameOption(String defaultName) {
        return Option.string(
                "job.name",
                defaultName,
                "Flink job name; also the default consumer group and the base of transactional id prefixes.");
    }

    public static Option<Integer> parallelismOption() {
        return Option.integer("job.parallelism", 0, 0, "Default parallelism of every operator; 0 = Flink's default.");
    }

    public static Option<Integer> maxParallelismOption() {
        return Option.integer(
                "job.max-parallelism",
                1,
                128,
                "Key groups of keyed state. Fixed once a job has state: changing it breaks savepoint restore.");
    }

    public static final Option<Duration> CHECKPOINT_INTERVAL = Option.duration(
            "checkpoint.interval",
            "10s",
            "Checkpoint interval. Kafka transactions commit and lake files appear once per checkpoint.");
    public static final Option<Duration> CHECKPOINT_TIMEOUT =
            Option.duration("checkpoint.timeout", "5min", "A checkpoint that takes longer is declared failed.");
    public static final Option<String> CHECKPOINT_DIR = Option.string(
            "checkpoint.dir",
            null,
            "Durable checkpoint storage, e.g. file:///data/checkpoints or s3://bucket/checkpoints.");
    public static final Option<StateBackendKind> STATE_BACKEND = Option.choice(
            "state.backend",
            StateBackendKind.class,
            StateBackendKind.HASHMAP,
            "Keyed state backend; rocksdb uses incremental checkpoints and Bloom filters.");
    public static final Option<Integer> RESTART_ATTEMPTS = Option.integer(
            "restart.attempts",
            0,
            0,
            "Fixed-delay restart attempts before the job fails; 0 = Flink's default (exponential backoff).");
    public static final Option<Duration> RESTART_DELAY =
            Option.duration("restart.delay", "10s", "Delay between fixed-delay restart attempts.");

    /** The runtime options every job has. */
    public static List<Option<?>> options() {
        return List.of(
                parallelismOption(),
                maxParallelismOption(),
                CHECKPOINT_INTERVAL,
                CHECKPOINT_TIMEOUT,
                CHECKPOINT_DIR,
                STATE_BACKEND,
                RESTART_ATTEMPTS,
                RESTART_DELAY);
    }

    public static JobRuntime read(ConfigReader s, String jobName) {
        return new JobRuntime(
                jobName,
                orZero(s.get(parallelismOption())),
                orZero(s.get(maxParallelismOption())),
                s.get(CHECKPOINT_INTERVAL),
                s.get(CHECKPOINT_TIMEOUT),
                s.get(CHECKPOINT_DIR),
                s.get(STATE_BACKEND),
                orZero(s.get(RESTART_ATTEMPTS)),
                s.get(RESTART_DELAY));
    }

    private static int orZero(Integer v) {
        return v == null ? 0 : v;
    }

    public Configuration toConfiguration() {
        Configuration c = new Configuration();
        c.set(PipelineOptions.NAME, jobName);
        c.set(PipelineOptions.GENERIC_TYPES, false);
        c.set(PipelineOptions.AUTO_GENERATE_UIDS, false);
        c.set(PipelineOptions.MAX_PARALLELISM, maxParallelism);
        if (parallelism > 0) {
            c.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        }
        c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, checkpointInterval);
        c.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        c.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, checkpointTimeout);
        c.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        if (checkpointDir != null) {
            c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir);
        }
        c.set(StateBackendOptions.STATE_BACKEND, stateBackend.name().toLowerCase());
        if (stateBackend == StateBackendKind.ROCKSDB) {
            c.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
            // Bloom filters in every SST file: deduplication looks up ids that are mostly absent, and without a
            // filter each miss reads the index and data blocks of every file that could hold the key.
            c.set(RocksDBConfigurableOptions.USE_BLOOM_FILTER, true);
        }
        if (restartAttempts > 0) {
            c.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, restartAttempts);
            c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, restartDelay);
        }
        return c;
    }
}
