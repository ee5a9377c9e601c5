package org.smartguard.commons.scope;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The text after the {@code .} of a clinical scope: v1 {@code read}, {@code write}, {@code *} or v2 letters. */
final class PermissionSuffix {

    /** SMART 2 maps v1 onto v2: {@code read} = rs, {@code write} = cud, {@code *} = cruds. */
    private static final Map<String, Set<Permission>> V1 = Map.of(
            "read", permissions(EnumSet.of(Permission.READ, Permission.SEARCH)),
            "write", permissions(EnumSet.of(Permission.CREATE, Permission.UPDATE, Permission.DELETE)),
            "*", permissions(EnumSet.allOf(Permission.class)));

    record Parsed(ScopeVersion version, Set<Permission> permissions) {
    }

    private PermissionSuffix() {
    }

    /** @throws IllegalArgumentException when the suffix is neither v1 nor an in-order, repeat-free v2 letter string */
    static Parsed parse(String suffix) {
        if (suffix.isEmpty()) {
            throw new IllegalArgumentException("permissions are missing after '.'");
        }
        Set<Permission> v1 = V1.get(suffix);
        return v1 != null ? new Parsed(ScopeVersion.V1, v1) : new Parsed(ScopeVersion.V2, v2Letters(suffix));
    }

    static boolean isV1(Set<Permission> permissions) {
        return V1.containsValue(permissions);
    }

    static String format(ScopeVersion version, Set<Permission> permissions) {
        if (version == ScopeVersion.V1) {
            return V1.entrySet().stream()
                    .filter(entry -> entry.getValue().equals(permissions))
                    .map(Map.Entry::getKey)
                    .findFirst()
                    .orElseThrow();
        }
        return permissions.stream().map(p -> String.valueOf(p.letter())).collect(Collectors.joining());
    }

    private static Set<Permission> v2Letters(String suffix) {
        EnumSet<Permission> permissions = EnumSet.noneOf(Permission.class);
        Permission previous = null;
        for (char letter : suffix.toCharArray()) {
            Permission permission = Permission.fromLetter(letter).orElseThrow(() -> new IllegalArgumentException(
                    "permissions " + Quoted.of(suffix) + " are neither v1 (read, write, *) nor v2 (letters of cruds)"));
            if (permission == previous) {
                throw new IllegalArgumentException("permission '" + letter + "' is repeated");
            }
            // out of order is refused rather than reordered: SMART forbids reading it as any access at all
            if (previous != null && permission.ordinal() < previous.ordinal()) {
                throw new IllegalArgumentException("permission letters must be in the order c, r, u, d, s");
            }
            permissions.add(permission);
            previous = permission;
        }
        return permissions(permissions);
    }

    private static Set<Permission> permissions(EnumSet<Permission> permissions) {
        return Collections.unmodifiableSet(permissions);
    }
}
