package org.smartguard.audit.integrity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The link of the tamper-evident chain: {@code hash = SHA-256(UTF-8 bytes of the event JSON exactly as received ||
 * UTF-8 bytes of the previous link's hex hash)}. The JSON as received is the canonical form on purpose: it is what the
 * publisher signed off and what the store keeps byte for byte, so no re-serialization (whose output may change with a
 * HAPI upgrade) can ever make an untouched row look tampered.
 */
public final class ChainHash {

    /** The previous hash of a chain's first event. */
    public static final String GENESIS = "0".repeat(64);

    private ChainHash() {
    }

    public static String of(String eventJson, String previousHash) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(eventJson.getBytes(StandardCharsets.UTF_8));
            sha256.update(previousHash.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
