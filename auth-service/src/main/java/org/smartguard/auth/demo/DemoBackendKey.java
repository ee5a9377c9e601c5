package org.smartguard.auth.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.lang.JoseException;

/**
 * demo-backend's key pair, kept as a private JWK in a file only its owner can read, so the key survives restarts and
 * a person can sign assertions with it. Made once: RSA 2048, RS384, kid = its thumbprint.
 */
final class DemoBackendKey {

    private static final int RSA_BITS = 2048;

    private DemoBackendKey() {
    }

    static PublicJsonWebKey loadOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                PublicJsonWebKey key = PublicJsonWebKey.Factory.newPublicJwk(Files.readString(file));
                if (key.getPrivateKey() == null) {
                    throw new IllegalStateException(file + " holds no private key; delete it to have a new key made");
                }
                return key;
            }
            RsaJsonWebKey key = RsaJwkGenerator.generateJwk(RSA_BITS);
            key.setKeyId(key.calculateBase64urlEncodedThumbprint("SHA-256"));
            key.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA384);
            key.setUse("sig");
            writeOwnerOnly(file, key.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE));
            return key;
        } catch (IOException | JoseException e) {
            throw new IllegalStateException("cannot read or write the demo-backend key file " + file, e);
        }
    }

    /** Written to a mode-600 temporary file first, then moved into place: the key is never readable by others. */
    private static void writeOwnerOnly(Path file, String content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, ".demo-backend-key", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(temp, content);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
