package io.eventpipe.common.serde;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Whether bytes are well-formed UTF-8: no overlong forms, no encoded surrogates, nothing beyond U+10FFFF, no cut or
 * stray sequences. Java's decoder is strict in this; Jackson's and Avro's are not (they turn such bytes into other
 * characters, so an id could silently change). Plain ASCII, the usual case, is checked without decoding. Not
 * thread-safe.
 */
final class StrictUtf8 {
    private final CharsetDecoder decoder = StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    boolean valid(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (bytes[i] < 0) {
                try {
                    decoder.reset().decode(ByteBuffer.wrap(bytes, offset, length));
                    return true;
                } catch (CharacterCodingException e) {
                    return false;
                }
            }
        }
        return true;
    }
}
