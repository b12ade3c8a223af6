package io.eventpipe.cli.run;

import io.eventpipe.aggregate.AggregateConfig;
import io.eventpipe.aggregate.AggregateJob;
import io.eventpipe.ingest.IngestConfig;
import io.eventpipe.ingest.IngestJob;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** One local Flink mini-cluster with the web UI and a Prometheus endpoint, running both jobs. */
final class LocalCluster implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LocalCluster.class);
    private final MiniCluster flink;
    private final JobID ingestJob;
    private final JobID aggregateJob;

    private LocalCluster(MiniCluster flink, JobID ingestJob, JobID aggregateJob) {
        this.flink = flink;
        this.ingestJob = ingestJob;
        this.aggregateJob = aggregateJob;
    }

    static LocalCluster start(int webPort, int metricsPort, IngestConfig ingest, AggregateConfig aggregate)
            throws Exception {
        Configuration config = new Configuration();
        config.set(RestOptions.PORT, webPort);
        config.set(RestOptions.BIND_ADDRESS, "localhost");
        config.setString(
                "metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        config.setString("metrics.reporter.prom.port", Integer.toString(metricsPort));
        MiniCluster flink = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(config)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(4)
                .build());
        try {
            flink.start();
            StreamExecutionEnvironment ingestEnv = StreamExecutionEnvironment.getExecutionEnvironment(
                    ingest.runtime().toConfiguration());
            IngestJob.addTo(ingestEnv, ingest);
            JobID ingestJob = flink.submitJob(ingestEnv.getStreamGraph()).get().getJobID();
            StreamExecutionEnvironment aggregateEnv = StreamExecutionEnvironment.getExecutionEnvironment(
                    aggregate.runtime().toConfiguration());
            AggregateJob.addTo(aggregateEnv, aggregate);
            JobID aggregateJob =
                    flink.submitJob(aggregateEnv.getStreamGraph()).get().getJobID();
            return new LocalCluster(flink, ingestJob, aggregateJob);
        } catch (Exception | Error e) {
            flink.close();
            throw e;
        }
    }

    JobID ingestJob() {
        return ingestJob;
    }

    JobID aggregateJob() {
        return aggregateJob;
    }

    /** Cancels both jobs (if still running) and stops the cluster. */
    @Override
    public void close() throws Exception {
        for (JobID job : List.of(ingestJob, aggregateJob)) {
            try {
                flink.cancelJob(job).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                // finished or failed already; closing the cluster ends it either way
                LOG.debug("cancelling job {}", job, e);
            }
        }
        flink.close();
    }
}
