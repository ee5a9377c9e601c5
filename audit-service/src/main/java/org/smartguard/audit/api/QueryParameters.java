package org.smartguard.audit.api;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import jakarta.ws.rs.core.MultivaluedMap;

import org.smartguard.audit.access.AuditApiException;

/** The query parameters of one request, read the same way by every listing: paging values and links to pages. */
public final class QueryParameters {

    public static final String CURSOR = "_cursor";
    public static final String COUNT = "_count";

    private final Map<String, List<String>> values;

    public QueryParameters(MultivaluedMap<String, String> query) {
        this.values = new LinkedHashMap<>(query);
    }

    public Map<String, List<String>> all() {
        return values;
    }

    /** The single value of a parameter, or null; given twice is refused. */
    public String single(String name) {
        List<String> given = values.get(name);
        if (given == null || given.isEmpty()) {
            return null;
        }
        if (given.size() > 1) {
            throw AuditApiException.badParameter(name + " may be given once");
        }
        return given.get(0);
    }

    /** {@code _count}: the default when absent, capped at the maximum. */
    public int count(int defaultSize, int maxSize) {
        String count = single(COUNT);
        if (count == null) {
            return defaultSize;
        }
        try {
            int value = Integer.parseInt(count);
            if (value < 1) {
                throw AuditApiException.badParameter("_count is at least 1");
            }
            return Math.min(value, maxSize);
        } catch (NumberFormatException e) {
            throw AuditApiException.badParameter("_count is a number");
        }
    }

    /** The URL of the same listing starting at {@code cursor} (or of this page when null). */
    public String link(String baseUrl, String cursor) {
        StringJoiner query = new StringJoiner("&");
        values.forEach((name, list) -> {
            if (!name.equals(CURSOR)) {
                list.forEach(value -> query.add(encode(name) + "=" + encode(value)));
            }
        });
        if (cursor != null) {
            query.add(CURSOR + "=" + encode(cursor));
        } else if (single(CURSOR) != null) {
            query.add(CURSOR + "=" + encode(single(CURSOR)));
        }
        return query.length() == 0 ? baseUrl : baseUrl + "?" + query;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
