package org.smartguard.commons.scope;

/**
 * The permission syntax a clinical scope was written in: V1 ({@code .read}, {@code .write}, {@code .*}) or V2
 * ({@code .cruds} letters). Kept so a v1 request can be answered with v1 scopes (SMART asks servers to).
 */
public enum ScopeVersion {
    V1,
    V2
}
