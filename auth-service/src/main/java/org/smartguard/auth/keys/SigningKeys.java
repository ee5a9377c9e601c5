package org.smartguard.auth.keys;

import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.lang.JoseException;
import org.smartguard.auth.config.AuthConfig;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;

/**
 * The signing keys of the authorization server, kept in the {@code auth} database so every replica signs with
 * the same key. A new key replaces the current one every rotation period (or on demand); a retired key stays in
 * the JWKS for as long as a token it signed can live, so rotation never invalidates a token early. The key that
 * replaces the current one is published a whole rotation ahead (the next key): verifiers fetch the JWKS again only
 * for an unknown kid and at most every so often (JwksKeySource's refetch floor), so a key they first met in a token
 * right after they had fetched would be refused until the floor passed; a key published before the rotation is
 * one they already hold.
 */
@ApplicationScoped
public class SigningKeys {

    private static final Logger LOG = Logger.getLogger(SigningKeys.class);
    private static final String ALGORITHM = "RS256";
    private static final int RSA_BITS = 2048;
    /** Serializes rotations across replicas (any constant works; this one spells "SGKEYROT"). */
    private static final long ROTATION_LOCK = 0x53474B4559524F54L;
    /** How long a replica may sign with a key another replica has just retired. */
    private static final Duration CACHE_TTL = Duration.ofSeconds(30);

    /** What signs right now: the key id and the private key. */
    public record ActiveKey(String kid, PrivateKey privateKey) {
    }

    private final AuthConfig config;
    private final EntityManager entityManager;
    private volatile ActiveKey active;
    private volatile Instant activeLoadedAt = Instant.EPOCH;

    SigningKeys(AuthConfig config, EntityManager entityManager) {
        this.config = config;
        this.entityManager = entityManager;
    }

    /** A current key and a next key exist after start-up (a key from before next keys existed becomes current). */
    @Transactional
    void createFirstKeys(@Observes StartupEvent start) {
        lockRotation();
        Instant now = Instant.now();
        if (SigningKey.findCurrent().isEmpty()) {
            SigningKey first = SigningKey.findNext().orElseGet(() -> createKey(now));
            first.activatedAt = first.createdAt;
        }
        if (SigningKey.findNext().isEmpty()) {
            createKey(now);
        }
    }

    /** The key to sign with, reloaded from the database at most every 30 s. */
    public ActiveKey active() {
        ActiveKey key = active;
        if (key == null || Instant.now().isAfter(activeLoadedAt.plus(CACHE_TTL))) {
            key = loadActive();
        }
        return key;
    }

    @Transactional
    ActiveKey loadActive() {
        SigningKey current = SigningKey.findCurrent().orElseThrow(() -> new IllegalStateException("no signing key"));
        ActiveKey key = new ActiveKey(current.kid, privateKey(current.privateKey));
        active = key;
        activeLoadedAt = Instant.now();
        return key;
    }

    /** Retires the current key, makes the next key current and publishes a new next key; returns the new current kid. */
    @Transactional
    public String rotate() {
        lockRotation();
        Instant now = Instant.now();
        SigningKey.findCurrent().ifPresent(current -> current.retiredAt = now);
        SigningKey promoted = SigningKey.findNext().orElseGet(() -> createKey(now));
        promoted.activatedAt = now;
        String next = createKey(now).kid;
        active = null;
        LOG.infof("signing key rotated: kid %s signs now, kid %s is published as the next key", promoted.kid, next);
        return promoted.kid;
    }

    @Scheduled(every = "${smartguard.auth.key-rotation-check:1m}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    @Transactional
    void rotateWhenDue() {
        lockRotation();
        SigningKey.findCurrent()
                .filter(current -> current.activatedAt.plus(config.keyRotationPeriod()).isBefore(Instant.now()))
                .ifPresent(due -> rotate());
    }

    /**
     * The public keys a verifier needs: the current and the next key, every key retired within the longest token
     * lifetime, and always the last retired one.
     */
    @Transactional
    public JsonWebKeySet publishedKeys() {
        Instant horizon = Instant.now().minus(config.accessTokenLifetime()).minus(Duration.ofMinutes(1));
        List<SigningKey> keys = new ArrayList<>(SigningKey.findVerifying(horizon));
        SigningKey.findLastRetired().filter(last -> keys.stream().noneMatch(k -> k.kid.equals(last.kid))).ifPresent(keys::add);
        JsonWebKeySet set = new JsonWebKeySet();
        for (SigningKey key : keys) {
            try {
                set.addJsonWebKey(JsonWebKey.Factory.newJwk(key.publicJwk));
            } catch (JoseException e) {
                throw new IllegalStateException("stored public key " + key.kid + " is unreadable", e);
            }
        }
        return set;
    }

    private void lockRotation() {
        entityManager.createNativeQuery("SELECT pg_advisory_xact_lock(" + ROTATION_LOCK + ")").getSingleResult();
    }

    /** A new key, not yet signing (the next key until a rotation activates it). */
    private static SigningKey createKey(Instant now) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(RSA_BITS);
            KeyPair pair = generator.generateKeyPair();
            RsaJsonWebKey jwk = new RsaJsonWebKey((java.security.interfaces.RSAPublicKey) pair.getPublic());
            jwk.setKeyId(jwk.calculateBase64urlEncodedThumbprint("SHA-256"));
            jwk.setAlgorithm(ALGORITHM);
            jwk.setUse("sig");
            SigningKey key = new SigningKey();
            key.kid = jwk.getKeyId();
            key.algorithm = ALGORITHM;
            key.publicJwk = jwk.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
            key.privateKey = Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded());
            key.createdAt = now;
            key.persist();
            return key;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot create a signing key", e);
        }
    }

    private static PrivateKey privateKey(String pkcs8) {
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pkcs8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("stored signing key is unreadable", e);
        }
    }

    /** The JWKS document, as a JSON-ready map. */
    public Map<String, Object> jwksDocument() {
        try {
            return JsonUtil.parseJson(publishedKeys().toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
        } catch (JoseException e) {
            throw new IllegalStateException("cannot render the JWKS", e);
        }
    }
}
