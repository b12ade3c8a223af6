package io.eventpipe.aggregate.sinks;

import io.eventpipe.common.config.Secrets;
import java.io.Serializable;
import java.time.Duration;

/**
 * How to reach PostgreSQL. {@link #toString()} never shows the password.
 *
 * @param url JDBC URL, e.g. jdbc:postgresql://db:5432/analytics
 * @param user database user
 * @param password its password (from ${ENV} in config); may be null for trust authentication
 * @param batchSize rows per batch; batches are also flushed on every checkpoint
 * @param batchInterval longest a row waits in a batch
 * @param maxRetries retries of a failed batch before the job fails and restarts
 * @param createTable create the table at start-up when it is missing
 */
public record PostgresSettings(
        String url,
        String user,
        String password,
        int batchSize,
        Duration batchInterval,
        int maxRetries,
        boolean createTable)
        implements Serializable {

    @Override
    public String toString() {
        return "PostgresSettings{url=" + url + ", user=" + user + ", password="
                + (password == null ? "none" : Secrets.MASK) + ", batchSize=" + batchSize + ", batchInterval="
                + batchInterval + ", maxRetries="
                + maxRetries + ", createTable=" + createTable + "}";
    }
}
