package io.eventpipe.common.kafka;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Keeps each Kafka record as bytes plus coordinates and headers; decoding happens downstream, where failures have a
 * home.
 */
public final class RawRecordDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out) {
        RawRecord raw = new RawRecord(
                record.key(), record.value(), record.topic(), record.partition(), record.offset(), record.timestamp());
        // as many as the record holds: the broker bounded the record, so they are bounded by its size. toArray()
        // of a record without headers is a shared empty array: nothing is allocated for the common case
        Header[] headers = record.headers().toArray();
        if (headers.length > 0) {
            String[] keys = new String[headers.length];
            byte[][] values = new byte[headers.length][];
            for (int i = 0; i < headers.length; i++) {
                keys[i] = headers[i].key();
                values[i] = headers[i].value();
            }
            raw.withHeaders(keys, values);
        }
        out.collect(raw);
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }
}
