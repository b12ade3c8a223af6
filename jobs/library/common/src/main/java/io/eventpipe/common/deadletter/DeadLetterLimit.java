package io.eventpipe.common.deadletter;

import java.io.Serializable;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.function.Consumer;

/**
 * Makes every dead letter fit its topic. A letter whose key, value and carried input headers exceed {@code
 * maxRecordBytes} goes whole to the archive and, cut, to the topic: prefixes of key and value, the original sizes,
 * the SHA-256 of the value and the archive directory that holds it, and the input headers where they still fit
 * (else their count, {@link DeadLetterHeaders#HEADERS_DROPPED}).
 *
 * @param maxRecordBytes the most key, value and input-header bytes a dead-letter record may carry
 * @param archiveRoot where whole records are archived ({@link DeadLetterArchive})
 */
public record DeadLetterLimit(long maxRecordBytes, String archiveRoot) implements Serializable {
    /** A cut letter keeps at most this much of the key; the rest of the budget goes to the value. */
    public static final int MAX_CUT_KEY_BYTES = 1024;

    /** Sends {@code d} whole to {@code topic}, or whole to {@code archive} and cut to {@code topic}. */
    public void route(DeadLetter d, Consumer<DeadLetter> topic, Consumer<DeadLetter> archive) {
        long headerBytes = d.carriedHeaderBytes();
        if (d.size() + headerBytes <= maxRecordBytes) {
            topic.accept(d);
        } else {
            archive.accept(d);
            topic.accept(cut(d, headerBytes));
        }
    }

    /** {@code d} cut to fit, where {@code headerBytes} is what its carried input headers take. */
    DeadLetter cut(DeadLetter d, long headerBytes) {
        int keyKeep = d.key == null ? 0 : (int) Math.min(d.key.length, Math.min(MAX_CUT_KEY_BYTES, maxRecordBytes));
        // the input headers stay where they take at most half of what the key leaves; else only their count does
        boolean keepHeaders = headerBytes <= (maxRecordBytes - keyKeep) / 2;
        long valueRoom = maxRecordBytes - keyKeep - (keepHeaders ? headerBytes : 0);
        int valueKeep = d.value == null ? 0 : (int) Math.min(d.value.length, valueRoom);
        DeadLetter c = d.withBytes(
                d.key == null ? null : Arrays.copyOf(d.key, keyKeep),
                d.value == null ? null : Arrays.copyOf(d.value, valueKeep));
        c.cut = true;
        c.originalKeyBytes = d.key == null ? -1 : d.key.length;
        c.originalValueBytes = d.value == null ? -1 : d.value.length;
        c.valueSha256 = d.value == null ? null : sha256(d.value);
        c.archive = archiveRoot + "/" + DeadLetterArchive.bucket(d.timestamp) + "/";
        if (!keepHeaders) {
            c.headersDropped = d.carriedHeaders();
            c.headerKeys = null;
            c.headerValues = null;
        }
        return c;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
