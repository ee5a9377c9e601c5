package org.smartguard.commons.scope;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Splits a {@code scope} string into scopes and parses each one; the limits keep hostile input cheap. */
final class ScopeParser {

    static final int MAX_SCOPE_STRING_CHARS = 4096;
    static final int MAX_SCOPES = 100;

    private ScopeParser() {
    }

    /**
     * Runs of spaces, and spaces at either end, are tolerated: they change nothing about what is asked. Any other
     * whitespace (tab, newline) is not a separator in RFC 6749 and makes the scope holding it invalid.
     *
     * @throws ScopeParseException only when the string is over a limit
     */
    static ScopeParseResult parse(String scopeString) {
        if (scopeString.length() > MAX_SCOPE_STRING_CHARS) {
            throw new ScopeParseException("scope string is " + scopeString.length()
                    + " characters long; at most " + MAX_SCOPE_STRING_CHARS + " are accepted");
        }
        List<String> tokens = Arrays.stream(scopeString.split(" ")).filter(token -> !token.isEmpty()).toList();
        if (tokens.size() > MAX_SCOPES) {
            throw new ScopeParseException("scope string has " + tokens.size()
                    + " scopes; at most " + MAX_SCOPES + " are accepted");
        }
        List<SmartScope> understood = new ArrayList<>();
        List<RejectedScope> rejected = new ArrayList<>();
        for (String token : tokens) {
            try {
                understood.add(parseToken(token));
            } catch (IllegalArgumentException e) {
                rejected.add(new RejectedScope(token, e.getMessage()));
            }
        }
        return new ScopeParseResult(SmartScopes.of(understood), rejected);
    }

    /** @throws IllegalArgumentException saying why the token is not a scope this suite understands */
    static SmartScope parseToken(String token) {
        if (token.isEmpty()) {
            throw new IllegalArgumentException("a scope cannot be empty");
        }
        ScopeTokenCharacters.check(token);
        Optional<NonClinicalScope> nonClinical = NonClinicalScope.fromScope(token);
        return nonClinical.isPresent() ? nonClinical.get() : ClinicalScopeSyntax.parse(token);
    }

    static Optional<SmartScope> tryParseToken(String token) {
        try {
            return Optional.of(parseToken(token));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
