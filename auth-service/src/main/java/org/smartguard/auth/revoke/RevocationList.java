package org.smartguard.auth.revoke;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.smartguard.auth.token.RevokedAccessToken;
import org.smartguard.commons.tokens.RevokedTokenKeys;

import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * The revoked, unexpired access tokens as verifiers fetch them while Redis is down: each jti only as its SHA-256
 * ({@link RevokedTokenKeys#hash}), with its expiry. Built at most once a second (one indexed query), so however many
 * replicas ask during an outage, the database sees one query a second per auth-service replica.
 */
@ApplicationScoped
public class RevocationList {

    public record Entry(String jti_sha256, long exp) {
    }

    public record Document(List<Entry> revoked) {
    }

    private record Built(Document document, Instant at) {
    }

    private volatile Built last = new Built(new Document(List.of()), Instant.EPOCH);

    public Document current() {
        Instant now = Instant.now();
        Built built = last;
        if (now.isBefore(built.at().plusSeconds(1))) {
            return built.document();
        }
        List<Entry> entries = QuarkusTransaction.requiringNew().call(() -> RevokedAccessToken.findUnexpired(now)).stream()
                .map(row -> new Entry(RevokedTokenKeys.hash(row.jti), row.expiresAt.getEpochSecond()))
                .toList();
        Document document = new Document(entries);
        last = new Built(document, now);
        return document;
    }
}
